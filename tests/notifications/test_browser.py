"""The office's notification pages in Chromium, with channels and a delivery log to show: the
test button pressed for real against a fake robot, axe-clean at 360 px and 1920x1080,
screenshots kept (test-artifacts/screenshots/notifications-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from tests.browser.axe import assert_accessible
from tests.notifications.fakes import DINGTALK_SECRET, FakeRobots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
FULL_HD = {"width": 1920, "height": 1080}


def _world(robots: FakeRobots, unit: Any) -> None:
    from pingyi.notifications import delivery
    from pingyi.notifications.models import Message, MessageState, OwnerKind
    from pingyi.notifications.services import OFFICE, Owner, channel_add, notify

    channel_add(
        kind="dingtalk",
        owner=Owner(OwnerKind.UNIT, unit=unit),
        url=robots.dingtalk_url(),
        secret=DINGTALK_SECRET,
        label="华龙区督查工作群",
    )
    channel_add(kind="email", owner=Owner(OwnerKind.LEADER, leader="张三"), email="zs@example.test")
    channel_add(kind="wecom", owner=Owner(OwnerKind.OFFICE), url=robots.wecom_url(), label="督查室")
    for i in range(3):
        notify(
            recipients=[unit, OFFICE],
            title=f"黄色催办：重点项目第{i + 1}项进度滞后",
            markdown="请于3个工作日内报送进展。",
            link=f"http://127.0.0.1:8000/supervision/2026-key-tasks/{i + 1}/",
            key=f"demo:{i}",
        )
    delivery.deliver_due()
    robots.mode = "500"
    notify(recipients=[unit], title="红色督办单 督〔2026〕1号", markdown="", link="", key="red:1")
    delivery.deliver_due()
    robots.mode = "ok"
    notify(recipients=[OFFICE], title="通报：逾期未回复", markdown="", link="", key="c:1")
    Message.objects.filter(key="c:1").update(state=MessageState.UNCERTAIN)


def test_the_office_pages_in_chromium(
    live_server: Any,
    browser: Any,
    robots: FakeRobots,
    unit_hualong: Any,
    office_user: Any,
    screenshot_dir: Path,
) -> None:
    _world(robots, unit_hualong)
    client = Client()
    client.force_login(office_user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    for name, viewport in (("360", PHONE), ("1920", FULL_HD)):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": cookie,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.goto(live_server.url + "/notifications/channels/")
        assert "华龙区督查工作群" in page.content()
        assert_accessible(page, f"channels at {name}")
        page.screenshot(path=screenshot_dir / f"notifications-channels-{name}.png", full_page=True)
        page.goto(live_server.url + "/notifications/log/")
        assert "红色督办单" in page.content()
        assert_accessible(page, f"log at {name}")
        page.screenshot(path=screenshot_dir / f"notifications-log-{name}.png", full_page=True)
        context.close()
    # the test button, pressed
    context = browser.new_context(locale="zh-CN", viewport=FULL_HD)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/notifications/channels/")
    before = len(robots.of("dingtalk"))
    page.locator("button[name=action][value=test]").first.click()
    page.wait_for_selector(".messages li")
    assert len(robots.of("dingtalk")) == before + 1
    assert_accessible(page, "channels after a test message")
    page.screenshot(path=screenshot_dir / "notifications-test-sent-1920.png", full_page=True)
    context.close()
    assert timezone.now()


def test_the_empty_pages_pass_axe_on_a_phone(
    live_server: Any, browser: Any, office_user: Any
) -> None:
    client = Client()
    client.force_login(office_user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    for path in ("/notifications/channels/", "/notifications/log/"):
        page.goto(live_server.url + path)
        assert_accessible(page, f"{path} with nothing yet at 360 px")
    context.close()
