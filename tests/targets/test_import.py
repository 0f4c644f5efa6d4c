"""Importing the office's target sheet: what it reads, and what it refuses (row and cell
named, closest units, nothing written)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pingyi.core.models import AuditEntry
from pingyi.targets.errors import ImportRefused
from pingyi.targets.method.progress import Direction, Kind, Status
from pingyi.targets.method.sheet import read_target_sheet
from pingyi.targets.models import MonthlyActual, YearTarget
from pingyi.targets.selectors import board_shares, unit_targets
from pingyi.targets.services import targets_import
from tests.targets.workbooks import ROWS, target_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages in English here (Chinese is the default: test_messages_in_chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def units(unit_hualong, unit_puyang):
    return unit_hualong, unit_puyang


def test_the_messy_sheet_is_read_as_the_office_means_it(units) -> None:
    sheet = read_target_sheet(target_book())
    assert sheet.problems == []
    assert sheet.month == 9 and sheet.has_actuals
    assert "2026年各县（区）" in sheet.title
    by = {(r.unit_name, r.indicator): r for r in sheet.rows}
    assert len(by) == 6  # the note row is no target; the merged unit fills its rows
    assert by[("华龙区", "社会消费品零售总额")].target == Decimal(320)  # "320亿元"
    assert by[("华龙区", "一般公共预算收入")].target == Decimal(320)  # "3,200,000万元" in 亿元
    assert by[("华龙区", "一般公共预算收入")].actual == Decimal("23.5")
    assert by[("华龙区", "社会消费品零售总额")].actual == Decimal("241.5")  # a float, exactly
    assert by[("华龙区", "规上工业综合能耗")].direction == Direction.LOWER
    assert by[("华龙区", "地区生产总值增速")].kind == Kind.RATE  # measured in %
    assert by[("濮阳县", "社会消费品零售总额")].kind == Kind.AMOUNT

    summary = targets_import(sheet, year=2026, month=None, actor="t")
    assert (summary.created, summary.updated, summary.actuals, summary.month) == (6, 0, 6, 9)
    assert AuditEntry.objects.filter(action="targets.imported").count() == 1
    # again: updates, nothing twice
    again = targets_import(read_target_sheet(target_book()), year=2026, month=None)
    assert (again.created, again.updated) == (0, 6)
    assert YearTarget.objects.count() == 6 and MonthlyActual.objects.count() == 6

    month, rows = unit_targets(2026)
    assert month == 9
    hualong = {line.target.indicator: line.progress.status for line in rows[0].lines}
    assert hualong == {
        "地区生产总值增速": Status.AHEAD,  # 7.1 of 7: 101.43%, E 100%
        "社会消费品零售总额": Status.ON_SCHEDULE,  # 241.5 of 320: 75.47%, E 75%
        "一般公共预算收入": Status.BEHIND,  # 23.5 of 320: 7.3%
        "规上工业综合能耗": Status.ON_SCHEDULE,  # 76 of a 100 ceiling, E 75%: 1 point over
    }
    shares = {u.code: s for u, s in board_shares(2026)}
    assert shares["puyang"].total == 2 and not shares["puyang"].all_red


def test_the_lower_is_better_row_in_the_sheet() -> None:
    # 76 of a ceiling of 100 by September (E 75%): 1 point over the budget, within the point
    sheet = read_target_sheet(target_book())
    row = next(r for r in sheet.rows if r.indicator == "规上工业综合能耗")
    from pingyi.targets.method.progress import progress

    p = progress(target=row.target, actual=row.actual, months=9, direction=row.direction)
    assert p.status == Status.ON_SCHEDULE and p.gap == -1


def test_an_unknown_unit_names_row_cell_and_the_closest_and_writes_nothing(units) -> None:
    rows = list(ROWS)
    rows[4] = ("濮阳具", *rows[4][1:])  # a typo in the second county (rows 7-8)
    with pytest.raises(ImportRefused) as refused:
        targets_import(read_target_sheet(target_book(rows)), year=2026, month=None)
    message = "\n".join(refused.value.errors)
    assert "row 7, cell B7" in message and "濮阳具" in message and "濮阳县" in message
    assert YearTarget.objects.count() == 0 and MonthlyActual.objects.count() == 0
    assert not AuditEntry.objects.filter(action="targets.imported").exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ((1, 3, "三百亿"), "row 4, cell E4: “三百亿” is not a number"),
        ((1, 3, "8%"), "row 4, cell E4: “8%” is in %, but this column is in 亿元"),
        ((1, 3, 0), "row 4, cell E4: the annual target must be above 0"),
        ((1, 3, None), "row 4, cell E4: the annual target is empty"),
        ((2, 4, "二十三"), "row 5, cell F5: “二十三” is not a number"),
        ((3, 5, "越少越好吧"), "row 6, cell G6: the direction “越少越好吧”"),
        (
            (5, 1, "地区生产总值增速"),
            "濮阳县 has the indicator 地区生产总值增速 twice (rows 7 and 8)",
        ),
        ((0, 1, ""), "row 3, cell C3: the indicator's name is empty"),
    ],
)
def test_bad_cells_are_named_and_nothing_is_written(units, change, says) -> None:
    index, field, value = change
    rows = [list(r) for r in ROWS]
    rows[index][field] = value
    sheet = read_target_sheet(target_book([tuple(r) for r in rows]))
    with pytest.raises(ImportRefused) as refused:
        targets_import(sheet, year=2026, month=None)
    assert any(says in e for e in refused.value.errors), refused.value.errors
    assert YearTarget.objects.count() == 0


def test_the_month_must_be_known_and_the_command_wins(units) -> None:
    header = ["序号", "县（区）", "指标名称", "单位", "全年目标", "累计完成", "方向", "备注"]
    book = target_book(header=header)
    sheet = read_target_sheet(book)
    # the title says 1-9月: that is the month when the header does not
    assert sheet.month == 9
    summary = targets_import(sheet, year=2026, month=8)
    assert summary.month == 8 and MonthlyActual.objects.filter(month=8).count() == 6
    with pytest.raises(ImportRefused, match="the month 13 is not 1-12"):
        targets_import(read_target_sheet(book), year=2026, month=13)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "old Excel 97-2003"),
        (b"PK\x03\x04 broken", "not an Excel workbook"),
        ("序号,县（区）\n".encode(), "not an Excel workbook"),
    ],
)
def test_files_that_are_no_workbook_are_refused_in_words(data: bytes, says: str) -> None:
    sheet = read_target_sheet(data, "x.xlsx")
    assert sheet.rows == [] and says in sheet.problems[0]
    with pytest.raises(ImportRefused):
        targets_import(sheet, year=2026, month=None)


def test_messages_in_chinese(units) -> None:
    from django.utils import translation

    rows = list(ROWS)
    rows[0] = ("华龙去", *rows[0][1:])
    with translation.override("zh-hans"), pytest.raises(ImportRefused) as refused:
        targets_import(read_target_sheet(target_book(rows)), year=2026, month=None)
    assert refused.value.errors == [
        "第 3 行，单元格 B3：未知单位“华龙去”（最接近的已知单位：华龙区）",
    ]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ((0, 0, "各县（区）"), "row 3, cell B3: “各县（区）” names 2 units; write one unit a row"),
        ((1, 3, 1e300), "row 4, cell E4: 1E+300 is too large"),
        ((1, 3, "1e9"), "row 4, cell E4: “1e9” is not a number"),
        ((1, 3, True), "row 4, cell E4: “True” is not a number"),
        ((1, 4, "241.123456789"), "row 4: the actual 241.123456789 has more than 8 decimals"),
        ((1, 3, "9" * 30), "is too large"),
    ],
)
def test_hostile_cells_are_refused_in_words(units, change, says) -> None:
    from pingyi.orgs.models import UnitGroup

    group = UnitGroup.objects.create(code="counties", name="县（区）")
    group.units.add(*units)
    index, field, value = change
    rows = [list(r) for r in ROWS]
    rows[index][field] = value
    if index == 0 and field == 0:
        rows = rows[:1]
    with pytest.raises(ImportRefused) as refused:
        targets_import(
            read_target_sheet(target_book([tuple(r) for r in rows])), year=2026, month=None
        )
    assert any(says in e for e in refused.value.errors), refused.value.errors
    assert YearTarget.objects.count() == 0


def test_a_unit_merged_down_is_named_once_at_its_cell(units) -> None:
    # 华龙区 is merged over B3:B6: a typo there is one problem, at B3, not four
    rows = [("华龙去", *r[1:]) if r[0] == "华龙区" else r for r in ROWS]
    with pytest.raises(ImportRefused) as refused:
        targets_import(read_target_sheet(target_book(rows)), year=2026, month=None)
    assert refused.value.errors == [
        "row 3, cell B3: unknown unit “华龙去” (closest known units: 华龙区)"
    ]


def test_a_rate_or_share_column_is_not_the_actual() -> None:
    # 完成率 (F) and 序时进度 (H) are no actuals: 1-9月累计 (G) is, here holding the direction
    # words of the sample, so every problem names column G
    header = ["序号", "县（区）", "指标名称", "单位", "全年目标", "完成率", "1-9月累计", "序时进度"]
    sheet = read_target_sheet(target_book(header=header))
    assert sheet.has_actuals and sheet.month == 9
    assert sheet.problems and all(", cell G" in p for p in sheet.problems), sheet.problems
    assert any("“正向” is not a number" in p for p in sheet.problems)


def test_a_sheet_longer_than_read_is_refused_not_cut(units) -> None:
    import io

    from openpyxl import load_workbook

    from pingyi.core.pure.officesheet import MAX_COLUMNS, MAX_ROWS

    for row, column, cell in ((MAX_ROWS + 1, 3, "C5001"), (5, MAX_COLUMNS + 1, "BI5")):
        book = load_workbook(io.BytesIO(target_book()))
        book.active.cell(row, column, "另一个指标")
        buffer = io.BytesIO()
        book.save(buffer)
        sheet = read_target_sheet(buffer.getvalue())
        assert sheet.rows == [] and cell in sheet.problems[0], sheet.problems
        with pytest.raises(ImportRefused):
            targets_import(sheet, year=2026, month=None)
    assert YearTarget.objects.count() == 0


def test_two_imports_at_once_refuse_the_loser_in_words(units, monkeypatch) -> None:
    from django.db import IntegrityError

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(YearTarget.objects, "update_or_create", clash)
    with pytest.raises(ImportRefused, match="ran at the same time"):
        targets_import(read_target_sheet(target_book()), year=2026, month=None)


@pytest.mark.parametrize(
    ("indicator", "measure", "kind_cell", "kind"),
    [
        ("社会消费品零售总额", "亿元", None, Kind.AMOUNT),
        ("地区生产总值增速", "%", None, Kind.RATE),
        ("PM2.5平均浓度", "微克/立方米", None, Kind.RATE),  # a level, not accumulated
        ("研发投入占比", "‰", None, Kind.RATE),
        ("规上工业综合能耗", "万吨标准煤", None, Kind.AMOUNT),
        ("规上工业综合能耗", "万吨标准煤", "均值", Kind.RATE),  # the kind column decides
        ("一般公共预算收入增长", "%", "总量", Kind.AMOUNT),
    ],
)
def test_the_kind_of_an_indicator(indicator, measure, kind_cell, kind) -> None:
    header = ["序号", "县（区）", "指标名称", "单位", "全年目标", "1-9月累计", "方向", "类型"]
    book = target_book([("华龙区", indicator, measure, 10, 5, "")], header=header)
    if kind_cell:
        import io

        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(book))
        wb.active.cell(3, 8, kind_cell)
        buffer = io.BytesIO()
        wb.save(buffer)
        book = buffer.getvalue()
    (row,) = read_target_sheet(book).rows
    assert row.kind == kind
