"""The supervision app on a real database: models, permissions, the import (all or nothing,
re-import by number), reports, extensions, closure, the audit trail and the statuses read
from the models (supervision/models.py, rules.py, services.py, selectors.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitKind
from pingyi.supervision import selectors, services
from pingyi.supervision.errors import ImportRefused, InvalidInput, StateError
from pingyi.supervision.models import Item, Report, SupervisionList, WorkdayOverride
from pingyi.supervision.services import ItemRow, ListSpec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


d = date
SPEC = ListSpec(
    key="tasks-2026",
    kind="tasks",
    name="2026年重点任务",
    year=2026,
    assigned_on=d(2026, 1, 1),
    cadence="none",
)


@pytest.fixture
def units(unit_hualong: Unit, unit_puyang: Unit) -> dict[str, Unit]:
    fgw = Unit.objects.create(
        code="fgw", name="市发展改革委", short_name="发改委", kind=UnitKind.DEPARTMENT, order=101
    )
    return {"hualong": unit_hualong, "puyang": unit_puyang, "fgw": fgw}


def rows() -> list[ItemRow]:
    return [
        ItemRow(
            number="1",
            title="建成智慧城市平台",
            lead_unit="发改委",
            row=4,
            sheet="重点任务",
            co_units=("华龙区", "濮阳县"),
            leader="张三",
            deadline="2026年9月底前",
            flags=("难点",),
            raw_cells={"序号": "1", "完成时限": "2026年9月底前"},
        ),
        ItemRow(
            number="2",
            title="每月报送进展",
            lead_unit="华龙区",
            row=5,
            sheet="重点任务",
            deadline="每月5日前",
        ),
        ItemRow(
            number="3",
            title="分阶段推进",
            lead_unit="濮阳县",
            row=6,
            sheet="重点任务",
            deadline="①6月底前完成设计；②10月底前完工",
        ),
        ItemRow(number="4", title="看不懂的时限", lead_unit="市发展改革委", row=7, deadline="择机"),
    ]


def imported(units: dict[str, Unit]) -> SupervisionList:
    summary = services.list_import(SPEC, rows(), actor="office")
    assert summary.supervision_list is not None
    return summary.supervision_list


def item(the_list: SupervisionList, number: str) -> Item:
    return the_list.items.get(number=number)


# --- the import ----------------------------------------------------------------------------


def test_import_reads_units_deadlines_milestones_and_keeps_provenance(units: Any) -> None:
    the_list = imported(units)
    first = item(the_list, "1")
    assert first.lead_unit == units["fgw"]
    assert set(first.co_units.values_list("code", flat=True)) == {"hualong", "puyang"}
    assert (first.kind, first.due, first.deadline["due"]) == ("date", d(2026, 9, 30), "2026-09-30")
    assert (first.sheet, first.row, first.raw_cells["完成时限"]) == ("重点任务", 4, "2026年9月底前")
    assert first.flags == ["难点"]
    monthly = item(the_list, "2")
    assert (monthly.kind, monthly.every, monthly.due) == ("recurring", "month", d(2026, 1, 5))
    staged = item(the_list, "3")
    assert [(m.text, m.due) for m in staged.milestones.all()] == [
        ("6月底前完成设计", d(2026, 6, 30)),
        ("10月底前完工", d(2026, 10, 31)),
    ]
    assert staged.due == d(2026, 10, 31)
    unknown = item(the_list, "4")
    assert (unknown.kind, unknown.due, unknown.deadline["warnings"]) == (
        "unknown",
        None,
        ["not_understood"],
    )
    entry = AuditEntry.objects.get(action="supervision.list.imported")
    assert entry.target == "list:tasks-2026"


def test_reimport_updates_by_number_instead_of_duplicating(units: Any) -> None:
    the_list = imported(units)
    changed = [*rows()]
    changed[0] = ItemRow(
        number="1",
        title="建成智慧城市平台（修订）",
        lead_unit="华龙区",
        row=4,
        deadline="2026年12月底前",
    )
    summary = services.list_import(SPEC, changed)
    assert (summary.created, summary.updated) == (0, 4)
    assert the_list.items.count() == 4
    first = item(the_list, "1")
    assert (first.title, first.lead_unit.code, first.due) == (
        "建成智慧城市平台（修订）",
        "hualong",
        d(2026, 12, 31),
    )
    assert first.co_units.count() == 0


def test_an_unknown_unit_names_row_cell_and_the_closest_units_and_imports_nothing(
    units: Any,
) -> None:
    bad = [
        *rows(),
        ItemRow(
            number="5",
            title="x",
            lead_unit="市发改委员会",
            row=9,
            sheet="重点任务",
            co_units=("华龙", "火星局"),
        ),
    ]
    with pytest.raises(ImportRefused) as refused:
        services.list_import(SPEC, bad)
    errors = refused.value.errors
    assert any(
        "row 9" in e and "牵头单位" in e and "市发改委员会" in e and "市发展改革委" in e
        for e in errors
    ), errors
    assert any("row 9" in e and "配合单位" in e and "火星局" in e for e in errors), errors
    assert not SupervisionList.objects.exists() and not Item.objects.exists()
    assert not AuditEntry.objects.filter(action="supervision.list.imported").exists()


def test_two_items_with_one_number_no_title_no_lead_are_refused_with_their_rows(units: Any) -> None:
    bad = [
        ItemRow(number="1", title="a", lead_unit="华龙区", row=4),
        ItemRow(number="1", title="b", lead_unit="华龙区", row=5),
        ItemRow(number="2", title="  ", lead_unit="", row=6),
    ]
    with pytest.raises(ImportRefused) as refused:
        services.list_import(SPEC, bad)
    text = "\n".join(refused.value.errors)
    assert "row 5" in text and "already used by row 4" in text
    assert "row 6, cell 任务" in text and "row 6, cell 牵头单位" in text
    assert not Item.objects.exists()


def test_a_bad_list_key_kind_or_cadence_is_refused(units: Any) -> None:
    spec = ListSpec(
        key="../etc", kind="secret", name="", year=1999, assigned_on=d(2026, 1, 1), cadence="daily"
    )
    with pytest.raises(ImportRefused) as refused:
        services.list_import(spec, rows())
    assert len(refused.value.errors) == 5


def test_dry_run_understands_and_writes_nothing(units: Any) -> None:
    summary = services.list_import(SPEC, rows(), dry_run=True)
    assert summary.dry_run and summary.created == 4
    assert [u.deadline["kind"] for u in summary.items] == ["date", "recurring", "date", "unknown"]
    assert not SupervisionList.objects.exists()


def test_item_numbers_are_unique_per_list_in_the_database(units: Any) -> None:
    the_list = imported(units)
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            supervision_list=the_list, number="1", title="dup", lead_unit=units["fgw"]
        )


# --- reports, comments ---------------------------------------------------------------------


def test_reports_accepted_returned_commented_drive_the_status(units: Any) -> None:
    the_list = imported(units)
    first = item(the_list, "1")  # 2026-01-01 → 2026-09-30
    day = d(2026, 6, 1)  # E = 151/272 ≈ 55.5 %
    assert selectors.item_status(first, day).status == "lagging"
    report = services.report_file(
        first, unit=units["hualong"], reported_on=d(2026, 5, 29), percent=50, actor="liaison"
    )
    assert selectors.item_status(first, day).status == "lagging"  # pending: R is still 0
    services.report_accept(report, actor="office")
    assert selectors.item_status(first, day).status == "on_track"
    services.report_comment(report, rating="差", comment="进度偏慢", leader="张三")
    status = selectors.item_status(first, day)
    assert (status.status, status.reasons) == ("lagging", ("rated_poor",))
    assert selectors.item_status(first, d(2026, 5, 28)).reported == 0  # not yet reported
    actions = list(
        AuditEntry.objects.filter(target="item:tasks-2026/1").values_list("action", flat=True)
    )
    assert actions == [
        "supervision.report.filed",
        "supervision.report.accepted",
        "supervision.report.commented",
    ]


def test_a_returned_report_counts_for_nothing_and_needs_a_reason(units: Any) -> None:
    first = item(imported(units), "1")
    report = services.report_file(first, unit=units["fgw"], reported_on=d(2026, 5, 29), percent=90)
    with pytest.raises(InvalidInput):
        services.report_return(report, reason="  ")
    services.report_return(report, reason="数据不实")
    assert selectors.item_status(first, d(2026, 6, 1)).reported == 0
    with pytest.raises(StateError):
        services.report_accept(report)
    with pytest.raises(StateError):
        services.report_comment(report, rating="好", leader="张三")


@pytest.mark.parametrize("percent", [-1, 101, 50.5, True, "80"])
def test_a_percent_outside_0_100_or_not_whole_is_refused(units: Any, percent: Any) -> None:
    first = item(imported(units), "1")
    with pytest.raises(InvalidInput):
        services.report_file(first, unit=units["fgw"], reported_on=d(2026, 5, 1), percent=percent)
    assert not Report.objects.exists()


def test_a_unit_reports_only_on_its_own_items_and_ratings_are_the_four(units: Any) -> None:
    monthly = item(imported(units), "2")  # lead 华龙区, no co-units
    with pytest.raises(InvalidInput):
        services.report_file(monthly, unit=units["puyang"], reported_on=d(2026, 1, 5), percent=1)
    report = services.report_file(
        monthly, unit=units["hualong"], reported_on=d(2026, 1, 5), percent=1
    )
    with pytest.raises(InvalidInput):
        services.report_comment(report, rating="很差", leader="张三")


# --- extensions ----------------------------------------------------------------------------


def test_extension_before_due_once_and_approved_with_another_date(units: Any) -> None:
    first = item(imported(units), "1")  # due 2026-09-30
    with pytest.raises(StateError):  # too late
        services.extension_request(
            first, reason="r", proposed_due=d(2026, 12, 31), requested_on=d(2026, 10, 1)
        )
    with pytest.raises(InvalidInput):  # not later than the due
        services.extension_request(
            first, reason="r", proposed_due=d(2026, 9, 1), requested_on=d(2026, 9, 1)
        )
    ext = services.extension_request(
        first, reason="征迁滞后", proposed_due=d(2026, 12, 31), requested_on=d(2026, 9, 20)
    )
    with pytest.raises(StateError):  # one per item
        services.extension_request(
            first, reason="again", proposed_due=d(2026, 11, 30), requested_on=d(2026, 9, 21)
        )
    services.extension_decide(
        ext, approve=True, approved_due=d(2026, 11, 30), decided_on=d(2026, 9, 25)
    )
    first.refresh_from_db()
    assert first.due == d(2026, 9, 30)  # the original due stays on record
    assert selectors.item_status(first, d(2026, 10, 15)).due == d(2026, 11, 30)
    assert selectors.item_status(first, d(2026, 12, 1)).status == "overdue"
    with pytest.raises(StateError):
        services.extension_decide(ext, approve=False, decided_on=d(2026, 9, 26))
    assert AuditEntry.objects.filter(action="supervision.extension.approved").count() == 1


def test_a_refused_extension_leaves_the_item_overdue_after_its_due(units: Any) -> None:
    first = item(imported(units), "1")
    ext = services.extension_request(
        first, reason="r", proposed_due=d(2026, 12, 31), requested_on=d(2026, 9, 1)
    )
    services.extension_decide(ext, approve=False, decided_on=d(2026, 9, 2))
    assert selectors.item_status(first, d(2026, 10, 1)).status == "overdue"


def test_no_extension_for_items_without_a_due(units: Any) -> None:
    the_list = imported(units)
    for number in ("2", "4"):  # recurring, unknown
        with pytest.raises(StateError):
            services.extension_request(
                item(the_list, number),
                reason="r",
                proposed_due=d(2026, 12, 31),
                requested_on=d(2026, 1, 2),
            )


# --- closure -------------------------------------------------------------------------------


def test_closure_verified_makes_the_item_done_from_that_day_returned_needs_a_reason(
    units: Any,
) -> None:
    first = item(imported(units), "1")
    closure = services.closure_apply(first, evidence="验收报告", applied_on=d(2026, 9, 1))
    with pytest.raises(StateError):
        services.closure_apply(first, evidence="again", applied_on=d(2026, 9, 2))
    with pytest.raises(InvalidInput):
        services.closure_verify(closure, passed=False, method="现场", decided_on=d(2026, 9, 3))
    with pytest.raises(InvalidInput):
        services.closure_verify(closure, passed=True, method="meeting", decided_on=d(2026, 9, 3))
    services.closure_verify(
        closure, passed=False, method="现场", reason="未完工", decided_on=d(2026, 9, 3)
    )
    second = services.closure_apply(first, evidence="补充材料", applied_on=d(2026, 9, 10))
    services.closure_verify(second, passed=True, method="资料", decided_on=d(2026, 9, 12))
    first.refresh_from_db()
    assert first.closed_on == d(2026, 9, 12)
    assert selectors.item_status(first, d(2026, 9, 11)).status != "done"
    assert selectors.item_status(first, d(2026, 12, 31)).status == "done"
    with pytest.raises(StateError):
        services.report_file(first, unit=units["fgw"], reported_on=d(2026, 9, 13), percent=100)
    assert list(
        AuditEntry.objects.filter(action__startswith="supervision.closure").values_list(
            "action", flat=True
        )
    ) == [
        "supervision.closure.applied",
        "supervision.closure.returned",
        "supervision.closure.applied",
        "supervision.closure.verified",
    ]


# --- selectors -----------------------------------------------------------------------------


def test_counts_by_status_and_a_units_items(units: Any) -> None:
    the_list = imported(units)
    counts = selectors.list_counts(the_list, d(2026, 1, 2))
    assert list(counts) == ["done", "overdue", "lagging", "due_soon", "on_track"]
    assert sum(counts.values()) == 4
    assert counts["due_soon"] == 1  # the monthly item, due 1-05
    assert {i.number for i in selectors.unit_items(units["hualong"])} == {"1", "2"}
    assert {i.number for i in selectors.unit_items(units["puyang"])} == {"1", "3"}


def test_the_offices_workday_overrides_reach_the_status(units: Any) -> None:
    first = item(imported(units), "1")  # due 2026-09-30 (Wednesday)
    report = services.report_file(first, unit=units["fgw"], reported_on=d(2026, 9, 20), percent=95)
    services.report_accept(report)
    # T = 9-24: (T, D] holds 9-28, 9-29, 9-30 (中秋 9-25..27 rests): 3 working days
    assert selectors.item_status(first, d(2026, 9, 24)).status == "due_soon"
    services.workday_override_set(d(2026, 9, 26), working=True, note="调休", actor="office")
    assert WorkdayOverride.objects.get().working is True
    assert selectors.item_status(first, d(2026, 9, 24)).status == "on_track"  # now 4
    assert AuditEntry.objects.filter(action="supervision.workday.set").count() == 1


def test_export_is_pingyi_list_1(units: Any) -> None:
    the_list = imported(units)
    data = selectors.export_list(the_list, d(2026, 1, 2))
    assert (data["format"], data["key"], data["kind"], data["year"]) == (
        "pingyi-list/1",
        "tasks-2026",
        "tasks",
        2026,
    )
    first = data["items"][0]
    assert first == {
        "number": "1",
        "title": "建成智慧城市平台",
        "lead_unit": "fgw",
        "co_units": ["hualong", "puyang"],
        "leader": "张三",
        "deadline_text": "2026年9月底前",
        "deadline": {
            "kind": "date",
            "due": "2026-09-30",
            "every": None,
            "milestones": [],
            "warnings": [],
        },
        "status": "on_track",
        "progress": 0,
    }
    assert [i["number"] for i in data["items"]] == ["1", "2", "3", "4"]


# --- permissions ---------------------------------------------------------------------------


def test_permissions_office_leader_viewer_and_a_liaison_of_its_units_items_only(
    units: Any,
    office_user: Any,
    leader_user: Any,
    viewer_user: Any,
    liaison_a: Any,
    liaison_b: Any,
) -> None:
    the_list = imported(units)
    first, monthly = item(the_list, "1"), item(the_list, "2")  # 1: lead fgw, co both; 2: 华龙区
    assert liaison_a.has_perm("supervision.view_item", monthly)
    assert not liaison_b.has_perm("supervision.view_item", monthly)
    assert liaison_b.has_perm("supervision.view_item", first)  # as co-unit
    assert liaison_b.has_perm("supervision.report", first)
    assert not liaison_b.has_perm("supervision.request", first)  # not the lead unit
    assert liaison_a.has_perm("supervision.request", monthly)
    assert not liaison_a.has_perm("supervision.view_lists")
    for perm in ("manage", "comment"):
        assert not liaison_a.has_perm(f"supervision.{perm}")
    assert office_user.has_perm("supervision.manage")
    assert leader_user.has_perm("supervision.comment") and not leader_user.has_perm(
        "supervision.manage"
    )
    assert not leader_user.has_perm("supervision.report", first)
    assert viewer_user.has_perm("supervision.view_item", monthly)
    assert not viewer_user.has_perm("supervision.comment")
    assert {i.number for i in selectors.items_for_user(liaison_b)} == {"1", "3"}
    assert selectors.items_for_user(viewer_user).count() == 4
