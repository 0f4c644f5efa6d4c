"""What the notification pages and the command line read."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from pingyi.notifications.models import Channel, DeliveryAttempt, Message, MessageState


def channels() -> QuerySet[Channel]:
    return Channel.objects.select_related("unit").annotate(
        n_pending=Count("messages", distinct=True)
    )


def channels_of_unit(unit_id: int) -> QuerySet[Channel]:
    return Channel.objects.select_related("unit").filter(unit_id=unit_id)


def delivery_log(
    *, channel_id: int | None = None, state: str | None = None, limit: int = 200
) -> list[Message]:
    """The newest messages (with their attempts), filtered by channel and state."""
    messages = Message.objects.select_related("channel", "channel__unit").prefetch_related(
        Prefetch("deliveries", queryset=DeliveryAttempt.objects.order_by("at", "pk"))
    )
    if channel_id is not None:
        messages = messages.filter(channel_id=channel_id)
    if state in MessageState.values:
        messages = messages.filter(state=state)
    return list(messages.order_by("-created", "-pk")[:limit])


def test_attempts(*, channel_id: int | None = None, limit: int = 20) -> list[DeliveryAttempt]:
    attempts = DeliveryAttempt.objects.select_related("channel", "channel__unit").filter(test=True)
    if channel_id is not None:
        attempts = attempts.filter(channel_id=channel_id)
    return list(attempts.order_by("-at", "-pk")[:limit])


def attention_count() -> int:
    """Messages the office should look at: uncertain or failed."""
    return Message.objects.filter(state__in=[MessageState.UNCERTAIN, MessageState.FAILED]).count()
