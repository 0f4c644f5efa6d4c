"""The results workbook (.xlsx): one sheet per track, attendance, and the method applied.

Numbers are numeric cells. A score is written from the exact decimal of its rounded text
(``Decimal("91.35")``, never a binary float) with a number format of the event's decimals.
Every text cell that a spreadsheet could read as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is stored as a string with the quote-prefix style,
so a unit named ``=HYPERLINK(...)`` shows as text and never runs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pingyi.appraisal import selectors
from pingyi.appraisal.errors import OutputsNotReady
from pingyi.appraisal.method.spec import EventSpec, format_number
from pingyi.appraisal.method.statement import method_statement
from pingyi.appraisal.method.tally import Results, TrackResult, UnitResult, score_text
from pingyi.appraisal.models import Event


def require_results(event: Event) -> None:
    if not event.has_results:
        raise OutputsNotReady(
            _(
                "Event “%(key)s” is %(state)s: the workbook and the report are made once voting "
                "has closed."
            )
            % {"key": event.key, "state": event.get_state_display()}
        )


# --- numbers -----------------------------------------------------------------------------------


def decimal_of(text: str | None) -> Decimal | None:
    """The exact decimal of a rounded score's text (``"91.35"`` → ``Decimal("91.35")``)."""
    return None if text is None else Decimal(text)


def rounded(value: Fraction | None, decimals: int) -> Decimal | None:
    """An exact value rounded half-up to ``decimals`` places, as an exact Decimal."""
    return None if value is None else Decimal(score_text(value, decimals))


def score_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals else "0"


def grade_rate(unit: UnitResult) -> Decimal | None:
    """Share of the counted ballots that gave the first (top) grade, to 4 places."""
    if not unit.grade_counts or not unit.ballots:
        return None
    return rounded(Fraction(unit.grade_counts[0], unit.ballots), 4)


def change_text(change: int | None) -> str:
    """A rank change for reading: ↑2, ↓1, 0, or — when there is nothing to compare."""
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "0"


# --- safe cells --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> Cell:
    """Write one cell: numbers as numbers, text always as text (formula-injection safe)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = _ILLEGAL.sub("", value)
        cell.value = text
        if text.startswith(_FORMULA_START):
            # Stored as a shared string, never a formula; the quote prefix keeps it text when
            # someone edits the cell in Excel or LibreOffice.
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, Fraction):
        raise TypeError("round Fractions to a Decimal before writing them")
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


#: Every sheet: row 1 the title, row 2 a note (or empty), row 3 the column headers.
HEADER_ROW = 3
HEADER_FILL = PatternFill("solid", fgColor="F3E9E7")
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None
    width: float | None = None


def _display_width(value: Any) -> float:
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 0.0


def write_table(
    ws: Worksheet,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    freeze_columns: int = 0,
    note: str | None = None,
) -> int:
    """A title row, a note row, the frozen header row (:data:`HEADER_ROW`), then the rows."""
    put(ws, 1, 1, title).font = TITLE_FONT
    if note:
        put(ws, 2, 1, note).font = Font(italic=True, color="666666")
    header_row = HEADER_ROW
    widths = [_display_width(c.header) + 2 for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = put(ws, header_row, j, col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = header_row
    for r, values in enumerate(rows, start=header_row + 1):
        for j, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(ws, r, j, value, col.number_format)
            cell.border = BORDER
            if isinstance(value, str) and len(value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j - 1] = max(widths[j - 1], min(_display_width(value) + 2, 80))
    for j, col in enumerate(columns, start=1):
        width = col.width or max(8, min(widths[j - 1], 60))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_columns + 1)
    return r


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name).strip("'") or "sheet"
    base = base[:28]
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:26]}~{n}"
        n += 1
    taken.add(title.lower())
    return title


# --- the workbook --------------------------------------------------------------------------------


def track_columns(spec: EventSpec, track: TrackResult) -> list[Column]:
    track_spec = spec.track(track.key)
    assert track_spec is not None  # nosec B101 # type narrowing
    fmt = score_format(spec.method.decimals)
    columns = [
        Column(_("Rank"), "0", 7),
        Column(_("Unit")),
        Column(_("Score"), fmt, 10),
        Column(_("Ballots counted"), "0"),
    ]
    for panel in spec.panels:
        columns.append(Column(_("%(panel)s: score") % {"panel": panel.name}, fmt))
        columns.append(Column(_("%(panel)s: ballots") % {"panel": panel.name}, "0"))
    rubric = track_spec.rubric
    if rubric.kind == "criteria":
        for c in rubric.criteria:
            columns.append(
                Column(
                    _("%(criterion)s: mean (of %(max)s)")
                    % {"criterion": c.name, "max": format_number(c.max)},
                    fmt,
                )
            )
    elif rubric.kind == "ranking":
        columns.append(Column(_("Mean rank"), "0.00"))
        columns.append(Column(_("Times ranked first"), "0"))
    else:
        for g in rubric.grades:
            columns.append(Column(_("“%(grade)s” count") % {"grade": g.name}, "0"))
        columns.append(
            Column(_("Top-grade rate (“%(grade)s”)") % {"grade": rubric.grades[0].name}, "0.0%")
        )
    columns += [
        Column(_("Lowest total"), score_format(min(spec.method.decimals, 2))),
        Column(_("Highest total"), score_format(min(spec.method.decimals, 2))),
        Column(_("Abstentions (don't know)"), "0"),
        Column(_("Rank change"), "+0;-0;0"),
    ]
    return columns


def track_rows(
    spec: EventSpec, track: TrackResult, changes: dict[str, int | None]
) -> list[list[Any]]:
    track_spec = spec.track(track.key)
    assert track_spec is not None  # nosec B101 # type narrowing
    d = spec.method.decimals
    rows = []
    for unit in track.ranking:
        row: list[Any] = [unit.rank, unit.name, decimal_of(unit.text), unit.ballots]
        for panel in spec.panels:
            ps = unit.panels.get(panel.key)
            row += [decimal_of(ps.text) if ps else None, ps.ballots if ps else 0]
        if track_spec.rubric.kind == "criteria":
            row += [rounded(mean, d) for mean in unit.criterion_means]
        elif track_spec.rubric.kind == "ranking":
            first = unit.grade_counts[0] if unit.grade_counts else 0
            row += [rounded(unit.mean_rank, 2), first]
        else:
            row += [*unit.grade_counts, grade_rate(unit)]
        row += [
            rounded(unit.lowest, min(d, 2)),
            rounded(unit.highest, min(d, 2)),
            unit.abstentions,
            changes.get(unit.key),
        ]
        rows.append(row)
    return rows


def build_workbook(
    *,
    event: Event,
    results: Results | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The results workbook of a closed event, as .xlsx bytes."""

    require_results(event)
    spec = event.spec
    results = results or selectors.results_of(event=event)
    changes = selectors.rank_changes(event=event)
    wb = Workbook()
    wb.properties.title = _("Results — %(event)s") % {"event": event.name}
    wb.properties.creator = "pingyi"
    taken: set[str] = set()
    first = True
    for track in results.tracks:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None  # nosec B101 # type narrowing
        first = False
        ws.title = sheet_title(track.name, taken)
        note = _(
            "Scores are rounded half-up to %(decimals)d places; the rules are on the "
            "“Method” sheet."
        ) % {"decimals": spec.method.decimals}
        if event.previous is not None:
            note += " " + _("Rank change: places gained (+) or lost (−) since “%(previous)s”.") % {
                "previous": event.previous.name
            }
        write_table(
            ws,
            f"{event.name} — {track.name}",
            track_columns(spec, track),
            track_rows(spec, track, changes.get(track.key, {})),
            freeze_columns=2,
            note=note,
        )
    _attendance_sheet(wb.create_sheet(sheet_title(_("Attendance"), taken)), event, results)
    _method_sheet(wb.create_sheet(sheet_title(_("Method"), taken)), event, now)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def attendance_rows(event: Event, results: Results) -> list[list[Any]]:
    spec = event.spec
    weights = {p.key: p.weight for p in spec.panels}
    rows: list[list[Any]] = []
    for count in selectors.panel_counts(event=event):
        met = count.quorum_met
        rows.append(
            [
                count.name,
                Decimal(format_number(weights[count.key])),
                count.expected,
                count.issued,
                count.cast,
                results.ballots_per_panel.get(count.key, 0),
                "—" if met is None else (_("yes") if met else _("NO")),
            ]
        )
    return rows


def _attendance_sheet(ws: Worksheet, event: Event, results: Results) -> None:
    columns = [
        Column(_("Panel")),
        Column(_("Weight"), "General"),
        Column(_("Expected (应到)"), "0"),
        Column(_("Cards issued"), "0"),
        Column(_("Ballots cast (实到)"), "0"),
        Column(_("Ballots counted"), "0"),
        Column(_("Quorum met"), None, 12),
    ]
    rows = attendance_rows(event, results)
    note = _("A panel meets its quorum when more than half of those expected cast a ballot.")
    last = write_table(
        ws,
        _("Attendance — %(event)s") % {"event": event.name},
        columns,
        rows,
        freeze_columns=1,
        note=note,
    )
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        if row[-1] == _("NO"):
            ws.cell(row=r, column=len(row)).font = Font(bold=True, color="B21C1C")
    total = last + 1
    put(ws, total, 1, _("Total")).font = HEADER_FONT
    summed = (3, 4, 5, 6) if all(r[2] is not None for r in rows) else (4, 5, 6)
    for j in summed:
        put(ws, total, j, sum(int(r[j - 1] or 0) for r in rows), "0").font = HEADER_FONT


def _method_sheet(ws: Worksheet, event: Event, now: dt.datetime | None) -> None:
    spec = event.spec
    now = now or timezone.now()
    facts: list[tuple[str, str]] = [
        (_("Event"), event.name),
        (_("Key"), event.key),
        (_("Held on"), spec.held_on or "—"),
        (_("State"), str(event.get_state_display())),
    ]
    if event.closed_at:
        facts.append((_("Voting closed"), _local(event.closed_at)))
    if event.previous is not None:
        facts.append((_("Compared with"), event.previous.name))
    facts.append((_("Generated"), _local(now)))
    facts += method_statement(spec)
    columns = [Column(_("Item")), Column(_("Rule applied"), None, 100)]
    write_table(ws, _("Method — %(event)s") % {"event": event.name}, columns, facts)
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


__all__ = [
    "OutputsNotReady",
    "build_workbook",
    "change_text",
    "decimal_of",
    "grade_rate",
    "put",
    "require_results",
    "rounded",
]
