"""The office's channels page and delivery log, and where a secret may never appear: the
database file, the logs, the pages, the audit trail."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.core.models import AuditEntry
from pingyi.notifications import delivery
from pingyi.notifications.models import Channel, DeliveryAttempt, Message, MessageState, OwnerKind
from pingyi.notifications.services import Owner, channel_add, notify
from tests.conftest import STRONG_PASSWORD
from tests.notifications.fakes import DINGTALK_SECRET, DINGTALK_TOKEN, FEISHU_SECRET, FakeRobots

pytestmark = pytest.mark.django_db


def client_of(role: str, unit: Any = None) -> Client:
    user = User.objects.create_user(
        username=f"n-{role}", password=STRONG_PASSWORD, role=role, unit=unit, display_name=role
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_office_adds_a_signed_robot_and_sees_it_masked(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    office = client_of("office")
    answer = office.post(
        reverse("notifications:channels"),
        {
            "action": "add",
            "kind": "dingtalk",
            "owner_kind": "unit",
            "unit": unit_hualong.pk,
            "url": robots.dingtalk_url(),
            "secret": DINGTALK_SECRET,
            "label": "华龙区督查群",
        },
        follow=True,
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    channel = Channel.objects.get()
    assert channel.unit == unit_hualong and channel.kind == "dingtalk"
    assert f"access_token={DINGTALK_TOKEN[:4]}****" in page
    assert DINGTALK_TOKEN not in page and DINGTALK_SECRET not in page


def test_a_url_of_the_wrong_shape_is_refused_on_the_page_saying_what_is_expected(
    unit_hualong: Any,
) -> None:
    office = client_of("office")
    answer = office.post(
        reverse("notifications:channels"),
        {
            "action": "add",
            "kind": "wecom",
            "owner_kind": "unit",
            "unit": unit_hualong.pk,
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdefgh1234",
        },
    )
    assert answer.status_code == 200
    assert "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" in answer.content.decode()
    assert Channel.objects.count() == 0


def test_the_test_button_sends_now_and_shows_the_result(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    good = channel_add(
        kind="feishu",
        owner=Owner(OwnerKind.UNIT, unit=unit_hualong),
        url=robots.feishu_url(),
        secret=FEISHU_SECRET,
    )
    bad = channel_add(
        kind="wecom", owner=Owner(OwnerKind.OFFICE), url=robots.wecom_url("wrongkey-1234")
    )
    office = client_of("office")
    url = reverse("notifications:channels")
    page = office.post(url, {"action": "test", "channel": good.pk}, follow=True)
    assert len(robots.of("feishu")) == 1
    assert f"{good.pk}" in page.content.decode() and page.status_code == 200
    page = office.post(url, {"action": "test", "channel": bad.pk}, follow=True).content.decode()
    assert "93000" in page  # the robot's answer, shown
    assert "wrongkey-1234" not in page
    assert AuditEntry.objects.filter(action="notifications.channel.tested").count() == 2


def test_disable_enable_delete_are_audited(robots: FakeRobots) -> None:
    channel = channel_add(kind="wecom", owner=Owner(OwnerKind.OFFICE), url=robots.wecom_url())
    office = client_of("office")
    url = reverse("notifications:channels")
    office.post(url, {"action": "disable", "channel": channel.pk})
    assert not Channel.objects.get().enabled
    office.post(url, {"action": "enable", "channel": channel.pk})
    assert Channel.objects.get().enabled
    office.post(url, {"action": "delete", "channel": channel.pk})
    assert not Channel.objects.exists()
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == [
        "notifications.channel.added",
        "notifications.channel.disabled",
        "notifications.channel.enabled",
        "notifications.channel.deleted",
    ]


@pytest.mark.parametrize("bad", ["", "x", "999999", "1" * 40, "-1"])
def test_a_bad_channel_id_is_a_message_not_an_error(bad: str) -> None:
    office = client_of("office")
    answer = office.post(
        reverse("notifications:channels"), {"action": "test", "channel": bad}, follow=True
    )
    assert answer.status_code == 200


def test_the_delivery_log_filters_and_the_office_resends_an_uncertain_message(
    robots: FakeRobots, unit_hualong: Any
) -> None:
    channel = channel_add(
        kind="wecom", owner=Owner(OwnerKind.UNIT, unit=unit_hualong), url=robots.wecom_url()
    )
    notify(recipients=[unit_hualong], title="红色督办单 一", markdown="", link="", key="a")
    notify(recipients=[unit_hualong], title="黄色催办 二", markdown="", link="", key="b")
    Message.objects.filter(key="a").update(state=MessageState.UNCERTAIN)
    office = client_of("office")
    url = reverse("notifications:log")
    page = office.get(url, {"state": "uncertain"}).content.decode()
    assert "红色督办单 一" in page and "黄色催办 二" not in page
    page = office.get(url, {"channel": channel.pk, "state": "nonsense"}).content.decode()
    assert "红色督办单 一" in page and "黄色催办 二" in page
    uncertain = Message.objects.get(key="a")
    office.post(url, {"message": uncertain.pk})
    assert Message.objects.get(key="a").state == MessageState.PENDING
    office.post(url, {"message": Message.objects.get(key="b").pk})  # pending: refused
    assert AuditEntry.objects.filter(action="notifications.message.resent").count() == 1
    delivery.deliver_due(timezone.now())
    assert len(robots.of("wecom")) == 1  # the two as one digest
    assert Message.objects.filter(state=MessageState.SENT).count() == 2


@pytest.mark.parametrize("role", ["leader", "viewer", "unit"])
def test_only_the_office_reaches_the_pages(role: str, unit_hualong: Any) -> None:
    client = client_of(role, unit_hualong if role == "unit" else None)
    for name in ("notifications:channels", "notifications:log"):
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), {"action": "delete", "channel": "1"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def read_elsewhere(path: Path) -> bytes:
    """A file's bytes, read by a child process (see the secret test)."""
    code = "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read())"
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, check=True
    ).stdout


@pytest.mark.django_db(transaction=True)  # committed: the rows are really on disk
def test_no_secret_in_the_database_file_the_logs_or_the_audit_trail(
    robots: FakeRobots, unit_hualong: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    robots.mode = "500"  # failures: the errors are logged and recorded too
    channel_add(
        kind="dingtalk",
        owner=Owner(OwnerKind.UNIT, unit=unit_hualong),
        url=robots.dingtalk_url(),
        secret=DINGTALK_SECRET,
    )
    notify(recipients=[unit_hualong], title="t", markdown="m", link="", key="k")
    for _ in range(6):
        Message.objects.update(next_attempt_at=timezone.now())
        delivery.deliver_due()
    # a day on, the 7th failure gives the message up (and logs it)
    Message.objects.update(
        created=timezone.now() - timedelta(hours=25), next_attempt_at=timezone.now()
    )
    delivery.deliver_due()
    robots.mode = "ok"
    from pingyi.notifications.services import channel_test

    channel = Channel.objects.get()
    assert channel_test(channel).ok  # the secret works: it is stored, just not in plain
    assert DeliveryAttempt.objects.filter(ok=False).count() == 7
    texts = [
        caplog.text,
        "\n".join(str(row) for row in AuditEntry.objects.values_list("target", "data")),
        "\n".join(DeliveryAttempt.objects.values_list("error", flat=True)),
    ]
    connection.close()  # everything on disk
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        # Read by another process: a plain open() and close() of the database file here
        # would drop this process's SQLite locks on it (POSIX locks are per process), and
        # another process closing last would then delete the WAL under our connections.
        on_disk = "".join(
            read_elsewhere(path).decode("latin-1")
            for path in (name, Path(f"{name}-wal"))
            if path.exists()
        )
        assert f"access_token={DINGTALK_TOKEN[:4]}****" in on_disk  # the right file, read
        texts.append(on_disk)
    for text in texts:
        assert DINGTALK_TOKEN not in text and DINGTALK_SECRET not in text
        assert DINGTALK_SECRET[:20] not in text
    assert "given up" in caplog.text


HOSTILE = [
    (
        {
            "kind": "wecom",
            "owner_kind": "office",
            "url": "https://h/cgi-bin/webhook/send?key=abc\ndefgh1",
        },
        "expected",
    ),
    (
        {
            "kind": "wecom",
            "owner_kind": "office",
            "url": "https://h/cgi-bin/webhook/send?key=" + "a" * 1990,
        },
        "2000",
    ),
    (
        {
            "kind": "wecom",
            "owner_kind": "office",
            "url": "https://h/cgi-bin/webhook/send?key=abcdefgh1",
            "secret": "SECx",
        },
        "sign",
    ),
    (
        {
            "kind": "dingtalk",
            "owner_kind": "office",
            "url": "https://h/robot/send?access_token=abcdefgh1",
            "secret": "SEC a b",
        },
        "secret",
    ),
    (
        {
            "kind": "feishu",
            "owner_kind": "office",
            "url": "https://h/open-apis/bot/v2/hook/abcdefgh1?x=1",
        },
        "expected",
    ),
    ({"kind": "feishu", "owner_kind": "office", "url": ""}, "expected"),
    ({"kind": "email", "owner_kind": "office", "email": "not-an-address"}, "not-an-address"),
    (
        {
            "kind": "email",
            "owner_kind": "office",
            "email": "a@example.test",
            "url": "https://h/robot/send?access_token=abcdefgh1",
        },
        "address",
    ),
    ({"kind": "email", "owner_kind": "unit", "email": "a@example.test"}, "unit"),
    ({"kind": "email", "owner_kind": "leader", "email": "a@example.test", "leader": "   "}, "name"),
    ({"kind": "telegram", "owner_kind": "office", "email": "a@example.test"}, "telegram"),
    ({"kind": "email", "owner_kind": "nobody", "email": "a@example.test"}, "nobody"),
]


@pytest.mark.parametrize(("data", "says"), HOSTILE)
def test_bad_input_on_the_page_is_named_and_nothing_is_written(
    data: dict[str, str], says: str
) -> None:
    office = client_of("office")
    with translation_en():
        answer = office.post(reverse("notifications:channels"), {"action": "add", **data})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'role="alert"' in page and says.lower() in page.lower(), page[-3000:]
    assert Channel.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="notifications").exists()


def translation_en() -> Any:
    from django.test import override_settings

    return override_settings(LANGUAGE_CODE="en")
