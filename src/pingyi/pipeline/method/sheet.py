"""The office's project sheet (三个一批), as it keeps it (no Django; docs/scoreboard-data.md).

A merged title row (``濮阳市第十四期“三个一批”项目推进情况表``), then the header — one row, or
two rows under merged super-headers (签约时间 over 计划 / 实际) — with, in any order:

- 项目名称 (the project), 责任单位 / 县（区） / 县区 / 实施单位 (the unit, by name or alias);
- 所属行业 / 行业 / 产业类别 (the sector, optional);
- 总投资 (亿元 unless the header says （万元）; a cell may carry its unit: ``12.35亿元``,
  ``1,234万元`` → 0.1234 亿元);
- 批次 / 期次 (``第14期``, ``第十四期``, ``14``); without it, the batch in the title or the
  one the command gives;
- the dates: a header naming the stage (签约, 开工, 投产) and 计划 (planned) or 实际 / 完成
  (actual); a stage's header with neither word means the actual date. Excel dates or texts
  (2026.9.30, 2026-09-30, 2026年9月30日; 2026年9月 is the month's last day).

:func:`read_project_sheet` never raises: each problem names its row and cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from pingyi.core.pure.i18n import _
from pingyi.core.pure.officesheet import (
    HEADER_SEARCH_ROWS,
    MONEY,
    Grid,
    blank_or_note,
    cell_problem,
    cell_ref,
    header_key,
    open_grid,
    parse_amount,
    parse_day,
    title_above,
)
from pingyi.pipeline.method.funnel import STAGES, Stage

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称", "项目", "名称"),
    "unit": ("责任单位", "县(区)", "县区", "实施单位", "所属县区", "县(市、区)", "单位"),
    "sector": ("所属行业", "行业", "产业类别", "行业类别", "所属产业", "产业"),
    "batch": ("批次", "期次", "所属批次"),
}
STAGE_WORDS = {Stage.SIGNED: "签约", Stage.STARTED: "开工", Stage.PRODUCING: "投产"}
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_BATCH = re.compile(r"第\s*([0-9〇零一二两三四五六七八九十百]+)\s*期")


@dataclass(frozen=True)
class ProjectRow:
    row: int
    name: str
    unit_name: str
    unit_cell: str
    sector: str
    investment: Decimal  # 亿元
    batch: str
    planned: dict[Stage, dt.date | None]
    actual: dict[Stage, dt.date | None]


@dataclass
class ProjectSheet:
    title: str = ""
    rows: list[ProjectRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def chinese_number(text: str) -> int | None:
    """``十四`` → 14, ``二十`` → 20, ``一百零二`` → 102, ``14`` → 14; None otherwise."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def batch_name(text: str) -> str | None:
    """``第十四期``, ``第14期``, ``14`` → ``第14期``; None when the text names no batch."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return f"第{int(text)}期"
    match = _BATCH.search(text)
    if match is None:
        return None
    number = chinese_number(match[1])
    return f"第{number}期" if number else None


def _field(key: str) -> str | None:
    for name, words in HEADERS.items():
        if key in words:
            return name
    return None


def _date_column(key: str) -> tuple[Stage, bool] | None:
    """(stage, planned?) of a date header, or None."""
    for stage, word in STAGE_WORDS.items():
        if word in key and "投资" not in key:
            return stage, "计划" in key
    return None


def _headers(grid: Grid) -> tuple[int, int, dict[int, str]] | None:
    """(the first and the last header row, each column's header key), a two-row header
    joined."""
    for row in range(1, min(grid.max_row, HEADER_SEARCH_ROWS) + 1):
        keys = {c: header_key(grid.text(row, c)) for c in range(1, grid.max_column + 1)}
        if not any(_field(k) == "name" for k in keys.values()):
            continue
        below = {c: header_key(grid.text(row + 1, c)) for c in keys}
        if any(k.startswith(("计划", "实际", "完成")) for k in below.values()):
            joined = {c: k + (below[c] if below[c] != k else "") for c, k in keys.items()}
            return row, row + 1, joined
        return row, row, keys
    return None


def read_project_sheet(
    data: bytes, file_name: str = "", *, batch: str | None = None
) -> ProjectSheet:
    result = ProjectSheet()
    grid, refused = open_grid(data, file_name)
    if grid is None:
        result.problems.append(refused or _("The file is empty."))
        return result
    found = _headers(grid)
    if found is None:
        result.problems.append(
            _("No header row with 项目名称 found in the first %(rows)s rows.")
            % {"rows": HEADER_SEARCH_ROWS}
        )
        return result
    first_header, header, keys = found
    columns: dict[str, int] = {}
    dates: dict[tuple[Stage, bool], int] = {}
    money = "亿元"
    for column, key in keys.items():
        name = _field(key)
        if name and name not in columns:
            columns[name] = column
        elif key.startswith("总投资") or key.startswith("计划总投资"):
            columns.setdefault("investment", column)
            unit = re.search(r"\((.*?)\)", key)
            if unit and unit[1] in MONEY:
                money = unit[1]
        elif (which := _date_column(key)) and which not in dates:
            dates[which] = column
    needed = (("项目名称", "name"), ("责任单位", "unit"), ("总投资", "investment"))
    missing = [word for word, name in needed if name not in columns]
    if missing:
        result.problems.append(
            _("The header has no column %(columns)s.") % {"columns": "、".join(missing)}
        )
        return result
    result.title = title_above(grid, first_header)
    default_batch = batch_name(batch) if batch else batch_name(result.title)
    if batch and default_batch is None:
        result.problems.append(_("the batch %(batch)s is not like 第14期") % {"batch": batch})
    seen: dict[tuple[str, str], int] = {}
    for row in range(header + 1, grid.max_row + 1):
        if blank_or_note(grid, row):
            continue
        name = grid.text(row, columns["name"])
        if not name and grid.value(row, columns["investment"]) is None:
            continue  # a category or subtotal row without a project
        here = len(result.problems)

        def problem(column: int, message: str, row: int = row) -> None:
            result.problems.append(cell_problem(row, column, message))

        if not name:
            problem(columns["name"], _("the project's name is empty"))
        unit_name = grid.text(row, columns["unit"])
        if not unit_name:
            problem(columns["unit"], _("the unit is empty"))
        investment = None
        try:
            investment = parse_amount(grid.value(row, columns["investment"]), money)
            if investment is None:
                problem(columns["investment"], _("the total investment is empty"))
            else:
                investment = investment * MONEY[money]  # in 亿元
                if investment < 0:
                    problem(columns["investment"], _("the total investment is below 0"))
        except ValueError as exc:
            problem(columns["investment"], str(exc))
        the_batch = default_batch
        if "batch" in columns:
            written = grid.text(row, columns["batch"])
            if written:
                the_batch = batch_name(written)
                if the_batch is None:
                    problem(
                        columns["batch"],
                        _("the batch %(batch)s is not like 第14期") % {"batch": f"“{written}”"},
                    )
                    the_batch = ""
        if the_batch is None:
            problem(
                columns.get("batch", columns["name"]),
                _("the batch is unknown: give a 批次 column, name it in the title or give it"),
            )
        planned: dict[Stage, dt.date | None] = dict.fromkeys(STAGES)
        actual: dict[Stage, dt.date | None] = dict.fromkeys(STAGES)
        for (stage, is_plan), column in dates.items():
            try:
                day = parse_day(grid.value(row, column))
            except ValueError as exc:
                problem(column, str(exc))
                continue
            (planned if is_plan else actual)[stage] = day
        seen_key = (the_batch or "", header_key(name))
        if name and the_batch:
            if seen_key in seen:
                problem(
                    columns["name"],
                    _("the project %(name)s is in %(batch)s twice (rows %(first)s and %(row)s)")
                    % {"name": name, "batch": the_batch, "first": seen[seen_key], "row": row},
                )
            seen.setdefault(seen_key, row)
        if len(result.problems) == here and investment is not None and the_batch:
            result.rows.append(
                ProjectRow(
                    row=row,
                    name=name,
                    unit_name=unit_name,
                    unit_cell=cell_ref(row, columns["unit"]),
                    sector=grid.text(row, columns["sector"]) if "sector" in columns else "",
                    investment=investment,
                    batch=the_batch,
                    planned=planned,
                    actual=actual,
                )
            )
    if not result.rows and not result.problems:
        result.problems.append(_("The sheet has no project rows under its header."))
    return result
