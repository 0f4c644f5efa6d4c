"""A liaison's progress report on a phone, in Chromium, on the demo's supervision list.

华龙区's liaison signs in on a 360×740 phone, opens "my items", opens item 20 (its unit leads
it), files a report with a PDF attachment; a file that is no PDF though named .pdf is refused
with the file named and nothing written; the office accepts the report at 1920×1080; the
leader rates it 差 and the item shows lagging (滞后, amber, with the reason) to the liaison;
the liaison cannot open item 1 of another unit (403). Screenshots in Chinese at 360×740 and
1920×1080 under ``test-artifacts/screenshots/supervision-*.png``; axe-core on every new page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1920, "height": 1080}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def signed_in(browser: Browser, base: str, username: str, viewport: dict[str, int]) -> Page:
    """A fresh context in Chinese that signs in through the form, as a person would."""
    from playwright.sync_api import expect

    from pingyi.accounts.demo import DEMO_PASSWORD

    context: BrowserContext = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,  # type: ignore[arg-type]
        has_touch=viewport is PHONE,
        is_mobile=viewport is PHONE,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")
    return page


def test_a_liaison_reports_on_a_phone_office_accepts_leader_rates_poor(
    live_server: Any, browser: Browser, transactional_db: None, screenshot_dir: Path
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from pingyi.accounts.demo import load_demo_accounts
    from pingyi.orgs.demo import load_demo_units
    from pingyi.supervision.demo import load_demo_list
    from pingyi.supervision.models import Attachment, Item, Report

    load_demo_units()
    load_demo_accounts()
    load_demo_list()
    key = f"{timezone.localdate().year}-key-tasks"
    base = live_server.url
    item = Item.objects.get(supervision_list__key=key, number="20")
    shots = screenshot_dir

    # --- the liaison, on a phone: my items, then item 20, then its report form -------------
    phone = signed_in(browser, base, "hualong", PHONE)
    phone.goto(f"{base}/supervision/mine/")
    expect(phone.locator("h1")).to_contain_text("我的事项")
    expect(phone.get_by_role("heading", name="等待您处理")).to_be_visible()
    no_sideways_scroll(phone)
    phone.screenshot(path=shots / "supervision-mine-360.png", full_page=True)
    assert_accessible(phone, "my items on a phone")
    phone.locator(f"a[href='/supervision/{key}/20/']").first.click()
    expect(phone.locator("h1")).to_contain_text(item.title)
    phone.get_by_role("link", name="填报进展").click()
    expect(phone.locator("h2", has_text="进展报告")).to_be_visible()
    expect(phone.locator(".unit-head .status")).to_have_text("正常推进")
    no_sideways_scroll(phone)
    submit = phone.get_by_role("button", name="提交进展报告")
    box = submit.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 280  # a thumb's target
    assert_accessible(phone, "the report form on a phone")

    # a file named .pdf that is HTML: refused, named, nothing written
    phone.get_by_label("完成进度（%）").fill("65")
    phone.get_by_label("工作进展").fill("完成主体结构封顶")
    phone.get_by_label("附件").set_input_files(
        [{"name": "照片.pdf", "mimeType": "application/pdf", "buffer": b"<html>x</html>"}]
    )
    submit.click()
    phone.screenshot(path=shots / "supervision-report-refused-360.png", full_page=True)
    expect(phone.locator(".errors")).to_contain_text("附件“照片.pdf”")
    assert not Report.objects.filter(item=item, state="pending").exists()
    phone.screenshot(path=shots / "supervision-report-refused-360.png", full_page=True)

    phone.get_by_label("完成进度（%）").fill("65")
    phone.get_by_label("工作进展").fill("完成主体结构封顶")
    phone.get_by_label("存在问题").fill("配套资金到位慢")
    phone.get_by_label("下步计划").fill("推进装饰装修")
    phone.get_by_label("附件").set_input_files(
        [{"name": "进度照片.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    phone.screenshot(path=shots / "supervision-report-360.png", full_page=True)
    phone.get_by_role("button", name="提交进展报告").click()
    expect(phone).to_have_url(f"{base}/supervision/{key}/20/")
    expect(phone.locator(".messages")).to_contain_text("进展报告已提交")
    report = Report.objects.get(item=item, state="pending")
    assert report.percent == 65
    assert list(Attachment.objects.filter(report=report).values_list("name", flat=True)) == [
        "进度照片.pdf"
    ]
    expect(phone.locator(f"#report-{report.pk}")).to_contain_text("待督查室审核")
    expect(phone.locator(f"#report-{report.pk} a[download]")).to_have_text("进度照片.pdf")

    # another unit's item (item 1, led by 市发展改革委): 403
    response = phone.goto(f"{base}/supervision/{key}/1/")
    assert response is not None and response.status == 403
    response = phone.goto(f"{base}/supervision/{key}/1/report/")
    assert response is not None and response.status == 403
    phone.screenshot(path=shots / "supervision-other-unit-403-360.png")

    # --- the office, on a desktop: accepts the report ---------------------------------------
    office = signed_in(browser, base, "office", WIDE)
    office.goto(f"{base}/supervision/mine/")
    expect(office.locator("main")).to_contain_text("待审核的报告")
    office.goto(f"{base}/supervision/{key}/20/")
    card = office.locator(f"#report-{report.pk}")
    office.screenshot(path=shots / "supervision-item-office-1920.png", full_page=True)
    assert_accessible(office, "the item page with a report to decide")
    card.get_by_role("button", name="采纳").click()
    expect(office.locator(".messages")).to_contain_text("报告已采纳")
    report.refresh_from_db()
    assert report.state == "accepted"

    # --- the leader rates it 差: the item is lagging -----------------------------------------
    leader = signed_in(browser, base, "leader", WIDE)
    leader.goto(f"{base}/supervision/{key}/20/")
    card = leader.locator(f"#report-{report.pk}")
    card.get_by_label("差").check()
    card.get_by_label("点评意见").fill("进度与实际不符，需加快")
    card.get_by_role("button", name="保存点评").click()
    expect(leader.locator(".messages")).to_contain_text("点评已保存")
    expect(leader.locator(".pagehead .status")).to_have_text("滞后")
    expect(leader.locator(".pagehead .status")).to_have_class(re.compile("status-lagging"))
    expect(leader.locator("main")).to_contain_text("最近一次报告被点评为“差”")
    leader.screenshot(path=shots / "supervision-item-leader-1920.png", full_page=True)

    # --- the liaison sees it: lagging, with the leader's word ------------------------------
    phone.goto(f"{base}/supervision/{key}/20/")
    expect(phone.locator(".pagehead .status")).to_have_text("滞后")
    expect(phone.locator(f"#report-{report.pk}")).to_contain_text("进度与实际不符")
    no_sideways_scroll(phone)
    phone.screenshot(path=shots / "supervision-item-lagging-360.png", full_page=True)
    assert_accessible(phone, "the lagging item on a phone")
    phone.set_viewport_size(WIDE)
    phone.goto(f"{base}/supervision/{key}/20/report/")
    phone.screenshot(path=shots / "supervision-report-1920.png", full_page=True)
    for page in (phone, office, leader):
        page.context.close()
