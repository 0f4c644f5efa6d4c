"""Office list workbooks built with openpyxl, as offices print them: a title row merged
across, a two-row header under a merged super-header (责任分工), category rows merged across,
a lead unit merged down over several items, multi-line cells, a real date cell, spacer rows
and notes below the table. Used by tests/supervision/test_sheet.py and
benchmarks/sheet_bench.py.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

#: The two-row header: (super-header or None, word) per column, A to H.
HEADER: list[tuple[str | None, str]] = [
    (None, "序号"),
    (None, "重点任务"),
    (None, "目标要求"),
    ("责任分工", "责任领导"),
    ("责任分工", "牵头单位"),
    ("责任分工", "配合单位"),
    (None, "完成时限"),
    (None, "备注"),
]

LEAD_WORDS = ("牵头单位", "责任单位", "主责单位")


@dataclass
class Item:
    number: Any
    title: str
    requirement: str = ""
    leader: str = "张市长"
    lead: str | None = "市发展改革委"  # None: merged from the item above
    co: str = ""
    deadline: Any = "2026年底前"
    note: str = ""


@dataclass
class Category:
    text: str


@dataclass
class Spacer:
    pass


@dataclass
class Note:
    text: str


Entry = Item | Category | Spacer | Note


@dataclass
class ListBook:
    """One list sheet; ``build()`` returns the workbook, ``bytes()`` the .xlsx."""

    title: str = "2026年市政府重点工作任务清单"
    entries: list[Entry] = field(default_factory=list)
    header: list[tuple[str | None, str]] = field(default_factory=lambda: list(HEADER))
    two_row_header: bool = True
    sheet_name: str = "重点任务"
    subtitle: str | None = "（2026年2月10日市政府第12次常务会议审定）"
    #: Where each item's row landed: number → Excel row.
    rows: dict[str, int] = field(default_factory=dict)

    def write(self, ws: Worksheet) -> None:
        width = len(self.header)
        ws.title = self.sheet_name
        row = 1
        ws.cell(row, 1, self.title)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
        if self.subtitle:
            ws.cell(row, 1, self.subtitle)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        row = write_header(ws, row, self.header, two_rows=self.two_row_header)
        lead_runs: list[list[int]] = []
        for entry in self.entries:
            if isinstance(entry, Category):
                ws.cell(row, 1, entry.text)
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            elif isinstance(entry, Spacer):
                pass
            elif isinstance(entry, Note):
                ws.cell(row, 1, entry.text)
            else:
                values = [
                    entry.number,
                    entry.title,
                    entry.requirement,
                    entry.leader,
                    entry.lead,
                    entry.co,
                    entry.deadline,
                    entry.note,
                ]
                for column, value in enumerate(values[:width], start=1):
                    if value is not None and value != "":
                        cell = ws.cell(row, column, value)
                        if isinstance(value, str) and "\n" in value:
                            cell.alignment = Alignment(wrap_text=True)
                        if isinstance(value, datetime | date):
                            cell.number_format = "yyyy年m月d日"
                self.rows[str(entry.number)] = row
                if entry.lead is not None or not lead_runs:
                    lead_runs.append([row, row])
                else:  # merged down from the item above
                    lead_runs[-1][1] = row
            row += 1
        lead_column = next(i for i, (_, w) in enumerate(self.header, 1) if w in LEAD_WORDS)
        for start, end in lead_runs:
            if end > start:
                ws.merge_cells(
                    start_row=start, start_column=lead_column, end_row=end, end_column=lead_column
                )

    def build(self) -> Workbook:
        wb = Workbook()
        self.write(wb.active)
        return wb

    def bytes(self) -> bytes:
        return to_bytes(self.build())


def write_header(
    ws: Worksheet, row: int, header: Sequence[tuple[str | None, str]], *, two_rows: bool
) -> int:
    """Write the header at ``row``; return the first row after it."""
    if not two_rows:
        for column, (_, word) in enumerate(header, start=1):
            ws.cell(row, column, word)
        return row + 1
    column = 1
    while column <= len(header):
        over, word = header[column - 1]
        if over is None:
            ws.cell(row, column, word)
            ws.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
            column += 1
            continue
        end = column
        while end < len(header) and header[end][0] == over:
            end += 1
        ws.cell(row, column, over)
        ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=end)
        for c in range(column, end + 1):
            ws.cell(row + 1, c, header[c - 1][1])
        column = end + 1
    return row + 2


def to_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messy_book() -> ListBook:
    """The office's sheet of the issue: every shape at once."""
    return ListBook(
        entries=[
            Category("一、扩大有效投资"),
            Item(
                1,
                "【难点】推进濮阳东站综合枢纽建设",
                "6月底前完成主体工程；年底前投入运营",
                lead="市发展改革委",
                co="市交通运输局\n市自然资源和规划局、市住房城乡建设局",
                deadline="①6月底前完成主体工程\n②12月底前投入运营",
            ),
            Item(2.0, "实施重大项目“三个一批”活动", lead=None, co="各县（区）"),
            Item("3", "争取超长期特别国债项目", lead=None, deadline=datetime(2026, 9, 30)),
            Spacer(),
            Category("二、优化营商环境"),
            Item("3.2", "深化“高效办成一件事”改革", lead="市政务服务和大数据局", note="痛点"),
            Item("（五）", "整治涉企乱收费", lead="市市场监管局", deadline="长期坚持"),
            Spacer(),
            Note("备注：1.牵头单位为第一责任单位；2.完成时限以市政府通知为准。"),
            Note("制表：市政府督查室"),
        ]
    )


def compound_file(*streams: str) -> bytes:
    """A minimal OLE compound file (the container of .xls and of password-protected .xlsx)
    with empty streams of these names: a header, one FAT sector, one directory sector."""
    import struct

    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", end, 0)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, free, 1 if names else free)
    for index, name in enumerate(names, start=1):
        directory += entry(name, 2, index + 1 if index < len(names) else free, free)
    directory = directory.ljust(512, b"\0")
    return header + fat + directory
