"""What writes: ``notify`` (the one entry point for other apps), the channels (add, enable or
disable, delete, a test message) and the office's resend. Channel changes and test messages
go to the audit trail, with the masked address only — never a token or a secret."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.core.errors import Refusal
from pingyi.notifications import robots
from pingyi.notifications.crypto import encrypt
from pingyi.notifications.delivery import Outcome, record, send
from pingyi.notifications.models import (
    Channel,
    ChannelKind,
    InboxEntry,
    Message,
    MessageState,
    OwnerKind,
)
from pingyi.orgs.models import Unit

log = logging.getLogger("pingyi.notifications")


class NotificationError(Refusal):
    code = "notification"


class Office:
    """The office as a recipient: ``notify(recipients=[OFFICE, …])``."""

    def __repr__(self) -> str:
        return "OFFICE"


OFFICE = Office()

#: a recipient: a unit, a leader's name as written in an item's 责任领导, or the office
Recipient = Unit | str | Office

TEST_TITLE = "评议系统测试消息"
TEST_TEXT = "这是一条测试消息：此通道可以收到督办提醒。"


def _owner(recipient: Recipient) -> tuple[str, dict[str, object]]:
    if isinstance(recipient, Unit):
        return f"unit:{recipient.code}", {"owner_kind": OwnerKind.UNIT, "unit": recipient}
    if isinstance(recipient, Office):
        return "office", {"owner_kind": OwnerKind.OFFICE}
    name = " ".join(str(recipient).split())
    return f"leader:{name}", {"owner_kind": OwnerKind.LEADER, "leader": name}


def notify(
    *, recipients: Sequence[Recipient], title: str, markdown: str, link: str, key: str
) -> int:
    """Writes the in-app record and one :class:`Message` per enabled channel of each
    recipient, inside the caller's transaction; the same ``key`` and channel never make a
    second message (a unique constraint), nor the same key and recipient a second inbox
    entry. Delivery is scheduled on commit; the periodic task drains whatever is due, so a
    lost task loses nothing. Returns how many channel messages were created."""
    if not key or len(key) > 200:
        raise NotificationError(_("A notification needs a key of 1 to 200 characters."))
    title = robots.cut_utf8(" ".join(title.split()), 600)[:200]
    link = link[:2000]
    now = timezone.now()
    created = 0
    seen: set[str] = set()
    with transaction.atomic():
        for recipient in recipients:
            owner, fields = _owner(recipient)
            if owner in seen or owner == "leader:":
                continue
            seen.add(owner)
            unit = fields.get("unit")
            InboxEntry.objects.bulk_create(
                [
                    InboxEntry(
                        owner=owner,
                        unit=unit if isinstance(unit, Unit) else None,
                        key=key,
                        title=title,
                        markdown=markdown,
                        link=link,
                    )
                ],
                ignore_conflicts=True,
            )
            for channel in Channel.objects.filter(enabled=True, **fields):
                try:
                    with transaction.atomic():
                        Message.objects.create(
                            channel=channel,
                            key=key,
                            title=title,
                            markdown=markdown,
                            link=link,
                            next_attempt_at=now,
                        )
                except IntegrityError:
                    continue  # already made for this key: a repeated sweep sends nothing
                created += 1
        if created:
            transaction.on_commit(schedule_delivery)
    return created


def schedule_delivery() -> None:
    """Enqueues a delivery now; if the queue is unreachable the periodic task (every minute)
    delivers anyway, so this never fails the caller."""
    try:
        from pingyi.notifications.tasks import deliver_now  # noqa: PLC0415 (huey's Django app loads the tasks; the services need them only after a commit)

        deliver_now()
    except Exception:
        log.warning("could not enqueue a delivery; the periodic task will send it", exc_info=True)


# --- channels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    kind: str  # OwnerKind
    unit: Unit | None = None
    leader: str = ""


def channel_add(
    *,
    kind: str,
    owner: Owner,
    url: str = "",
    secret: str = "",
    email: str = "",
    label: str = "",
    actor: str | None = None,
) -> Channel:
    """A new channel; the webhook URL exactly as the chat app gives it (checked against the
    robot's shape), its token and the signing secret stored encrypted only."""
    if kind not in robots.KINDS:
        raise NotificationError(
            _("%(kind)s is not a channel kind: use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(robots.KINDS)}
        )
    fields: dict[str, object] = {"owner_kind": owner.kind, "kind": kind, "label": label[:100]}
    if owner.kind == OwnerKind.UNIT:
        if owner.unit is None:
            raise NotificationError(_("A unit's channel needs the unit."))
        fields["unit"] = owner.unit
    elif owner.kind == OwnerKind.LEADER:
        name = " ".join(owner.leader.split())
        if not name or len(name) > 100:
            raise NotificationError(
                _("A leader's channel needs the leader's name (at most 100 characters).")
            )
        fields["leader"] = name
    elif owner.kind != OwnerKind.OFFICE:
        raise NotificationError(_("A channel is a unit's, a leader's or the office's."))
    if kind == ChannelKind.EMAIL:
        address = email.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise NotificationError(
                _("%(address)s is not an e-mail address.") % {"address": address[:100] or '""'}
            ) from None
        if url or secret:
            raise NotificationError(_("An e-mail channel takes an address, not a webhook URL."))
        fields["email"] = address
        masked = address
    else:
        if email:
            raise NotificationError(_("A chat robot takes a webhook URL, not an e-mail address."))
        try:
            hook = robots.parse_webhook(kind, url)
        except robots.WebhookProblem as exc:
            raise NotificationError(str(exc)) from None
        secret = secret.strip()
        if len(secret) > 200 or any(ch.isspace() for ch in secret):
            raise NotificationError(_("The signing secret is one word of at most 200 characters."))
        if kind == ChannelKind.WECOM and secret:
            raise NotificationError(_("WeCom robots do not sign: give no secret."))
        fields["url_masked"] = masked = hook.masked
        fields["url_encrypted"] = encrypt(hook.url)
        fields["secret_encrypted"] = encrypt(secret)
    with transaction.atomic():
        channel = Channel.objects.create(**fields)
        audit_log(
            actor=actor,
            action="notifications.channel.added",
            target=f"channel:{channel.pk}",
            data={
                "kind": kind,
                "owner": _owner_text(channel),
                "address": masked,
                "signed": bool(secret),
            },
        )
    return channel


def _owner_text(channel: Channel) -> str:
    if channel.owner_kind == OwnerKind.UNIT and channel.unit is not None:
        return f"unit:{channel.unit.code}"
    if channel.owner_kind == OwnerKind.LEADER:
        return f"leader:{channel.leader}"
    return "office"


def channel_set_enabled(channel: Channel, enabled: bool, *, actor: str | None = None) -> None:
    with transaction.atomic():
        Channel.objects.filter(pk=channel.pk).update(enabled=enabled)
        channel.enabled = enabled
        audit_log(
            actor=actor,
            action="notifications.channel.enabled" if enabled else "notifications.channel.disabled",
            target=f"channel:{channel.pk}",
            data={"owner": _owner_text(channel), "address": channel.address},
        )


def channel_delete(channel: Channel, *, actor: str | None = None) -> None:
    """Deletes the channel with its messages and delivery log (disable keeps them)."""
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="notifications.channel.deleted",
            target=f"channel:{channel.pk}",
            data={"kind": channel.kind, "owner": _owner_text(channel), "address": channel.address},
        )
        channel.delete()


def channel_test(
    channel: Channel, *, actor: str | None = None, now: datetime | None = None
) -> Outcome:
    """Sends a test message now (the robot's rate limit aside: one person pressing a button)
    and records it in the delivery log and the audit trail."""
    outcome = send(channel, TEST_TITLE, robots.message_text(TEST_TITLE, TEST_TEXT, ""))
    with transaction.atomic():
        record(channel, outcome, now or timezone.now(), [], test=True)
        audit_log(
            actor=actor,
            action="notifications.channel.tested",
            target=f"channel:{channel.pk}",
            data={
                "address": channel.address,
                "ok": outcome.ok,
                "status": outcome.status_code,
                "error": outcome.error[:300],
            },
        )
    return outcome


def message_resend(message: Message, *, actor: str | None = None) -> None:
    """The office's decision on an ``uncertain`` or ``failed`` message: send it again."""
    if message.state not in (MessageState.UNCERTAIN, MessageState.FAILED):
        raise NotificationError(
            _("Only an uncertain or failed message can be sent again; this one is %(state)s.")
            % {"state": message.get_state_display()}
        )
    with transaction.atomic():
        changed = Message.objects.filter(
            pk=message.pk, state__in=[MessageState.UNCERTAIN, MessageState.FAILED]
        ).update(state=MessageState.PENDING, attempts=0, next_attempt_at=timezone.now())
        if changed:
            audit_log(
                actor=actor,
                action="notifications.message.resent",
                target=f"message:{message.pk}",
                data={"channel": message.channel_id, "key": message.key},
            )
            transaction.on_commit(schedule_delivery)
