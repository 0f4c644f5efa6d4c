"""A meeting's problems sheet (现场办公会问题交办清单) as an office prints it: a title row
merged across with the meeting's date, the header, one problem per row (a responsible unit
merged down over two rows), and a note below. Used by tests/test_cli.py and
tests/supervision/test_onsite_cli.py."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = ["序号", "提出单位", "问题类别", "反映问题", "会议意见", "责任单位", "完成时限"]
ROWS = [
    ["1", "华龙区", "基础设施", "华龙区昆吾路断头路影响企业通行", "市交通局牵头打通", "市交通局",
     "12月底前"],
    ["2", "濮阳工业园区", "基础设施", "园区内道路未打通，企业货车绕行", "", "市交通局", "年底前"],
    ["3", "南乐县", "城市管理", "南乐县学校门口上下学时段停车难", "", "市住建局", "3个月内"],
]  # fmt: skip


def problems_book(
    rows: list[list[str]] | None = None, title: str = "2026年11月18日现场办公会问题交办清单"
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交办清单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in rows if rows is not None else ROWS:
        ws.append(row)
    if rows is None:
        ws.merge_cells("F3:F4")  # 市交通局 over problems 1 and 2
    ws.append([])
    ws.append(["注：完成时限以会议纪要为准。"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
