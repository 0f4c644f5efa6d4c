"""Reading a small office workbook (.xlsx) safely, and the cells offices write in it (no Django).

Used by the year targets' and the project pipeline's imports (``targets/method``,
``pipeline/method``):

- :func:`open_grid` screens the bytes before openpyxl sees them (size, not a zip, an old
  .xls or an encrypted workbook, macros, a zip bomb) and returns the first sheet's cells with
  merged cells filled from their top-left cell, or one refusal sentence;
- :func:`parse_day` reads a date as offices write it: an Excel date cell, ``2026.9.30``,
  ``2026-09-30``, ``2026/9/30``, ``2026年9月30日``, or a month alone (``2026年9月``,
  ``2026.9``), which means the month's last day;
- :func:`parse_amount` reads a number with its unit (``12.35亿元``, ``1,234万元``, ``8.5%``)
  and converts money between 元, 万元, 亿元 and 万亿元 exactly (Decimal, never a float).
- :func:`title_above`, :func:`blank_or_note` and :func:`cell_problem`: the title over the
  header, the rows with nothing to read, and the problem naming a row and cell, as both
  sheets have them.

Messages are English msgids translated through :mod:`pingyi.core.pure.i18n`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from pingyi.core.pure.i18n import _
from pingyi.core.pure.numbers import number_problem

#: A workbook larger than this is refused unread (an office sheet is some 100 KB).
MAX_BYTES = 10 * 2**20
#: The zip members' declared total (bounds what openpyxl parses).
MAX_UNCOMPRESSED = 60 * 2**20
MAX_RATIO = 200
_RATIO_FLOOR = 2**20
MAX_MEMBERS = 2_000
#: Rows and columns read (a target sheet has hundreds of rows).
MAX_ROWS = 5_000
MAX_COLUMNS = 60

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, column: int) -> str:
    """``cell_ref(3, 2)`` → ``B3``."""
    return f"{column_letter(column)}{row}"


@dataclass
class Grid:
    """The first sheet's values by (row, column), merged cells filled from their top-left cell."""

    sheet_name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    #: a cell filled from a merge → the merge's top-left cell
    origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    max_row: int = 0
    max_column: int = 0

    def value(self, row: int, column: int | None) -> Any:
        return self.values.get((row, column)) if column else None

    def text(self, row: int, column: int | None) -> str:
        return cell_text(self.value(row, column))

    def source(self, row: int, column: int) -> tuple[int, int]:
        """The cell whose value (row, column) shows: itself, or its merge's top-left cell."""
        return self.origin.get((row, column), (row, column))

    def row_texts(self, row: int) -> list[str]:
        return [self.text(row, c) for c in range(1, self.max_column + 1)]


def cell_text(value: Any) -> str:
    """A cell as text: stripped, ``1.0`` → ``1``, a date → its ISO date, None → ``""``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).replace("_x000D_", "").strip()


#: How many rows from the top a sheet's header is looked for in (the title rows above it).
HEADER_SEARCH_ROWS = 20
_NOTE = re.compile(r"^(注|备注|说明|填报说明)\s*[:：]")


def title_above(grid: Grid, header_row: int) -> str:
    """The texts of the rows above ``header_row`` (the merged title …), each once, in order,
    joined by a space."""
    return " ".join(dict.fromkeys(t for r in range(1, header_row) for t in grid.row_texts(r) if t))


def blank_or_note(grid: Grid, row: int) -> bool:
    """Whether ``row`` has nothing to read: blank, or a note (注：…, 备注：…, 说明：…,
    填报说明：…) in its first filled cell."""
    texts = [t for t in grid.row_texts(row) if t]
    return not texts or _NOTE.match(texts[0]) is not None


def cell_problem(row: int, column: int, message: str) -> str:
    """A problem with one cell: ``row 7, cell B7: message``."""
    return _("row %(row)s, cell %(cell)s: %(problem)s") % {
        "row": row,
        "cell": cell_ref(row, column),
        "problem": message,
    }


def header_key(text: str) -> str:
    """A header cell without spaces, half-width: ``总 投 资（亿元）`` → ``总投资(亿元)``."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _screen(data: bytes, file_name: str) -> str | None:
    if len(data) > MAX_BYTES:
        return _("The file is %(size)s MB; a workbook may be at most %(max)s MB.") % {
            "size": f"{len(data) / 2**20:.1f}",
            "max": MAX_BYTES // 2**20,
        }
    if data.startswith(_OLE_MAGIC):
        return _(
            "This is an old Excel 97-2003 workbook (.xls) or a password-protected one; open it "
            "in Excel or WPS, remove any password and save it as .xlsx."
        )
    if not data.startswith(b"PK"):
        return _("This is not an Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return _("This is not an Excel workbook (.xlsx).")
    with archive:
        members = archive.infolist()
        names = {m.filename.lower() for m in members}
        if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
            return _("The workbook unpacks to too much data: it is not a real office sheet.")
        for m in members:
            if m.file_size > _RATIO_FLOOR and (
                m.compress_size == 0 or m.file_size / m.compress_size > MAX_RATIO
            ):
                return _("The workbook unpacks to too much data: it is not a real office sheet.")
        if any(n.endswith("vbaproject.bin") for n in names) or file_name.lower().endswith(
            (".xlsm", ".xltm", ".xlam")
        ):
            return _(
                "The workbook is macro-enabled (.xlsm); macros are never opened. Save it as an "
                "ordinary workbook (.xlsx)."
            )
        if "xl/workbook.xml" not in names:
            return _("This is not an Excel workbook (.xlsx).")
    return None


def read_file(path: str) -> bytes:
    """A workbook's bytes from disk, at most one byte past :data:`MAX_BYTES` (a 5 GB file is
    refused by :func:`open_grid` without being read); OSError when it cannot be read."""
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)


def open_grid(data: bytes, file_name: str = "") -> tuple[Grid | None, str | None]:
    """The first sheet of the workbook in ``data`` as a :class:`Grid`, or ``(None, why)``."""
    refused = _screen(data, file_name)
    if refused:
        return None, refused
    from openpyxl import load_workbook  # noqa: PLC0415 (only once the bytes passed the screen)

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception:  # openpyxl, zipfile and XML errors alike: all mean "damaged"
        return None, _(
            "The workbook cannot be read; open it in Excel or WPS and save it again as .xlsx."
        )
    try:
        ws = workbook.worksheets[0]
        grid = Grid(sheet_name=ws.title)
        for (row, column), cell in ws._cells.items():
            if cell.value in (None, ""):
                continue
            if row > MAX_ROWS or column > MAX_COLUMNS:
                # never a silent half: a sheet longer or wider than read is refused
                return None, _(
                    "The sheet has a value in cell %(cell)s, beyond the %(rows)s rows and "
                    "%(columns)s columns read; split the sheet or delete what lies beyond."
                ) % {"cell": cell_ref(row, column), "rows": MAX_ROWS, "columns": MAX_COLUMNS}
            grid.values[(row, column)] = cell.value
        for merged in ws.merged_cells.ranges:
            top_left = grid.values.get((merged.min_row, merged.min_col))
            for r in range(merged.min_row, min(merged.max_row, MAX_ROWS) + 1):
                for c in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        grid.origin[(r, c)] = (merged.min_row, merged.min_col)
                    if top_left is None:
                        grid.values.pop((r, c), None)
                    else:
                        grid.values[(r, c)] = top_left
        grid.max_row = max((r for r, _c in grid.values), default=0)
        grid.max_column = max((c for _r, c in grid.values), default=0)
        return grid, None
    finally:
        workbook.close()


# --- dates ---------------------------------------------------------------------------------

_DAY = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*(?:[月.\-/]\s*(?:(\d{1,2})\s*[日号]?)?)?")


def parse_day(value: Any) -> dt.date | None:
    """A date as offices write it, None for an empty cell; ValueError (a sentence) otherwise.

    ``2026.9.30``, ``2026-09-30``, ``2026/9/30``, ``2026年9月30日`` → 30 September 2026; a month
    alone (``2026年9月``, ``2026.9``) → its last day; an Excel date cell → its date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if not text or text in {"-", "—", "/", "无"}:
        return None
    match = _DAY.fullmatch(text)
    if match is None:
        raise ValueError(
            _("%(text)s is not a date: write 2026-09-30, 2026.9.30 or 2026年9月30日")
            % {"text": f"“{text[:40]}”"}
        )
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError(_("%(text)s is not a date: no such month") % {"text": f"“{text}”"})
    day = int(match[3]) if match[3] else calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("%(text)s is not a date: no such day") % {"text": f"“{text}”"}) from None


# --- amounts -------------------------------------------------------------------------------

#: Money units and their size in 亿元 (exact).
MONEY: dict[str, Decimal] = {
    "万亿元": Decimal(10000),
    "亿元": Decimal(1),
    "亿": Decimal(1),
    "万元": Decimal("0.0001"),
    "万": Decimal("0.0001"),
    "元": Decimal("0.00000001"),
}
_UNIT = re.compile(r"^(.*?)(万亿元|亿元|万元|亿|万|元|%)?$")


def _decimal(text: str) -> Decimal | None:
    """A plain decimal, None when the text is none; ValueError when it is out of bounds."""
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
        return None
    number = Decimal(text)
    problem = number_problem(number)
    if problem:
        raise ValueError(problem)
    return number


def parse_amount(value: Any, measure: str) -> Decimal | None:
    """A number in ``measure`` (亿元, 万元, %, 个, …), None for an empty cell; ValueError (a
    sentence) for anything else.

    A number cell is in ``measure``. A text may carry its own unit: money units convert
    exactly into a money ``measure`` (``1,234万元`` in 亿元 → ``0.1234``); ``%`` only into a
    percentage; thousands separators (``,``, ``，``) and spaces are dropped.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(text)s is not a number") % {"text": f"“{value}”"})
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number_problem(number):
            raise ValueError(str(number_problem(number)))
        return number
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"[\s,，]", "", text)
    if not text or text in {"-", "—", "/"}:
        return None
    match = _UNIT.match(text)
    assert match is not None  # nosec B101 # the pattern matches every text
    written = _decimal(match[1])
    if written is None:
        raise ValueError(_("%(text)s is not a number") % {"text": f"“{text[:40]}”"})
    number = written
    unit = match[2]
    measure = header_key(measure)
    if unit is None or unit == measure:
        return number
    if unit in MONEY and measure in MONEY:
        return number * MONEY[unit] / MONEY[measure]
    raise ValueError(
        _("%(text)s is in %(unit)s, but this column is in %(measure)s")
        % {"text": f"“{text[:40]}”", "unit": unit, "measure": measure or "—"}
    )


def show_exact(value: Fraction | Decimal | int | None, places: int = 4) -> str | None:
    """An exact number shown with at most ``places`` decimals (half up), trailing zeros cut:
    ``Fraction(2, 3)`` → ``0.6667``, ``Decimal("12.3500")`` → ``12.35``; None stays None."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    shown = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(shown, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
