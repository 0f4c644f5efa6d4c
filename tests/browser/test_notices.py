"""A red notice answered on a phone, in Chromium: 华龙区's liaison (360×740) opens its inbox,
opens the 督办单, acknowledges it (签收), replies with a PDF attachment; the office
(1920×1080) finds it on the board under "reply awaiting the office", opens it and accepts the
reply. Screenshots in Chinese under the session's screenshot folder and /tmp/shots/notices/;
axe-core on every page."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.test_supervision_report import (
    PDF_BYTES,
    PHONE,
    WIDE,
    no_sideways_scroll,
    signed_in,
)

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots/notices")


def shot(page: Any, folder: Path, name: str) -> None:
    path = folder / f"notices-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_liaison_answers_a_red_notice_on_a_phone_and_the_office_accepts(
    live_server: Any, browser: Any, transactional_db: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from pingyi.accounts.demo import load_demo_accounts
    from pingyi.orgs.demo import load_demo_units
    from pingyi.orgs.models import Unit
    from pingyi.supervision.models import Item, Notice, NoticeReply, SupervisionList
    from pingyi.supervision.notices import sweep

    load_demo_units()
    load_demo_accounts()
    today = timezone.localdate()
    the_list = SupervisionList.objects.create(
        key="nt", kind="tasks", name="重点工作任务清单", year=today.year,
        assigned_on=today - timedelta(days=60),
    )
    Item.objects.create(
        supervision_list=the_list, number="8", position=1, title="推进濮阳东站综合交通枢纽建设",
        lead_unit=Unit.objects.get(code="hualong"), leader="李明", kind="date",
        due=today - timedelta(days=5), deadline_text="限期完成",
    )
    sweep(today)
    red = Notice.objects.get(colour="red")
    base = live_server.url
    folder = tmp_path

    phone = signed_in(browser, base, "hualong", PHONE)
    phone.goto(f"{base}/supervision/notices/mine/")
    expect(phone.locator(".inbox-notice").first).to_contain_text("红色督办单")
    assert_accessible(phone, "the inbox on a phone")
    no_sideways_scroll(phone)
    shot(phone, folder, "inbox-360")
    phone.locator(".inbox-notice a.button").first.click()
    expect(phone.locator("h1")).to_contain_text(red.number)
    phone.get_by_role("button", name="签收").click()
    expect(phone.locator(".messages")).to_contain_text("已签收")
    phone.locator("textarea[name=text]").fill("逾期原因：资金拨付延迟。措施：成立专班。下月底前完成。")
    pdf = tmp_path / "整改说明.pdf"
    pdf.write_bytes(PDF_BYTES)
    phone.locator("input[name=attachments]").set_input_files(str(pdf))
    box = phone.get_by_role("button", name="提交回复").bounding_box()
    assert box is not None and box["height"] >= 40  # a big tap target
    phone.get_by_role("button", name="提交回复").click()
    expect(phone.locator(".messages")).to_contain_text("回复已提交")
    assert_accessible(phone, "the notice after the reply, on a phone")
    no_sideways_scroll(phone)
    shot(phone, folder, "replied-360")

    office = signed_in(browser, base, "office", WIDE)
    office.goto(f"{base}/supervision/notices/?state=reply_pending")
    expect(office.locator("table.notices tbody tr")).to_have_count(1)
    expect(office.locator("table.notices")).to_contain_text("红色督办单")
    assert_accessible(office, "the board")
    shot(office, folder, "board-1920")
    office.locator("table.notices tbody a", has_text=red.number).click()
    expect(office.locator(".reply")).to_contain_text("整改说明.pdf")
    shot(office, folder, "notice-1920")
    office.get_by_role("button", name="采纳回复").click()
    expect(office.locator(".messages")).to_contain_text("回复已采纳")
    assert NoticeReply.objects.get().state == "accepted"
    shot(office, folder, "accepted-1920")
    for name in ("inbox-360", "replied-360", "board-1920", "notice-1920", "accepted-1920"):
        shutil.copy(folder / f"notices-{name}.png", screenshot_dir / f"notices-{name}.png")
