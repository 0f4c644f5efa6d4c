"""notify and the delivery, against fake robots that check the signatures and a real SMTP
server: retries, giving up, the rate limit, digests, crash safety."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from pingyi.notifications import delivery
from pingyi.notifications.models import (
    Channel,
    DeliveryAttempt,
    InboxEntry,
    Message,
    MessageState,
    OwnerKind,
)
from pingyi.notifications.services import OFFICE, Owner, channel_add, channel_test, notify
from tests.notifications.fakes import DINGTALK_SECRET, FEISHU_SECRET, FakeRobots

pytestmark = pytest.mark.django_db


def _unit_channel(unit: Any, kind: str, robots: FakeRobots, secret: str = "") -> Channel:
    url = {"wecom": robots.wecom_url, "dingtalk": robots.dingtalk_url, "feishu": robots.feishu_url}[
        kind
    ]()
    return channel_add(kind=kind, owner=Owner(OwnerKind.UNIT, unit=unit), url=url, secret=secret)


def _notify(unit: Any, key: str, title: str = "红色督办单 督〔2026〕1号") -> int:
    return notify(
        recipients=[unit],
        title=title,
        markdown="请于3个工作日内回复。",
        link=f"http://pingyi.test/n/{key}",
        key=key,
    )


def test_each_robot_gets_the_message_signed_as_its_docs_say(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    _unit_channel(unit_hualong, "wecom", robots)
    _unit_channel(unit_hualong, "dingtalk", robots, DINGTALK_SECRET)
    _unit_channel(unit_hualong, "feishu", robots, FEISHU_SECRET)
    assert _notify(unit_hualong, "notice:1") == 3
    assert delivery.deliver_due() == 3
    assert robots.refused == []
    for robot in ("wecom", "dingtalk", "feishu"):
        [got] = robots.of(robot)
        assert "督〔2026〕1号" in got.text and "http://pingyi.test/n/notice:1" in got.text
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert DeliveryAttempt.objects.filter(ok=True).count() == 3
    assert InboxEntry.objects.get(owner="unit:hualong").key == "notice:1"


def test_the_same_key_never_makes_a_second_message(robots: FakeRobots, unit_hualong: Any) -> None:
    _unit_channel(unit_hualong, "wecom", robots)
    assert _notify(unit_hualong, "notice:1") == 1
    delivery.deliver_due()
    assert _notify(unit_hualong, "notice:1") == 0  # the repeated sweep
    assert delivery.deliver_due() == 0
    assert len(robots.of("wecom")) == 1
    assert Message.objects.count() == 1 and InboxEntry.objects.count() == 1


def test_a_rolled_back_caller_leaves_nothing(robots: FakeRobots, unit_hualong: Any) -> None:
    _unit_channel(unit_hualong, "wecom", robots)
    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(unit_hualong, "notice:1")
        raise RuntimeError("the sweep failed")
    assert Message.objects.count() == 0 and InboxEntry.objects.count() == 0


def test_recipients_leader_and_office_reach_their_own_channels(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    channel_add(kind="wecom", owner=Owner(OwnerKind.LEADER, leader="张三"), url=robots.wecom_url())
    channel_add(
        kind="dingtalk",
        owner=Owner(OwnerKind.OFFICE),
        url=robots.dingtalk_url(),
        secret=DINGTALK_SECRET,
    )
    n = notify(
        recipients=["张 三", OFFICE, unit_hualong], title="t", markdown="", link="", key="k1"
    )
    assert n == 1  # 张 三 is not 张三: names are matched after collapsing spaces only
    n = notify(recipients=["张三", OFFICE], title="t", markdown="", link="", key="k2")
    assert n == 2
    assert set(InboxEntry.objects.values_list("owner", flat=True)) >= {
        "leader:张三",
        "office",
        "unit:hualong",
    }


def test_a_disabled_channel_gets_nothing(robots: FakeRobots, unit_hualong: Any) -> None:
    channel = _unit_channel(unit_hualong, "wecom", robots)
    Channel.objects.filter(pk=channel.pk).update(enabled=False)
    assert _notify(unit_hualong, "notice:1") == 0


def test_a_wrong_dingtalk_secret_is_refused_by_the_robot_and_logged(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    _unit_channel(unit_hualong, "dingtalk", robots, "SECwrongwrongwrong")
    _notify(unit_hualong, "notice:1")
    delivery.deliver_due()
    assert robots.of("dingtalk") == []
    attempt = DeliveryAttempt.objects.get()
    assert not attempt.ok and "310000" in attempt.error
    m = Message.objects.get()
    assert m.state == MessageState.PENDING and m.attempts == 1


def test_a_stale_timestamp_is_refused_like_the_real_robots_do(
    robots: FakeRobots, unit_hualong: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unit_channel(unit_hualong, "dingtalk", robots, DINGTALK_SECRET)
    _unit_channel(unit_hualong, "feishu", robots, FEISHU_SECRET)
    _notify(unit_hualong, "notice:1")
    import time as real_time

    clock = real_time.time() - 2 * 3600  # this server's clock two hours behind
    monkeypatch.setattr(delivery, "_now_s", lambda: clock)
    delivery.deliver_due()
    assert robots.received == []
    assert {r for r, _e in robots.refused} == {"dingtalk", "feishu"}
    assert DeliveryAttempt.objects.filter(ok=False).count() == 2


@pytest.mark.parametrize("mode", ["500", "errcode"])
def test_a_failing_robot_is_retried_with_backoff_then_given_up_and_logged(
    robots: FakeRobots, unit_hualong: Any, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    robots.mode = mode
    _unit_channel(unit_hualong, "wecom", robots)
    _notify(unit_hualong, "notice:1")
    now = timezone.now()
    made = Message.objects.get().created
    waits = []
    for _ in range(40):
        delivery.deliver_due(now)
        m = Message.objects.get()
        if m.state == MessageState.FAILED:
            break
        assert delivery.deliver_due(now) == 0  # not before its time
        waits.append(m.next_attempt_at - now)
        now = m.next_attempt_at
    m = Message.objects.get()
    # a robot unreachable for a day: 1, 2, 4, 8, 16, 32 minutes, then hourly for 24 hours
    assert waits[:7] == [timedelta(minutes=n) for n in (1, 2, 4, 8, 16, 32, 60)]
    assert set(waits[6:]) == {timedelta(hours=1)}
    assert m.state == MessageState.FAILED and m.attempts == 29
    assert timedelta(hours=23) < now - made <= timedelta(hours=24)
    attempts = list(DeliveryAttempt.objects.order_by("at"))
    assert len(attempts) == 29 and not any(a.ok for a in attempts)
    assert all(("HTTP 500" if mode == "500" else "93000") in a.error for a in attempts)
    assert "given up after 29 attempts" in caplog.text


def test_a_robot_that_times_out_is_retried(
    robots: FakeRobots, unit_hualong: Any, settings: Any
) -> None:
    settings.PINGYI_NOTIFY_TIMEOUT = 0.3
    robots.mode, robots.stall_seconds = "stall", 1.0
    _unit_channel(unit_hualong, "wecom", robots)
    _notify(unit_hualong, "notice:1")
    delivery.deliver_due()
    attempt = DeliveryAttempt.objects.get()
    assert not attempt.ok and "timed out" in attempt.error.lower()
    m = Message.objects.get()
    assert m.state == MessageState.PENDING and m.attempts == 1


def test_a_burst_of_30_goes_as_one_digest(robots: FakeRobots, unit_hualong: Any) -> None:
    _unit_channel(unit_hualong, "dingtalk", robots, DINGTALK_SECRET)
    with transaction.atomic():
        for i in range(30):
            _notify(unit_hualong, f"notice:{i}", title=f"蓝色提醒 第{i}项")
    assert delivery.deliver_due() == 1
    [got] = robots.of("dingtalk")
    assert got.body["markdown"]["title"] == "督办提醒（30条）"
    assert all(f"http://pingyi.test/n/notice:{i})" in got.text for i in range(30))
    assert Message.objects.filter(state=MessageState.SENT).count() == 30
    assert DeliveryAttempt.objects.get().messages.count() == 30


def test_a_digest_over_the_robots_limit_goes_on_in_another(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    _unit_channel(unit_hualong, "wecom", robots)
    for i in range(80):
        _notify(unit_hualong, f"notice:{i}", title="关于推进重点项目建设的督办提醒" * 3 + str(i))
    assert delivery.deliver_due() >= 2
    got = robots.of("wecom")
    assert robots.refused == []  # the fake refuses content over 4,096 bytes
    assert sum(int(g.text.split("（")[1].split("条")[0]) for g in got) == 80
    assert Message.objects.filter(state=MessageState.SENT).count() == 80


def test_the_21st_message_within_a_minute_to_dingtalk_waits(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    _unit_channel(unit_hualong, "dingtalk", robots, DINGTALK_SECRET)
    now = timezone.now() + timedelta(seconds=2)  # the clock the delivery is told
    for i in range(21):  # one at a time: no digest
        _notify(unit_hualong, f"notice:{i}")
        delivery.deliver_due(now + timedelta(seconds=i))
    assert len(robots.of("dingtalk")) == 20
    waiting = Message.objects.get(state=MessageState.PENDING)
    first = DeliveryAttempt.objects.order_by("at").first()
    assert first is not None and waiting.next_attempt_at == first.at + timedelta(seconds=60)
    assert delivery.deliver_due(now + timedelta(seconds=30)) == 0
    assert delivery.deliver_due(waiting.next_attempt_at) == 1
    assert len(robots.of("dingtalk")) == 21


def test_feishu_takes_at_most_5_a_second(robots: FakeRobots, unit_hualong: Any) -> None:
    _unit_channel(unit_hualong, "feishu", robots, FEISHU_SECRET)
    now = timezone.now() + timedelta(seconds=2)
    for i in range(6):
        _notify(unit_hualong, f"notice:{i}")
        delivery.deliver_due(now)
    assert len(robots.of("feishu")) == 5
    assert delivery.deliver_due(now + timedelta(seconds=1, milliseconds=1)) == 1


def test_email_reaches_a_real_smtp_server(smtp: Any, unit_hualong: Any) -> None:
    channel_add(
        kind="email", owner=Owner(OwnerKind.UNIT, unit=unit_hualong), email="duban@hualong.example"
    )
    _notify(unit_hualong, "notice:1")
    assert delivery.deliver_due() == 1
    [mail] = smtp.messages
    assert mail["X-Rcpt"] == "duban@hualong.example"
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "督〔2026〕1号" in body and "http://pingyi.test/n/notice:1" in body
    assert Message.objects.get().state == MessageState.SENT


def test_an_unreachable_smtp_server_is_a_failed_attempt(settings: Any, unit_hualong: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard: nothing listens
    channel_add(kind="email", owner=Owner(OwnerKind.OFFICE), email="office@example.test")
    notify(recipients=[OFFICE], title="t", markdown="", link="", key="k")
    delivery.deliver_due()
    attempt = DeliveryAttempt.objects.get()
    assert not attempt.ok and attempt.error
    assert Message.objects.get().state == MessageState.PENDING


def test_the_test_button_sends_now_and_records_the_answer(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    good = _unit_channel(unit_hualong, "dingtalk", robots, DINGTALK_SECRET)
    bad = _unit_channel(unit_hualong, "feishu", robots, "wrong-secret-here")
    assert channel_test(good).ok
    outcome = channel_test(bad)
    assert not outcome.ok and "19021" in outcome.error
    assert DeliveryAttempt.objects.filter(test=True).count() == 2
    assert len(robots.of("dingtalk")) == 1


# --- crash safety ------------------------------------------------------------------------


class Killed(BaseException):
    """The process dying: nothing after it runs (no except Exception catches it)."""


def test_a_crash_before_the_claim_delivers_once_after_restart(
    robots: FakeRobots, unit_hualong: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unit_channel(unit_hualong, "wecom", robots)
    _notify(unit_hualong, "notice:1")

    def die(*args: Any, **kwargs: Any) -> None:
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(delivery, "next_slot", die)  # dies before claiming anything
        with pytest.raises(Killed):
            delivery.deliver_due()
    assert Message.objects.get().state == MessageState.PENDING
    delivery.deliver_due()  # the periodic task after the restart
    delivery.deliver_due()
    assert len(robots.of("wecom")) == 1
    assert Message.objects.get().state == MessageState.SENT


def test_a_crash_while_the_robot_stalls_sends_no_second_copy_and_the_office_sees_it(
    robots: FakeRobots, unit_hualong: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The robot has the message but its answer never comes back: the sender dies mid-request
    (the request went out, the claim is committed, nothing after it runs)."""
    _unit_channel(unit_hualong, "wecom", robots)
    _notify(unit_hualong, "notice:1")
    robots.mode, robots.stall_seconds = "stall", 0.5
    real_send = delivery.send

    def send_then_die(*args: Any, **kwargs: Any) -> Any:
        settings.PINGYI_NOTIFY_TIMEOUT = 0.1
        real_send(*args, **kwargs)  # the robot got it (it records after its stall)
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(delivery, "send", send_then_die)
        with pytest.raises(Killed):
            delivery.deliver_due()
    robots.mode = "ok"
    import time

    time.sleep(0.6)
    received = robots.requests
    assert len(robots.of("wecom")) == 1  # the group did see it
    assert Message.objects.get().state == MessageState.SENDING
    now = timezone.now()
    delivery.deliver_due(now)  # restarted, within the lease: left alone
    assert Message.objects.get().state == MessageState.SENDING
    delivery.deliver_due(now + delivery.LEASE + timedelta(seconds=1))  # the lease ran out
    m = Message.objects.get()
    assert m.state == MessageState.UNCERTAIN
    for minutes in (2, 10, 60):
        delivery.deliver_due(now + timedelta(minutes=minutes) + delivery.LEASE)
    assert robots.requests == received  # no second copy, ever, on its own
    assert len(robots.of("wecom")) == 1
    from pingyi.notifications.selectors import attention_count

    assert attention_count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_each_message_once(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    """Two consumer threads drain the same channel at the same moment: the claim (a
    conditional UPDATE) gives each message to one of them."""
    import threading

    from django.db import connection

    _unit_channel(unit_hualong, "wecom", robots)
    for i in range(12):
        _notify(unit_hualong, f"notice:{i}", title=f"提醒{i}")
    robots.mode, robots.stall_seconds = "stall", 0.3
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            barrier.wait()
            delivery.deliver_due()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    lines = [line for r in robots.of("wecom") for line in r.text.splitlines() if "提醒" in line]
    sent = sorted(int(line.split("提醒")[1].split("]")[0]) for line in lines if "](" in line)
    assert sent == list(range(12))  # each once
    assert Message.objects.filter(state=MessageState.SENT).count() == 12


def test_a_robot_that_hangs_up_or_talks_nonsense_is_a_failed_attempt(unit_hualong: Any) -> None:
    """Not HTTP at all (a proxy's garbage, a closed connection): retried, nothing raised."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def answer() -> None:
        for reply in (b"garbage\r\n\r\n", b""):
            conn, _ = server.accept()
            conn.recv(65536)
            conn.sendall(reply)
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    url = f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=693a91f6-7xxx"
    channel_add(kind="wecom", owner=Owner(OwnerKind.UNIT, unit=unit_hualong), url=url)
    _notify(unit_hualong, "notice:1")
    now = timezone.now()
    delivery.deliver_due(now)
    delivery.deliver_due(now + timedelta(minutes=2))
    server.close()
    attempts = list(DeliveryAttempt.objects.order_by("pk"))
    assert len(attempts) == 2 and not any(a.ok for a in attempts)
    assert all(a.error for a in attempts)
    m = Message.objects.get()
    assert m.state == MessageState.PENDING and m.attempts == 2
