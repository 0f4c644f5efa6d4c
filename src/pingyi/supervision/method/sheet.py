"""Reading the office's real Excel list sheets (SUPERVISION.md, "Importing the office's real
sheets"): a workbook as offices print it, in, what it says, out — without knowing the units.

``read_list_sheet(source, sheet=None)`` returns a :class:`ListSheet`: the title row, the year
guessed from it, the header row(s) and the columns found, one :class:`SheetRow` per item and
the :class:`SheetProblem` list. It never raises on bad input: a file that must not be opened
(over 30 MB, macro-enabled, encrypted, a zip bomb, not Excel, a legacy .xls) is refused with
one problem and no rows, before openpyxl sees it.

What it understands:

- the header row(s), by their words in their usual variants (:data:`HEADER_WORDS`), also a
  header spanning two rows under a merged super-header (责任分工 over 责任领导 / 牵头单位 /
  配合单位);
- merged cells, filled from their top-left cell (a lead unit merged down over several items);
  a row whose number and title both come from the previous row's merges continues that item
  (its other cells are appended, one line each);
- category rows (一、…, （一）…, 第一部分…: one text alone in its row, merged across the table or
  with a category marker) become the category of the items below them, never items;
- blank spacer rows; note rows (备注：…, 注：…, 说明：…; a lone text after the last item) are
  skipped;
- multi-line cells keep their line breaks; numbers written as 1, 1.0 (an Excel float → "1"),
  "3.2", "（五）"; a real Excel date cell in the deadline column becomes its ISO date;
- flags 难点 / 痛点 / 堵点 from a flag (or remarks) column, or marked in the title (【难点】…).

Pure: no Django import (the "pure" import-linter contract). Messages are English; the caller
translates the codes (:data:`PROBLEM_CODES`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

__all__ = [
    "HEADER_WORDS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_UNCOMPRESSED",
    "PROBLEM_CODES",
    "ListSheet",
    "SheetProblem",
    "SheetRow",
    "read_list_sheet",
]

#: A file larger than this is refused unread.
MAX_BYTES = 30 * 2**20
#: The zip members' total declared size may be at most this (a 2,000-item sheet is a few MB
#: of XML; pictures count too).
MAX_UNCOMPRESSED = 200 * 2**20
#: The worksheets' cells (openpyxl builds an object for each, some 400 bytes): 20,000 rows of
#: 20 columns. Counted by streaming the XML before openpyxl loads it.
MAX_CELLS = 400_000
#: A member that large must not be compressed more than this (XML compresses ~5–20×; a zip
#: bomb 1000× and more).
MAX_RATIO = 200
_RATIO_FLOOR = 2**20  # small members may compress as they like
MAX_MEMBERS = 10_000
#: Rows and columns read from the sheet (a list has hundreds of items, not a million).
MAX_ROWS = 20_000
MAX_COLUMNS = 100
#: The header is looked for among the first rows.
HEADER_SEARCH_ROWS = 30

FIELDS = ("number", "title", "requirement", "lead", "co", "leader", "deadline", "flag", "note")

#: The header words of each field, as offices write them (after spaces are removed and
#: full-width forms made ASCII). A header cell matches when it is one of these, or one of these
#: followed by a bracketed remark (牵头单位（部门）) or a few characters (完成时限要求).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序", "项目序号", "任务序号", "事项序号"),
    "title": (
        "任务",
        "事项",
        "工作内容",
        "重点任务",
        "主要任务",
        "问题",
        "任务名称",
        "事项名称",
        "工作任务",
        "重点工作",
        "重点工作任务",
        "任务内容",
        "事项内容",
        "改革事项",
        "改革任务",
        "改革举措",
        "问题名称",
        "具体问题",
        "存在问题",
        "问题描述",
        "重要问题",
        "重大改革",
        "项目名称",
    ),
    "requirement": (
        "目标",
        "办结标准",
        "工作要求",
        "具体措施",
        "工作目标",
        "目标任务",
        "完成标准",
        "工作措施",
        "整改措施",
        "目标要求",
        "推进措施",
        "任务目标",
        "主要目标",
        "具体目标",
        "工作举措",
        "主要举措",
        "预期目标",
        "整改目标",
        "销号标准",
    ),
    "lead": (
        "牵头单位",
        "责任单位",
        "主责单位",
        "牵头部门",
        "责任部门",
        "主办单位",
        "牵头责任单位",
    ),
    "co": ("配合单位", "协办单位", "参与单位", "配合部门", "协同单位", "协助单位", "责任配合单位"),
    "leader": (
        "责任领导",
        "分管领导",
        "牵头领导",
        "市级领导",
        "牵头市领导",
        "分管市领导",
        "责任市领导",
        "联系领导",
        "市级责任领导",
        "包联领导",
    ),
    "deadline": (
        "完成时限",
        "时间节点",
        "完成时间",
        "时限要求",
        "时限",
        "办结时限",
        "完成期限",
        "时间要求",
        "计划完成时间",
        "办结时间",
        "整改时限",
    ),
    "flag": (
        "难点痛点堵点",
        "难点/痛点/堵点",
        "难点、痛点、堵点",
        "问题类型",
        "类型",
        "标签",
        "属性",
    ),
    "note": ("备注", "说明"),
}

#: Every problem code, with what it means (the caller translates by code).
PROBLEM_CODES: dict[str, str] = {
    "too_large": "the file is over 30 MB",
    "macro_enabled": "a macro-enabled workbook (.xlsm)",
    "encrypted": "a password-protected workbook",
    "legacy_xls": "an old .xls workbook: save it as .xlsx",
    "zip_bomb": "the workbook unpacks to far more than it weighs",
    "not_excel": "not an Excel workbook",
    "damaged": "an .xlsx that cannot be read",
    "no_sheet": "no sheet of that name",
    "no_header": "no header row with the usual words",
    "missing_column": "the header lacks the title or the lead unit column",
    "too_many_cells": "the workbook holds more cells than a list sheet can",
    "too_many_rows": "the sheet has more rows than a list can",
    "missing_number": "an item without a number (序号)",
    "missing_title": "an item without a title",
    "missing_lead": "an item without a lead unit",
    "duplicate_number": "two items with one number",
    "date_cell_text": "a cell formatted as a date holds text",
    "deadline_number": "a deadline written as a plain number (9.30 reads 9.3)",
}

_FLAG_WORDS = ("难点", "痛点", "堵点")
_TITLE_FLAGS = re.compile(
    r"[(\[【〔<《]\s*(?:难点|痛点|堵点)(?:\s*[、/,，;；和及]?\s*(?:难点|痛点|堵点))*\s*[)\]】〕>》]"
)
_NOTE = re.compile(
    r"^\s*(?:备注|附注|注|说明|填报说明|填表说明)\s*[0-9一二三四五六七八九十]*\s*[:：]"
)
_CATEGORY_TOP = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|第[一二三四五六七八九十百0-9]+(?:部分|篇|章|类|项)|[A-Z]\s*[、.．])"
)
_CATEGORY_SUB = re.compile(r"^\s*[(（]\s*[一二三四五六七八九十百]+\s*[)）]")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})\s*年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_SPACE = re.compile(r"[\s\u200b\u3000\ufeff]+")
_BRACKETED = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DATE_FORMAT = re.compile(r"(?<![\\\"])[ymd]", re.IGNORECASE)


@dataclass(frozen=True)
class SheetProblem:
    """What is wrong and where: ``row`` is the 1-based Excel row (None: the whole file or
    sheet), ``cell`` like "D7" (or None)."""

    row: int | None
    cell: str | None
    code: str
    message: str


@dataclass
class SheetRow:
    """One item as written. Texts are stripped, line breaks kept; an empty cell is ""."""

    row: int
    category: str
    number: str
    title: str
    requirement: str
    lead_text: str
    co_text: str
    leader: str
    deadline_text: str
    flags: list[str] = field(default_factory=list)
    #: Every non-empty cell of the row after merged cells were filled: "C7" → its text.
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class ListSheet:
    file_name: str
    sheet_name: str
    title: str
    year: int | None
    header_rows: list[int]
    #: field (number, title, requirement, lead, co, leader, deadline, flag, note) → column
    #: letter, for the fields found.
    columns: dict[str, str]
    rows: list[SheetRow]
    problems: list[SheetProblem]
    #: The workbook's sheets, in order (to choose another one).
    sheet_names: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- cells ------------------------------------------------------------------------------------


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ref(row: int, column: int) -> str:
    return f"{_letter(column)}{row}"


def cell_text(value: Any) -> str:
    """A cell's value as the office reads it: texts stripped (line breaks kept, CR LF → LF),
    1.0 → "1", 3.2 → "3.2", a date (or a midnight date-time) → its ISO date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub("", text).strip("*:：")
    return text


def _header_field(text: str) -> str | None:
    """The field a header cell names, or None. A cell naming two (主要任务及目标, 牵头单位和
    配合单位) names the first."""
    key = _header_key(text)
    if not key or len(key) > 24:
        return None
    found = _one_header_field(key)
    if found is None and (first := _JOINED.split(key, maxsplit=1)[0]) != key:
        found = _one_header_field(first)
    return found


_JOINED = re.compile(r"及|和|与|、|/|以及")


def _one_header_field(key: str) -> str | None:
    bare = _BRACKETED.sub("", key).strip("*:：")
    best: tuple[int, str] | None = None
    for name, words in HEADER_WORDS.items():
        for word in words:
            if key == word or bare == word:
                return name
            near = key.startswith(word) and len(key) - len(word) <= 4
            if near and not _other_word(key, name) and (best is None or len(word) > best[0]):
                best = (len(word), name)
    return best[1] if best else None


def _other_word(key: str, name: str) -> bool:
    """Whether ``key`` also names another field (主要任务及工作目标: not just a title)."""
    return any(
        word in key[1:]
        for other, words in HEADER_WORDS.items()
        if other != name
        for word in words
        if len(word) >= 2
    )


def _is_date_format(number_format: str | None) -> bool:
    if not number_format or number_format == "General" or number_format == "@":
        return False
    bare = re.sub(r"\[[^\]]*\]|\"[^\"]*\"", "", number_format)
    return bool(_DATE_FORMAT.search(bare)) or "年" in number_format or "月" in number_format


# --- refusing what must not be opened -----------------------------------------------------------


def _refuse(code: str, message: str) -> SheetProblem:
    return SheetProblem(None, None, code, message)


def _screen(data: bytes, file_name: str) -> SheetProblem | None:
    """Why these bytes must not reach openpyxl, or None. Sizes come from the zip's central
    directory; zipfile never inflates a member past its declared size (a lying member fails
    its CRC check), so the declared total bounds what openpyxl parses."""
    if data.startswith(_OLE_MAGIC):
        if (
            "EncryptionInfo".encode("utf-16-le") in data
            or "EncryptedPackage".encode("utf-16-le") in data
        ):
            return _refuse(
                "encrypted",
                "The workbook is password-protected (encrypted); remove the password in Excel "
                "(File › Info › Protect Workbook) and save it again as .xlsx.",
            )
        return _refuse(
            "legacy_xls",
            "This is an old Excel 97–2003 workbook (.xls); open it in Excel or WPS and save it "
            "as .xlsx.",
        )
    if not data.startswith(b"PK"):
        return _refuse("not_excel", "This is not an Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return _refuse("not_excel", "This is not an Excel workbook (.xlsx): it is no valid zip.")
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return _refuse(
                "zip_bomb", f"The workbook holds {len(members)} parts; a workbook has a few dozen."
            )
        total = 0
        for member in members:
            total += member.file_size
            if member.file_size > _RATIO_FLOOR and (
                member.compress_size == 0 or member.file_size / member.compress_size > MAX_RATIO
            ):
                return _refuse(
                    "zip_bomb",
                    f"The workbook's part {member.filename} unpacks to "
                    f"{member.file_size // 2**20} MB from {member.compress_size} bytes: "
                    "it is not a real workbook.",
                )
        if total > MAX_UNCOMPRESSED:
            return _refuse(
                "zip_bomb",
                f"The workbook unpacks to {total // 2**20} MB; at most "
                f"{MAX_UNCOMPRESSED // 2**20} MB are read.",
            )
        names = {m.filename for m in members}
        try:
            types = ""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as fh:
                    types = fh.read(2**20).decode("utf-8", "replace")
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError):
            types = ""
        macro = (
            any(n.lower().endswith("vbaproject.bin") for n in names)
            or "macroEnabled" in types
            or file_name.lower().endswith((".xlsm", ".xltm", ".xlam"))
        )
        if macro:
            return _refuse(
                "macro_enabled",
                "The workbook is macro-enabled (.xlsm); macros are never opened. Save it in "
                "Excel as an ordinary workbook (.xlsx).",
            )
        if not any(n.lower().endswith("workbook.xml") for n in names):
            return _refuse("not_excel", "This is a zip file but not an Excel workbook (.xlsx).")
        cells = _count_cells(archive, [m for m in members if _is_worksheet(m.filename)])
    if cells > MAX_CELLS:
        return _refuse(
            "too_many_cells",
            f"The workbook holds more than {MAX_CELLS:,} cells; a list sheet has a few thousand "
            "rows. Delete the other sheets and the formatted empty rows, and save it again.",
        )
    return None


def _is_worksheet(name: str) -> bool:
    name = name.lower()
    return "worksheets/" in name and name.endswith(".xml")


_MERGE_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")


class _TooManyCells(Exception):
    pass


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _merge_area(ref: str) -> int:
    match = _MERGE_REF.match(ref.strip())
    if match is None:
        return 1  # openpyxl will say what is wrong with it
    left, top = _column_number(match[1]), int(match[2])
    right = _column_number(match[3]) if match[3] else left
    bottom = int(match[4]) if match[4] else top
    return (abs(right - left) + 1) * (abs(bottom - top) + 1)


def _count_cells(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> int:
    """The cells of the worksheets, counted by streaming their XML through expat: each ``c``
    element (openpyxl builds an object for each, even an empty styled one) and each cell a
    merged range covers (openpyxl builds one for each of them too: A1:XFD1048576 would be 17
    billion). Stops past MAX_CELLS. A damaged member counts as far as it could be read:
    openpyxl then says it is damaged."""
    count = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal count
        local = name.rpartition(" ")[2]
        if local == "c":
            count += 1
        elif local == "mergeCell":
            count += _merge_area(attributes.get("ref", ""))
        if count > MAX_CELLS:
            raise _TooManyCells

    for member in members:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        try:
            with archive.open(member) as fh:
                while chunk := fh.read(2**20):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _TooManyCells:
            return count
        except (expat.ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
            continue
    return count


def _read_bytes(source: Path | IO[bytes]) -> tuple[bytes | None, str, SheetProblem | None]:
    if isinstance(source, str | Path):
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                return None, name, _too_large(size)
            with path.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            return None, name, _refuse("not_excel", f"The file cannot be read: {exc.strerror}.")
    else:
        name = Path(str(getattr(source, "name", "") or "")).name
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return None, name, _too_large(len(data))
    return data, name, None


def _too_large(size: int) -> SheetProblem:
    return _refuse(
        "too_large",
        f"The file is {size / 2**20:.1f} MB; a list sheet may be at most {MAX_BYTES // 2**20} MB.",
    )


# --- the reader ----------------------------------------------------------------------------------


def read_list_sheet(source: Path | IO[bytes], *, sheet: str | None = None) -> ListSheet:
    """Read a list sheet: the named ``sheet``, or else the first sheet with a header."""
    data, file_name, refused = _read_bytes(source)
    empty = ListSheet(file_name, sheet or "", "", None, [], {}, [], [])
    if refused is not None or data is None:
        empty.problems.append(refused or _refuse("not_excel", "The file is empty."))
        return empty
    refused = _screen(data, file_name)
    if refused is not None:
        empty.problems.append(refused)
        return empty

    from openpyxl import load_workbook  # noqa: PLC0415 (only once the file passed the screen)

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception as exc:  # zipfile, XML, openpyxl's own errors alike: all mean "damaged"
        empty.problems.append(
            _refuse(
                "damaged",
                f"The workbook cannot be read ({type(exc).__name__}); open it in Excel or WPS "
                "and save it again as .xlsx.",
            )
        )
        return empty
    try:
        names = list(workbook.sheetnames)
        empty.sheet_names = names
        if sheet is not None:
            if sheet not in names:
                empty.problems.append(
                    _refuse(
                        "no_sheet",
                        f"The workbook has no sheet “{sheet}”; its sheets are: "
                        + "、".join(f"“{n}”" for n in names)
                        + ".",
                    )
                )
                return empty
            result = _read_worksheet(workbook[sheet], file_name)
        else:
            chosen: ListSheet | None = None
            for name in names:
                candidate = _read_worksheet(workbook[name], file_name)
                if chosen is None or candidate.header_rows:
                    chosen = candidate
                if candidate.header_rows:
                    break
            if chosen is None:
                empty.problems.append(
                    _refuse(
                        "damaged",
                        "The workbook has no sheet that can be read; open it in Excel or WPS "
                        "and save it again as .xlsx.",
                    )
                )
                return empty
            result = chosen
        result.sheet_names = names
        return result
    finally:
        workbook.close()


@dataclass
class _Grid:
    """The sheet's cells as texts, merged cells filled; ``origin`` says, for a filled cell,
    which cell it was filled from."""

    texts: dict[tuple[int, int], str]
    values: dict[tuple[int, int], Any]
    formats: dict[tuple[int, int], str]
    origin: dict[tuple[int, int], tuple[int, int]]
    across: dict[tuple[int, int], int]  # top-left of a horizontal merge → columns spanned
    max_row: int
    max_column: int
    by_row: dict[int, list[int]] = field(default_factory=dict)

    def text(self, row: int, column: int | None) -> str:
        return self.texts.get((row, column), "") if column else ""

    def own(self, row: int) -> list[int]:
        """The columns of ``row`` holding text of their own (not filled from a merge)."""
        return self.by_row.get(row, [])


def _grid(ws: Any) -> tuple[_Grid, bool]:
    texts: dict[tuple[int, int], str] = {}
    values: dict[tuple[int, int], Any] = {}
    formats: dict[tuple[int, int], str] = {}
    clipped = False
    # ws._cells holds only the cells the file has; iterating ws.iter_rows() would create every
    # cell of max_row × max_column (a sheet formatted down to row 1,048,576).
    for (row, column), cell in ws._cells.items():
        if row > MAX_ROWS or column > MAX_COLUMNS:
            if cell.value is not None:
                clipped = clipped or row > MAX_ROWS
            continue
        value = cell.value
        if value is None:
            continue
        text = cell_text(value)
        if text:
            texts[(row, column)] = text
            values[(row, column)] = value
            formats[(row, column)] = cell.number_format
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    across: dict[tuple[int, int], int] = {}
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row, merged.min_col
        bottom, right = min(merged.max_row, MAX_ROWS), min(merged.max_col, MAX_COLUMNS)
        if top > MAX_ROWS or left > MAX_COLUMNS:
            continue
        if right > left:
            across[(top, left)] = right - left + 1
        text = texts.get((top, left), "")
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) == (top, left):
                    continue
                origin[(r, c)] = (top, left)
                texts.pop((r, c), None)  # Excel hides what lies under a merge
                values.pop((r, c), None)
                if text:
                    texts[(r, c)] = text
                    values[(r, c)] = values.get((top, left))
                    formats[(r, c)] = formats.get((top, left), "General")
    max_row = max((r for r, _ in texts), default=0)
    max_column = max((c for _, c in texts), default=0)
    by_row: dict[int, list[int]] = {}
    for r, c in sorted(texts):
        if (r, c) not in origin:
            by_row.setdefault(r, []).append(c)
    return _Grid(texts, values, formats, origin, across, max_row, max_column, by_row), clipped


def _header_score(grid: _Grid, row: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for column in range(1, grid.max_column + 1):
        name = _header_field(grid.text(row, column))
        if name and name not in found:
            found[name] = column
    return found


def _find_header(grid: _Grid) -> tuple[list[int], dict[str, int]]:
    best_row, best = 0, dict[str, int]()
    for row in range(1, min(grid.max_row, HEADER_SEARCH_ROWS) + 1):
        found = _header_score(grid, row)
        if len(found) >= 2 and len(found) > len(best):
            best_row, best = row, found
    if not best:
        return [], {}
    rows = [best_row]
    columns = dict(best)
    # A two-row header: the row above (a merged super-header, 序号 merged down) or below
    # (the words under the super-header) adds the fields it names.
    for other in (best_row - 1, best_row + 1):
        if other < 1:
            continue
        found = _header_score(grid, other)
        if not found:
            continue
        if other > best_row:
            # The words under a super-header: every text of the row's own is a header word
            # or stands under a cell merged across (责任分工); an item row has its title.
            own = grid.own(other)
            if not own or not all(
                _header_field(grid.text(other, c)) or _under_merge_across(grid, best_row, c)
                for c in own
            ):
                continue
        elif not _spans_into(grid, other, best_row) and len(found) < 2:
            continue
        rows.append(other)
        for name, column in found.items():
            if name not in columns and column not in columns.values():
                columns[name] = column
    return sorted(rows), columns


def _under_merge_across(grid: _Grid, row: int, column: int) -> bool:
    top_left = grid.origin.get((row, column), (row, column))
    return top_left[0] == row and grid.across.get(top_left, 1) > 1


def _spans_into(grid: _Grid, upper: int, lower: int) -> bool:
    return any(origin[0] == upper for (r, _), origin in grid.origin.items() if r == lower)


def _title(grid: _Grid, first_header: int) -> str:
    lines = []
    for row in range(1, first_header):
        own = grid.own(row)
        if own:
            lines.append(" ".join(grid.text(row, c) for c in own))
    for line in lines:
        if "清单" in line or "台账" in line or "任务" in line or "计划" in line:
            return line
    return lines[0] if lines else ""


def _year(title: str) -> int | None:
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m.group(1)) + "年", title)
    text = unicodedata.normalize("NFKC", text)
    match = re.search(r"((?:19|20)\d\d)\s*年", text) or _YEAR.search(text)
    return int(match.group(1)) if match else None


def _flags(*texts: str) -> list[str]:
    return [word for word in _FLAG_WORDS if any(word in t for t in texts)]


def _number(text: str) -> str:
    return re.sub(r"[、.．]+$", "", text.strip())


def _number_key(number: str) -> str:
    """Numbers that read the same are the same (３ = 3, (五) = （五）)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", number))


def _read_worksheet(ws: Any, file_name: str) -> ListSheet:
    grid, clipped = _grid(ws)
    result = ListSheet(file_name, ws.title, "", None, [], {}, [], [])
    header_rows, columns = _find_header(grid)
    if not header_rows:
        result.problems.append(
            SheetProblem(
                None,
                None,
                "no_header",
                f"Sheet “{ws.title}” has no header row: none of its first {HEADER_SEARCH_ROWS} "
                "rows names the columns (序号, 任务/事项, 牵头单位/责任单位, 配合单位, 责任领导, "
                "完成时限 …).",
            )
        )
        return result
    result.header_rows = header_rows
    result.columns = {name: _letter(column) for name, column in columns.items()}
    result.title = _title(grid, header_rows[0])
    result.year = _year(result.title)
    missing = [name for name in ("title", "lead") if name not in columns]
    if missing:
        words = {"title": "任务/事项/工作内容", "lead": "牵头单位/责任单位"}
        result.problems.append(
            SheetProblem(
                header_rows[-1],
                None,
                "missing_column",
                f"The header in row {header_rows[-1]} has no "
                + " and no ".join(f"{words[m]} column" for m in missing)
                + "; it names "
                + ", ".join(f"{n} ({_letter(c)})" for n, c in columns.items())
                + ".",
            )
        )
        return result
    if clipped:
        result.problems.append(
            SheetProblem(
                None,
                None,
                "too_many_rows",
                f"Sheet “{ws.title}” has text below row {MAX_ROWS}; a list is read up to row "
                f"{MAX_ROWS} only.",
            )
        )
    _read_items(grid, header_rows[-1] + 1, columns, result)
    return result


def _read_items(grid: _Grid, start: int, columns: dict[str, int], result: ListSheet) -> None:
    col = columns.get
    table_columns = sorted(columns.values())
    width = table_columns[-1] - table_columns[0] + 1
    top_category = sub_category = ""
    pending: list[tuple[int, str]] = []  # lone texts not yet known to be categories or notes
    numbers: dict[str, int] = {}
    previous: SheetRow | None = None

    def category() -> str:
        return " / ".join(t for t in (top_category, sub_category) if t)

    def take_category(row: int, text: str) -> None:
        nonlocal top_category, sub_category
        line = text.replace("\n", " ")
        if _CATEGORY_SUB.match(line) and top_category:
            sub_category = line
        else:
            top_category, sub_category = line, ""

    for row in range(start, grid.max_row + 1):
        own = grid.own(row)
        if not own:
            continue  # a spacer row (or one wholly inside merges from above)
        numbered = _numbered_category(grid, row, own, col("number"), col("lead"))
        if numbered:
            for _, lone in pending:
                take_category(row, lone)
            pending.clear()
            take_category(row, numbered)
            continue
        if len(own) == 1:
            text = grid.text(row, own[0])
            spans = grid.across.get((row, own[0]), 1)
            if _NOTE.match(text):
                continue
            if (
                spans >= max(2, width // 2)
                or _CATEGORY_TOP.match(text)
                or _CATEGORY_SUB.match(text)
            ):
                if (
                    col("number") == own[0]
                    and col("title") is not None
                    and spans < 2
                    and _CATEGORY_SUB.match(text)
                    and grid.text(row, col("title"))
                ):
                    pass  # a number （五） with a title filled from above: an item
                else:
                    for _, lone in pending:
                        take_category(row, lone)
                    pending.clear()
                    take_category(row, text)
                    continue
            elif own[0] == table_columns[0] or own[0] == 1:
                pending.append((row, text))
                continue
        if len(own) >= 2 and all(_header_field(grid.text(row, c)) for c in own):
            continue  # the header again (copied above each printed page)
        if _TOTAL.match(grid.text(row, own[0])):
            continue  # 合计 / 小计 / 总计: a count, no item
        # An item row (or the continuation of one).
        for _, lone in pending:  # lone texts followed by items: categories after all
            take_category(row, lone)
        pending.clear()
        number_cell, title_cell = col("number"), col("title")
        if previous is not None and _continues(grid, row, number_cell, title_cell):
            _append(previous, grid, row, columns)
            continue
        item = _item(grid, row, columns, category())
        _check(item, grid, row, columns, numbers, result)
        result.rows.append(item)
        previous = item
    # Lone texts after the last item are notes: skipped.


_TOTAL = re.compile(r"^\s*(?:合\s*计|小\s*计|总\s*计|共\s*计)\s*[:：]?\s*$")
_BARE_NUMERAL = re.compile(r"^[一二三四五六七八九十百]+[、.．]?$")


def _numbered_category(
    grid: _Grid, row: int, own: list[int], number: int | None, lead: int | None
) -> str:
    """The category of a row written in two cells, its numeral in the number column (一, （一）)
    and its name beside it, merged across the table or with no lead unit; else ""."""
    if number is None or len(own) != 2 or own[0] != number:
        return ""
    numeral, name = grid.text(row, number), grid.text(row, own[1])
    bare = _BARE_NUMERAL.match(numeral)
    if not (bare or _CATEGORY_SUB.fullmatch(numeral)):
        return ""
    merged_across = grid.across.get((row, own[1]), 1) > 1 and (lead is None or own[1] < lead)
    if not (merged_across or (bare and not grid.text(row, lead))):
        return ""
    if bare:
        return f"{numeral.rstrip('、.．')}、{name}"
    return f"{numeral}{name}"


def _continues(grid: _Grid, row: int, number: int | None, title: int | None) -> bool:
    """Whether ``row``'s number and title both come from the row above's merges."""
    cells = [c for c in (number, title) if c is not None]
    return all((row, c) in grid.origin and grid.origin[(row, c)][0] < row for c in cells)


def _append(item: SheetRow, grid: _Grid, row: int, columns: dict[str, int]) -> None:
    attributes = {
        "requirement": "requirement",
        "lead": "lead_text",
        "co": "co_text",
        "leader": "leader",
        "deadline": "deadline_text",
    }
    for name, attribute in attributes.items():
        column = columns.get(name)
        if column is None or (row, column) in grid.origin:
            continue
        text = grid.text(row, column)
        if text:
            current = getattr(item, attribute)
            setattr(item, attribute, f"{current}\n{text}" if current else text)
    for column in range(1, grid.max_column + 1):
        text = grid.text(row, column)
        if text:
            item.raw[_ref(row, column)] = text
    flags = _flags(grid.text(row, columns.get("flag")), grid.text(row, columns.get("note")))
    item.flags = [w for w in _FLAG_WORDS if w in item.flags or w in flags]


def _deadline_text(grid: _Grid, row: int, column: int | None) -> str:
    """The deadline cell's text; a real date cell (a time of day too) is its ISO date."""
    value = grid.values.get((row, column)) if column else None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return grid.text(row, column)


def _item(grid: _Grid, row: int, columns: dict[str, int], category: str) -> SheetRow:
    def text(name: str) -> str:
        return grid.text(row, columns.get(name))

    title = text("title")
    title_flags = [m.group(0) for m in _TITLE_FLAGS.finditer(title)]
    flags = _flags(text("flag"), text("note"), *title_flags)
    for marker in title_flags:
        title = title.replace(marker, "", 1)
    return SheetRow(
        row=row,
        category=category,
        number=_number(text("number")),
        title=title.strip(),
        requirement=text("requirement"),
        lead_text=text("lead"),
        co_text=text("co"),
        leader=text("leader"),
        deadline_text=_deadline_text(grid, row, columns.get("deadline")),
        flags=flags,
        raw={
            _ref(row, c): grid.text(row, c)
            for c in range(1, grid.max_column + 1)
            if grid.text(row, c)
        },
    )


def _check(
    item: SheetRow,
    grid: _Grid,
    row: int,
    columns: dict[str, int],
    numbers: dict[str, int],
    result: ListSheet,
) -> None:
    def problem(name: str, code: str, message: str) -> None:
        column = columns.get(name)
        cell = _ref(row, column) if column else None
        result.problems.append(SheetProblem(row, cell, code, message))

    def where(name: str) -> str:
        column = columns.get(name)
        return f"cell {_ref(row, column)}" if column else f"row {row}"

    if "number" in columns:
        if not item.number:
            problem(
                "number", "missing_number", f"Row {row} has no number (序号) in {where('number')}."
            )
        elif (key := _number_key(item.number)) in numbers:
            first = numbers[key]
            problem(
                "number",
                "duplicate_number",
                f"Row {row} has the number “{item.number}” ({where('number')}), as row {first} "
                "has; every item needs its own number.",
            )
        else:
            numbers[key] = row
    if not item.title:
        problem("title", "missing_title", f"Row {row} has no title (task) in {where('title')}.")
    if not item.lead_text:
        problem("lead", "missing_lead", f"Row {row} has no lead unit in {where('lead')}.")
    deadline = columns.get("deadline")
    if deadline is not None and (row, deadline) in grid.values:
        value = grid.values[(row, deadline)]
        number_format = grid.formats.get((row, deadline), "General")
        if isinstance(value, str) and _is_date_format(number_format) and re.search(r"\d", value):
            problem(
                "deadline",
                "date_cell_text",
                f"Cell {_ref(row, deadline)} is formatted as a date but holds the text "
                f"“{item.deadline_text}”, which Excel did not read as a date; type a real date "
                "or set the cell's format to text.",
            )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            problem(
                "deadline",
                "deadline_number",
                f"Cell {_ref(row, deadline)} holds the number {item.deadline_text}, not a date "
                "(Excel turns 9.30 into 9.3); type the deadline as a date or as text.",
            )
