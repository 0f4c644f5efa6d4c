"""The office's target sheet as an office writes it, for the tests (openpyxl).

A merged title row, the header on row 2, each county's name merged down over its
indicators, numbers with and without their unit (``320亿元``, ``3,200,000万元``), a
lower-is-better indicator (综合能耗, 逆向) and a note row at the end."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

HEADER = ["序号", "县（区）", "指标名称", "单位", "全年目标", "1-9月累计完成", "方向", "备注"]

#: (unit, indicator, measure, target cell, actual cell, direction)
ROWS: list[tuple[Any, ...]] = [
    ("华龙区", "地区生产总值增速", "%", 7, 7.1, "正向"),
    ("华龙区", "社会消费品零售总额", "亿元", "320亿元", 241.5, "正向"),
    ("华龙区", "一般公共预算收入", "亿元", "3,200,000万元", "23.5亿元", ""),
    ("华龙区", "规上工业综合能耗", "万吨标准煤", 100, 76, "逆向"),
    ("濮阳县", "地区生产总值增速", "%", 6.5, 6.0, "正向"),
    ("濮阳县", "社会消费品零售总额", "亿元", 120, "88.8亿元", "正向"),
]


def target_book(
    rows: list[tuple[Any, ...]] | None = None, *, header: list[str] | None = None
) -> bytes:
    rows = ROWS if rows is None else rows
    header = header or HEADER
    wb = Workbook()
    ws = wb.active
    ws.title = "全年目标"
    ws["A1"] = "2026年各县（区）主要经济指标完成情况（1-9月）"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    start = 3
    previous = None
    first = start
    for i, row in enumerate(rows):
        r = start + i
        unit, indicator, measure, target, actual, direction = row
        ws.cell(r, 1, i + 1)
        if unit != previous:
            if previous is not None and r - 1 > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
            ws.cell(r, 2, unit)
            first, previous = r, unit
        ws.cell(r, 3, indicator)
        ws.cell(r, 4, measure)
        ws.cell(r, 5, target)
        ws.cell(r, 6, actual)
        ws.cell(r, 7, direction)
    last = start + len(rows) - 1
    if last > first:
        ws.merge_cells(start_row=first, start_column=2, end_row=last, end_column=2)
    ws.cell(last + 2, 1, "注：增速指标为累计增速，总量指标按序时进度考核。")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
