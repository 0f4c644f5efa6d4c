"""A whole week of the weekly cycle (周交办点评) in Chromium, in Chinese:

1. the office (1920×1080) builds this week's assignment sheet (交办单) from two items, one of
   华龙区 and one of 市发展改革委, each with a demand, and issues it (default deadline: Friday
   12:00); the week's page shows the sheet;
2. the two liaisons, on 360 px phones, see their part on their home page and report; the
   test drives time by setting when each report was filed: 华龙区's two hours before the
   deadline, 市发展改革委's three hours after it (late) — no sleeping;
3. the leader comments with the keyboard only: 1 (好), Enter, then 4 (差), Enter; the 差
   makes 市发展改革委's item lagging;
4. the office compiles the bulletin (周通报), writes the intro, downloads the .docx — opened
   here with python-docx: 华龙区 100.0 % rank 1, 市发展改革委 0.0 % rank 2, named best and
   worst — and the PDF, rendered to PNG with pdftoppm.

Every page passes axe-core; screenshots at 360 px and 1920×1080 go to
``test-artifacts/screenshots/week-*.png`` and ``/tmp/shots/week/``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.test_supervision_report import PHONE, WIDE, no_sideways_scroll, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots/week")


def shot(page: Page, dirs: list[Path], name: str, full: bool = True) -> None:
    for folder in dirs:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / name, full_page=full)


def test_a_whole_week(
    live_server: Any, browser: Browser, transactional_db: None, screenshot_dir: Path
) -> None:
    from django.utils import timezone
    from docx import Document
    from playwright.sync_api import expect

    from pingyi.accounts.demo import load_demo_accounts
    from pingyi.orgs.demo import load_demo_units
    from pingyi.orgs.models import Unit
    from pingyi.supervision import selectors
    from pingyi.supervision.method.week import Week
    from pingyi.supervision.models import Item, Report, SupervisionList, WeekSheet

    load_demo_units()
    load_demo_accounts()
    today = timezone.localdate()
    week = Week.of(today)
    hualong, fgw = Unit.objects.get(code="hualong"), Unit.objects.get(code="fgw")
    the_list = SupervisionList.objects.create(
        key="wk",
        kind="tasks",
        name=f"{today.year}年重点工作任务清单",
        year=today.year,
        assigned_on=date(today.year, 1, 1),
    )
    item_a = Item.objects.create(
        supervision_list=the_list,
        number="1",
        position=1,
        title="推进濮阳东站综合交通枢纽建设",
        lead_unit=hualong,
        kind="date",
        due=today + timedelta(days=200),
    )
    item_b = Item.objects.create(
        supervision_list=the_list,
        number="2",
        position=2,
        title="新增规上工业企业培育",
        lead_unit=fgw,
        kind="date",
        due=today + timedelta(days=200),
    )
    base = live_server.url
    dirs = [SHOTS, screenshot_dir]

    # --- 1. the office builds and issues this week's sheet -----------------------------------
    office = signed_in(browser, base, "office", WIDE)
    office.goto(f"{base}/supervision/weekly/")
    expect(office.locator("h1")).to_have_text("周交办点评")
    assert_accessible(office, "the weekly cycle's index")
    office.get_by_role("link", name=f"本周：{week}").click()
    expect(office.locator("h1")).to_have_text(f"交办单 {week}")
    expect(office.locator(".pagehead")).to_contain_text(
        f"{week.day(4):%Y-%m-%d} 12:00"
    )  # the default deadline: Friday 12:00
    office.locator(f"input[name=pick][value='{item_a.pk}']").check()
    office.locator(f"input[name=demand-{item_a.pk}]").fill("本周完成站前广场施工图审查")
    office.locator(f"input[name=pick][value='{item_b.pk}']").check()
    office.locator(f"input[name=demand-{item_b.pk}]").fill("报送新增入规企业名单")
    assert_accessible(office, "the sheet being built")
    shot(office, dirs, "week-build-1920.png")
    office.locator("button[name=action][value=issue]").click()
    expect(office.locator(".messages")).to_contain_text(f"{week} 交办单已下发")
    sheet = WeekSheet.objects.get(year=week.year, week=week.week)
    assert sheet.issued_at is not None and sheet.entries.count() == 2
    assert timezone.localtime(sheet.deadline).strftime("%a %H:%M") == "Fri 12:00"

    # --- 2. the liaisons report on their phones ---------------------------------------------
    for username, item, percent, text in (
        ("hualong", item_a, "40", "完成施工图审查，开始场地平整"),
        ("fgw", item_b, "30", "摸排入规企业12家"),
    ):
        phone = signed_in(browser, base, username, PHONE)
        phone.goto(f"{base}/supervision/mine/")
        part = phone.locator("section[aria-labelledby=week-part-h]")
        expect(part).to_contain_text(f"本周交办（{week}）")
        other = item_b if item is item_a else item_a
        expect(part).not_to_contain_text(other.title)
        no_sideways_scroll(phone)
        if username == "hualong":
            assert_accessible(phone, "a liaison's home with its part of the sheet")
            shot(phone, dirs, "week-liaison-home-360.png")
        part.get_by_role("link", name=f"{item.number} {item.title}").click()
        phone.get_by_label("完成进度（%）").fill(percent)
        phone.get_by_label("工作进展").fill(text)
        phone.get_by_role("button", name="提交进展报告").click()
        expect(phone.locator(".messages")).to_contain_text("进展报告已提交")
        phone.context.close()
    # time is driven, not waited for: filed 2 hours before the deadline, and 3 hours after
    on_time = Report.objects.get(item=item_a)
    late = Report.objects.get(item=item_b)
    Report.objects.filter(pk=on_time.pk).update(created_at=sheet.deadline - timedelta(hours=2))
    Report.objects.filter(pk=late.pk).update(created_at=sheet.deadline + timedelta(hours=3))
    office.goto(f"{base}/supervision/weekly/{week}/")
    tally = office.locator("table.week-tally")
    expect(tally.locator("tbody tr").nth(0)).to_contain_text("华龙区")
    expect(tally.locator("tbody tr").nth(0)).to_contain_text("100.0%")
    expect(tally.locator("tbody tr").nth(1)).to_contain_text("市发展改革委")
    expect(tally.locator("tbody tr").nth(1)).to_contain_text("0.0%")
    assert_accessible(office, "the issued sheet and its tally")
    shot(office, dirs, "week-sheet-1920.png")

    # --- 3. the leader comments with the keyboard only ---------------------------------------
    leader = signed_in(browser, base, "leader", WIDE)
    leader.goto(f"{base}/supervision/weekly/{week}/review/")
    expect(leader.locator("#report-h")).to_contain_text("1/2")
    expect(leader.locator("#report-h")).to_contain_text(item_a.title)
    assert_accessible(leader, "the review page")
    shot(leader, dirs, "week-review-1920.png")
    leader.keyboard.press("1")
    expect(leader.locator("input[name=rating][value='好']")).to_be_checked()
    expect(leader.locator("input[name=rating][value='好']")).to_be_focused()
    leader.keyboard.press("Enter")
    expect(leader).to_have_url(f"{base}/supervision/weekly/{week}/review/?r={late.pk}")
    expect(leader.locator("#report-h")).to_contain_text("2/2")
    leader.keyboard.press("k")  # back to the first: it shows its rating
    expect(leader.locator("input[name=rating][value='好']")).to_be_checked()
    leader.keyboard.press("j")
    expect(leader.locator("#report-h")).to_contain_text(item_b.title)
    leader.keyboard.press("4")
    leader.keyboard.press("Enter")
    expect(leader).to_have_url(f"{base}/supervision/weekly/{week}/review/?done=1")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (on_time.rating, late.rating) == ("好", "差")
    assert selectors.item_status(item_b, today).status == "lagging"
    leader.set_viewport_size(PHONE)
    leader.goto(f"{base}/supervision/weekly/{week}/review/?r={late.pk}")
    no_sideways_scroll(leader)
    assert_accessible(leader, "the review page on a phone")
    shot(leader, dirs, "week-review-360.png")

    # --- 4. the bulletin: compiled, edited, downloaded -----------------------------------------
    office.goto(f"{base}/supervision/weekly/{week}/bulletin/")
    office.locator("button[name=action][value=compile]").click()
    expect(office.locator(".messages")).to_contain_text("周通报已编制")
    office.locator("#intro").fill(f"现将{week}重点工作交办落实情况通报如下。")
    office.locator("#remarks").fill("迟报单位要说明原因，限期整改。")
    office.locator("button[name=action][value=save]").click()
    expect(office.locator(".messages")).to_contain_text("周通报已保存")
    assert_accessible(office, "the bulletin page")
    shot(office, dirs, "week-bulletin-1920.png")
    with office.expect_download() as download:
        office.get_by_role("link", name="Word（.docx）").click()
    docx_path = SHOTS / f"bulletin-{week}.docx"
    download.value.save_as(docx_path)
    doc = Document(io.BytesIO(docx_path.read_bytes()))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1] == ["1", "华龙区", "1", "1", "0", "0", "100.0%"]
    assert rows[2] == ["2", "市发展改革委", "1", "0", "1", "0", "0.0%"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "表扬：华龙区" in text and "通报：市发展改革委" in text
    assert f"现将{week}重点工作交办落实情况通报如下。" in text
    comments = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert [r[2] for r in comments[1:]] == ["好", "差"]
    pdf = office.context.request.get(f"{base}/supervision/weekly/{week}/bulletin.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    pdf_path = SHOTS / f"bulletin-{week}.pdf"
    pdf_path.write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf_path), str(SHOTS / "bulletin-pdf")],
            check=True,
        )
        assert (SHOTS / "bulletin-pdf-1.png").exists()
    if shutil.which("libreoffice") or shutil.which("soffice"):
        tool = shutil.which("libreoffice") or shutil.which("soffice")
        subprocess.run(
            [
                str(tool),
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(SHOTS),
                str(docx_path),
            ],
            check=True,
            timeout=120,
        )
    office.set_viewport_size(PHONE)
    office.reload()
    no_sideways_scroll(office)
    assert_accessible(office, "the bulletin page on a phone")
    shot(office, dirs, "week-bulletin-360.png")
    office.context.close()
    leader.context.close()
