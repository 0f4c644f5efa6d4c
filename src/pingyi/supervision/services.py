"""Writes of the supervision app. Every state change is recorded in the audit trail in the
same transaction (``pingyi.core.audit.audit_log``), so an item's whole history can be told.

- ``list_import``: a list and its items, all or nothing; re-importing updates by item number.
- reports: ``report_file``, ``report_accept``, ``report_return``, ``report_comment``;
- extensions: ``extension_request`` (before the effective due, one per item),
  ``extension_decide``;
- closure: ``closure_apply``, ``closure_verify`` (passed: the item is done; returned: 退办);
- ``workday_override_set``: the office's word on one day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pingyi.core import uploads
from pingyi.core.audit import audit_log
from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import UnitNameIndex, UnknownName
from pingyi.supervision import selectors
from pingyi.supervision.errors import ImportRefused, InvalidInput, StateError
from pingyi.supervision.method.deadline import parse_deadline
from pingyi.supervision.method.sheet import ListSheet
from pingyi.supervision.models import (
    Attachment,
    Cadence,
    Closure,
    ClosureState,
    DecisionState,
    Every,
    Extension,
    Item,
    ListKind,
    Milestone,
    Rating,
    Report,
    ReportState,
    SupervisionList,
    VerifyMethod,
    WorkdayOverride,
)

_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: keys a list may not take: the first part of the app's own addresses (an item's page is
#: ``/supervision/<key>/<number>/``; tests/supervision/test_reserved_keys.py keeps this in
#: step with urls.py) and the projects' mirror list (supervision/projects.py)
RESERVED_KEYS = frozenset({"office", "units", "mine", "notices", "onsite", "weekly", "pipeline"})
#: the flags an item may carry
FLAGS = ("难点", "痛点", "堵点")


def _lock(obj: Any) -> None:
    """Take the row's lock for this transaction and read it afresh, so that checks of its
    state hold until the commit: two offices deciding one report at once, or two extension
    requests for one item, cannot both pass (every caller — pages, the API, the command
    line, the Excel import — goes through the services). PostgreSQL locks the row; SQLite
    writes one transaction at a time anyway (BEGIN IMMEDIATE)."""
    type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk").first()
    obj.refresh_from_db()


def _target(item: Item) -> str:
    return f"item:{item.supervision_list.key}/{item.number}"


# --- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """A list's own fields, as the import's options give them."""

    key: str
    kind: str
    name: str
    year: int
    assigned_on: date
    cadence: str = Cadence.WEEK
    doc_number: str = ""
    source_file: str = ""


#: the sheet reader's problems (method/sheet.py, PROBLEM_CODES), translated
SHEET_PROBLEMS = {
    "too_large": gettext_lazy("the file is over 30 MB"),
    "macro_enabled": gettext_lazy("a macro-enabled workbook (.xlsm)"),
    "encrypted": gettext_lazy("a password-protected workbook"),
    "legacy_xls": gettext_lazy("an old .xls workbook: save it as .xlsx"),
    "zip_bomb": gettext_lazy("the workbook unpacks to far more than it weighs"),
    "not_excel": gettext_lazy("not an Excel workbook"),
    "damaged": gettext_lazy("an .xlsx that cannot be read"),
    "no_sheet": gettext_lazy("no sheet of that name"),
    "no_header": gettext_lazy("no header row with the usual words"),
    "missing_column": gettext_lazy("the header lacks the title or the lead unit column"),
    "too_many_cells": gettext_lazy("the workbook holds more cells than a list sheet can"),
    "too_many_rows": gettext_lazy("the sheet has more rows than a list can"),
    "missing_number": gettext_lazy("an item without a number (序号)"),
    "missing_title": gettext_lazy("an item without a title"),
    "missing_lead": gettext_lazy("an item without a lead unit"),
    "duplicate_number": gettext_lazy("two items with one number"),
    "date_cell_text": gettext_lazy("a cell formatted as a date holds text"),
    "deadline_number": gettext_lazy("a deadline written as a plain number (9.30 reads 9.3)"),
}

#: the header word a message names for each field of a row
CELL_WORDS = {
    "number": "序号",
    "title": "任务",
    "requirement": "办结标准",
    "lead": "牵头单位",
    "co": "配合单位",
    "leader": "责任领导",
    "deadline": "完成时限",
    "flag": "标记",
}


@dataclass(frozen=True)
class ItemRow:
    """One item as read from a sheet: unit names still as written (a cell's text; the lead
    cell names the lead unit first, any other unit it names joins the co-units)."""

    number: str
    title: str
    lead_unit: str
    row: int | None = None
    sheet: str = ""
    category: str = ""
    requirement: str = ""
    co_units: tuple[str, ...] = ()
    leader: str = ""
    deadline: Any = ""
    flags: tuple[str, ...] = ()
    raw_cells: dict[str, Any] = field(default_factory=dict)
    start: date | None = None
    #: field (CELL_WORDS' keys) → column letter, to name the cell in a message
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UnderstoodItem:
    """What the import made of a row (``--dry-run`` prints these)."""

    row: ItemRow
    lead_unit: Unit
    co_units: tuple[Unit, ...]
    deadline: dict[str, Any]
    deadline_text: str
    exists: bool


@dataclass(frozen=True)
class ImportSummary:
    supervision_list: SupervisionList | None
    key: str
    created: int
    updated: int
    items: tuple[UnderstoodItem, ...]
    dry_run: bool


def _where(row: ItemRow, what: str) -> str:
    place = _("row %(row)s") % {"row": row.row} if row.row is not None else _("an item")
    if row.sheet:
        place = _("sheet %(sheet)s, %(place)s") % {"sheet": row.sheet, "place": place}
    word = CELL_WORDS.get(what, what)
    letter = row.columns.get(what)
    cell = f"{letter}{row.row} ({word})" if letter and row.row is not None else word
    return _("%(place)s, cell %(cell)s") % {"place": place, "cell": cell}


def _unknown_unit(row: ItemRow, what: str, unknown: UnknownName) -> str:
    message = _("%(where)s: unknown unit “%(name)s”") % {
        "where": _where(row, what),
        "name": unknown.name,
    }
    close = [s.name for s in unknown.suggestions]
    if close:
        message += _(" (closest known units: %(units)s)") % {"units": "、".join(close)}
    return message


def _check_spec(spec: ListSpec) -> list[str]:
    errors = []
    if not _KEY.fullmatch(spec.key):
        errors.append(
            _("list key “%(key)s”: use 1–64 lower-case letters, digits, - or _") % {"key": spec.key}
        )
    elif spec.key in RESERVED_KEYS:
        errors.append(
            _("list key “%(key)s” is taken by pingyi's own pages: choose another, e.g. %(example)s")
            % {"key": spec.key, "example": f"{spec.year}-{spec.key}"}
        )
    if spec.kind not in ListKind.values:
        errors.append(
            _("list kind “%(kind)s”: one of %(kinds)s")
            % {"kind": spec.kind, "kinds": ", ".join(ListKind.values)}
        )
    if spec.cadence not in Cadence.values:
        errors.append(
            _("cadence “%(cadence)s”: one of %(cadences)s")
            % {"cadence": spec.cadence, "cadences": ", ".join(Cadence.values)}
        )
    if not 2000 <= spec.year <= 2100:
        errors.append(_("year %(year)s: expected 2000–2100") % {"year": spec.year})
    if not spec.name.strip():
        errors.append(_("the list has no name"))
    return errors


def list_spec_for(
    sheet: ListSheet,
    *,
    kind: str,
    cadence: str = Cadence.WEEK,
    year: int | None = None,
    assigned_on: date | None = None,
    key: str | None = None,
    name: str | None = None,
    file_name: str = "",
) -> ListSpec:
    """The list's fields for an import of ``sheet`` (``pingyi lists import`` and the office's
    import page alike): the year given, else the sheet title's, else the assignment date's,
    else this year; assigned on 1 January of the year unless given; the key YEAR-KIND and the
    sheet's title as name unless given."""
    year = year or sheet.year or (assigned_on.year if assigned_on else None) or date.today().year
    if assigned_on is None:
        assigned_on = date(year, 1, 1) if 1 <= year <= 9999 else date.today()
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return ListSpec(
        key=key or f"{year}-{kind}",
        kind=kind,
        name=name or sheet.title or stem,
        year=year,
        assigned_on=assigned_on,
        cadence=cadence,
        source_file=file_name,
    )


def _deadline_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    return "" if value is None else str(value).strip()


def list_understand(spec: ListSpec, rows: list[ItemRow]) -> tuple[list[UnderstoodItem], list[str]]:
    """What each row means (units resolved, deadline parsed), and every problem found."""
    errors = _check_spec(spec)
    index = UnitNameIndex()
    existing = set()
    if not errors:
        existing = set(
            Item.objects.filter(supervision_list__key=spec.key).values_list("number", flat=True)
        )
    calendar = selectors.working_days()
    seen: dict[str, ItemRow] = {}
    understood: list[UnderstoodItem] = []
    for row in rows:
        number = row.number.strip()
        if not number:
            errors.append(_("%(where)s: the item has no number") % {"where": _where(row, "number")})
        elif number in seen:
            errors.append(
                _("%(where)s: number “%(number)s” is already used by row %(other)s")
                % {"where": _where(row, "number"), "number": number, "other": seen[number].row}
            )
        else:
            seen[number] = row
        if not row.title.strip():
            errors.append(_("%(where)s: the item has no title") % {"where": _where(row, "title")})
        lead = None
        co: list[Unit] = []
        if not row.lead_unit.strip():
            errors.append(
                _("%(where)s: the item has no lead unit") % {"where": _where(row, "lead")}
            )
        else:
            named = index.resolve(row.lead_unit)
            errors.extend(_unknown_unit(row, "lead", u) for u in named.unknown)
            if named.units and not named.unknown:
                lead, co = named.units[0], list(named.units[1:])
        for text in row.co_units:
            named = index.resolve(text)
            errors.extend(_unknown_unit(row, "co", u) for u in named.unknown)
            co.extend(u for u in named.units if u not in co)
        co = [u for u in co if u != lead]
        bad_flags = [f for f in row.flags if f not in FLAGS]
        if bad_flags:
            errors.append(
                _("%(where)s: unknown flag %(flags)s (known: %(known)s)")
                % {
                    "where": _where(row, "flag"),
                    "flags": "、".join(bad_flags),
                    "known": "、".join(FLAGS),
                }
            )
        meaning = parse_deadline(
            row.deadline, year=spec.year, assigned=spec.assigned_on, calendar=calendar
        ).to_json()
        if lead is not None:
            understood.append(
                UnderstoodItem(
                    row=row,
                    lead_unit=lead,
                    co_units=tuple(co),
                    deadline=meaning,
                    deadline_text=_deadline_text(row.deadline),
                    exists=number in existing,
                )
            )
    if not rows:
        errors.append(_("the sheet holds no item"))
    return understood, errors


def sheet_rows(sheet: ListSheet) -> tuple[list[ItemRow], list[str]]:
    """The rows of a sheet read by :func:`pingyi.supervision.method.sheet.read_list_sheet` as
    :class:`ItemRow`, and the sheet's own problems as messages naming row and cell."""
    errors = []
    for problem in sheet.problems:
        # the reader's own message says more (in English); Chinese gets the short phrase
        chinese = (get_language() or "").startswith("zh")
        what = (
            str(SHEET_PROBLEMS.get(problem.code, problem.message)) if chinese else problem.message
        )
        if problem.row is not None:
            place = _("row %(row)s") % {"row": problem.row}
            if problem.cell:
                place = _("%(place)s, cell %(cell)s") % {"place": place, "cell": problem.cell}
            errors.append(f"{place}: {what}")
        else:
            errors.append(what)
    rows = [
        ItemRow(
            number=r.number,
            title=r.title,
            lead_unit=r.lead_text,
            row=r.row,
            sheet=sheet.sheet_name,
            category=r.category,
            requirement=r.requirement,
            co_units=(r.co_text,) if r.co_text.strip() else (),
            leader=r.leader,
            deadline=r.deadline_text,
            flags=tuple(r.flags),
            raw_cells=dict(r.raw),
            columns=dict(sheet.columns),
        )
        for r in sheet.rows
    ]
    return rows, errors


@transaction.atomic
def list_import(
    spec: ListSpec,
    rows: list[ItemRow],
    *,
    actor: str | None = None,
    dry_run: bool = False,
    problems: list[str] | None = None,
) -> ImportSummary:
    """Create or update the list ``spec.key`` and its items, all or nothing: any problem
    raises :class:`ImportRefused` naming every row and cell, and nothing is written. Items
    are matched by number; items of the list that the sheet no longer holds are kept."""
    understood, errors = list_understand(spec, rows)
    errors = [*(problems or []), *errors]
    if errors:
        raise ImportRefused(errors)
    created = sum(not u.exists for u in understood)
    if dry_run:
        return ImportSummary(
            None, spec.key, created, len(understood) - created, tuple(understood), True
        )
    the_list, _new = SupervisionList.objects.update_or_create(
        key=spec.key,
        defaults={
            "kind": spec.kind,
            "name": spec.name.strip(),
            "year": spec.year,
            "assigned_on": spec.assigned_on,
            "cadence": spec.cadence,
            "doc_number": spec.doc_number,
            "source_file": spec.source_file[:255],
        },
    )
    # the office's confirmed deadlines (deadline_confirm) hold while the text is unchanged
    texts = {u.row.number.strip(): u.deadline_text for u in understood}
    confirmed = {
        number: deadline["confirmed"]
        for number, text, deadline in Item.objects.filter(supervision_list=the_list).values_list(
            "number", "deadline_text", "deadline"
        )
        if isinstance(deadline, dict) and deadline.get("confirmed") and texts.get(number) == text
    }
    for position, u in enumerate(understood, start=1):
        meaning = u.deadline
        due = date.fromisoformat(meaning["due"]) if meaning["due"] else None
        kind, every = meaning["kind"], meaning["every"] or ""
        kept = confirmed.get(u.row.number.strip())
        if kept:
            meaning = {**meaning, "confirmed": kept}
            due, kind, every = date.fromisoformat(kept["due"]), kept["kind"], kept["every"] or ""
        item, _is_new = Item.objects.update_or_create(
            supervision_list=the_list,
            number=u.row.number.strip(),
            defaults={
                "position": position,
                "category": u.row.category.strip()[:200],
                "title": u.row.title.strip(),
                "requirement": u.row.requirement.strip(),
                "lead_unit": u.lead_unit,
                "leader": u.row.leader.strip()[:200],
                "deadline_text": u.deadline_text,
                "deadline": meaning,
                "due": due,
                "kind": kind,
                "every": every,
                "start": u.row.start,
                "flags": list(u.row.flags),
                "sheet": u.row.sheet[:100],
                "row": u.row.row,
                "raw_cells": u.row.raw_cells,
            },
        )
        item.co_units.set(u.co_units)
        done = {m.text: m.done_on for m in item.milestones.all()}
        item.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                item=item,
                text=m["text"],
                due=date.fromisoformat(m["due"]) if m["due"] else None,
                done_on=done.get(m["text"]),
            )
            for m in meaning["milestones"]
        )
    audit_log(
        actor=actor,
        action="supervision.list.imported",
        target=f"list:{the_list.key}",
        data={"file": spec.source_file, "created": created, "updated": len(understood) - created},
    )
    return ImportSummary(
        the_list, the_list.key, created, len(understood) - created, tuple(understood), False
    )


# --- reports -------------------------------------------------------------------------------


def _check_percent(percent: Any) -> int:
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise InvalidInput(
            _("progress %(value)s: a whole percent from 0 to 100") % {"value": percent},
            code="bad_percent",
        )
    return percent


@transaction.atomic
def report_file(
    item: Item,
    *,
    unit: Unit,
    reported_on: date,
    percent: int,
    done_text: str = "",
    problems: str = "",
    next_steps: str = "",
    period: str = "",
    created_by: Any = None,
    accepted: bool = False,
    attachments: Sequence[File] = (),
    actor: str | None = None,
) -> Report:
    """A progress report of ``unit`` on ``item``; awaiting the office unless ``accepted``
    (the office's own entry, or the Excel round trip). ``attachments`` are checked before
    anything is written (:func:`attachments_check`)."""
    _lock(item)
    _check_percent(percent)
    checked = attachments_check(attachments)
    if unit.pk != item.lead_unit_id and not item.co_units.filter(pk=unit.pk).exists():
        raise InvalidInput(
            _("%(unit)s is neither the lead unit nor a co-unit of item %(number)s")
            % {"unit": unit.name, "number": item.number},
            code="not_items_unit",
        )
    if item.closed_on is not None:
        raise StateError(_("item %(number)s is closed") % {"number": item.number})
    report = Report.objects.create(
        item=item,
        unit=unit,
        period=period[:40],
        reported_on=reported_on,
        percent=percent,
        done_text=done_text,
        problems=problems,
        next_steps=next_steps,
        state=ReportState.ACCEPTED if accepted else ReportState.PENDING,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    names = _attachments_save(checked, item=item, report=report)
    audit_log(
        actor=actor,
        action="supervision.report.filed",
        target=_target(item),
        data={
            "report": report.pk,
            "unit": unit.code,
            "date": reported_on.isoformat(),
            "percent": percent,
            "state": report.state,
            "attachments": names,
        },
    )
    return report


def _pending_report(report: Report) -> None:
    if report.state != ReportState.PENDING:
        raise StateError(
            _("this report was already decided (%(state)s)") % {"state": report.get_state_display()}
        )


@transaction.atomic
def report_accept(report: Report, *, actor: str | None = None) -> Report:
    _lock(report)
    _pending_report(report)
    report.state = ReportState.ACCEPTED
    report.save(update_fields=["state"])
    audit_log(
        actor=actor,
        action="supervision.report.accepted",
        target=_target(report.item),
        data={"report": report.pk},
    )
    return report


@transaction.atomic
def report_return(report: Report, *, reason: str, actor: str | None = None) -> Report:
    """退回: the report counts for nothing; the reason is required."""
    _lock(report)
    _pending_report(report)
    if not reason.strip():
        raise InvalidInput(_("say why the report is returned"), code="reason_required")
    report.state = ReportState.RETURNED
    report.return_reason = reason.strip()
    report.save(update_fields=["state", "return_reason"])
    audit_log(
        actor=actor,
        action="supervision.report.returned",
        target=_target(report.item),
        data={"report": report.pk, "reason": report.return_reason},
    )
    return report


@transaction.atomic
def report_comment(
    report: Report, *, rating: str, comment: str = "", leader: str, actor: str | None = None
) -> Report:
    """A leader's comment (点评): 好 / 较好 / 一般 / 差 and text."""
    _lock(report)
    if rating not in Rating.values:
        raise InvalidInput(
            _("rating “%(rating)s”: one of %(ratings)s")
            % {"rating": rating, "ratings": " / ".join(Rating.values)},
            code="bad_rating",
        )
    if report.state == ReportState.RETURNED:
        raise StateError(_("a returned report cannot be commented on"))
    report.rating, report.comment, report.rated_by = rating, comment.strip(), leader[:100]
    report.save(update_fields=["rating", "comment", "rated_by"])
    audit_log(
        actor=actor,
        action="supervision.report.commented",
        target=_target(report.item),
        data={"report": report.pk, "rating": rating, "leader": report.rated_by},
    )
    return report


# --- attachments ---------------------------------------------------------------------------

#: what a report or a closure may carry: PDF, images, Word, Excel, PowerPoint
ATTACHMENT_TYPES = (
    uploads.PDF,
    uploads.PNG,
    uploads.JPEG,
    uploads.DOCX,
    uploads.XLSX,
    uploads.PPTX,
)
#: at most this many files at a time
MAX_ATTACHMENTS = 5


def attachments_check(files: Sequence[File]) -> list[tuple[File, uploads.Sniffed]]:
    """Every file's size and real type (by content, not by name), before anything is written:
    a refusal names the file."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("at most %(count)d attachments at a time") % {"count": MAX_ATTACHMENTS},
            code="too_many_files",
        )
    limit = settings.PINGYI_ATTACHMENT_MAX_BYTES
    checked = []
    for upload in files:
        name = upload.name or "?"
        if upload.size is not None and upload.size > limit:
            raise InvalidInput(
                _("attachment “%(name)s” is %(size).1f MB; at most %(limit)d MB")
                % {"name": name, "size": upload.size / 2**20, "limit": limit // 2**20},
                code="file_too_large",
            )
        sniffed = None if upload.file is None or not upload.size else uploads.sniff(
            upload.file, ATTACHMENT_TYPES
        )
        if sniffed is None:
            raise InvalidInput(
                _(
                    "attachment “%(name)s”: not a PDF, JPEG or PNG picture, Word, Excel or "
                    "PowerPoint file (the type is read from its content, not its name)"
                )
                % {"name": name},
                code="file_type",
            )
        checked.append((upload, sniffed))
    return checked


def _attachments_save(
    checked: list[tuple[File, uploads.Sniffed]],
    *,
    item: Item,
    report: Report | None = None,
    closure: Closure | None = None,
    reply: Any = None,
) -> list[str]:
    names = []
    for upload, sniffed in checked:
        name = uploads.safe_filename(upload.name or "", sniffed.extension)
        attachment = Attachment(
            item=item,
            report=report,
            closure=closure,
            reply=reply,
            name=name,
            content_type=sniffed.content_type,
            size=upload.size or 0,
        )
        upload.file.seek(0)  # type: ignore[union-attr]
        attachment.file.save(name, upload, save=False)
        attachment.save()
        names.append(name)
    return names


# --- extensions ----------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    item: Item,
    *,
    reason: str,
    proposed_due: date,
    requested_on: date,
    progress: str = "",
    actor: str | None = None,
) -> Extension:
    """延期申请: filed before the effective due, at most one per item (a refused one does
    not count), proposing a date after the current due."""
    _lock(item)
    if item.closed_on is not None:
        raise StateError(_("item %(number)s is closed") % {"number": item.number})
    if not reason.strip():
        raise InvalidInput(_("say why the extension is needed"), code="reason_required")
    status = selectors.item_status(item, requested_on)
    due = status.due
    if item.kind not in ("date", "immediate") or due is None:
        raise StateError(
            _("item %(number)s has no due date to extend") % {"number": item.number},
            code="no_due",
        )
    if requested_on > due:
        raise StateError(
            _("an extension must be requested by the due date (%(due)s)")
            % {"due": due.isoformat()},
            code="too_late",
        )
    if proposed_due <= due:
        raise InvalidInput(
            _("the proposed date %(proposed)s is not after the due date %(due)s")
            % {"proposed": proposed_due.isoformat(), "due": due.isoformat()},
            code="bad_date",
        )
    if item.extensions.exclude(state=DecisionState.REFUSED).exists():
        raise StateError(
            _("item %(number)s already has an extension request") % {"number": item.number},
            code="one_extension",
        )
    extension = Extension.objects.create(
        item=item,
        reason=reason.strip(),
        progress=progress.strip(),
        proposed_due=proposed_due,
        requested_on=requested_on,
    )
    audit_log(
        actor=actor,
        action="supervision.extension.requested",
        target=_target(item),
        data={"extension": extension.pk, "proposed": proposed_due.isoformat()},
    )
    return extension


@transaction.atomic
def extension_decide(
    extension: Extension,
    *,
    approve: bool,
    decided_on: date,
    approved_due: date | None = None,
    actor: str | None = None,
) -> Extension:
    """The office approves (possibly with another date) or refuses. The original due stays on
    the item; the status reads the approved date from the decision day on."""
    _lock(extension)
    if extension.state != DecisionState.PENDING:
        raise StateError(_("this extension request was already decided"))
    if approve:
        new_due = approved_due or extension.proposed_due
        if extension.item.due is not None and new_due <= extension.item.due:
            raise InvalidInput(
                _("the approved date %(date)s is not after the due date %(due)s")
                % {"date": new_due.isoformat(), "due": extension.item.due.isoformat()},
                code="bad_date",
            )
        extension.state, extension.approved_due = DecisionState.APPROVED, new_due
    else:
        extension.state = DecisionState.REFUSED
    extension.decided_on = decided_on
    extension.save(update_fields=["state", "approved_due", "decided_on"])
    audit_log(
        actor=actor,
        action="supervision.extension." + ("approved" if approve else "refused"),
        target=_target(extension.item),
        data={
            "extension": extension.pk,
            "due": extension.approved_due.isoformat() if extension.approved_due else None,
        },
    )
    return extension


# --- closure -------------------------------------------------------------------------------


@transaction.atomic
def closure_apply(
    item: Item,
    *,
    evidence: str,
    applied_on: date,
    attachments: Sequence[File] = (),
    actor: str | None = None,
) -> Closure:
    """申请办结 with evidence (text, and files checked like a report's attachments); one
    application awaits the office at a time."""
    _lock(item)
    checked = attachments_check(attachments)
    if item.closed_on is not None:
        raise StateError(_("item %(number)s is closed") % {"number": item.number})
    if not evidence.strip():
        raise InvalidInput(_("closure needs evidence"), code="evidence_required")
    if item.closures.filter(state=ClosureState.PENDING).exists():
        raise StateError(
            _("item %(number)s already awaits verification") % {"number": item.number},
            code="closure_pending",
        )
    closure = Closure.objects.create(item=item, evidence=evidence.strip(), applied_on=applied_on)
    names = _attachments_save(checked, item=item, closure=closure)
    audit_log(
        actor=actor,
        action="supervision.closure.applied",
        target=_target(item),
        data={"closure": closure.pk, "attachments": names},
    )
    return closure


@transaction.atomic
def closure_verify(
    closure: Closure,
    *,
    passed: bool,
    method: str,
    decided_on: date,
    reason: str = "",
    actor: str | None = None,
) -> Closure:
    """核实: passed → the item is done from ``decided_on`` (办结销号); else returned (退办),
    with a reason."""
    _lock(closure)
    if closure.state != ClosureState.PENDING:
        raise StateError(_("this closure was already decided"))
    if method not in VerifyMethod.values:
        raise InvalidInput(
            _("verification “%(method)s”: one of %(methods)s")
            % {"method": method, "methods": " / ".join(VerifyMethod.values)},
            code="bad_method",
        )
    if not passed and not reason.strip():
        raise InvalidInput(_("say why the closure is returned"), code="reason_required")
    closure.state = ClosureState.VERIFIED if passed else ClosureState.RETURNED
    closure.method, closure.reason, closure.decided_on = method, reason.strip(), decided_on
    closure.save(update_fields=["state", "method", "reason", "decided_on"])
    if passed:
        closure.item.closed_on = decided_on
        closure.item.save(update_fields=["closed_on", "updated_at"])
    audit_log(
        actor=actor,
        action="supervision.closure." + ("verified" if passed else "returned"),
        target=_target(closure.item),
        data={"closure": closure.pk, "method": method, "reason": closure.reason},
    )
    return closure


# --- working days --------------------------------------------------------------------------


@transaction.atomic
def workday_override_set(
    day: date, *, working: bool, note: str = "", actor: str | None = None
) -> WorkdayOverride:
    override, _new = WorkdayOverride.objects.update_or_create(
        day=day, defaults={"working": working, "note": note[:200]}
    )
    audit_log(
        actor=actor,
        action="supervision.workday.set",
        target=f"day:{day.isoformat()}",
        data={"working": working, "note": override.note},
    )
    return override


@transaction.atomic
def workday_override_delete(day: date, *, actor: str | None = None) -> None:
    """The office withdraws its word on ``day``: the official calendar holds again."""
    deleted, _rows = WorkdayOverride.objects.filter(day=day).delete()
    if deleted:
        audit_log(
            actor=actor, action="supervision.workday.deleted", target=f"day:{day.isoformat()}"
        )


# --- deadlines to confirm ------------------------------------------------------------------


@transaction.atomic
def deadline_confirm(
    item: Item, *, due: date, kind: str = "date", every: str = "", actor: str | None = None
) -> Item:
    """The office sets the deadline the parser could not read (or warned about): the item's
    due (and kind, every) from now on; the parsed meaning stays in ``deadline`` with
    ``confirmed`` added, so the item leaves the queue. A re-import keeps it while the item's
    deadline text is unchanged."""
    if kind not in ("date", "recurring"):
        raise InvalidInput(_("deadline kind “%(kind)s”: date or recurring") % {"kind": kind})
    if kind == "recurring" and every not in Every.values:
        raise InvalidInput(_("a recurring deadline needs its period (every …)"))
    item.due, item.kind, item.every = due, kind, every if kind == "recurring" else ""
    item.deadline = {
        **(item.deadline or {}),
        "confirmed": {"due": due.isoformat(), "kind": kind, "every": item.every or None},
    }
    item.save(update_fields=["due", "kind", "every", "deadline", "updated_at"])
    audit_log(
        actor=actor,
        action="supervision.deadline.confirmed",
        target=_target(item),
        data={"due": due.isoformat(), "kind": kind, "every": item.every},
    )
    return item
