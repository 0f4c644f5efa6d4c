"""The office's year-target sheet, as it keeps it (no Django; docs/scoreboard-data.md).

A merged title row (``2026年各县（区）主要经济指标完成情况（1-9月）``), then a header row with
(in any order, extra columns ignored):

- the unit: 县（区）, 县区, 地区, 责任单位, 单位名称 (merged down over its indicators is fine);
- the indicator: 指标, 指标名称, 主要指标;
- the measure: 单位, 计量单位 (亿元, 万元, %, …);
- the annual target: 全年目标, 年度目标, 目标, 目标值;
- optional, the cumulative actual: a header with 累计 or 完成 (``1-9月累计``): its month
  ``9`` is the month of the data unless the command says ``--month``;
- optional, the direction: 方向 / 指标方向 / 属性 (正向, 越高越好, ≥ → higher; 逆向, 越低越好,
  ≤, 控制 → lower; default higher);
- optional, the kind: 类型 / 口径 (总量, 累计 → amount; 增速, 比率, 均值, 浓度, 占比 … → rate;
  without it: a rate when the measure is % or the indicator's name says 增速, 增长, 率, 浓度,
  平均, 均值, 占比, 比重 or 指数, else an amount).

Numbers may carry their unit (``320亿元``, ``3,200,000万元`` in a 亿元 row). Blank rows and
notes (注：…, 备注：…, 说明：…) are skipped. :func:`read_target_sheet` never raises: each problem
names its row and cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from pingyi.core.pure.i18n import _
from pingyi.core.pure.officesheet import (
    HEADER_SEARCH_ROWS,
    Grid,
    blank_or_note,
    cell_problem,
    cell_ref,
    header_key,
    open_grid,
    parse_amount,
    title_above,
)
from pingyi.targets.method.progress import Direction, Kind

HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("县(区)", "县区", "县(市、区)", "地区", "责任单位", "单位名称", "县(市)区"),
    "indicator": ("指标", "指标名称", "主要指标", "指标项目"),
    "measure": ("单位", "计量单位"),
    "target": ("全年目标", "年度目标", "目标", "目标值", "年度目标任务", "全年目标任务"),
    "direction": ("方向", "指标方向", "属性"),
    "kind": ("类型", "口径", "指标类型"),
}
LOWER_WORDS = ("逆向", "越低越好", "≤", "<=", "不高于", "控制", "下限", "低于")
HIGHER_WORDS = ("正向", "越高越好", "≥", ">=", "不低于", "")
RATE_WORDS = (
    "增速",
    "比率",
    "率",
    "增长率",
    "增幅",
    "均值",
    "平均",
    "浓度",
    "占比",
    "比重",
    "指数",
)
AMOUNT_WORDS = ("总量", "累计", "绝对值", "总额")
#: without a kind column, an indicator whose name says one of these is a rate (a level held
#: against the whole target every month), e.g. 地区生产总值增速, PM2.5平均浓度, 研发投入占比
NAME_RATE_WORDS = ("增速", "增长", "增幅", "率", "浓度", "平均", "均值", "占比", "比重", "指数")
_MONTHS = re.compile(r"(?:\d{1,2}\s*[-—–~至到]\s*)?(\d{1,2})\s*月")


@dataclass(frozen=True)
class TargetRow:
    row: int
    unit_name: str
    unit_row: int  # the unit's cell: its merge's top-left when merged down over the rows
    unit_cell: str
    indicator: str
    measure: str
    direction: Direction
    kind: Kind
    target: Decimal
    actual: Decimal | None


@dataclass
class TargetSheet:
    title: str = ""
    month: int | None = None  # from the actual's header (1-9月累计 → 9)
    has_actuals: bool = False
    rows: list[TargetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _field(key: str) -> str | None:
    bare = re.sub(r"\(.*?\)$", "", key) or key
    for name, words in HEADERS.items():
        if key in words or bare in words:
            return name
    return None


def _is_actual(key: str) -> bool:
    """1-9月累计, 1-9月完成, 累计完成 — not 完成率, 序时进度, 目标完成 or a share in %."""
    if any(word in key for word in ("率", "进度", "目标", "%", "比", "增长", "增幅")):
        return False
    return "累计" in key or "完成" in key


def _find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for row in range(1, min(grid.max_row, HEADER_SEARCH_ROWS) + 1):
        columns: dict[str, int] = {}
        for column in range(1, grid.max_column + 1):
            key = header_key(grid.text(row, column))
            if not key:
                continue
            name = _field(key)
            if name is None and _is_actual(key):
                name = "actual"
            if name and name not in columns:
                columns[name] = column
        if {"unit", "indicator", "target"} <= set(columns):
            return row, columns
    return None


def _direction(text: str) -> Direction | None:
    key = header_key(text)
    if any(w and w in key for w in LOWER_WORDS):
        return Direction.LOWER
    if key in HIGHER_WORDS or any(w and w in key for w in HIGHER_WORDS):
        return Direction.HIGHER
    return None


def _kind(text: str, measure: str, indicator: str) -> Kind | None:
    key = header_key(text)
    if not key:
        if header_key(measure) == "%" or any(w in indicator for w in NAME_RATE_WORDS):
            return Kind.RATE
        return Kind.AMOUNT
    if any(w in key for w in AMOUNT_WORDS):
        return Kind.AMOUNT
    if any(w in key for w in RATE_WORDS):
        return Kind.RATE
    return None


def _month(text: str) -> int | None:
    found = _MONTHS.findall(unicodedata.normalize("NFKC", text))
    return int(found[-1]) if found else None


def read_target_sheet(data: bytes, file_name: str = "") -> TargetSheet:
    result = TargetSheet()
    grid, refused = open_grid(data, file_name)
    if grid is None:
        result.problems.append(refused or _("The file is empty."))
        return result
    found = _find_header(grid)
    if found is None:
        result.problems.append(
            _(
                "No header row found in the first %(rows)s rows: the sheet needs columns for the "
                "unit (县（区）), the indicator (指标名称) and the annual target (全年目标)."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )
        return result
    header, columns = found
    result.title = title_above(grid, header)
    if "actual" in columns:
        result.has_actuals = True
        result.month = _month(grid.text(header, columns["actual"])) or _month(result.title)
    seen: dict[tuple[str, str], int] = {}
    for row in range(header + 1, grid.max_row + 1):
        if blank_or_note(grid, row):
            continue
        unit_name = grid.text(row, columns["unit"])
        indicator = grid.text(row, columns["indicator"])
        target_cell = grid.value(row, columns["target"])
        if not indicator and target_cell is None and "actual" not in columns:
            continue
        if not indicator and target_cell is None and grid.value(row, columns["actual"]) is None:
            continue  # a unit's name alone, a subtotal label: nothing to read
        here = len(result.problems)

        def problem(column: int, message: str, row: int = row) -> None:
            result.problems.append(cell_problem(row, column, message))

        if not unit_name:
            problem(columns["unit"], _("the unit is empty"))
        if not indicator:
            problem(columns["indicator"], _("the indicator's name is empty"))
        measure = grid.text(row, columns["measure"]) if "measure" in columns else ""
        target = actual = None
        try:
            target = parse_amount(target_cell, measure)
            if target is None:
                problem(columns["target"], _("the annual target is empty"))
            elif target <= 0:
                problem(
                    columns["target"],
                    _("the annual target must be above 0 (a share of it is the schedule)"),
                )
        except ValueError as exc:
            problem(columns["target"], str(exc))
        if "actual" in columns:
            try:
                actual = parse_amount(grid.value(row, columns["actual"]), measure)
            except ValueError as exc:
                problem(columns["actual"], str(exc))
        direction = (
            _direction(grid.text(row, columns["direction"]))
            if "direction" in columns
            else Direction.HIGHER
        )
        if direction is None:
            problem(
                columns["direction"],
                _(
                    "the direction %(text)s is neither 正向 (higher is better) "
                    "nor 逆向 (lower is better)"
                )
                % {"text": f"“{grid.text(row, columns['direction'])}”"},
            )
        kind_text = grid.text(row, columns["kind"]) if "kind" in columns else ""
        kind = _kind(kind_text, measure, indicator)
        if kind is None:
            problem(
                columns["kind"],
                _("the kind %(text)s is neither 总量 (an amount) nor 增速 (a rate)")
                % {"text": f"“{grid.text(row, columns['kind'])}”"},
            )
        key = (header_key(unit_name), header_key(indicator))
        if unit_name and indicator:
            if key in seen:
                problem(
                    columns["indicator"],
                    _("%(unit)s has the indicator %(indicator)s twice (rows %(first)s and %(row)s)")
                    % {"unit": unit_name, "indicator": indicator, "first": seen[key], "row": row},
                )
            seen.setdefault(key, row)
        if len(result.problems) == here:
            assert target is not None and direction is not None and kind is not None  # nosec B101
            result.rows.append(
                TargetRow(
                    row=row,
                    unit_name=unit_name,
                    unit_row=grid.source(row, columns["unit"])[0],
                    unit_cell=cell_ref(*grid.source(row, columns["unit"])),
                    indicator=indicator,
                    measure=measure,
                    direction=direction,
                    kind=kind,
                    target=target,
                    actual=actual,
                )
            )
    if not result.rows and not result.problems:
        result.problems.append(_("The sheet has no target rows under its header."))
    return result
