"""``core/pure/officesheet``: what the targets' and the pipeline's sheet readers share about
rows — the title over the header, the rows with nothing to read, the problem naming a cell."""

from __future__ import annotations

from django.utils import translation

from pingyi.core.pure.officesheet import Grid, blank_or_note, cell_problem, title_above


def _grid(rows: dict[int, list[object]]) -> Grid:
    grid = Grid("Sheet1")
    for r, values in rows.items():
        for c, value in enumerate(values, start=1):
            if value is not None:
                grid.values[(r, c)] = value
    grid.max_row = max(rows)
    grid.max_column = max(len(v) for v in rows.values())
    return grid


def test_the_title_is_every_text_above_the_header_once() -> None:
    # a merged title fills every cell of its row: said once; a second line kept, in order
    grid = _grid(
        {
            1: ["2026年主要指标", "2026年主要指标", "2026年主要指标"],
            2: [None, "（1-9月）", None],
            3: ["县（区）", "指标名称", "全年目标"],
        }
    )
    assert title_above(grid, 3) == "2026年主要指标 （1-9月）"
    assert title_above(grid, 1) == ""


def test_blank_rows_and_notes_have_nothing_to_read() -> None:
    grid = _grid(
        {
            1: [None, "  ", None],
            2: ["注：单位为亿元", None, None],
            3: [None, "备注:以统计局数据为准", None],
            4: ["华龙区", "注：见附件", 3],
            5: ["注意事项", None, None],
            6: ["填报说明：", None, None],
        }
    )
    assert [r for r in range(1, 7) if blank_or_note(grid, r)] == [1, 2, 3, 6]
    # a note only counts in the row's first filled cell; 注意 is no note
    assert not blank_or_note(grid, 4) and not blank_or_note(grid, 5)


def test_a_cell_problem_names_row_and_cell_in_the_language() -> None:
    with translation.override("en"):
        assert cell_problem(7, 2, "the unit is empty") == "row 7, cell B7: the unit is empty"
        assert cell_problem(12, 28, "x") == "row 12, cell AB12: x"
    with translation.override("zh-hans"):
        assert cell_problem(7, 2, "单位为空") == "第 7 行，单元格 B7：单位为空"
