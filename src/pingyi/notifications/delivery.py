"""Delivering messages: claim, send (merged into digests), record, retry or give up.

Crash safety (docs/notifications.md): a message is *claimed* before its request goes out
(state ``sending``, a claim token, a lease of :data:`LEASE`), committed on its own. A process
that dies before the claim leaves it ``pending``: the next run (the task on commit, or the
periodic one every minute) sends it once. A process that dies after the claim, while the robot
is answering, leaves it ``sending``: the robot may or may not have shown it, so when the lease
has expired it becomes ``uncertain`` — never resent blindly — and the office decides on the
delivery log (resend, or leave it). Every request is a :class:`DeliveryAttempt` row.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from pingyi.notifications import robots
from pingyi.notifications.crypto import SecretUnreadable, decrypt
from pingyi.notifications.models import (
    Channel,
    ChannelKind,
    DeliveryAttempt,
    Message,
    MessageState,
)

log = logging.getLogger("pingyi.notifications")

#: how long a claim holds: far longer than one request (``PINGYI_NOTIFY_TIMEOUT``) times the
#: requests one run may make to a robot within its rate limit
LEASE = timedelta(minutes=5)
#: messages one run claims per channel
BATCH = 500

_BASES: dict[str, str] = {
    ChannelKind.WECOM: "PINGYI_WECOM_BASE",
    ChannelKind.DINGTALK: "PINGYI_DINGTALK_BASE",
    ChannelKind.FEISHU: "PINGYI_FEISHU_BASE",
}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str
    duration_ms: int


def _timeout() -> float:
    return float(getattr(settings, "PINGYI_NOTIFY_TIMEOUT", 10))


def _now_s() -> float:
    """This server's clock, for the robots' signed timestamps."""
    return time.time()


def _scrub(text: str, *secrets: str) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, robots.mask(secret))
    return text[:2000]


def send(channel: Channel, title: str, text: str) -> Outcome:
    """One request to the channel now (or one e-mail): what happened, never raising."""
    started = time.monotonic()
    if channel.kind == ChannelKind.EMAIL:
        return _send_email(channel, title, text, started)
    try:
        url = decrypt(channel.url_encrypted)
        secret = decrypt(channel.secret_encrypted)
    except SecretUnreadable as exc:
        return Outcome(False, None, str(exc), 0)
    token = robots.parse_webhook(channel.kind, url).token
    query, body = robots.payload(
        channel.kind, title=title, text=text, secret=secret, now_s=_now_s()
    )
    target = robots.with_query(
        robots.rebase(url, getattr(settings, _BASES[channel.kind], "")), query
    )
    request = urllib.request.Request(  # noqa: S310 (http(s) only: parse_webhook and the base)
        target,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    status: int | None = None
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as answer:  # nosec B310 # noqa: S310 (http(s) only: parse_webhook checks the scheme)
            status = answer.status
            data = answer.read(64 * 1024)
        error = robots.robot_answer(channel.kind, status, data)
    except urllib.error.HTTPError as exc:
        status = exc.code
        error = robots.robot_answer(channel.kind, exc.code, exc.read(2000) if exc.fp else b"")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{type(exc).__name__}: {reason}"
    duration = int((time.monotonic() - started) * 1000)
    return Outcome(error is None, status, _scrub(error or "", token, secret), duration)


def _send_email(channel: Channel, title: str, text: str, started: float) -> Outcome:
    try:
        connection = get_connection(timeout=_timeout())
        EmailMessage(subject=title, body=text, to=[channel.email], connection=connection).send()
        error = ""
    except Exception as exc:  # SMTP, socket, TLS: each is a failed attempt, retried
        error = f"{type(exc).__name__}: {exc}"
    duration = int((time.monotonic() - started) * 1000)
    password = getattr(settings, "EMAIL_HOST_PASSWORD", "")
    return Outcome(not error, None, _scrub(error, password), duration)


def next_slot(channel: Channel, now: datetime) -> datetime | None:
    """When the robot's rate limit lets the next request go; None: now."""
    limits = robots.LIMITS[channel.kind]
    waits: list[datetime] = []
    for per, window in ((limits.per_minute, 60), (limits.per_second, 1)):
        if per is None:
            continue
        since = now - timedelta(seconds=window)
        recent = list(
            DeliveryAttempt.objects.filter(channel=channel, at__gt=since)
            .order_by("-at")
            .values_list("at", flat=True)[:per]
        )
        if len(recent) >= per:
            waits.append(recent[-1] + timedelta(seconds=window))
    return max(waits) if waits else None


def record(
    channel: Channel,
    outcome: Outcome,
    now: datetime,
    messages: list[Message],
    *,
    test: bool = False,
) -> DeliveryAttempt:
    attempt = DeliveryAttempt.objects.create(
        channel=channel,
        at=now,
        ok=outcome.ok,
        test=test,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    if messages:
        attempt.messages.add(*messages)
    return attempt


def expire_leases(now: datetime) -> int:
    """``sending`` messages whose lease has run out (their sender died mid-request) become
    ``uncertain``: shown to the office, never resent on their own."""
    stale = Message.objects.filter(state=MessageState.SENDING, lease_until__lt=now)
    count = 0
    for pk, channel_id in stale.values_list("pk", "channel_id"):
        count += Message.objects.filter(
            pk=pk, state=MessageState.SENDING, lease_until__lt=now
        ).update(state=MessageState.UNCERTAIN, claim="", lease_until=None)
        log.warning(
            "message %s to channel #%s: sender died mid-request, now uncertain", pk, channel_id
        )
    return count


def deliver_due(now: datetime | None = None) -> int:
    """Sends everything due, channel by channel; returns how many requests (or e-mails) went.
    Run on commit after ``notify`` and every minute by the task queue."""
    now = now or timezone.now()
    expire_leases(now)
    channel_ids = sorted(
        set(
            Message.objects.filter(
                state=MessageState.PENDING, next_attempt_at__lte=now, channel__enabled=True
            ).values_list("channel_id", flat=True)
        )
    )
    return sum(deliver_channel(pk, now) for pk in channel_ids)


def _release(messages: list[Message], when: datetime) -> None:
    Message.objects.filter(pk__in=[m.pk for m in messages], state=MessageState.SENDING).update(
        state=MessageState.PENDING, claim="", lease_until=None, next_attempt_at=when
    )


def deliver_channel(channel_id: int, now: datetime) -> int:
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    due = list(
        Message.objects.filter(
            channel=channel, state=MessageState.PENDING, next_attempt_at__lte=now
        )
        .order_by("created", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not due or not channel.enabled:
        return 0
    wait = next_slot(channel, now)
    if wait is not None:
        Message.objects.filter(pk__in=due, state=MessageState.PENDING).update(next_attempt_at=wait)
        return 0
    claim = uuid.uuid4().hex
    with transaction.atomic():  # committed before any request goes out
        Message.objects.filter(pk__in=due, state=MessageState.PENDING).update(
            state=MessageState.SENDING, claim=claim, lease_until=now + LEASE
        )
    claimed = list(
        Message.objects.filter(claim=claim, state=MessageState.SENDING).order_by("created", "pk")
    )
    limit = robots.LIMITS[channel.kind].max_bytes
    if len(claimed) == 1:
        m = claimed[0]
        text = robots.cut_utf8(robots.message_text(m.title, m.markdown, m.link), limit)
        chunks = [(m.title, text, claimed)]
    else:
        chunks = []
        rest = claimed
        for out in robots.digest([(m.title, m.link) for m in claimed], limit):
            chunks.append((out.title, out.markdown, rest[: out.count]))
            rest = rest[out.count :]
    sent = 0
    for index, (title, text, carried) in enumerate(chunks):
        wait = next_slot(channel, now)
        if wait is not None:
            _release([m for _t, _x, ms in chunks[index:] for m in ms], wait)
            break
        outcome = send(channel, title, text)
        sent += 1
        with transaction.atomic():
            record(channel, outcome, now, carried)
            if outcome.ok:
                Message.objects.filter(pk__in=[m.pk for m in carried], claim=claim).update(
                    state=MessageState.SENT, claim="", lease_until=None, sent_at=now
                )
            else:
                _failed(channel, carried, outcome, now)
    return sent


def _failed(channel: Channel, messages: list[Message], outcome: Outcome, now: datetime) -> None:
    for m in messages:
        attempts = m.attempts + 1
        if robots.gives_up(m.created, attempts, now):
            Message.objects.filter(pk=m.pk).update(
                state=MessageState.FAILED, attempts=attempts, claim="", lease_until=None
            )
            log.warning(
                "message %s to channel #%s given up after %s attempts: %s",
                m.pk,
                channel.pk,
                attempts,
                outcome.error,
            )
        else:
            Message.objects.filter(pk=m.pk).update(
                state=MessageState.PENDING,
                attempts=attempts,
                claim="",
                lease_until=None,
                next_attempt_at=now + robots.backoff(attempts),
            )
