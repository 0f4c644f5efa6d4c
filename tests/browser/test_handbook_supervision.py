"""The pictures of the handbook's supervision-year chapters (docs/handbook/*/supervision-*.md).

On the demo data (tests/browser/test_accessibility.py's ``demo``: the year's key-task list,
ten working days of sweeps, last week's sheet and bulletin, the on-site meeting), in Chinese:
desk pages at 1280×800 as the office or a leader, the liaison's pages on a 360 px phone. Each
picture is written by ``tests.browser.handbook.shoot`` into ``docs/handbook/img/``, so a
change to a page changes its picture at the next run; every page shown passes axe-core.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.handbook import shoot
from tests.browser.test_accessibility import demo, open_as
from tests.browser.test_supervision_report import no_sideways_scroll
from tests.supervision.workbooks import Category, ListBook, Note
from tests.supervision.workbooks import Item as BookItem

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.handbook]

__all__ = ["demo"]  # the fixture, imported for pytest

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def year_sheet(year: int) -> bytes:
    """A small list as the office prints it, naming the demo's units (one deadline ambiguous,
    one recurring, one merged lead unit) for the import's preview."""
    return ListBook(
        title=f"{year}年市政府重点民生实事清单",
        subtitle=None,
        sheet_name="民生实事",
        entries=[
            Category("一、教育和医疗"),
            BookItem(
                1,
                "新建改扩建中小学校舍",
                "新增学位3000个",
                leader="王副市长",
                lead="市住建局",
                co="各县（区）",
                deadline="①6月底前开工\n②9月底前投入使用",
            ),
            BookItem(
                2,
                "建设紧密型县域医共体",
                "实现县域全覆盖",
                leader="王副市长",
                lead="市卫健委",
                co="华龙区、濮阳县",
                deadline="8月前",
            ),
            Category("二、城市更新"),
            BookItem(
                3,
                "改造城镇老旧小区",
                "完成改造120个",
                leader="李副市长",
                lead="市住房和城乡建设局",
                co="华龙区",
                deadline="年底前",
            ),
            BookItem(
                4,
                "实施背街小巷整治",
                "每周报送进展",
                leader="李副市长",
                lead=None,
                co="华龙区、开发区",
                deadline="每周五前",
            ),
            Note("制表：市政府督查室"),
        ],
    ).bytes()


def look(page: Page, where: str, shows: str) -> None:
    page.wait_for_selector(shows)
    assert_accessible(page, where)


def test_the_supervision_chapters_pictures(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],
    settings: Any,
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    settings.DATA_DIR = tmp_path  # the import's waiting upload
    base = live_server.url
    key = demo["supervision_list"]
    office = open_as(browser, base, "office", DESK).new_page()
    leader = open_as(browser, base, "leader", DESK).new_page()
    phone = open_as(browser, base, "hualong", PHONE).new_page()
    shots = screenshot_dir

    # supervision-lists.md: the items page, an item, the import with its preview, the report
    office.goto(f"{base}/supervision/")
    look(office, "the items page", "main table")
    shoot(office, "supervision-items.png", copy_to=shots)
    office.goto(f"{base}/supervision/{key}/13/")
    look(office, "an item's page", ".timeline li")
    shoot(office, "supervision-item.png", copy_to=shots)
    office.goto(f"{base}/supervision/office/import/")
    look(office, "the import page", "form input[type=file]")
    sheet = tmp_path / f"{timezone.localdate().year}年重点民生实事清单.xlsx"
    sheet.write_bytes(year_sheet(timezone.localdate().year))
    office.set_input_files("input[type=file]", str(sheet))
    office.select_option("select[name=kind]", "custom")
    office.fill("input[name=key]", "minsheng")
    upload = office.locator("form[enctype='multipart/form-data']")
    shoot(office, "supervision-import-form.png", element=upload, copy_to=shots)
    office.click("form.card button[type=submit] >> nth=-1")
    office.wait_for_selector("table.preview tbody tr")
    expect(office.locator("table.preview tbody tr")).to_have_count(4)
    expect(office.locator("#import-errors")).to_have_count(0)
    look(office, "the import preview", "form.confirm")
    preview = office.locator("section[aria-labelledby=preview-title]")
    shoot(office, "supervision-import-preview.png", element=preview, copy_to=shots)
    phone.goto(f"{base}/supervision/{key}/20/report/")
    look(phone, "the report form on a phone", "form input[name=percent]")
    no_sideways_scroll(phone)
    shoot(phone, "supervision-report-phone.png", copy_to=shots)

    # supervision-weekly.md: the sheet being built, the review, the bulletin
    office.goto(f"{base}/supervision/weekly/{demo['next_week']}/")
    look(office, "the sheet being built", "form.week-build")
    first = office.locator("form.week-build input[name=pick]").first
    first.check()
    pick = first.get_attribute("value")
    office.locator(f"input[name=demand-{pick}]").fill("本周内完成施工图审查并报送照片")
    shoot(office, "supervision-week-builder.png", copy_to=shots)
    leader.goto(f"{base}/supervision/weekly/{demo['last_week']}/review/")
    look(leader, "the review page", "form.review-form")
    shoot(leader, "supervision-week-review.png", copy_to=shots)
    office.goto(f"{base}/supervision/weekly/{demo['last_week']}/bulletin/")
    look(office, "the bulletin", "table.week-tally")
    shoot(office, "supervision-bulletin.png", full_page=True, copy_to=shots)

    # supervision-notices.md: the board, a red notice, the liaison's inbox on a phone
    office.goto(f"{base}/supervision/notices/")
    look(office, "the notice board", "main table")
    shoot(office, "supervision-notice-board.png", copy_to=shots)
    office.goto(f"{base}/supervision/notices/{demo['red_notice']}/")
    look(office, "a red notice", "form.decide")
    expect(office.locator("h1")).to_contain_text("督")
    shoot(office, "supervision-red-notice.png", element=office.locator("main"), copy_to=shots)
    phone.goto(f"{base}/supervision/notices/mine/")
    look(phone, "the liaison's inbox", "main h1")
    no_sideways_scroll(phone)
    shoot(phone, "supervision-liaison-inbox.png", copy_to=shots)

    # supervision-onsite.md: the meeting and a problem with its similar ones
    office.goto(f"{base}/supervision/onsite/{demo['onsite_meeting']}/")
    look(office, "the on-site meeting", "table.onsite-problems")
    shoot(office, "supervision-onsite-meeting.png", full_page=True, copy_to=shots)
    office.goto(f"{base}/supervision/onsite/problems/{demo['onsite_problem']}/")
    look(office, "a problem and its similar ones", "form.batch")
    shoot(office, "supervision-onsite-problem.png", full_page=True, copy_to=shots)
    for page in (office, leader, phone):
        page.context.close()
