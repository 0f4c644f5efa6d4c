"""The office's supervision pages (supervision/views_office.py): the list import (upload →
preview → confirm, all or nothing, the upload bound to the session), the deadlines to
confirm, the working-day overrides, and a unit's page with its on-time reporting."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.accounts.models import User
from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitGroup, UnitKind
from pingyi.supervision import selectors, services, views_office
from pingyi.supervision.models import Item, SupervisionList, WorkdayOverride
from tests.conftest import STRONG_PASSWORD
from tests.supervision.workbooks import Category, ListBook, messy_book
from tests.supervision.workbooks import Item as BookItem

pytestmark = pytest.mark.django_db

UNITS = [
    ("fgw", "市发展改革委", "发改委", ["市发改委"]),
    ("jtj", "市交通运输局", "交通局", []),
    ("zrzyj", "市自然资源和规划局", "自然资源局", []),
    ("zjj", "市住房和城乡建设局", "住建局", ["市住房城乡建设局"]),
    ("zwfw", "市政务服务和大数据局", "政务服务局", []),
    ("scjgj", "市市场监督管理局", "市场监管局", ["市市场监管局"]),
    ("hualong", "华龙区", "", []),
    ("puyang", "濮阳县", "", []),
]


@pytest.fixture(autouse=True)
def units(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    group = UnitGroup.objects.create(code="counties", name="县（区）")
    for order, (code, name, short, aliases) in enumerate(UNITS):
        unit = Unit.objects.create(
            code=code,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=UnitKind.DEPARTMENT,
            order=order,
        )
        if code in ("hualong", "puyang"):
            group.units.add(unit)


def client_of(role: str, unit: str | None = None, name: str = "") -> Client:
    user = User.objects.create_user(
        username=f"o-{role}-{unit}-{name}",
        password=STRONG_PASSWORD,
        role=role,
        unit=Unit.objects.get(code=unit) if unit else None,
    )
    client = Client()
    client.force_login(user)
    return client


IMPORT = "/supervision/office/import/"


def upload(client: Client, data: bytes, name: str = "清单.xlsx", **options: Any) -> Any:
    body = {"kind": "tasks", "cadence": "week", "year": "2026", **options}
    body["file"] = SimpleUploadedFile(name, data)
    return client.post(IMPORT, body)


def uploads_on_disk(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "supervision-uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_import_page_is_the_route_the_tests_use() -> None:
    assert reverse("supervision:office_list_import") == IMPORT


def test_preview_shows_each_row_as_understood_and_writes_nothing(tmp_path: Path) -> None:
    client = client_of("office")
    book = messy_book()
    response = upload(client, book.bytes())
    assert response.status_code == 200
    body = response.content.decode()
    preview = response.context["preview"]
    assert [p.row.number for p in preview] == ["1", "2", "3", "3.2", "（五）"]
    first = preview[0]
    assert [n.unit.code for n in first.lead] == ["fgw"]
    assert {n.unit.code for n in first.co} == {"jtj", "zrzyj", "zjj"}
    assert first.deadline["kind"] == "date" and len(first.deadline["milestones"]) == 2
    assert [n.unit.code for n in preview[1].co] == ["hualong", "puyang"]  # 各县（区）
    assert preview[2].deadline["due"] == "2026-09-30"  # a real date cell
    assert "难点" in preview[0].row.flags
    # the raw cells on demand, the confirm step, the CSRF token
    assert "<details>" in body and 'name="confirm"' in body and "csrfmiddlewaretoken" in body
    assert not SupervisionList.objects.exists() and not Item.objects.exists()
    (kept,) = uploads_on_disk(tmp_path)
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept.parent.stat().st_mode & 0o777 == 0o700


def confirm_id(response: Any) -> str:
    found = re.search(r'name="confirm" value="([^"]+)"', response.content.decode())
    assert found, "no confirm step"
    return found.group(1)


def test_confirm_imports_exactly_the_preview_once_and_audits(tmp_path: Path) -> None:
    client = client_of("office")
    upload_id = confirm_id(upload(client, messy_book().bytes(), key="t-2026"))
    response = client.post(IMPORT, {"confirm": upload_id})
    assert response.status_code == 302
    assert response["Location"] == "/supervision/?list=t-2026"
    the_list = SupervisionList.objects.get(key="t-2026")
    assert the_list.items.count() == 5 and the_list.source_file == "清单.xlsx"
    assert AuditEntry.objects.filter(action="supervision.list.imported").count() == 1
    assert uploads_on_disk(tmp_path) == []  # the kept file is gone
    # a second confirmation of the same id finds nothing to import
    again = client.post(IMPORT, {"confirm": upload_id}, follow=True)
    assert "upload the sheet again" in again.content.decode() or "重新上传" in (
        again.content.decode()
    )
    assert AuditEntry.objects.filter(action="supervision.list.imported").count() == 1


def test_another_session_cannot_confirm_an_upload(tmp_path: Path) -> None:
    mine = client_of("office", name="a")
    upload_id = confirm_id(upload(mine, messy_book().bytes()))
    other = client_of("office", name="b")  # another office account, its own session
    response = other.post(IMPORT, {"confirm": upload_id})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert not SupervisionList.objects.exists()
    assert len(uploads_on_disk(tmp_path)) == 1  # still the first session's


@pytest.mark.parametrize(
    "forged", ["../../pingyi.sqlite3", "x" * 32 + "/../a", "", "A" * 32, "%2e%2e%2f" * 4]
)
def test_forged_ids_are_refused_and_touch_no_file(tmp_path: Path, forged: str) -> None:
    client = client_of("office")
    victim = tmp_path / "pingyi.sqlite3"
    victim.write_bytes(b"keep me")
    response = client.post(IMPORT, {"confirm": forged})
    assert response.status_code in (200, 302)
    assert victim.read_bytes() == b"keep me"
    assert not SupervisionList.objects.exists()


def test_an_expired_upload_is_refused_and_its_file_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_of("office")
    upload_id = confirm_id(upload(client, messy_book().bytes()))
    later = views_office.time.time() + views_office.UPLOAD_TTL + 1
    monkeypatch.setattr(views_office.time, "time", lambda: later)
    response = client.post(IMPORT, {"confirm": upload_id})
    assert response.status_code == 302 and response["Location"] == IMPORT
    assert not SupervisionList.objects.exists()
    assert uploads_on_disk(tmp_path) == []


def test_a_file_changed_on_disk_after_the_preview_is_not_imported(tmp_path: Path) -> None:
    client = client_of("office")
    upload_id = confirm_id(upload(client, messy_book().bytes()))
    (kept,) = uploads_on_disk(tmp_path)
    other = ListBook(entries=[Category("一、"), BookItem(9, "别的事项")])
    kept.write_bytes(other.bytes())
    response = client.post(IMPORT, {"confirm": upload_id})
    assert response.status_code == 403
    assert not SupervisionList.objects.exists()


def test_unknown_units_are_named_by_row_and_cell_with_the_closest_and_nothing_imports(
    tmp_path: Path,
) -> None:
    book = ListBook(
        entries=[
            Category("一、项目"),
            BookItem(1, "甲", lead="市发展改革委"),
            BookItem(2, "乙", lead="市发展和改革局", co="华龙区、火星局"),
        ]
    )
    client = client_of("office")
    response = client.post(
        IMPORT,
        {
            "kind": "tasks",
            "cadence": "week",
            "year": "2026",
            "file": SimpleUploadedFile("bad.xlsx", book.bytes()),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    row = book.rows["2"]
    assert f"row {row}, cell E{row} (牵头单位): unknown unit “市发展和改革局”" in body
    assert f"row {row}, cell F{row} (配合单位): unknown unit “火星局”" in body
    assert '<mark class="unknown">市发展和改革局</mark>' in body
    assert "closest:" in body and "市发展改革委" in body.split("市发展和改革局</mark>")[1][:200]
    assert 'name="confirm"' not in body  # nothing to confirm
    assert not SupervisionList.objects.exists() and uploads_on_disk(tmp_path) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not a workbook at all", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, "not an Excel workbook"),
        (b"", "The submitted file is empty"),
    ],
)
def test_bad_files_get_a_message_not_a_500(data: bytes, says: str, tmp_path: Path) -> None:
    client = client_of("office")
    response = client.post(
        IMPORT,
        {"kind": "tasks", "cadence": "week", "file": SimpleUploadedFile("x.xlsx", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not SupervisionList.objects.exists() and uploads_on_disk(tmp_path) == []


def test_bad_options_are_form_errors(tmp_path: Path) -> None:
    client = client_of("office")
    response = upload(
        client, messy_book().bytes(), kind="nope", year="1999", key="Bad Key!", cadence="daily"
    )
    form = response.context["form"]
    assert set(form.errors) == {"kind", "year", "key", "cadence"}
    assert uploads_on_disk(tmp_path) == [] and not SupervisionList.objects.exists()


def test_the_import_page_in_chinese_and_english() -> None:
    client = client_of("office")
    zh = client.get(IMPORT).content.decode()
    assert "导入" in zh and "Import a list" not in zh
    en = client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import a list from the office's sheet" in en


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_office_pages_refuse_other_roles(role: str) -> None:
    client = client_of(role)
    for name in ("office_list_import", "office_deadlines", "office_workdays"):
        assert client.get(reverse(f"supervision:{name}")).status_code == 403
    liaison = client_of("unit", "hualong")
    assert liaison.post(IMPORT, {"confirm": "x" * 32}).status_code == 403


# --- deadlines to confirm ----------------------------------------------------------------


def a_list(cadence: str = "week") -> SupervisionList:
    return SupervisionList.objects.create(
        key="d-list",
        kind="tasks",
        name="清单",
        year=2026,
        assigned_on=date(2026, 1, 5),
        cadence=cadence,
    )


def test_the_office_sets_a_deadline_to_confirm_and_the_status_uses_it() -> None:
    the_list = a_list()
    fgw = Unit.objects.get(code="fgw")
    unknown = Item.objects.create(
        supervision_list=the_list,
        number="1",
        title="事项一",
        lead_unit=fgw,
        kind="unknown",
        deadline_text="尽快",
        deadline={"kind": "unknown", "due": None, "warnings": []},
    )
    warned = Item.objects.create(
        supervision_list=the_list,
        number="2",
        title="事项二",
        lead_unit=fgw,
        kind="date",
        due=date(2025, 6, 30),
        deadline={"kind": "date", "due": "2025-06-30", "warnings": ["before_list_year"]},
    )
    Item.objects.create(
        supervision_list=the_list, number="3", title="事项三", lead_unit=fgw, kind="ongoing"
    )
    client = client_of("office")
    url = reverse("supervision:office_deadlines")
    page = client.get(url)
    assert [i.number for i, _f in page.context["rows"]] == ["1", "2"]
    body = page.content.decode()
    assert "未能识别" in body and "早于清单年度" in body and "csrfmiddlewaretoken" in body
    # bad input: a form error on that row, nothing written
    bad = client.post(url, {"item": unknown.pk, "due": "2026-02-30", "kind": "date"})
    assert bad.status_code == 200 and "due" in dict(bad.context["rows"])[unknown].errors
    bad = client.post(url, {"item": unknown.pk, "due": "2026-09-30", "kind": "recurring"})
    assert "every" in dict(bad.context["rows"])[unknown].errors
    assert client.post(url, {"item": "999999", "due": "2026-09-30"}).status_code == 404
    assert client.post(url, {"item": "x'", "due": "2026-09-30"}).status_code == 404
    unknown.refresh_from_db()
    assert unknown.kind == "unknown" and unknown.due is None
    response = client.post(url, {"item": unknown.pk, "due": "2026-09-30", "kind": "date"})
    assert response.status_code == 302
    unknown.refresh_from_db()
    assert unknown.kind == "date" and unknown.due == date(2026, 9, 30)
    assert selectors.item_status(unknown, date(2026, 10, 1)).status == "overdue"
    entry = AuditEntry.objects.get(action="supervision.deadline.confirmed")
    assert entry.target == "item:d-list/1"
    client.post(url, {"item": warned.pk, "due": "2026-06-30", "kind": "date"})
    assert client.get(url).context["rows"] == []


# --- working-day overrides ---------------------------------------------------------------


def test_overrides_are_added_used_by_the_calendar_and_deleted_audited() -> None:
    client = client_of("office")
    url = reverse("supervision:office_workdays")
    saturday = date(2031, 1, 4)
    assert not selectors.working_days().is_working_day(saturday)
    response = client.post(url, {"day": "2031-01-04", "working": "1", "note": "调休上班"})
    assert response.status_code == 302
    assert selectors.working_days().is_working_day(saturday)
    assert "调休上班" in client.get(url).content.decode()
    bad = client.post(url, {"day": "2031-13-01", "working": "maybe"})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"day", "working"}
    gone = client.post(url, {"delete": "not-a-day"}, follow=True)
    assert gone.status_code == 200 and WorkdayOverride.objects.count() == 1
    client.post(url, {"delete": "2031-01-04"})
    assert not WorkdayOverride.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"supervision.workday.set", "supervision.workday.deleted"} <= actions


# --- a unit's page -----------------------------------------------------------------------


def test_on_time_share_follows_the_cadence_rule() -> None:
    the_list = a_list("week")  # assigned Monday 5 January 2026
    hualong, fgw = Unit.objects.get(code="hualong"), Unit.objects.get(code="fgw")
    led = Item.objects.create(
        supervision_list=the_list, number="1", title="甲", lead_unit=hualong, kind="ongoing"
    )
    helped = Item.objects.create(
        supervision_list=the_list, number="2", title="乙", lead_unit=fgw, kind="ongoing"
    )
    helped.co_units.add(hualong)
    # 5 Jan + 7 days = 12 Jan, + 2 working days = 14 Jan: the first report's due
    services.report_file(led, unit=hualong, reported_on=date(2026, 1, 14), percent=10)
    # then 14 Jan + 7 = 21 Jan, + 2 working days = 23 Jan: 26 Jan is late
    services.report_file(led, unit=hualong, reported_on=date(2026, 1, 26), percent=20)
    services.report_file(helped, unit=hualong, reported_on=date(2026, 1, 15), percent=5)  # late
    services.report_file(helped, unit=fgw, reported_on=date(2026, 1, 6), percent=5)  # not ours
    returned = services.report_file(helped, unit=hualong, reported_on=date(2026, 1, 7), percent=5)
    services.report_return(returned, reason="不实")
    on_time = selectors.unit_on_time(hualong, date(2026, 3, 1))
    assert (on_time.filed, on_time.on_time, on_time.share) == (3, 1, 33)
    assert selectors.unit_on_time(hualong, date(2026, 1, 14)).share == 100  # only up to the day
    assert selectors.unit_on_time(Unit.objects.get(code="puyang"), date(2026, 3, 1)).share is None


def test_a_units_page_shows_its_items_as_lead_and_co_unit_with_statuses() -> None:
    the_list = a_list()
    hualong, fgw = Unit.objects.get(code="hualong"), Unit.objects.get(code="fgw")
    Item.objects.create(
        supervision_list=the_list, number="1", title="华龙牵头", lead_unit=hualong, kind="ongoing"
    )
    helped = Item.objects.create(
        supervision_list=the_list, number="2", title="华龙配合", lead_unit=fgw, kind="ongoing"
    )
    helped.co_units.add(hualong)
    Item.objects.create(
        supervision_list=the_list, number="3", title="别人的", lead_unit=fgw, kind="ongoing"
    )
    url = reverse("supervision:unit_page", kwargs={"code": "hualong"})
    for client in (client_of("office"), client_of("leader"), client_of("unit", "hualong")):
        response = client.get(url)
        assert response.status_code == 200
        assert [r.item.number for r in response.context["lead_rows"]] == ["1"]
        assert [r.item.number for r in response.context["co_rows"]] == ["2"]
        body = response.content.decode()
        assert "别人的" not in body and 'class="status status-' in body
    assert client_of("unit", "puyang").get(url).status_code == 403
    assert client_of("viewer").get("/supervision/units/nope/").status_code == 404
    assert Client().get(url).status_code == 302


# --- the Excel round trip ----------------------------------------------------------------


def filled(data: bytes, values: dict[str, tuple[Any, str, Any]]) -> bytes:
    """The exported sheet with 完成进度 / 进展情况 / 报送日期 filled for these numbers."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    for row in ws.iter_rows(min_row=3):
        number = str(row[0].value)
        if number in values:
            row[7].value, row[8].value, row[9].value = values[number]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_round_trip_exports_for_a_unit_shows_differences_then_files_reports() -> None:
    import io

    from openpyxl import load_workbook

    from pingyi.supervision.models import Report

    the_list = a_list()
    hualong, fgw = Unit.objects.get(code="hualong"), Unit.objects.get(code="fgw")
    led = Item.objects.create(
        supervision_list=the_list, number="1", title="华龙牵头", lead_unit=hualong, kind="ongoing"
    )
    helped = Item.objects.create(
        supervision_list=the_list, number="2", title="华龙配合", lead_unit=fgw, kind="ongoing"
    )
    helped.co_units.add(hualong)
    Item.objects.create(
        supervision_list=the_list, number="3", title="别人的", lead_unit=fgw, kind="ongoing"
    )
    services.report_file(
        led,
        unit=hualong,
        reported_on=date(2026, 1, 10),
        percent=10,
        done_text="开工",
        accepted=True,
    )
    client = client_of("office")
    export = reverse("supervision:office_export", kwargs={"key": "d-list"})
    response = client.get(export, {"unit": "hualong"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    numbers = [
        r[0] for r in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=3, values_only=True)
    ]
    assert numbers == ["1", "2"]  # the unit's items only, lead and co-unit
    assert client.get(export, {"unit": "nope"}).status_code == 404
    assert client.get(export).status_code == 200  # the whole list
    url = reverse("supervision:office_roundtrip", kwargs={"key": "d-list"})
    sheet = filled(data, {"1": (40, "主体完工", "2026-03-01")})
    before = Report.objects.count()
    preview = client.post(url, {"file": SimpleUploadedFile("华龙.xlsx", sheet)})
    assert preview.status_code == 200 and not preview.context["errors"]
    (diff,) = preview.context["differences"]
    assert (diff.item.number, diff.old_percent, diff.row.percent) == ("1", 10, 40)
    assert diff.old_text == "开工" and diff.row.done_text == "主体完工"
    assert Report.objects.count() == before  # the differences write nothing
    upload_id = confirm_id(preview)
    done = client.post(url, {"confirm": upload_id})
    assert done.status_code == 302 and Report.objects.count() == before + 1
    report = Report.objects.latest("pk")
    assert (report.percent, report.done_text, report.reported_on) == (
        40,
        "主体完工",
        date(2026, 3, 1),
    )
    assert client.post(url, {"confirm": upload_id}).status_code == 302  # once only
    assert Report.objects.count() == before + 1


def test_a_bad_filled_sheet_names_row_and_cell_and_files_nothing() -> None:
    from pingyi.supervision.models import Report

    the_list = a_list()
    Item.objects.create(
        supervision_list=the_list,
        number="1",
        title="甲",
        lead_unit=Unit.objects.get(code="fgw"),
        kind="ongoing",
    )
    client = client_of("office")
    data = client.get(reverse("supervision:office_export", kwargs={"key": "d-list"})).content
    url = reverse("supervision:office_roundtrip", kwargs={"key": "d-list"})
    sheet = filled(data, {"1": ("七成", "", None)})
    response = client.post(
        url, {"file": SimpleUploadedFile("x.xlsx", sheet)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "row 3, cell H3: progress “七成” is not a whole percent 0–100" in body
    assert 'name="confirm"' not in body and not Report.objects.exists()
    junk = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"junk")})
    assert junk.status_code == 200 and junk.context["errors"]


def test_an_upload_confirms_only_where_it_was_previewed(tmp_path: Path) -> None:
    the_list = a_list()
    Item.objects.create(
        supervision_list=the_list,
        number="1",
        title="甲",
        lead_unit=Unit.objects.get(code="fgw"),
        kind="ongoing",
    )
    client = client_of("office")
    list_id = confirm_id(upload(client, messy_book().bytes()))
    url = reverse("supervision:office_roundtrip", kwargs={"key": "d-list"})
    # a list sheet's id is no reports upload, and the other way round
    assert client.post(url, {"confirm": list_id}).status_code == 302
    from pingyi.supervision.models import Report

    assert not Report.objects.exists()
    data = client.get(reverse("supervision:office_export", kwargs={"key": "d-list"})).content
    preview = client.post(
        url, {"file": SimpleUploadedFile("x.xlsx", filled(data, {"1": (5, "", None)}))}
    )
    reports_id = confirm_id(preview)
    assert client.post(IMPORT, {"confirm": reports_id}).status_code == 302
    assert SupervisionList.objects.count() == 1
    # another list's page refuses it
    SupervisionList.objects.create(
        key="e-list", kind="tasks", name="另一个", year=2026, assigned_on=date(2026, 1, 1)
    )
    other = reverse("supervision:office_roundtrip", kwargs={"key": "e-list"})
    assert client.post(other, {"confirm": reports_id}).status_code == 302
    assert not Report.objects.exists()
    assert client.post(url, {"confirm": reports_id}).status_code == 302
    assert Report.objects.count() == 1


def test_the_items_page_links_the_office_pages_for_the_office_only() -> None:
    a_list()
    url = reverse("supervision:item_list")
    client = client_of("office")
    office = client.get(url, {"list": "d-list", "unit": "hualong"}).content.decode()
    for name in ("office_list_import", "office_deadlines", "office_workdays"):
        assert f'href="{reverse(f"supervision:{name}")}"' in office
    assert 'href="/supervision/office/lists/d-list/roundtrip/"' in office
    assert 'href="/supervision/units/hualong/"' in office
    leader = client_of("leader").get(url).content.decode()
    assert "/supervision/office/" not in leader
    # filters naming no list or unit (or no URL at all) link nowhere and break nothing
    odd = client.get(url, {"list": "a/b", "unit": "../x"})
    assert odd.status_code == 200 and "/roundtrip/" not in odd.content.decode()


def test_a_file_over_the_cap_is_a_form_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(views_office, "MAX_BYTES", 100)
    response = upload(client_of("office"), messy_book().bytes())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件超过 30 MB。"]
    assert uploads_on_disk(tmp_path) == [] and not SupervisionList.objects.exists()


def test_a_confirmed_deadline_survives_a_reimport_while_its_text_is_unchanged() -> None:
    spec = services.ListSpec(
        key="r-list", kind="tasks", name="清单", year=2026, assigned_on=date(2026, 1, 5)
    )

    def rows(deadline: str) -> list[services.ItemRow]:
        return [
            services.ItemRow(number="1", title="甲", lead_unit="市发展改革委", deadline=deadline)
        ]

    services.list_import(spec, rows("择机推进"))
    item = Item.objects.get(number="1")
    assert item.kind == "unknown" and item in views_office.deadline_queue()
    services.deadline_confirm(item, due=date(2026, 8, 31))
    services.list_import(spec, rows("择机推进"))  # the weekly re-import of the same sheet
    item.refresh_from_db()
    assert (item.kind, item.due) == ("date", date(2026, 8, 31))
    assert item not in views_office.deadline_queue()
    services.list_import(spec, rows("2026年9月底前"))  # the sheet now says something else
    item.refresh_from_db()
    assert (item.kind, item.due) == ("date", date(2026, 9, 30))
    assert "confirmed" not in item.deadline


def test_uploads_never_confirmed_are_swept_after_the_hour(tmp_path: Path) -> None:
    import os
    import time

    client = client_of("office")
    confirm_id(upload(client, messy_book().bytes()))
    (abandoned,) = uploads_on_disk(tmp_path)
    old = time.time() - views_office.UPLOAD_TTL - 5
    os.utime(abandoned, (old, old))
    confirm_id(upload(client_of("office", name="other"), messy_book().bytes()))
    assert abandoned not in uploads_on_disk(tmp_path) and len(uploads_on_disk(tmp_path)) == 1
