"""Reading the office's real list sheets (supervision/method/sheet.py): every shape of
SUPERVISION.md "Importing the office's real sheets", on workbooks built here
(tests/supervision/workbooks.py), and every bad input of issue 11 refused with its problem
code, row and cell — never a traceback."""

from __future__ import annotations

import base64
import io
import random
import struct
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from pingyi.supervision.method import sheet as sheet_module
from pingyi.supervision.method.sheet import (
    MAX_BYTES,
    PROBLEM_CODES,
    ListSheet,
    SheetProblem,
    SheetRow,
    cell_text,
    read_list_sheet,
)
from tests.supervision.workbooks import (
    Item,
    ListBook,
    compound_file,
    messy_book,
    to_bytes,
)


def read(data: bytes, name: str = "清单.xlsx", **kwargs: str) -> ListSheet:
    stream = io.BytesIO(data)
    stream.name = name  # type: ignore[attr-defined]
    return read_list_sheet(stream, **kwargs)


def codes(result: ListSheet) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.cell, p.code) for p in result.problems]


def refused(result: ListSheet, code: str) -> SheetProblem:
    """The one problem of a refused file: no rows, the code, a message."""
    assert result.rows == []
    assert [p.code for p in result.problems] == [code], result.problems
    problem = result.problems[0]
    assert problem.row is None and problem.cell is None and problem.message
    assert problem.code in PROBLEM_CODES
    return problem


# --- the office's sheet, every shape at once -------------------------------------------------


def test_the_messy_office_sheet_reads_item_by_item() -> None:
    book = messy_book()
    result = read(book.bytes(), "2026年重点任务清单.xlsx")
    assert result.problems == []
    assert result.file_name == "2026年重点任务清单.xlsx"
    assert result.sheet_name == "重点任务" and result.sheet_names == ["重点任务"]
    assert result.title == "2026年市政府重点工作任务清单"
    assert result.year == 2026
    assert result.header_rows == [3, 4]  # 责任分工 merged over 责任领导/牵头单位/配合单位
    assert result.columns == {
        "number": "A",
        "title": "B",
        "requirement": "C",
        "leader": "D",
        "lead": "E",
        "co": "F",
        "deadline": "G",
        "note": "H",
    }
    rows = {r.number: r for r in result.rows}
    # Category rows merged across are categories, spacer and note rows nothing.
    assert [r.number for r in result.rows] == ["1", "2", "3", "3.2", "（五）"]
    assert [r.row for r in result.rows] == [6, 7, 8, 11, 12]
    assert [r.category for r in result.rows] == ["一、扩大有效投资"] * 3 + ["二、优化营商环境"] * 2
    # 【难点】 in the title is a flag, not part of the title; the raw cell keeps it.
    first = rows["1"]
    assert first == SheetRow(
        row=6,
        category="一、扩大有效投资",
        number="1",
        title="推进濮阳东站综合枢纽建设",
        requirement="6月底前完成主体工程；年底前投入运营",
        lead_text="市发展改革委",
        co_text="市交通运输局\n市自然资源和规划局、市住房城乡建设局",  # line break kept
        leader="张市长",
        deadline_text="①6月底前完成主体工程\n②12月底前投入运营",
        flags=["难点"],
        raw={
            "A6": "1",
            "B6": "【难点】推进濮阳东站综合枢纽建设",
            "C6": "6月底前完成主体工程；年底前投入运营",
            "D6": "张市长",
            "E6": "市发展改革委",
            "F6": "市交通运输局\n市自然资源和规划局、市住房城乡建设局",
            "G6": "①6月底前完成主体工程\n②12月底前投入运营",
        },
    )
    # The lead unit merged down over three items: each of them has it, in raw too.
    assert [rows[n].lead_text for n in ("1", "2", "3")] == ["市发展改革委"] * 3
    assert rows["3"].raw["E8"] == "市发展改革委"
    # 2.0 (an Excel float) is "2"; a real date cell is its ISO date.
    assert rows["2"].number == "2" and rows["2"].co_text == "各县（区）"
    assert rows["3"].deadline_text == "2026-09-30"
    # A flag in the remarks column.
    assert rows["3.2"].flags == ["痛点"]
    assert rows["（五）"].deadline_text == "长期坚持" and rows["（五）"].flags == []


def test_a_path_reads_as_a_stream_does(tmp_path: Path) -> None:
    path = tmp_path / "清单.xlsx"
    path.write_bytes(messy_book().bytes())
    from_path = read_list_sheet(path)
    assert from_path.file_name == "清单.xlsx"
    assert from_path.rows == read(path.read_bytes()).rows


@pytest.mark.parametrize(
    "header",
    [
        ["序号", "事项", "责任单位", "协办单位", "分管领导", "时间节点", "办结标准"],
        ["序  号", "工作内容", "主责单位", "参与单位", "牵头领导", "完成时间", "工作要求"],
        ["序号", "问题", "牵头单位\n（部门）", "配合单位", "市级领导", "时限要求", "具体措施"],
        ["编号", "主要任务", "牵头 单位", "配合单位", "责任领导", "完成时限", "工作目标"],
        ["序号", "任务", "牵头单位", "配合单位", "责任领导", "完成时限（截止）", "目标"],
    ],
)
def test_header_words_in_their_usual_variants(header: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["濮阳市2026年重要问题清单"])
    ws.append(header)
    ws.append(["1", "标题", "市财政局", "市税务局", "李副市长", "9月底前", "办结标准"])
    result = read(to_bytes(wb))
    assert result.problems == []
    assert result.header_rows == [2]
    assert result.columns == {
        "number": "A",
        "title": "B",
        "lead": "C",
        "co": "D",
        "leader": "E",
        "deadline": "F",
        "requirement": "G",
    }
    (row,) = result.rows
    assert (row.number, row.title, row.lead_text, row.co_text, row.leader) == (
        "1",
        "标题",
        "市财政局",
        "市税务局",
        "李副市长",
    )
    assert (row.deadline_text, row.requirement) == ("9月底前", "办结标准")


def test_a_two_row_header_without_merges_down() -> None:
    """序号 and 重点任务 written once in the upper row, the lower row blank under them."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任分工", None, "完成时限"])
    ws.merge_cells("C1:D1")
    ws.append([None, None, "牵头单位", "配合单位", None])
    ws.append([1, "任务一", "市财政局", None, "6月底"])
    result = read(to_bytes(wb))
    assert result.problems == []
    assert result.header_rows == [1, 2]
    assert result.columns == {
        "number": "A",
        "title": "B",
        "lead": "C",
        "co": "D",
        "deadline": "E",
    }
    assert [(r.row, r.title, r.lead_text) for r in result.rows] == [(3, "任务一", "市财政局")]
    assert result.title == "" and result.year is None


def test_an_item_over_two_rows_is_one_item() -> None:
    """序号 and title merged down over two rows, each row its own stage and deadline."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "建设城市书房", "市文化广电和旅游局", "6月底前开工"])
    ws.append([None, None, None, "12月底前建成"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    ws.append([2, "新建口袋公园", "市城市管理局", "年底前"])
    result = read(to_bytes(wb))
    assert result.problems == []
    assert [(r.number, r.deadline_text) for r in result.rows] == [
        ("1", "6月底前开工\n12月底前建成"),
        ("2", "年底前"),
    ]
    assert result.rows[0].raw["D3"] == "12月底前建成"


def test_categories_two_levels_and_lone_texts() -> None:
    """一、 over （一）: both name the items' category; a lone unmarked text followed by items
    is a category too; a lone text after the last item is a note."""
    wb = Workbook()
    ws = wb.active
    ws.append(["二〇二六年全市重大改革事项清单"])
    ws.append(["序号", "改革事项", "牵头单位", "完成时限"])
    ws.append(["一、经济体制改革"])
    ws.append(["（一）国资国企"])
    ws.append([1, "国企改革深化提升", "市国资委", "年底前"])
    ws.append(["（二）财税金融"])
    ws.append([2, "零基预算改革", "市财政局", "年底前"])
    ws.append(["民生领域"])
    ws.append([3, "医保支付方式改革", "市医保局", "年底前"])
    ws.append([])
    ws.append(["附件：改革事项台账"])
    ws.append(["注：各牵头单位每月5日前报送进展。"])
    result = read(to_bytes(wb))
    assert result.problems == []
    assert result.year == 2026
    assert [(r.number, r.category) for r in result.rows] == [
        ("1", "一、经济体制改革 / （一）国资国企"),
        ("2", "一、经济体制改革 / （二）财税金融"),
        ("3", "民生领域"),
    ]


def test_two_sheets_choose_by_name() -> None:
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append(["填表说明：请按模板填写，不要改动表头。"])
    tasks = wb.create_sheet("重点任务")
    problems = wb.create_sheet("重要问题")
    ListBook(entries=[Item(1, "任务甲")], sheet_name="重点任务").write(tasks)
    ListBook(title="2026年重要问题清单", entries=[Item(1, "问题乙"), Item(2, "问题丙")]).write(
        problems
    )
    problems.title = "重要问题"
    data = to_bytes(wb)
    # By default: the first sheet with a header (not the cover).
    default = read(data)
    assert default.sheet_name == "重点任务" and [r.title for r in default.rows] == ["任务甲"]
    assert default.sheet_names == ["说明", "重点任务", "重要问题"]
    chosen = read(data, sheet="重要问题")
    assert chosen.sheet_name == "重要问题" and chosen.title == "2026年重要问题清单"
    assert [r.title for r in chosen.rows] == ["问题乙", "问题丙"]
    missing = read(data, sheet="重大改革")
    problem = refused(missing, "no_sheet")
    assert "“重大改革”" in problem.message and "“重要问题”" in problem.message
    assert missing.sheet_names == ["说明", "重点任务", "重要问题"]
    cover_only = read(data, sheet="说明")
    assert codes(cover_only) == [(None, None, "no_header")] and cover_only.rows == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1, "1"),
        (1.0, "1"),
        (3.2, "3.2"),
        ("（五）", "（五）"),
        ("  3、 ", "3、"),
        ("a\r\nb\r", "a\nb"),
        ("第一行_x000D_\n第二行", "第一行\n第二行"),
        (datetime(2026, 9, 30), "2026-09-30"),
        (datetime(2026, 9, 30, 17, 30), "2026-09-30 17:30:00"),
        (None, ""),
    ],
)
def test_cell_texts(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_numbers_as_written() -> None:
    book = ListBook(
        entries=[Item(1.0, "甲"), Item("2、", "乙"), Item(3.2, "丙"), Item("（五）", "丁")]
    )
    assert [r.number for r in read(book.bytes()).rows] == ["1", "2", "3.2", "（五）"]


# --- bad rows: named by row and cell, nothing dropped silently -------------------------------


def test_bad_rows_are_named_by_row_and_cell() -> None:
    book = ListBook(
        entries=[
            Item(1, "有标题", lead="市财政局"),
            Item(2, "", lead="市财政局"),  # no title
            Item(3, "无牵头单位", lead=""),  # no lead unit (not merged: empty)
            Item(1, "重号", lead="市财政局"),  # the number of row 5 again
            Item("", "无序号", lead="市财政局"),
        ]
    )
    result = read(book.bytes())
    assert codes(result) == [
        (6, "B6", "missing_title"),
        (7, "E7", "missing_lead"),
        (8, "A8", "duplicate_number"),
        (9, "A9", "missing_number"),
    ]
    duplicate = result.problems[2].message
    assert "“1”" in duplicate and "row 5" in duplicate and "A8" in duplicate
    # The rows are still returned, so the preview can show them next to their problems.
    assert [r.row for r in result.rows] == [5, 6, 7, 8, 9]


def test_a_date_cell_holding_text_and_a_deadline_as_a_number() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "甲", "市财政局", "2026.9.31"])  # typed into a date-formatted cell
    ws["D2"].number_format = "yyyy年m月d日"
    ws.append([2, "乙", "市财政局", 9.3])  # the office typed 9.30
    ws.append([3, "丙", "市财政局", "年底前"])
    ws["D4"].number_format = "yyyy-mm-dd"  # words in a date column are the parser's business
    ws.append([4, "丁", "市财政局", datetime(2026, 6, 30)])
    ws["D5"].number_format = "yyyy-mm-dd"
    ws.append([5, "戊", "市财政局", datetime(2026, 6, 30, 18, 0)])  # a time of day too
    ws["D6"].number_format = "yyyy-mm-dd hh:mm"
    ws.append([6, "己", "市财政局", 46295])  # a serial number typed without a date format
    result = read(to_bytes(wb))
    assert codes(result) == [
        (2, "D2", "date_cell_text"),
        (3, "D3", "deadline_number"),
        (7, "D7", "deadline_number"),
    ]
    assert "2026.9.31" in result.problems[0].message
    assert "9.3" in result.problems[1].message
    assert [r.deadline_text for r in result.rows] == [
        "2026.9.31",
        "9.3",
        "年底前",
        "2026-06-30",
        "2026-06-30",
        "46295",
    ]
    assert result.rows[4].raw["D6"] == "2026-06-30 18:00:00"


def test_no_recognisable_header() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for line in ["关于印发重点工作的通知", "各县（区）人民政府：", "现将有关事项通知如下。"]:
        ws.append([line])
    ws.append(["1", "推进项目", "市财政局"])
    result = read(to_bytes(wb))
    assert codes(result) == [(None, None, "no_header")]
    assert "Sheet1" in result.problems[0].message and result.rows == []


def test_a_header_without_a_lead_unit_column() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "完成时限"])
    ws.append([1, "甲", "年底前"])
    result = read(to_bytes(wb))
    assert codes(result) == [(1, None, "missing_column")]
    assert "牵头单位" in result.problems[0].message and result.rows == []


def test_an_empty_workbook() -> None:
    result = read(to_bytes(Workbook()))
    assert codes(result) == [(None, None, "no_header")]


def test_a_sheet_formatted_down_to_the_last_row_reads_fast() -> None:
    """A style at row 1,048,576 makes max_row huge: only the cells the file has are read."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位"])
    ws.append([1, "甲", "市财政局"])
    ws.cell(1_048_576, 16_384).number_format = "@"
    started = time.perf_counter()
    result = read(to_bytes(wb))
    assert time.perf_counter() - started < 5
    assert result.problems == [] and [r.title for r in result.rows] == ["甲"]


def test_text_beyond_the_row_limit_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_module, "MAX_ROWS", 10)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位"])
    for n in range(1, 15):
        ws.append([n, f"任务{n}", "市财政局"])
    result = read(to_bytes(wb))
    assert codes(result) == [(None, None, "too_many_rows")]
    assert len(result.rows) == 9


# --- files that must not be opened ----------------------------------------------------------


def test_a_file_over_30_mb_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.write(messy_book().bytes())
        fh.truncate(MAX_BYTES + 1)  # a real workbook with 30 MB of trailing bytes
    assert "30 MB" in refused(read_list_sheet(big), "too_large").message
    with big.open("rb") as fh:  # a stream too: read no further than the limit
        refused(read_list_sheet(fh), "too_large")
    exact = tmp_path / "exact.xlsx"
    exact.write_bytes(b"x" * MAX_BYTES)  # at the limit: read (and found not to be Excel)
    refused(read_list_sheet(exact), "not_excel")


def _with_member(
    data: bytes, name: str, content: bytes, content_types: bytes | None = None
) -> bytes:
    """The workbook with member ``name`` added (or replaced) and, if given, other content
    types."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                body = content_types
            if info.filename != name:
                target.writestr(info.filename, body)
        if name:
            target.writestr(name, content)
    return out.getvalue()


def test_a_macro_enabled_workbook_is_refused() -> None:
    data = messy_book().bytes()
    with_vba = _with_member(data, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    assert "macro" in refused(read(with_vba), "macro_enabled").message
    # The content type alone (the vba part renamed), and the .xlsm name alone.
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    refused(read(_with_member(data, "", b"", types)), "macro_enabled")
    refused(read(data, "清单.xlsm"), "macro_enabled")
    refused(read(with_vba.replace(b"vbaProject.bin", b"VBAPROJECT.BIN")), "macro_enabled")


def test_a_password_protected_workbook_is_refused() -> None:
    encrypted = compound_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    assert "password" in refused(read(encrypted), "encrypted").message


def test_an_old_xls_workbook_asks_for_xlsx() -> None:
    legacy = compound_file("Workbook", "\x05SummaryInformation")
    assert ".xlsx" in refused(read(legacy, "清单.xls"), "legacy_xls").message


def test_a_zip_bomb_is_refused_before_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not see a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", explode)
    # A worksheet of 64 MB of blanks deflated to some 60 KB (1000×).
    bomb = _with_member(messy_book().bytes(), "xl/worksheets/sheet2.xml", b" " * 64 * 2**20)
    assert len(bomb) < 200_000
    problem = refused(read(bomb), "zip_bomb")
    assert "sheet2.xml" in problem.message


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_module, "MAX_UNCOMPRESSED", 2**20)
    data = ListBook(entries=[Item(n, f"任务{n}" * 20) for n in range(1, 3000)]).bytes()
    refused(read(data), "zip_bomb")


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the declared uncompressed size of member ``name`` in the local header and the
    central directory (a zip that lies to pass a size check)."""
    raw = bytearray(data)
    encoded = name.encode()
    at = 0
    while (at := raw.find(b"PK\x03\x04", at)) != -1:
        if raw[at + 30 : at + 30 + len(encoded)] == encoded:
            raw[at + 22 : at + 26] = struct.pack("<I", size)
        at += 4
    at = 0
    while (at := raw.find(b"PK\x01\x02", at)) != -1:
        if raw[at + 46 : at + 46 + len(encoded)] == encoded:
            raw[at + 24 : at + 28] = struct.pack("<I", size)
        at += 4
    return bytes(raw)


def test_a_zip_that_lies_about_its_sizes_is_damaged_not_a_bomb() -> None:
    """The screen trusts the declared sizes, because zipfile inflates no member past them."""
    bomb = _with_member(messy_book().bytes(), "xl/worksheets/sheet1.xml", b" " * 64 * 2**20)
    liar = _lie_about_size(bomb, "xl/worksheets/sheet1.xml", 1000)
    started = time.perf_counter()
    result = read(liar)
    assert time.perf_counter() - started < 5
    refused(result, "damaged")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_excel"),
        ("序号,任务,牵头单位\n1,甲,市财政局\n".encode(), "not_excel"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "not_excel"),
        (b"%PDF-1.7\n", "not_excel"),
        (b"PK\x03\x04" + bytes(200), "not_excel"),  # a truncated zip
    ],
)
def test_what_is_not_excel_is_said_so(data: bytes, code: str) -> None:
    refused(read(data), code)


def test_a_zip_that_is_no_workbook_and_a_damaged_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    refused(read(out.getvalue(), "报告.docx"), "not_excel")
    broken_xml = b"<worksheet><sheetData><row r='1'><c r='A1'"
    damaged = _with_member(messy_book().bytes(), "xl/worksheets/sheet1.xml", broken_xml)
    assert ".xlsx" in refused(read(damaged), "damaged").message
    no_sheet = (
        messy_book().bytes().replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml")
    )
    refused(read(no_sheet), "damaged")


def test_a_workbook_with_too_many_cells_is_refused_before_openpyxl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """openpyxl builds an object per cell, even an empty styled one: they are counted first."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    for n in range(1, 25):
        ws.append([n, f"任务{n}", "市财政局", "年底前"])  # 100 cells in all
    data = to_bytes(wb)
    monkeypatch.setattr(sheet_module, "MAX_CELLS", 100)
    assert len(read(data).rows) == 24  # at the bound: read
    ws.cell(1000, 1).number_format = "@"  # one more cell, empty but styled
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("opened"))
    assert "100" in refused(read(to_bytes(wb)), "too_many_cells").message


def test_cells_are_counted_across_chunks_and_with_a_namespace_prefix() -> None:
    ns = b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        cells = b"<x:c r='A1'/>" * 300_000  # 3.7 MB: over several chunks
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"<x:worksheet " + ns + b">" + cells + b"</x:worksheet>"
        )
        merges = b'<mergeCells><mergeCell ref="A1:B3"/><mergeCell ref="$C$1"/></mergeCells>'
        archive.writestr(
            "xl/worksheets/sheet2.xml", b"<worksheet><c/><col/>" + merges + b"</worksheet>"
        )
    with zipfile.ZipFile(out) as archive:
        assert sheet_module._count_cells(archive, archive.infolist()) == 300_000 + 1 + 6 + 1


def test_a_merge_over_the_whole_sheet_is_refused_before_openpyxl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """openpyxl would build a cell object for each of the 17 billion cells A1:XFD1048576
    covers; the merge is counted first, however long its tag."""
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("opened"))
    data = messy_book().bytes()
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    noise = base64.b64encode(random.Random(1).randbytes(3 * 2**20))  # barely compressible
    padding = b' x:pad="' + noise + b'"'  # the ref past a chunk boundary
    hostile = sheet_xml.replace(
        b"<mergeCell ",
        b'<mergeCell xmlns:x="urn:x"' + padding + b' ref="A1:XFD1048576"/><mergeCell ',
        1,
    )
    problem = refused(
        read(_with_member(data, "xl/worksheets/sheet1.xml", hostile)), "too_many_cells"
    )
    assert "400,000" in problem.message


def test_a_category_written_in_two_cells() -> None:
    """一 in the number column and the category's name beside it (merged across, or with no
    lead unit) is a category; （五） with a title and no lead unit is an item without one."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任领导", "牵头单位", "完成时限"])
    ws.append(["一", "扩大有效投资"])
    ws.merge_cells("B2:E2")
    ws.append([1, "甲", "张市长", "市财政局", "年底前"])
    ws.append(["二、", "优化营商环境"])  # not merged, no lead unit
    ws.append([2, "乙", "张市长", "市财政局", "年底前"])
    ws.append(["（一）", "政务服务"])
    ws.merge_cells("B6:E6")
    ws.append([3, "丙", "张市长", "市财政局", "年底前"])
    ws.append(["（五）", "整治涉企乱收费"])  # not merged: an item without its lead unit
    result = read(to_bytes(wb))
    assert [(r.number, r.category) for r in result.rows] == [
        ("1", "一、扩大有效投资"),
        ("2", "二、优化营商环境"),
        ("3", "二、优化营商环境 / （一）政务服务"),
        ("（五）", "二、优化营商环境 / （一）政务服务"),
    ]
    assert codes(result) == [(8, "D8", "missing_lead")]


def test_the_header_copied_above_each_printed_page_is_no_item() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "甲", "市财政局", "年底前"])
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([2, "乙", "市财政局", "年底前"])
    ws.append(["３", "丙", "市财政局", "年底前"])
    ws.append(["3", "丁", "市财政局", "年底前"])  # the full-width ３ of row 5 again
    result = read(to_bytes(wb))
    assert [r.number for r in result.rows] == ["1", "2", "３", "3"]
    assert codes(result) == [(6, "A6", "duplicate_number")]


def test_a_header_naming_two_fields_a_margin_column_and_a_totals_row() -> None:
    """主要任务及目标 names the title; a table may start in column B with its lead unit before
    its title; 合计 is no item, but a title starting 总计划 is one."""
    wb = Workbook()
    ws = wb.active
    ws.append([None, "序号", "牵头单位及责任人", "主要任务及目标", "时限"])
    ws.append([None, 1, "市财政局 张三", "甲", "年底前"])
    ws.append([None, 2, "市财政局", "总计划编制", "年底前"])
    ws.append([None, "合计", "2项"])
    result = read(to_bytes(wb))
    assert result.problems == []
    assert result.columns == {"number": "B", "lead": "C", "title": "D", "deadline": "E"}
    assert [(r.number, r.title, r.lead_text) for r in result.rows] == [
        ("1", "甲", "市财政局 张三"),
        ("2", "总计划编制", "市财政局"),
    ]
