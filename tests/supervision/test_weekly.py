"""The weekly cycle's services, reads, documents and pages (supervision/weekly.py,
selectors_weekly.py, bulletin_docx.py, bulletin_pdf.py, views_weekly.py, api_weekly.py):

- a sheet is refused whole (closed item, an item twice, a deadline outside the week, too long
  a demand) with nothing written; an issued sheet cannot change; issuing twice tells nobody
  twice (one message per unit and sheet);
- on time / late / missing counted from the reports as filed: a report filed one second after
  the deadline is late, last week's report does not count, a returned one does not, a
  co-unit's report does not stand for the lead unit's;
- the bulletin: compiled figures, the office's text editable until issue, frozen after; the
  .docx has real headings, tables, a PAGE field in the footer, 仿宋_GB2312 / 黑体 on the East
  Asian font; the PDF renders Chinese; the archive finds a bulletin by a word of its text;
- the pages: a liaison gets 403 and sees its part on its home page instead; a week that is no
  ISO week is 404 in words; the review saves a rating and goes to the next report, a 差 makes
  the item lagging; the read API.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document

from pingyi.core.models import AuditEntry
from pingyi.notifications.models import InboxEntry
from pingyi.orgs.models import Unit, UnitKind
from pingyi.supervision import selectors, selectors_weekly, services, weekly
from pingyi.supervision.bulletin_docx import bulletin_docx
from pingyi.supervision.bulletin_pdf import bulletin_pdf
from pingyi.supervision.errors import InvalidInput, StateError
from pingyi.supervision.method.week import Week
from pingyi.supervision.models import (
    Bulletin,
    Item,
    Notice,
    Report,
    SupervisionList,
    WeekSheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' refusals are read in English here (the pages' in Chinese elsewhere)."""
    with translation.override("en"):
        yield


W = Week(2026, 41)  # Monday 2026-10-05 … Sunday 2026-10-11; deadline Friday 2026-10-09 12:00


def aware(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def world(unit_hualong: Unit, unit_puyang: Unit) -> dict[str, Any]:
    qingfeng = Unit.objects.create(code="qingfeng", name="清丰县", kind=UnitKind.COUNTY, order=3)
    the_list = SupervisionList.objects.create(
        key="wk", kind="tasks", name="重点工作任务清单", year=2026, assigned_on=date(2026, 1, 1)
    )
    items = []
    for n, (unit, title) in enumerate(
        [
            (unit_hualong, "推进濮阳东站综合交通枢纽建设"),
            (unit_hualong, "老旧小区改造"),
            (unit_puyang, "县域商业体系建设"),
            (qingfeng, "营商环境"),
        ],
        start=1,
    ):
        items.append(
            Item.objects.create(
                supervision_list=the_list,
                number=str(n),
                position=n,
                title=title,
                lead_unit=unit,
                kind="date",
                due=date(2026, 12, 31),
            )
        )
    items[2].co_units.add(unit_hualong)
    return {"items": items, "hualong": unit_hualong, "puyang": unit_puyang, "qingfeng": qingfeng}


def report(item: Item, unit: Unit, day: date, filed: datetime, **kw: Any) -> Report:
    r = services.report_file(item, unit=unit, reported_on=day, percent=50, **kw)
    Report.objects.filter(pk=r.pk).update(created_at=filed)
    r.refresh_from_db()
    return r


def test_the_deadline_defaults_to_friday_noon_local(world: dict[str, Any]) -> None:
    sheet = weekly.sheet_save(W, [(world["items"][0], "报送进度")])
    assert timezone.localtime(sheet.deadline).replace(tzinfo=None) == datetime(2026, 10, 9, 12)


def test_a_bad_sheet_is_refused_whole(world: dict[str, Any]) -> None:
    a, b, c, _d = world["items"]
    c.closed_on = date(2026, 9, 1)
    c.save()
    with pytest.raises(InvalidInput, match="wk/3 is closed"):
        weekly.sheet_save(W, [(a, ""), (c, "")])
    with pytest.raises(InvalidInput, match="wk/1 is picked twice"):
        weekly.sheet_save(W, [(a, ""), (b, ""), (a, "")])
    with pytest.raises(InvalidInput, match=r"2026-10-12 09:00 is not in 2026-W41"):
        weekly.sheet_save(W, [(a, "")], deadline=aware(2026, 10, 12, 9))
    with pytest.raises(InvalidInput, match="5001 characters long"):
        weekly.sheet_save(W, [(a, "x" * 5001)])
    with pytest.raises(InvalidInput, match="at least one item"):
        weekly.sheet_save(W, [])
    assert not WeekSheet.objects.exists()


def test_an_issued_sheet_is_fixed_and_nobody_is_told_twice(world: dict[str, Any]) -> None:
    a, b, c, d = world["items"]
    sheet = weekly.sheet_save(W, [(a, "一"), (b, "二"), (c, "三"), (d, "四")])
    weekly.sheet_issue(sheet, actor="office")
    inbox = InboxEntry.objects.filter(key__startswith=f"supervision.week:{sheet.pk}:")
    # hualong (items 1, 2 and co-unit of 3), puyang, qingfeng: one entry each
    assert sorted(inbox.values_list("key", flat=True)) == [
        f"supervision.week:{sheet.pk}:{code}" for code in ("hualong", "puyang", "qingfeng")
    ]
    hualong = inbox.get(key__endswith=":hualong")
    assert "1 推进濮阳东站" in hualong.markdown and "3 县域商业" in hualong.markdown
    assert "4 营商环境" not in hualong.markdown
    weekly.sheet_issue(sheet, actor="office")
    assert inbox.count() == 3
    assert AuditEntry.objects.filter(action="supervision.week.sheet_issued").count() == 1
    with pytest.raises(StateError, match="was issued"):
        weekly.sheet_save(W, [(a, "")])


def test_on_time_late_and_missing_as_filed(world: dict[str, Any]) -> None:
    a, b, c, d = world["items"]
    hualong, puyang, qingfeng = world["hualong"], world["puyang"], world["qingfeng"]
    sheet = weekly.sheet_save(W, [(a, ""), (b, ""), (c, ""), (d, "")])
    weekly.sheet_issue(sheet)
    deadline = sheet.deadline
    report(a, hualong, date(2026, 10, 9), deadline)  # at the deadline: on time
    report(b, hualong, date(2026, 10, 9), deadline + timedelta(seconds=1))  # late
    report(c, hualong, date(2026, 10, 8), deadline - timedelta(hours=1))  # a co-unit's: no
    report(c, puyang, date(2026, 10, 2), deadline - timedelta(hours=1))  # last week's: no
    returned = report(d, qingfeng, date(2026, 10, 7), deadline - timedelta(days=1))
    services.report_return(returned, reason="内容空泛")
    tally = selectors_weekly.week_tally(sheet)
    rows = {u.unit: (u.owed, u.on_time, u.late, u.missing, u.rank) for u in tally.ranked}
    assert rows == {
        "hualong": (2, 1, 1, 0, 1),
        "puyang": (1, 0, 0, 1, 2),
        "qingfeng": (1, 0, 0, 1, 2),
    }
    assert (tally.best, tally.worst) == (["hualong"], ["puyang", "qingfeng"])
    # the on-time report of puyang, filed again properly, now counts
    report(c, puyang, date(2026, 10, 9), deadline - timedelta(minutes=1))
    assert selectors_weekly.week_tally(sheet).ranked[0].unit in ("hualong", "puyang")


def _bulletin_week(world: dict[str, Any]) -> Bulletin:
    a, b, c, d = world["items"]
    sheet = weekly.sheet_save(W, [(a, ""), (b, ""), (c, ""), (d, "")])
    weekly.sheet_issue(sheet)
    r1 = report(a, world["hualong"], date(2026, 10, 8), sheet.deadline - timedelta(hours=2))
    report(b, world["hualong"], date(2026, 10, 9), sheet.deadline - timedelta(hours=2))
    r3 = report(c, world["puyang"], date(2026, 10, 9), sheet.deadline + timedelta(hours=3))
    services.report_comment(r1, rating="好", comment="进度明显", leader="王副市长")
    services.report_comment(r3, rating="差", comment="报送迟缓", leader="王副市长")
    return weekly.bulletin_compile(W, today=date(2026, 10, 12))


def test_the_bulletin_is_compiled_edited_then_frozen(world: dict[str, Any]) -> None:
    bulletin = _bulletin_week(world)
    data = bulletin.data
    assert data["format"] == "pingyi-bulletin/1" and data["as_of"] == "2026-10-11"
    units = [(u["name"], u["rate"], u["percent"], u["rank"]) for u in data["units"]]
    assert units == [
        ("华龙区", "1/1", "100.0", 1),
        ("濮阳县", "0/1", "0.0", 2),
        ("清丰县", "0/1", "0.0", 2),
    ]
    assert (data["best"], data["worst"]) == (["华龙区"], ["濮阳县", "清丰县"])
    assert [(c["unit"], c["rating"]) for c in data["comments"]] == [
        ("华龙区", "好"),
        ("濮阳县", "差"),
    ]
    # a 差 makes the item lagging (SUPERVISION.md, status rule 3)
    assert selectors.item_status(world["items"][2], date(2026, 10, 12)).status == "lagging"
    assert {s["status"]: s["count"] for s in data["statuses"]}["lagging"] >= 1
    weekly.bulletin_edit(bulletin, intro="现将第41周情况通报如下。", remarks="限期整改")
    # recompiling keeps the office's text
    again = weekly.bulletin_compile(W, today=date(2026, 10, 12))
    assert again.pk == bulletin.pk and again.intro == "现将第41周情况通报如下。"
    weekly.bulletin_issue(again, actor="office")
    with pytest.raises(StateError):
        weekly.bulletin_edit(again, intro="改", remarks="")
    with pytest.raises(StateError):
        weekly.bulletin_compile(W)
    with pytest.raises(StateError):
        weekly.bulletin_issue(again)
    # the archive finds it by a word of its text, a unit's name, a comment
    assert list(selectors_weekly.archive("整改")) == [again]
    assert list(selectors_weekly.archive("清丰县 迟缓")) == [again]
    assert not selectors_weekly.archive("无此词").exists()


def test_the_word_document(world: dict[str, Any]) -> None:
    bulletin = _bulletin_week(world)
    weekly.bulletin_edit(bulletin, intro="现将情况通报如下。", remarks="各单位按时报送。")
    doc = Document(io.BytesIO(bulletin_docx(weekly.data_of(bulletin))))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、进展报送情况",
        "二、事项推进情况",
        "三、督办情况",
        "四、领导点评",
        "五、本周表扬与通报",
        "六、工作要求",
    ]
    rates = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rates[0] == ["名次", "单位", "应报", "按时", "迟报", "未报", "按时报送率"]
    assert rates[1] == ["1", "华龙区", "2", "2", "0", "0", "100.0%"]
    assert rates[2][1:] == ["濮阳县", "1", "0", "1", "0", "0.0%"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年第41周（10月5日—10月11日）" in text and "（草稿）" in text
    assert "表扬：华龙区" in text and "通报：濮阳县、清丰县" in text
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    normal = doc.styles["Normal"].element.xml
    heading = doc.styles["Heading 1"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in normal and 'w:eastAsia="黑体"' in heading
    # no theme font left to override the named ones
    assert "eastAsiaTheme" not in heading and "asciiTheme" not in heading
    # the font table offers the alternatives and the GB2312 character set
    with zipfile.ZipFile(io.BytesIO(bulletin_docx(weekly.data_of(bulletin)))) as archive:
        fonts = archive.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:charset w:val="86"/>' in fonts


def test_the_pdf_renders_chinese(world: dict[str, Any], tmp_path: Path) -> None:
    bulletin = _bulletin_week(world)
    pdf = bulletin_pdf(weekly.data_of(bulletin))
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "督查工作周通报" in text and "华龙区" in text and "100.0%" in text
    assert "第1页" in text.replace(" ", "")


# --- pages ------------------------------------------------------------------------------------


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_by_role(
    world: dict[str, Any], office_user: Any, leader_user: Any, liaison_a: Any
) -> None:
    office, leader, liaison = signed_in(office_user), signed_in(leader_user), signed_in(liaison_a)
    url = reverse("supervision:week", args=[str(W)])
    assert office.get(url).status_code == 200
    assert leader.get(url).status_code == 200
    assert liaison.get(url).status_code == 403
    assert liaison.get(reverse("supervision:week_index")).status_code == 403
    bad = office.get("/supervision/weekly/2026-W54/")
    assert bad.status_code == 404
    # a leader may not build the sheet
    a = world["items"][0]
    assert leader.post(url, {"action": "save", "pick": [a.pk]}).status_code == 403
    assert not WeekSheet.objects.exists()


def test_the_office_builds_and_issues_on_the_page(
    world: dict[str, Any], office_user: Any, liaison_a: Any
) -> None:
    office = signed_in(office_user)
    a, b, _c, _d = world["items"]
    url = reverse("supervision:week", args=[str(W)])
    # a deadline outside the week: refused in words, nothing written
    answer = office.post(
        url, {"action": "save", "pick": [a.pk], "deadline": "2026-10-13T12:00"}, follow=True
    )
    assert "不在" in answer.content.decode() or "is not in" in answer.content.decode()
    assert not WeekSheet.objects.exists()
    answer = office.post(
        url,
        {"action": "issue", "pick": [a.pk, b.pk], f"demand-{a.pk}": "周五前报送", "deadline": ""},
    )
    assert answer.status_code == 302
    sheet = WeekSheet.objects.get()
    assert sheet.issued_at is not None
    assert [e.demand for e in sheet.entries.all()] == ["周五前报送", ""]


def test_the_review_saves_and_goes_to_the_next(world: dict[str, Any], leader_user: Any) -> None:
    a, b, c, _d = world["items"]
    sheet = weekly.sheet_save(W, [(a, ""), (b, ""), (c, "")])
    weekly.sheet_issue(sheet)
    r1 = report(a, world["hualong"], date(2026, 10, 8), sheet.deadline)
    r2 = report(c, world["puyang"], date(2026, 10, 8), sheet.deadline)
    leader = signed_in(leader_user)
    url = reverse("supervision:week_review", args=[str(W)])
    page = leader.get(url)
    assert page.status_code == 200 and page.context["current"] == r1
    answer = leader.post(url, {"id": r1.pk, "rating": "较好", "comment": "好"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"?r={r2.pk}")
    r1.refresh_from_db()
    assert (r1.rating, r1.rated_by) == ("较好", "fx-leader")
    # a rating that is none of the four: refused, nothing saved
    answer = leader.post(url, {"id": r2.pk, "rating": "很好"})
    assert answer.status_code == 422
    r2.refresh_from_db()
    assert r2.rating == ""
    leader.post(url, {"id": r2.pk, "rating": "差"})
    assert selectors.item_status(c, date(2026, 10, 12)).status == "lagging"


def test_the_liaison_sees_its_part_on_its_home(world: dict[str, Any], liaison_b: Any) -> None:
    this = Week.of(timezone.localdate())
    a, _b, c, _d = world["items"]
    sheet = weekly.sheet_save(this, [(a, "甲要求"), (c, "丙要求")])
    page = signed_in(liaison_b).get(reverse("supervision:unit_home")).content.decode()
    assert "丙要求" not in page  # a draft is nobody's business
    weekly.sheet_issue(sheet)
    page = signed_in(liaison_b).get(reverse("supervision:unit_home")).content.decode()
    assert "丙要求" in page and "甲要求" not in page


def test_bulletin_pages_and_files(
    world: dict[str, Any], office_user: Any, viewer_user: Any
) -> None:
    office = signed_in(office_user)
    url = reverse("supervision:bulletin", args=[str(W)])
    assert office.get(url).status_code == 200
    docx_url = reverse("supervision:bulletin_file", args=[str(W), "docx"])
    assert office.get(docx_url).status_code == 404
    assert office.post(url, {"action": "save", "intro": "x"}).status_code == 422
    office.post(url, {"action": "compile"})
    office.post(url, {"action": "save", "intro": "现将情况通报如下", "remarks": ""})
    viewer = signed_in(viewer_user)
    assert viewer.post(url, {"action": "issue"}).status_code == 403
    answer = viewer.get(docx_url)
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert viewer.get(reverse("supervision:bulletin_file", args=[str(W), "pdf"])).status_code == 200
    office.post(url, {"action": "issue"})
    assert Bulletin.objects.get().issued_at is not None
    index = viewer.get(reverse("supervision:week_index"), {"q": "通报如下"})
    assert str(W) in index.content.decode()


def test_the_read_api(world: dict[str, Any], office_user: Any, liaison_a: Any) -> None:
    a, b, _c, _d = world["items"]
    sheet = weekly.sheet_save(W, [(a, "甲"), (b, "乙")])
    weekly.sheet_issue(sheet)
    report(a, world["hualong"], date(2026, 10, 8), sheet.deadline)
    office = signed_in(office_user)
    body = office.get(f"/api/v1/weeks/{W}").json()
    assert body["deadline"] == "2026-10-09T12:00"
    assert [(u["unit"], u["rate"], u["percent"]) for u in body["units"]] == [
        ("hualong", "1/2", "50.0")
    ]
    assert office.get("/api/v1/weeks/2026-W99").status_code == 404
    assert office.get(f"/api/v1/weeks/{W}/bulletin").status_code == 404
    assert signed_in(liaison_a).get(f"/api/v1/weeks/{W}").status_code == 403


def test_the_bulletin_counts_the_weeks_notices_only(world: dict[str, Any]) -> None:
    a, b, _c, _d = world["items"]
    Notice.objects.create(
        item=a, colour="blue", issued_on=date(2026, 10, 4), unit_codes=["hualong"]
    )
    Notice.objects.create(
        item=b,
        colour="yellow",
        issued_on=date(2026, 10, 5),
        unit_codes=["hualong"],
        closed_on=date(2026, 10, 11),
        close_reason="escalated",
    )
    Notice.objects.create(
        item=b,
        colour="red",
        issued_on=date(2026, 10, 11),
        year=2026,
        serial=7,
        unit_codes=["hualong"],
        censured_on=date(2026, 10, 11),
    )
    Notice.objects.create(  # censured next Monday: next week's bulletin
        item=a,
        colour="red",
        issued_on=date(2026, 9, 1),
        year=2026,
        serial=3,
        unit_codes=["hualong"],
        censured_on=date(2026, 10, 12),
    )
    data = weekly.bulletin_compile(W, today=date(2026, 10, 20)).data
    assert data["sheet"] is None and data["units"] == []
    assert data["notices"]["issued"] == {"blue": 0, "yellow": 1, "red": 1}
    assert data["notices"]["escalated"] == 1
    assert [(n["number"], n["units"]) for n in data["notices"]["censured"]] == [
        ("督〔2026〕7号", ["华龙区"])
    ]
    text = "\n".join(
        p.text
        for p in Document(
            io.BytesIO(bulletin_docx(weekly.data_of(Bulletin.objects.get())))
        ).paragraphs
    )
    assert "本周未下发交办单。" in text and "本周发出提醒0件，催办1件，督办单1件；升级1件" in text


def test_the_friday_task_compiles_the_draft_and_leaves_an_issued_one(
    world: dict[str, Any],
) -> None:
    from pingyi.supervision.tasks import week_bulletin

    this = Week.of(timezone.localdate())
    assert week_bulletin.call_local()["week"] == str(this)
    bulletin = Bulletin.objects.get()
    weekly.bulletin_issue(bulletin)
    assert week_bulletin.call_local() is None
    assert Bulletin.objects.get().compiled_at == bulletin.compiled_at


def test_hostile_sheet_forms_are_refused_in_words(
    world: dict[str, Any], office_user: Any, leader_user: Any
) -> None:
    office = signed_in(office_user)
    a = world["items"][0]
    url = reverse("supervision:week", args=[str(W)])
    for data, says in (
        ({"action": "save", "pick": ["987654"]}, "事项 987654 不存在"),
        ({"action": "save", "pick": [a.pk], "deadline": "下周五"}, "报送时限“下周五”不是日期时间"),
        ({"action": "save", "pick": [a.pk], f"demand-{a.pk}": "长" * 5001}, "5001 个字"),
        ({"action": "issue"}, "交办单至少要选一项事项"),
        ({"action": "save", "pick": [a.pk], "note": "x" * 5001}, "5001 个字"),
    ):
        answer = office.post(url, data)
        assert answer.status_code == 422, data
        assert says in answer.content.decode(), (data, says)
    assert not WeekSheet.objects.exists()
    # a report of another week (or none at all) cannot be commented on from this week's page
    sheet = weekly.sheet_save(W, [(a, "")])
    weekly.sheet_issue(sheet)
    other = report(a, world["hualong"], date(2026, 10, 13), sheet.deadline)
    answer = signed_in(leader_user).post(
        reverse("supervision:week_review", args=[str(W)]), {"id": other.pk, "rating": "好"}
    )
    assert answer.status_code == 404
    other.refresh_from_db()
    assert other.rating == ""
