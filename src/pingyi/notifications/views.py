"""The office's notification pages: the channels (add, disable or enable, delete, send a test
message now) and the delivery log (every message and attempt; resend an uncertain or failed
one). Office only (``notifications.manage``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.notifications import selectors, services
from pingyi.notifications.models import Channel, ChannelKind, Message, MessageState, OwnerKind
from pingyi.orgs.models import Unit


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChannelKind.choices)
    owner_kind = forms.ChoiceField(label=gettext_lazy("For"), choices=OwnerKind.choices)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.order_by("order", "code"),
        required=False,
        help_text=gettext_lazy("For a unit's channel."),
    )
    leader = forms.CharField(
        label=gettext_lazy("Leader"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For a leader's channel: the name as written in 责任领导."),
    )
    url = forms.CharField(
        label=gettext_lazy("Webhook URL"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("For a chat robot: the URL exactly as the chat app gives it."),
    )
    secret = forms.CharField(
        label=gettext_lazy("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("DingTalk 加签 (SEC…) or Feishu 签名校验, if the robot has one."),
    )
    email = forms.CharField(label=gettext_lazy("E-mail address"), max_length=254, required=False)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=100, required=False)


def _channel(request: HttpRequest) -> Channel | None:
    raw = request.POST.get("channel", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    return Channel.objects.select_related("unit").filter(pk=int(raw)).first()


@login_required
@permission_required("notifications.manage", raise_exception=True)
def channels(request: HttpRequest) -> HttpResponse:
    actor = request.user.get_username()
    form = ChannelForm()
    if request.method == "POST":
        action = request.POST.get("action", "add")
        if action == "add":
            form = ChannelForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                owner = services.Owner(
                    data["owner_kind"], unit=data["unit"], leader=data["leader"] or ""
                )
                try:
                    channel = services.channel_add(
                        kind=data["kind"],
                        owner=owner,
                        url=data["url"] or "",
                        secret=data["secret"] or "",
                        email=data["email"] or "",
                        label=data["label"] or "",
                        actor=actor,
                    )
                except services.NotificationError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("Channel %(id)s was added: %(address)s")
                        % {"id": channel.pk, "address": channel.address},
                    )
                    return redirect("notifications:channels")
        else:
            target = _channel(request)
            if target is None:
                messages.error(request, _("No such channel."))
            elif action == "test":
                outcome = services.channel_test(target, actor=actor)
                if outcome.ok:
                    messages.success(
                        request,
                        _("Channel %(id)s took the test message (%(ms)s ms).")
                        % {"id": target.pk, "ms": outcome.duration_ms},
                    )
                else:
                    messages.error(
                        request,
                        _("The test message to channel %(id)s failed: %(error)s")
                        % {"id": target.pk, "error": outcome.error},
                    )
            elif action in ("disable", "enable"):
                services.channel_set_enabled(target, action == "enable", actor=actor)
                messages.success(request, _("Channel %(id)s was changed.") % {"id": target.pk})
            elif action == "delete":
                pk = target.pk
                services.channel_delete(target, actor=actor)
                messages.success(request, _("Channel %(id)s was deleted.") % {"id": pk})
            else:
                messages.error(request, _("Unknown action."))
            return redirect("notifications:channels")
    rows = list(selectors.channels())
    groups: list[tuple[str, list[Channel]]] = [
        (str(label), [c for c in rows if c.owner_kind == value])
        for value, label in OwnerKind.choices
    ]
    return render(
        request,
        "notifications/channels.html",
        {
            "form": form,
            "groups": groups,
            "tests": selectors.test_attempts(),
            "attention": selectors.attention_count(),
        },
    )


@login_required
@permission_required("notifications.manage", raise_exception=True)
def delivery_log(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = request.POST.get("message", "")
        message = (
            Message.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        )
        if message is None:
            messages.error(request, _("No such message."))
        else:
            try:
                services.message_resend(message, actor=request.user.get_username())
            except services.NotificationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The message will be sent again."))
        return redirect(request.get_full_path())
    channel_raw = request.GET.get("channel", "")
    channel_id = int(channel_raw) if channel_raw.isdigit() and len(channel_raw) < 12 else None
    state = request.GET.get("state", "")
    rows = selectors.delivery_log(channel_id=channel_id, state=state or None)
    context: dict[str, Any] = {
        "rows": rows,
        "channels": list(selectors.channels()),
        "states": MessageState.choices,
        "chosen": {"channel": channel_id, "state": state},
        "tests": selectors.test_attempts(channel_id=channel_id),
    }
    return render(request, "notifications/log.html", context)
