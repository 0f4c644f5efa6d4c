"""Unit workbooks as offices keep them: a title row above the header, Chinese columns."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = ("编码", "单位名称", "简称", "类别", "排序", "分组")

GOOD_ROWS: list[tuple[Any, ...]] = [
    ("hualong", "华龙区", "华龙", "县区", 1, "县（区）"),
    ("puyang", "濮阳县", "", "县区", 2, "县（区）"),
    ("kaifaqu", "濮阳经济技术开发区", "开发区", "功能区", 7, "县（区）"),
    ("fgw", "市发展改革委", "发改委", "市直部门", 101, "重点工作牵头单位、经济组"),
    ("gxj", "市工业和信息化局", "工信局", "牵头单位", "102", "重点工作牵头单位，经济组"),
]


def workbook_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = "2026年述职评议单位名单",
    header: Sequence[str] = HEADER,
) -> bytes:
    """An .xlsx whose first sheet holds an optional title row, the header and the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    # A second sheet that must be ignored.
    book.create_sheet("说明").append(["只读第一个工作表"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_workbook(path: Path, rows: Sequence[Sequence[Any]], **kwargs: Any) -> Path:
    path.write_bytes(workbook_bytes(rows, **kwargs))
    return path


#: The row number Excel shows for the n-th data row (1-based) below the title and header.
def excel_row(n: int, *, title: bool = True) -> int:
    return n + (2 if title else 1)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
CSV_BYTES = "编码,单位名称,类别\nhualong,华龙区,县区\n".encode()
