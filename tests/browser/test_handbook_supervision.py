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


def look(page: Page, where: str, shows: str, *labels: str) -> None:
    """Wait for ``shows``, run axe-core, and check that the page has the words the chapter
    tells the reader to look for or click (so a renamed button fails here, not in the hall)."""
    from playwright.sync_api import expect

    page.wait_for_selector(shows)
    for label in labels:
        expect(page.locator("main")).to_contain_text(label)
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

    from pingyi.accounts.models import User
    from pingyi.supervision.models import Notice

    settings.DATA_DIR = tmp_path  # the import's waiting upload
    base = live_server.url
    key = demo["supervision_list"]
    office = open_as(browser, base, "office", DESK).new_page()
    leader = open_as(browser, base, "leader", DESK).new_page()
    phone = open_as(browser, base, "hualong", PHONE).new_page()
    shots = screenshot_dir

    # supervision-lists.md: the items page, an item, the import with its preview, the report
    office.goto(f"{base}/supervision/")
    look(
        office, "the items page", "main table",
        "导入清单", "待确认时限", "工作日", "督办通知", "周交办点评", "现场办公会",
    )  # fmt: skip
    shoot(office, "supervision-items.png", copy_to=shots)
    office.goto(f"{base}/supervision/{key}/13/")
    look(office, "an item's page", ".timeline li", "填报进展", "申请延期", "申请办结", "办理过程")
    shoot(office, "supervision-item.png", copy_to=shots)
    office.goto(f"{base}/supervision/office/import/")
    look(
        office, "the import page", "form input[type=file]",
        "清单工作簿（.xlsx）", "清单类别", "年度", "交办日期", "报送周期", "清单名称", "清单标识",
        "工作表", "预览",
    )  # fmt: skip
    sheet = tmp_path / f"{timezone.localdate().year}年重点民生实事清单.xlsx"
    sheet.write_bytes(year_sheet(timezone.localdate().year))
    office.set_input_files("input[type=file]", str(sheet))
    office.select_option("select[name=kind]", "custom")
    office.fill("input[name=key]", "minsheng")
    office.click("form.card button[type=submit] >> nth=-1")
    office.wait_for_selector("table.preview tbody tr")
    expect(office.locator("table.preview tbody tr")).to_have_count(4)
    expect(office.locator("#import-errors")).to_have_count(0)
    look(office, "the import preview", "form.confirm", "确认导入", "有歧义", "重新上传", "显示")
    preview = office.locator("section[aria-labelledby=preview-title]")
    shoot(office, "supervision-import-preview.png", element=preview, copy_to=shots)
    phone.goto(f"{base}/supervision/{key}/20/report/")
    look(
        phone, "the report form on a phone", "form input[name=percent]",
        "报送日期", "报告期", "完成进度（%）", "工作进展", "存在问题", "下步计划", "提交进展报告",
    )  # fmt: skip
    no_sideways_scroll(phone)
    shoot(phone, "supervision-report-phone.png", copy_to=shots)

    # how a liaison gets to its items and notices: the home page's supervision card
    phone.goto(f"{base}/")
    expect(phone.get_by_role("link", name="我的事项")).to_be_visible()
    expect(phone.get_by_role("link", name="督办通知")).to_be_visible()

    # supervision-weekly.md: the sheet being built, the review, the bulletin
    office.goto(f"{base}/supervision/weekly/")
    expect(office.get_by_role("link", name=f"本周：{demo['this_week']}")).to_be_visible()
    leader.goto(f"{base}/supervision/weekly/{demo['last_week']}/")
    expect(leader.get_by_role("link", name="点评进展报告")).to_be_visible()
    expect(leader.get_by_role("link", name="周通报")).to_be_visible()
    office.goto(f"{base}/supervision/weekly/{demo['next_week']}/")
    look(
        office, "the sheet being built", "form.week-build",
        "编制交办单", "本周交办要求", "报送时限", "保存草稿", "下发交办单", "12:00",
    )  # fmt: skip
    first = office.locator("form.week-build input[name=pick]").first
    first.check()
    pick = first.get_attribute("value")
    office.locator(f"input[name=demand-{pick}]").fill("本周内完成施工图审查并报送照片")
    shoot(office, "supervision-week-builder.png", copy_to=shots)
    leader.goto(f"{base}/supervision/weekly/{demo['last_week']}/review/")
    look(leader, "the review page", "form.review-form", "好", "较好", "一般", "差", "保存并下一份")
    shoot(leader, "supervision-week-review.png", copy_to=shots)
    office.goto(f"{base}/supervision/weekly/{demo['last_week']}/bulletin/")
    look(
        office, "the bulletin", "table.week-tally",
        "Word（.docx）", "PDF", "按时报送率", "领导点评", "导语", "工作要求",
    )  # fmt: skip
    shoot(office, "supervision-bulletin.png", full_page=True, copy_to=shots)

    # supervision-notices.md: the board, a red notice, the liaison's inbox on a phone
    office.goto(f"{base}/supervision/notices/")
    look(
        office,
        "the notice board",
        "main table",
        "执行今日巡查",
        "蓝色提醒",
        "黄色催办",
        "红色督办单",
    )
    shoot(office, "supervision-notice-board.png", copy_to=shots)
    office.goto(f"{base}/supervision/notices/{demo['red_notice']}/")
    look(
        office, "a red notice", "form.decide",
        "打印督办单（PDF）", "采纳回复", "退回理由（退回时填写）", "填写理由后退回", "办理过程",
    )  # fmt: skip
    expect(office.locator("h1")).to_contain_text("督")
    shoot(office, "supervision-red-notice.png", element=office.locator("main"), copy_to=shots)
    phone.goto(f"{base}/supervision/notices/mine/")
    look(phone, "the liaison's inbox", "main h1", "我的督办通知", "查看")
    no_sideways_scroll(phone)
    shoot(phone, "supervision-liaison-inbox.png", copy_to=shots)
    # the other red notice, as its lead unit's liaison sees it (an account made here: the demo
    # has liaisons of 华龙区 and 市发展改革委 only, and neither has a red notice)
    red = Notice.objects.filter(colour="red").exclude(pk=demo["red_notice"]).get()
    lead = red.item.lead_unit
    User.objects.create_user(
        username="hb-liaison", password="x" * 20, role="unit", unit=lead,
        display_name=f"{lead.name} 联络员",
    )  # fmt: skip
    answering = open_as(browser, base, "hb-liaison", PHONE).new_page()
    answering.goto(f"{base}/supervision/notices/{red.pk}/")
    look(
        answering,
        "a red notice on the liaison's phone",
        "main h1",
        red.number,
        "签收",
        "书面回复",
        "提交回复",
    )
    no_sideways_scroll(answering)
    answering.locator("textarea[name=text]").fill(
        "逾期原因：与省平台的接口联调延迟。已采取措施：成立工作专班，每周调度。预计12月底前完成。"
    )
    # from 签收 down to the reply's button (the notice's head: the office's picture)
    answering.evaluate(
        "window.scrollTo(0, document.querySelector(\"form[action$='/acknowledge/']\")"
        ".getBoundingClientRect().top + window.scrollY - 12)"
    )
    shoot(answering, "supervision-liaison-red-notice.png", copy_to=shots)
    answering.context.close()

    # supervision-onsite.md: the meeting and a problem with its similar ones
    office.goto(f"{base}/supervision/onsite/{demo['onsite_meeting']}/")
    look(office, "the on-site meeting", "table.onsite-problems", "会议纪要（Word）", "批处理")
    shoot(office, "supervision-onsite-meeting.png", full_page=True, copy_to=shots)
    office.goto(f"{base}/supervision/onsite/problems/{demo['onsite_problem']}/")
    look(
        office, "a problem and its similar ones", "form.batch",
        "相似的未办结问题", "整批的办理决定", "决定人", "对勾选的问题记录决定",
    )  # fmt: skip
    shoot(office, "supervision-onsite-problem.png", full_page=True, copy_to=shots)
    for page in (office, leader, phone):
        page.context.close()
