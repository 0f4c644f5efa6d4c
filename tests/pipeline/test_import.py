"""Importing the office's project sheet, and the selectors the boards and the notices read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from pingyi.core.models import AuditEntry
from pingyi.pipeline.errors import ImportRefused
from pingyi.pipeline.method.funnel import Stage
from pingyi.pipeline.method.sheet import batch_name, chinese_number, read_project_sheet
from pingyi.pipeline.models import Project
from pingyi.pipeline.selectors import funnel_by_batch, funnel_by_unit, lagging_projects
from pingyi.pipeline.services import projects_import
from tests.pipeline.workbooks import ROWS, project_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages in English here (Chinese is the default: test_messages_in_chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def units(unit_hualong, unit_puyang):
    unit_hualong.aliases = ["华龙"]
    unit_hualong.save()
    return unit_hualong, unit_puyang


def test_the_messy_sheet_is_read_exactly(units) -> None:
    sheet = read_project_sheet(project_book())
    assert sheet.problems == []
    by = {r.name: r for r in sheet.rows}
    a, b, c = (by[n] for n in ("年产10万吨可降解材料项目", "冷链物流仓储中心", "智能装备产业园"))
    assert a.batch == b.batch == "第14期"  # 第十四期 in the title
    assert a.investment == Decimal("12.35")  # "12.35亿元" in a 万元 column
    assert b.investment == Decimal("0.1234")  # "1,234万元"
    assert c.investment == Decimal("5.2")  # 52000 in the 万元 column
    assert a.planned[Stage.SIGNED] == dt.date(2026, 3, 15)  # 2026.3.15
    assert a.actual[Stage.SIGNED] == dt.date(2026, 3, 15)  # an Excel date
    assert a.actual[Stage.STARTED] == dt.date(2026, 6, 28)  # 2026年6月28日
    assert b.planned[Stage.STARTED] == dt.date(2026, 5, 31)  # 2026年5月: the month's last day
    assert b.actual[Stage.STARTED] is None
    summary = projects_import(sheet, actor="t")
    assert (summary.created, summary.updated, summary.batches) == (3, 0, ["第14期"])
    assert Project.objects.get(name="智能装备产业园").unit.code == "hualong"  # by its alias
    assert AuditEntry.objects.filter(action="pipeline.imported").count() == 1
    again = projects_import(read_project_sheet(project_book()))
    assert (again.created, again.updated) == (0, 3) and Project.objects.count() == 3


def test_selectors_for_the_boards_and_the_notices(units) -> None:
    projects_import(read_project_sheet(project_book()))
    day = dt.date(2026, 10, 15)
    lagging = lagging_projects(day)
    # 冷链物流仓储中心: start planned 2026-05-31, none; the others started, production not yet due
    assert [(x.project.name, x.unit.code, x.reason, x.planned) for x in lagging] == [
        ("冷链物流仓储中心", "puyang", Stage.STARTED, dt.date(2026, 5, 31))
    ]
    rows = {u.code: f for u, f in funnel_by_unit(day)}
    hualong = rows["hualong"]
    assert hualong.projects == 2 and hualong.investment == Decimal("17.55")
    assert hualong.count[Stage.PRODUCING] == 1 and hualong.invested[Stage.PRODUCING] == Decimal(
        "5.2"
    )
    assert hualong.performance_rate == 1 and hualong.production_rate == 1
    assert rows["puyang"].start_rate == 0 and rows["puyang"].lagging == 1
    ((batch, total),) = funnel_by_batch(day)
    assert batch == "第14期" and total.start_rate == Fraction(2, 3)
    # as of a day after 2026-12-31 the first project lags on its production too
    late = {x.project.name: x.reason for x in lagging_projects(dt.date(2027, 1, 2))}
    assert late == {"年产10万吨可降解材料项目": Stage.PRODUCING, "冷链物流仓储中心": Stage.STARTED}


def test_an_unknown_unit_is_named_with_row_cell_and_closest(units) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][1] = "濮阳具"
    with pytest.raises(ImportRefused) as refused:
        projects_import(read_project_sheet(project_book(rows)))
    (message,) = refused.value.errors
    assert "row 5, cell C5" in message and "濮阳具" in message and "濮阳县" in message
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "column", "value", "says"),
    [
        (0, 3, "十二亿", "row 4, cell E4: “十二亿” is not a number"),
        (0, 3, "12%", "row 4, cell E4: “12%” is in %, but this column is in 万元"),
        (0, 3, None, "row 4, cell E4: the total investment is empty"),
        (0, 3, "-5", "row 4, cell E4: the total investment is below 0"),
        (1, 6, "下月", "row 5, cell H5: “下月” is not a date"),
        (1, 6, "2026.2.30", "row 5, cell H5: “2026.2.30” is not a date: no such day"),
        (1, 6, "2026.13.1", "row 5, cell H5: “2026.13.1” is not a date: no such month"),
        (2, 0, "年产10万吨可降解材料项目", "is in 第14期 twice (rows 4 and 6)"),
        (2, 0, None, None),  # a row without a name but with an investment: named
    ],
)
def test_bad_cells_are_named_and_nothing_is_written(units, row, column, value, says) -> None:
    rows = [list(r) for r in ROWS]
    rows[row][column] = value
    with pytest.raises(ImportRefused) as refused:
        projects_import(read_project_sheet(project_book(rows)))
    if says is None:
        says = "row 6, cell B6: the project's name is empty"
    assert any(says in e for e in refused.value.errors), refused.value.errors
    assert Project.objects.count() == 0


def test_the_batch_comes_from_the_column_the_title_or_the_command(units) -> None:
    assert chinese_number("十四") == 14 and chinese_number("二十") == 20
    assert chinese_number("一百零二") == 102 and chinese_number("十") == 10
    assert batch_name("第十三期") == "第13期" and batch_name("14") == "第14期"
    assert batch_name("第 14 期") == "第14期" and batch_name("三个一批") is None
    no_batch = project_book(title="“三个一批”项目推进情况表")
    with pytest.raises(ImportRefused, match="the batch is unknown"):
        projects_import(read_project_sheet(no_batch))
    summary = projects_import(read_project_sheet(no_batch, batch="第十三期"))
    assert summary.batches == ["第13期"]
    refused = read_project_sheet(no_batch, batch="明年")
    assert any("not like 第14期" in p for p in refused.problems)


def test_two_imports_at_once_refuse_the_loser_in_words(units, monkeypatch) -> None:
    from django.db import IntegrityError

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(Project.objects, "update_or_create", clash)
    with pytest.raises(ImportRefused, match="ran at the same time"):
        projects_import(read_project_sheet(project_book()))
    assert Project.objects.count() == 0
