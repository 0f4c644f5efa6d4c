"""Channels, messages, delivery attempts and the in-app inbox.

A channel's webhook URL is stored twice: masked in plain (``…?key=abcd****``, for the pages
and the log) and whole only encrypted (``crypto.py``), with the robot's signing secret.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.orgs.models import Unit


class OwnerKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    LEADER = "leader", _("Leader")
    OFFICE = "office", _("The office")


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu/Lark robot")
    EMAIL = "email", _("E-mail")


class Channel(models.Model):
    owner_kind = models.CharField(_("for"), max_length=10, choices=OwnerKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    leader = models.CharField(_("leader"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True)
    url_masked = models.CharField(_("webhook URL"), max_length=2100, blank=True)
    url_encrypted = models.TextField(blank=True)
    secret_encrypted = models.TextField(blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner_kind", "unit__order", "unit__code", "leader", "pk"]
        constraints = [
            models.CheckConstraint(
                name="notifications_channel_owner",
                condition=(
                    models.Q(owner_kind="unit", unit__isnull=False, leader="")
                    | models.Q(owner_kind="leader", unit__isnull=True) & ~models.Q(leader="")
                    | models.Q(owner_kind="office", unit__isnull=True, leader="")
                ),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.owner_label}"

    @property
    def owner_label(self) -> str:
        if self.owner_kind == OwnerKind.UNIT and self.unit is not None:
            return self.unit.label
        if self.owner_kind == OwnerKind.LEADER:
            return self.leader
        return str(OwnerKind.OFFICE.label)

    @property
    def address(self) -> str:
        """Where it goes, as shown: the masked webhook URL or the e-mail address."""
        return self.email if self.kind == ChannelKind.EMAIL else self.url_masked


class MessageState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    UNCERTAIN = "uncertain", _("uncertain")


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    markdown = models.TextField(blank=True)
    link = models.CharField(max_length=2000, blank=True)
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    #: while ``sending``: who claimed it and until when (docs/notifications.md, crash safety)
    claim = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "key"], name="notifications_message_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.key} → #{self.channel_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One HTTP request or e-mail: the messages it carried (several for a digest; none for a
    test message), its answer and how long it took."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="attempts")
    messages = models.ManyToManyField(Message, related_name="deliveries", blank=True)
    at = models.DateTimeField(db_index=True)
    ok = models.BooleanField(default=False)
    test = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        outcome = "ok" if self.ok else self.error[:60]
        return f"#{self.channel_id} {self.at:%Y-%m-%d %H:%M:%S} {outcome}"


class InboxEntry(models.Model):
    """The in-app record of a notification (always written, whatever the channels)."""

    #: ``unit:<code>``, ``leader:<name>`` or ``office``: one entry per recipient and key
    owner = models.CharField(max_length=120)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    markdown = models.TextField(blank=True)
    link = models.CharField(max_length=2000, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="notifications_inbox_once")
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.title}"
