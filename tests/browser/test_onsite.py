"""The on-site office in Chromium, in Chinese: the office records a meeting with 3 problems at
1920×1080, opens one, sees the similar open problems of other units (recorded at an earlier
meeting), picks a batch and records one decision; each member's first step is done. The
minutes (.docx) downloaded and opened with python-docx (names, decisions, the table). A
liaison on a 360 px phone sees only its unit's problems. Screenshots at 360 px and 1920×1080
under test-artifacts/screenshots/onsite-*.png (copied to /tmp/shots/onsite/); axe-core on
every page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.test_supervision_report import PHONE, WIDE, no_sideways_scroll, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser]
SHOTS = Path("/tmp/shots/onsite")

EARLIER = [
    ("puyang", "基础设施", "濮阳县产业集聚区规划路尚未打通，企业货运车辆绕行严重", "jtj"),
    ("nanle", "基础设施", "南乐县食品产业园规划道路未打通，制约企业落地", "jtj"),
    ("fanxian", "基础设施", "范县新区两条断头路长期未打通，群众出行不便", "jtj"),
    ("qingfeng", "基础设施", "清丰县工业大道坑洼不平，多次反映未修复", "jtj"),
    ("kaifaqu", "基础设施", "园区供水压力不足，企业生产用水时断时续", "zjj"),
    ("hualong", "城市管理", "老旧小区停车位严重不足，居民停车难问题突出", "zjj"),
]
NEW = [
    ("gongyeyuan", "基础设施", "园区内道路未打通，企业货车绕行", "jtj", "", "12月底前"),
    ("hualong", "城市管理", "华龙区人民医院周边停车难，车辆乱停乱放", "zjj",
     "华龙区牵头建设临时停车场", "3个月内"),
    ("taiqian", "要素保障", "台前县羽绒企业缝纫工短缺，订单不敢接", "gxj", "", "1个月内"),
]  # fmt: skip


def shoot(page: Page, shots: Path, name: str) -> None:
    path = shots / f"onsite-{name}.png"
    page.screenshot(path=path, full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def render_minutes(docx: Path, shots: Path) -> None:
    """The minutes through LibreOffice to PDF (if installed) and pdftoppm to PNG: the Chinese
    comes out as Chinese (the PDF's text), the pages as pictures to look at."""
    soffice, pdftoppm, pdftotext = (shutil.which(t) for t in ("soffice", "pdftoppm", "pdftotext"))
    if soffice is None or pdftoppm is None or pdftotext is None:
        return  # CI installs poppler; LibreOffice only where the office has it
    out = shots / "onsite-minutes-pdf"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = out / "onsite-minutes.pdf"
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "现场办公会纪要" in text and "濮阳工业园区" in text and "第1页" in text.replace(" ", "")
    subprocess.run([pdftoppm, "-r", "70", "-png", str(pdf), str(out / "page")], check=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for page in sorted(out.glob("page-*.png")):
        shutil.copy(page, SHOTS / f"onsite-minutes-{page.name}")


def test_a_meeting_its_similar_problems_and_one_batch_decision(
    live_server: Any, browser: Browser, transactional_db: None, screenshot_dir: Path
) -> None:
    from docx import Document
    from playwright.sync_api import expect

    from pingyi.accounts.demo import load_demo_accounts
    from pingyi.orgs.demo import load_demo_units
    from pingyi.supervision import onsite
    from pingyi.supervision.models import Item, OnsiteMeeting, Problem, ProblemBatch

    load_demo_units()
    load_demo_accounts()
    onsite.meeting_record(
        onsite.MeetingSpec(
            title="2026年10月现场办公会", held_on=date(2026, 10, 21), place="濮阳县", leader="王强"
        ),
        [
            onsite.ProblemRow(unit=u, category=c, description=t, responsible=r)
            for u, c, t, r in EARLIER
        ],
    )
    base = live_server.url

    # --- the office records the meeting at 1920×1080 -----------------------------------------
    office = signed_in(browser, base, "office", WIDE)
    office.goto(f"{base}/supervision/onsite/")
    expect(office.locator("h1")).to_have_text("现场办公会")
    office.get_by_role("link", name="记录会议").click()
    expect(office.locator("h1")).to_have_text("记录现场办公会")
    assert_accessible(office, "the new meeting form")
    office.locator("input[name=title]").fill("2026年11月现场办公会")
    office.locator("input[name=held_on]").fill("2026-11-18")
    office.locator("input[name=place]").fill("濮阳工业园区管委会会议室")
    office.get_by_label("主持").fill("李明")
    office.get_by_label("参会人员").fill("市发展改革委 市交通运输局 华龙区")
    for n, (unit, category, text, responsible, decision, deadline) in enumerate(NEW):
        office.locator(f"select[name=p-{n}-unit]").select_option(unit)
        office.locator(f"input[name=p-{n}-category]").fill(category)
        office.locator(f"textarea[name=p-{n}-description]").fill(text)
        office.locator(f"textarea[name=p-{n}-decision]").fill(decision)
        office.locator(f"select[name=p-{n}-responsible]").select_option(responsible)
        office.locator(f"input[name=p-{n}-deadline]").fill(deadline)
    shoot(office, screenshot_dir, "new-1920")
    office.get_by_role("button", name="保存会议记录").click()
    expect(office.locator("h1")).to_have_text("2026年11月现场办公会")
    expect(office.locator("table.onsite-problems tbody tr")).to_have_count(3)
    expect(office.locator(".messages, [role=status]").first).to_contain_text("问题 3 个")
    meeting = OnsiteMeeting.objects.get(title="2026年11月现场办公会")
    assert Item.objects.filter(supervision_list__key="2026-problems").count() == 9
    assert_accessible(office, "a meeting's page")
    shoot(office, screenshot_dir, "meeting-1920")

    # --- one problem, its similar ones of other units, one decision for the batch ------------
    office.get_by_role("link", name="园区内道路未打通，企业货车绕行").click()
    expect(office.locator("h1")).to_have_text("园区内道路未打通，企业货车绕行")
    checked = office.locator("fieldset.similar-list input[name=member]:checked")
    expect(checked).to_have_count(3)  # 濮阳县, 南乐县, 范县: the dead-end roads
    listed = office.locator("fieldset.similar-list").first.inner_text()
    assert "濮阳县" in listed and "南乐县" in listed and "范县" in listed
    assert "坑洼" not in listed  # a broken road is not a dead end: not checked
    assert "停车" not in office.locator("main").inner_text()  # another category
    assert_accessible(office, "a problem with its similar ones")
    shoot(office, screenshot_dir, "problem-1920")
    office.get_by_label("整批的办理决定").fill(
        "市交通运输局牵头，统筹各县（区）断头路打通计划，年底前完成"
    )
    office.get_by_role("button", name="对勾选的问题记录决定").click()
    expect(office.locator("main")).to_contain_text("已对 4 个问题作出一个决定")
    expect(office.locator("main dl")).to_contain_text("批处理")
    shoot(office, screenshot_dir, "batch-1920")
    batch = ProblemBatch.objects.get()
    assert batch.problems.count() == 4
    for p in batch.problems.all():
        item = Item.objects.get(pk=p.item_id)
        assert item.milestones.get(text="明确办理意见").done_on is not None
        assert item.closed_on is None

    # --- the minutes, downloaded and read ---------------------------------------------------
    office.goto(f"{base}/supervision/onsite/{meeting.pk}/")
    with office.expect_download() as download:
        office.get_by_role("link", name="会议纪要（Word）").click()
    data = Path(download.value.path()).read_bytes()
    (screenshot_dir / "onsite-minutes.docx").write_bytes(data)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年11月现场办公会纪要" in text and "主持：李明" in text
    assert "办理意见：（批处理）市交通运输局牵头" in text
    assert "办理意见：华龙区牵头建设临时停车场" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[1][1] == "濮阳工业园区" and rows[2][4] == "市住房和城乡建设局"
    assert rows[3][5] == "1个月内"
    render_minutes(screenshot_dir / "onsite-minutes.docx", screenshot_dir)

    # --- a liaison on a phone: its unit's problems only ------------------------------------
    phone = signed_in(browser, base, "hualong", PHONE)
    phone.goto(f"{base}/supervision/onsite/{meeting.pk}/")
    expect(phone.locator("table.onsite-problems tbody tr")).to_have_count(1)
    expect(phone.locator("main")).not_to_contain_text("园区内道路未打通")
    no_sideways_scroll(phone)
    assert_accessible(phone, "a meeting on a phone, as a liaison")
    shoot(phone, screenshot_dir, "meeting-hualong-360")
    mine = Problem.objects.get(meeting=meeting, unit__code="hualong")
    phone.goto(f"{base}/supervision/onsite/problems/{mine.pk}/")
    expect(phone.locator("h1")).to_contain_text("停车难")
    assert_accessible(phone, "a problem on a phone, as a liaison")
    other = Problem.objects.get(meeting=meeting, unit__code="gongyeyuan")
    answer = phone.goto(f"{base}/supervision/onsite/problems/{other.pk}/")
    assert answer is not None and answer.status == 403

    # --- the office on a phone: the problem and its batch form at 360 px ---------------------
    small = signed_in(browser, base, "office", PHONE)
    open_problem = Problem.objects.get(meeting=meeting, unit__code="taiqian")
    small.goto(f"{base}/supervision/onsite/problems/{open_problem.pk}/")
    expect(small.locator("form.batch")).to_be_visible()
    no_sideways_scroll(small)
    assert_accessible(small, "a problem with its batch form on a phone")
    shoot(small, screenshot_dir, "problem-360")
    small.goto(f"{base}/supervision/onsite/")
    no_sideways_scroll(small)
    assert_accessible(small, "the meetings on a phone")
    shoot(small, screenshot_dir, "index-360")
