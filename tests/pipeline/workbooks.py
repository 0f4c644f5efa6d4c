"""The office's project sheet as an office writes it, for the tests (openpyxl): a merged title
naming the batch (第十四期), a two-row header (签约时间 over 计划 / 实际 …), the investment in
万元 by the header, cells with their own unit, dates as Excel dates and as texts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

TOP = [
    "序号",
    "项目名称",
    "责任单位",
    "所属行业",
    "总投资（万元）",
    "签约时间",
    "",
    "开工时间",
    "",
    "投产时间",
    "",
]
SUB = ["", "", "", "", "", "计划", "实际", "计划", "实际", "计划", "实际"]

#: name, unit, sector, investment, then planned/actual of 签约, 开工, 投产
ROWS: list[list[Any]] = [
    ["年产10万吨可降解材料项目", "华龙区", "新材料", "12.35亿元",
     "2026.3.15", dt.datetime(2026, 3, 15), "2026.6.30", "2026年6月28日", "2026.12.31", None],
    ["冷链物流仓储中心", "濮阳县", "现代物流", "1,234万元",
     "2026-03-20", "2026-03-21", "2026年5月", None, "2026年11月", None],
    ["智能装备产业园", "华龙", "装备制造", 52000,
     "2026/4/1", "2026/4/2", "2026.7.1", "2026.7.5", "2026.9.30", "2026.9.29"],
]  # fmt: skip


def project_book(rows: list[list[Any]] | None = None, *, title: str | None = None) -> bytes:
    rows = ROWS if rows is None else rows
    wb = Workbook()
    ws = wb.active
    ws["A1"] = title if title is not None else "濮阳市第十四期“三个一批”项目推进情况表"
    ws.merge_cells("A1:K1")
    for c, text in enumerate(TOP, start=1):
        if text:
            ws.cell(2, c, text)
    for c, text in enumerate(SUB, start=1):
        if text:
            ws.cell(3, c, text)
    for c in (1, 2, 3, 4, 5):
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    for c in (6, 8, 10):
        ws.merge_cells(start_row=2, start_column=c, end_row=2, end_column=c + 1)
    for i, row in enumerate(rows):
        ws.cell(4 + i, 1, i + 1)
        for c, value in enumerate(row, start=2):
            if value is not None:
                ws.cell(4 + i, c, value)
    ws.cell(5 + len(rows), 1, "注：总投资以备案为准。")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
