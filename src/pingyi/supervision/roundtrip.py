"""The Excel round trip (SUPERVISION.md, "Reports, extensions, closure"): a list exported in
the office's layout with the progress columns to fill, and the filled sheets read back into
reports.

- :func:`list_workbook`: 序号, 任务, 牵头单位, 配合单位, 责任领导, 完成时限, 状态, then the
  columns a unit fills: 完成进度（%）, 进展情况, 报送日期.
- :func:`read_report_rows`: a filled sheet → one :class:`ReportRow` per row with a number and a
  progress, every problem naming its row and cell; :func:`reports_import` then files them, all
  or nothing, as accepted reports of the item's lead unit.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pingyi.orgs.models import Unit
from pingyi.supervision import selectors, services
from pingyi.supervision.errors import ImportRefused, NotFound
from pingyi.supervision.models import Report, ReportState, SupervisionList

#: a filled sheet larger than this is refused unread (as a list sheet)
MAX_BYTES = 30 * 2**20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what the workbook may unpack to (a zip bomb unpacks to far more)
MAX_UNCOMPRESSED = 200 * 2**20

EXPORT_HEADER = [
    "序号",
    "任务",
    "牵头单位",
    "配合单位",
    "责任领导",
    "完成时限",
    "状态",
    "完成进度（%）",
    "进展情况",
    "报送日期",
]

STATUS_WORDS = {
    "done": "已办结",
    "overdue": "逾期",
    "lagging": "滞后",
    "due_soon": "临期",
    "on_track": "正常推进",
}

_NUMBER_WORDS = ("序号", "编号")
_PERCENT_WORDS = ("完成进度（%）", "完成进度(%)", "完成进度", "进度（%）", "进度(%)", "进度")
_TEXT_WORDS = ("进展情况", "工作进展", "进展")
_DATE_WORDS = ("报送日期", "报送时间", "填报日期")
_ISO = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")


#: a list with more items than this is exported by the task queue, not while the page waits
#: (a 2,000-item list takes about 5 s: docs/performance.md)
EXPORT_INLINE_ITEMS = 300


def list_workbook_export(params: dict[str, Any]) -> tuple[bytes, str, str]:
    """The queue's builder of ``list_workbook`` (``core/exports.py``): params ``list``,
    ``day`` (ISO) and ``unit`` (a code or "")."""
    the_list = SupervisionList.objects.filter(key=params.get("list", "")).first()
    if the_list is None:
        raise NotFound(_("no list %(key)s") % {"key": params.get("list", "")})
    code = params.get("unit") or ""
    unit = Unit.objects.filter(code=code).first() if code else None
    data = list_workbook(the_list, date.fromisoformat(params["day"]), unit)
    name = f"{the_list.name}-{unit.name}.xlsx" if unit else f"{the_list.name}.xlsx"
    return data, name, XLSX_TYPE


def list_workbook(supervision_list: SupervisionList, day: date, unit: Unit | None = None) -> bytes:
    """The list in the office's layout, statuses as of ``day``; the progress columns empty.
    With ``unit``: only the items it answers for (lead or co-unit), for that unit to fill."""
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append([supervision_list.name])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(EXPORT_HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    items = selectors.list_items(supervision_list)
    if unit is not None:
        items = items.filter(Q(lead_unit=unit) | Q(co_units=unit)).distinct()
    for item, status in selectors.statuses(items, day):
        ws.append(
            [
                item.number,
                item.title,
                item.lead_unit.name,
                "、".join(u.name for u in item.co_units.all()),
                item.leader,
                item.deadline_text,
                STATUS_WORDS[status.status],
                None,
                None,
                None,
            ]
        )
    widths = [8, 40, 18, 24, 10, 18, 10, 12, 40, 12]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class ReportRow:
    row: int
    number: str
    percent: int
    done_text: str
    reported_on: date


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _screen(data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        return _("the file is over 30 MB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _("not an Excel workbook")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        if "xl/vbaProject.bin" in names:
            return _("a macro-enabled workbook (.xlsm)")
        if sum(info.file_size for info in zf.infolist()) > MAX_UNCOMPRESSED:
            return _("the workbook unpacks to far more than it weighs")
    return None


def _percent(value: Any) -> int | None:
    text = _text(value).rstrip("%％").strip()
    if isinstance(value, float) and not value.is_integer() and 0 < value <= 1:
        text = str(Decimal(repr(value)) * 100)  # a cell formatted as a percent: 0.6 → 60
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= 100:
        return None
    return int(number)


def _day(value: Any, today: date) -> date | None:
    if value is None or _text(value) == "":
        return today
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _ISO.fullmatch(_text(value))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _find(header: dict[str, int], words: tuple[str, ...]) -> int | None:
    for word in words:
        if word in header:
            return header[word]
    return None


def read_report_rows(data: bytes, *, today: date) -> tuple[list[ReportRow], list[str]]:
    """The filled rows of a units' sheet, and every problem (naming row and cell)."""
    refused = _screen(data)
    if refused:
        return [], [refused]
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return [], [_("an .xlsx that cannot be read")]
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(max_row=20_000, max_col=100, values_only=True))
    wb.close()
    header_row, header = None, {}
    for i, values in enumerate(rows[:30], start=1):
        words = {re.sub(r"\s+", "", _text(v)): c for c, v in enumerate(values) if _text(v)}
        if _find(words, _NUMBER_WORDS) is not None and _find(words, _PERCENT_WORDS) is not None:
            header_row, header = i, words
            break
    number_col = _find(header, _NUMBER_WORDS)
    percent_col = _find(header, _PERCENT_WORDS)
    if header_row is None or number_col is None or percent_col is None:
        return [], [_("no header row with 序号 and a progress column (完成进度 or 进度)")]
    text_col = _find(header, _TEXT_WORDS)
    date_col = _find(header, _DATE_WORDS)
    out: list[ReportRow] = []
    errors: list[str] = []

    def cell(col: int | None, values: tuple[Any, ...]) -> Any:
        return values[col] if col is not None and col < len(values) else None

    def ref(col: int, row: int) -> str:
        return f"{get_column_letter(col + 1)}{row}"

    for i, values in enumerate(rows[header_row:], start=header_row + 1):
        number = _text(cell(number_col, values))
        raw_percent = cell(percent_col, values)
        if not number or _text(raw_percent) == "":
            continue  # not filled in: no report
        percent = _percent(raw_percent)
        if percent is None:
            errors.append(
                _("row %(row)s, cell %(cell)s: progress “%(value)s” is not a whole percent 0–100")
                % {"row": i, "cell": ref(percent_col, i), "value": _text(raw_percent)}
            )
            continue
        day = _day(cell(date_col, values), today)
        if day is None:
            errors.append(
                _("row %(row)s, cell %(cell)s: “%(value)s” is not a date (write 2026-06-30)")
                % {"row": i, "cell": ref(date_col or 0, i), "value": _text(cell(date_col, values))}
            )
            continue
        out.append(ReportRow(i, number, percent, _text(cell(text_col, values)), day))
    return out, errors


@dataclass(frozen=True)
class ReportsSummary:
    created: int
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Difference:
    """A filled row against the item as it stands: progress old → new, the text."""

    row: ReportRow
    item: Any
    old_percent: int
    old_text: str


def report_differences(
    supervision_list: SupervisionList, rows: list[ReportRow], *, today: date
) -> list[Difference]:
    """What a filled sheet would change, row by row, shown before anything is filed (the
    office's page and ``pingyi reports import``)."""
    items = {i.number: i for i in selectors.list_items(supervision_list)}
    out = []
    for row in rows:
        item = items.get(row.number)
        if item is None:
            continue
        accepted = [r for r in item.reports.all() if r.state == ReportState.ACCEPTED]
        latest = max(accepted, key=lambda r: (r.reported_on, r.pk), default=None)
        out.append(
            Difference(
                row=row,
                item=item,
                old_percent=int(selectors.item_status(item, today).reported),
                old_text=latest.done_text if latest else "",
            )
        )
    return out


@transaction.atomic
def reports_import(
    supervision_list: SupervisionList,
    rows: list[ReportRow],
    *,
    problems: list[str] | None = None,
    actor: str | None = None,
    dry_run: bool = False,
) -> ReportsSummary:
    """One accepted report of the item's lead unit per row; all or nothing. ``dry_run``:
    every check, nothing filed (the page's preview of the differences)."""
    errors = list(problems or [])
    items = {i.number: i for i in supervision_list.items.select_related("lead_unit")}
    seen: dict[str, int] = {}
    for row in rows:
        if row.number not in items:
            errors.append(
                _("row %(row)s: list %(list)s has no item number “%(number)s”")
                % {"row": row.row, "list": supervision_list.key, "number": row.number}
            )
        elif row.number in seen:
            errors.append(
                _("row %(row)s: item “%(number)s” is already reported in row %(other)s")
                % {"row": row.row, "number": row.number, "other": seen[row.number]}
            )
        else:
            seen[row.number] = row.row
            if items[row.number].closed_on is not None:
                errors.append(
                    _("row %(row)s: item %(number)s is closed")
                    % {"row": row.row, "number": row.number}
                )
    if not rows and not errors:
        errors.append(_("no filled-in row: nothing to import"))
    if errors:
        raise ImportRefused(errors)
    if dry_run:
        return ReportsSummary(0, ())
    reports = []
    for row in rows:
        item = items[row.number]
        reports.append(
            services.report_file(
                item,
                unit=item.lead_unit,
                reported_on=row.reported_on,
                percent=row.percent,
                done_text=row.done_text,
                accepted=True,
                actor=actor,
            )
        )
    return ReportsSummary(len(reports), tuple(reports))
