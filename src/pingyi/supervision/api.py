"""The supervision REST API (``/api/v1/``): lists, items, reports, extensions, closures.

Who may (``rules.py``), by session or HTTP Basic (:func:`pingyi.core.api_auth.AccountAuth`):
the office everything; leaders read and comment (点评); viewers read; a unit liaison sees and
reports on only its unit's items (lead or co-unit), and only the lead unit's liaison asks for
an extension or closure. An item a liaison may not see answers 404 exactly like a missing one
(and so do its reports, extensions and closures): the answer never says it exists. An account
that sees the item but may not do the action gets 403.

Every refusal answers ``{"detail": ..., "code": ...}``: a body that is not JSON, too deep, with
a lone surrogate, a NUL or an out-of-bounds number (``1e999999999``) is 400 (the API's strict
parser); a field of the wrong type, out of bounds, too long or unknown is 422 naming the field;
an action that does not fit the state (a report already decided, an extension after the due)
is 409. Nothing is written by a refused request. Days of actions are the server's today;
``?today=`` only changes the day statuses are computed for.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import re
from collections.abc import Callable
from datetime import date
from typing import Any, Literal, TypeVar

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pingyi.core.api_answers import Problem, parse_json_body, problem
from pingyi.core.api_auth import AccountAuth
from pingyi.core.pure import strict_json
from pingyi.orgs.models import Unit
from pingyi.supervision import selectors, services
from pingyi.supervision.errors import SupervisionError
from pingyi.supervision.method.status import STATUSES
from pingyi.supervision.models import (
    Closure,
    Extension,
    Item,
    Rating,
    Report,
    SupervisionList,
    VerifyMethod,
)

router = Router(tags=["supervision"], auth=AccountAuth())

#: the longest text a field takes (a report's paragraphs; a reason; a period label)
LONG_TEXT = 5000
SHORT_TEXT = 2000
PERIOD_TEXT = 40
#: the days a date may name (statuses and due dates stay far from ``date.max``)
FIRST_YEAR, LAST_YEAR = 2000, 2100
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- schemas -----------------------------------------------------------------------------


class ListOut(Schema):
    key: str
    kind: str
    name: str
    year: int
    doc_number: str
    cadence: str
    assigned_on: str
    items: int


class UnitRef(Schema):
    code: str
    name: str


class StatusOut(Schema):
    status: Literal["done", "overdue", "lagging", "due_soon", "on_track"]
    #: the expected progress E, rounded up to a whole percent (null: no due date)
    expected: int | None
    #: the reported progress R (the latest accepted report's percent)
    progress: int
    #: the effective due D (after approved extensions; a recurring item's next occurrence)
    due: str | None
    reasons: list[str]
    warnings: list[str]


class ItemSummary(Schema):
    # "list" (the list's key) shadows the builtin in this class: builtins.list below
    id: int
    list: str
    number: str
    title: str
    lead_unit: UnitRef
    co_units: builtins.list[UnitRef]
    leader: str
    deadline_text: str
    kind: str
    due: str | None
    flags: builtins.list[str]
    status: StatusOut


class ItemsOut(Schema):
    today: str
    #: items in each status before the ``status`` filter
    counts: dict[str, int]
    items: builtins.list[ItemSummary]


class MilestoneOut(Schema):
    text: str
    due: str | None
    done_on: str | None


class ReportOut(Schema):
    id: int
    item: int
    unit: str
    period: str
    reported_on: str
    percent: int
    done: str
    problems: str
    next_steps: str
    state: Literal["pending", "accepted", "returned"]
    return_reason: str
    rating: str
    comment: str
    rated_by: str


class ExtensionOut(Schema):
    id: int
    item: int
    reason: str
    progress: str
    proposed_due: str
    requested_on: str
    state: Literal["pending", "approved", "refused"]
    approved_due: str | None
    decided_on: str | None


class ClosureOut(Schema):
    id: int
    item: int
    evidence: str
    state: Literal["pending", "verified", "returned"]
    method: str
    reason: str
    applied_on: str
    decided_on: str | None


class SourceOut(Schema):
    sheet: str
    row: int | None


class ItemOut(ItemSummary):
    category: str
    requirement: str
    deadline: dict[str, Any]
    start: str | None
    closed_on: str | None
    source: SourceOut
    milestones: builtins.list[MilestoneOut]
    reports: builtins.list[ReportOut]
    extensions: builtins.list[ExtensionOut]
    closures: builtins.list[ClosureOut]


class ReportIn(Schema):
    percent: int
    done: str = ""
    problems: str = ""
    next_steps: str = ""
    period: str = ""
    reported_on: date | None = None
    unit: str | None = None


class ReturnIn(Schema):
    reason: str


class CommentIn(Schema):
    rating: Literal["好", "较好", "一般", "差"]
    text: str = ""


class ExtensionIn(Schema):
    reason: str
    proposed_due: date
    progress: str = ""


class DecideIn(Schema):
    approve: bool
    #: the approved date (default: the proposed one); ignored when refusing
    date: dt.date | None = None


class ClosureIn(Schema):
    evidence: str


class VerifyIn(Schema):
    passed: bool
    method: Literal["资料", "电话", "现场"] = "资料"
    reason: str = ""


# --- reading the body --------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _invalid(detail: str, code: str = "invalid") -> _Refused:
    return _Refused(problem(422, detail, code))


def _day_problem(name: str, value: Any) -> str:
    message = _("“%(field)s”: a date written YYYY-MM-DD from %(first)s to %(last)s (got %(value)s)")
    return message % {
        "field": name,
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
        "value": _shown(value),
    }


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 40 else text[:37] + "…"


def _day(name: str, value: Any) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                return day
    raise _invalid(_day_problem(name, value), "bad_date")


# field → (kind, required, bound): kind "text" (bound: max length), "int" (bound: (lo, hi)),
# "bool", "day", "choice" (bound: the values)
Spec = dict[str, tuple[str, bool, Any]]


def _body(request: HttpRequest, spec: Spec) -> dict[str, Any]:
    """The JSON object of the request, checked field by field against ``spec``."""
    body = parse_json_body(request)
    if not isinstance(body, dict):
        raise _Refused(problem(400, _("The body must be a JSON object."), "bad_request"))
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise _invalid(
            _("“%(field)s”: unknown field (expected: %(fields)s)")
            % {"field": unknown[0], "fields": ", ".join(spec)},
            "unknown_field",
        )
    out: dict[str, Any] = {}
    for name, (kind, required, bound) in spec.items():
        if name not in body or body[name] is None:
            if required:
                raise _invalid(_("“%(field)s” is missing") % {"field": name}, "missing")
            continue
        value = body[name]
        if kind == "text":
            if not isinstance(value, str):
                raise _invalid(_("“%(field)s”: text expected") % {"field": name})
            if len(value) > bound:
                raise _invalid(
                    _("“%(field)s”: at most %(max)s characters (got %(count)s)")
                    % {"field": name, "max": bound, "count": len(value)},
                    "too_long",
                )
        elif kind == "int":
            low, high = bound
            whole = isinstance(value, int) and not isinstance(value, bool)
            if not whole or not low <= value <= high:
                raise _invalid(
                    _("“%(field)s”: a whole number from %(min)s to %(max)s (got %(value)s)")
                    % {"field": name, "min": low, "max": high, "value": _shown(value)},
                    f"bad_{name}",
                )
        elif kind == "bool":
            if not isinstance(value, bool):
                raise _invalid(_("“%(field)s”: true or false") % {"field": name})
        elif kind == "day":
            value = _day(name, value)
        elif kind == "choice" and value not in bound:
            raise _invalid(
                _("“%(field)s”: one of %(choices)s (got %(value)s)")
                % {"field": name, "choices": " / ".join(bound), "value": _shown(value)},
                f"bad_{name}",
            )
        out[name] = value
    return out


def _request_body(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.json_schema()}},
        }
    }


# --- who may -------------------------------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _forbidden(detail: str) -> _Refused:
    return _Refused(problem(403, detail, "forbidden"))


def _not_found(detail: str) -> _Refused:
    return _Refused(problem(404, detail, "not_found"))


def _visible_items(request: HttpRequest) -> QuerySet[Item]:
    return selectors.items_for_user(request.user)


def _item(request: HttpRequest, item_id: int) -> Item:
    """The item if the account may see it; else 404, as for an item that does not exist."""
    item = _visible_items(request).filter(pk=item_id).first()
    if item is None:
        raise _not_found(_("No such item."))
    return item


M = TypeVar("M", bound=models.Model)


def _owned(request: HttpRequest, model: type[M], pk: int, missing: str) -> M:
    """A report, extension or closure if the account may see its item; else 404. (The
    service that changes it takes its row lock.)"""
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None or not _visible_items(request).filter(pk=obj.item_id).exists():  # type: ignore[attr-defined]
        raise _not_found(missing)
    return obj


def _must(request: HttpRequest, perm: str, obj: Any, detail: str) -> None:
    if not request.user.has_perm(perm, obj):
        raise _forbidden(detail)


def _answer(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a refusal (ours or the services') into its answer; nothing is written."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response
        except SupervisionError as exc:
            return problem(exc.status, exc.message, exc.code)

    return wrapped


# --- answers -------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _unit(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name}


def _unit_order(unit: Unit) -> tuple[int, str]:
    return (unit.order, unit.code)


def _status(status: Any) -> dict[str, Any]:
    return {
        "status": status.status,
        "expected": status.expected_shown,
        "progress": int(status.reported),
        "due": _iso(status.due),
        "reasons": list(status.reasons),
        "warnings": list(status.warnings),
    }


def _summary(item: Item, status: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "list": item.supervision_list.key,
        "number": item.number,
        "title": item.title,
        "lead_unit": _unit(item.lead_unit),
        "co_units": [_unit(u) for u in sorted(item.co_units.all(), key=_unit_order)],
        "leader": item.leader,
        "deadline_text": item.deadline_text,
        "kind": item.kind,
        "due": _iso(item.due),
        "flags": [str(f) for f in item.flags],
        "status": _status(status),
    }


def _report(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "item": r.item_id,
        "unit": r.unit.code,
        "period": r.period,
        "reported_on": r.reported_on.isoformat(),
        "percent": r.percent,
        "done": r.done_text,
        "problems": r.problems,
        "next_steps": r.next_steps,
        "state": r.state,
        "return_reason": r.return_reason,
        "rating": r.rating,
        "comment": r.comment,
        "rated_by": r.rated_by,
    }


def _extension(e: Extension) -> dict[str, Any]:
    return {
        "id": e.pk,
        "item": e.item_id,
        "reason": e.reason,
        "progress": e.progress,
        "proposed_due": e.proposed_due.isoformat(),
        "requested_on": e.requested_on.isoformat(),
        "state": e.state,
        "approved_due": _iso(e.approved_due),
        "decided_on": _iso(e.decided_on),
    }


def _closure(c: Closure) -> dict[str, Any]:
    return {
        "id": c.pk,
        "item": c.item_id,
        "evidence": c.evidence,
        "state": c.state,
        "method": c.method,
        "reason": c.reason,
        "applied_on": c.applied_on.isoformat(),
        "decided_on": _iso(c.decided_on),
    }


def _query_text(name: str, value: str, bound: int = 100) -> str:
    """A filter's text (``?list=``, ``?unit=``): Unicode text without NUL (PostgreSQL cannot
    compare one), bounded; else 422 naming the parameter."""
    if not strict_json.is_unicode_text(value):
        raise _invalid(_("“%(field)s”: text expected") % {"field": name})
    if len(value) > bound:
        raise _invalid(
            _("“%(field)s”: at most %(max)s characters (got %(count)s)")
            % {"field": name, "max": bound, "count": len(value)},
            "too_long",
        )
    return value


def _query_day(today: str) -> date:
    """``?today=``: the day statuses are computed for (default: the server's today)."""
    return _day("today", today) if today else _today()


# --- reading ---------------------------------------------------------------------------------

READ = {401: Problem, 404: Problem, 422: Problem}


@router.get("/lists", response={200: list[ListOut], 401: Problem}, summary="Lists visible to you")
def list_lists(request: HttpRequest) -> Any:
    """Every list for the office, leaders and viewers; for a liaison, the lists that hold an
    item of its unit, with ``items`` counting those only."""
    visible = _visible_items(request)
    counts: dict[int, int] = {}
    for list_id in visible.values_list("supervision_list_id", flat=True):
        counts[list_id] = counts.get(list_id, 0) + 1
    lists = SupervisionList.objects.filter(pk__in=counts).order_by("-year", "key")
    if request.user.has_perm("supervision.view_lists"):
        lists = SupervisionList.objects.order_by("-year", "key")
    return [
        {
            "key": sl.key,
            "kind": sl.kind,
            "name": sl.name,
            "year": sl.year,
            "doc_number": sl.doc_number,
            "cadence": sl.cadence,
            "assigned_on": sl.assigned_on.isoformat(),
            "items": counts.get(sl.pk, 0),
        }
        for sl in lists
    ]


@router.get(
    "/lists/{key}",
    response={200: dict, **READ},
    summary="A list with its items as pingyi-list/1 (statuses as of ?today=YYYY-MM-DD)",
)
@_answer
def get_list(request: HttpRequest, key: str, today: str = "") -> Any:
    """The JSON of ``pingyi lists export KEY`` (SUPERVISION.md, "Contracts"). A liaison gets
    its unit's items only, and 404 for a list without one."""
    day = _query_day(today)
    known = strict_json.is_unicode_text(key)  # a NUL or a lone surrogate names no list
    the_list = SupervisionList.objects.filter(key=key).first() if known else None
    if the_list is None:
        raise _not_found(_("No such list."))
    if request.user.has_perm("supervision.view_lists"):
        return selectors.export_list(the_list, day)
    mine = _visible_items(request).filter(supervision_list=the_list)
    if not mine.exists():
        raise _not_found(_("No such list."))
    return selectors.export_list(the_list, day, items=mine)


@router.get(
    "/items",
    response={200: ItemsOut, 401: Problem, 422: Problem},
    summary="Items you may see, filtered by ?list=, ?unit=, ?status=, with counts by status",
)
@_answer
def list_items(
    request: HttpRequest,
    list: str = "",
    unit: str = "",
    status: str = "",
    today: str = "",
) -> Any:
    """A liaison sees its unit's items only, whatever the filters say. ``counts`` are the
    items in each status before the ``status`` filter; an unknown list or unit gives none."""
    day = _query_day(today)
    if status and status not in STATUSES:
        raise _invalid(
            _("“%(field)s”: one of %(choices)s (got %(value)s)")
            % {"field": "status", "choices": " / ".join(STATUSES), "value": _shown(status)},
            "bad_status",
        )
    list, unit = _query_text("list", list), _query_text("unit", unit)
    items = _visible_items(request)
    if list:
        items = items.filter(supervision_list__key=list)
    if unit:
        items = items.filter(Q(lead_unit__code=unit) | Q(co_units__code=unit)).distinct()
    rows = selectors.statuses(items, day)
    counts = dict.fromkeys(STATUSES, 0)
    for _row, s in rows:
        counts[s.status] += 1
    return {
        "today": day.isoformat(),
        "counts": counts,
        "items": [_summary(i, s) for i, s in rows if not status or s.status == status],
    }


@router.get(
    "/items/{int:item_id}",
    response={200: ItemOut, **READ},
    summary="An item with its status (?today=YYYY-MM-DD) and timeline",
)
@_answer
def get_item(request: HttpRequest, item_id: int, today: str = "") -> Any:
    """Milestones, reports (with ratings and returns), extensions and closures, each in the
    order they happened. 404 for an item you may not see, as for one that does not exist."""
    day = _query_day(today)
    item = _item(request, item_id)
    item = selectors.items_with_facts(Item.objects.filter(pk=item.pk)).prefetch_related(
        "closures", "reports__unit"
    )[0]
    status = selectors.item_status(item, day)
    return {
        **_summary(item, status),
        "category": item.category,
        "requirement": item.requirement,
        "deadline": item.deadline,
        "start": _iso(item.start),
        "closed_on": _iso(item.closed_on),
        "source": {"sheet": item.sheet, "row": item.row},
        "milestones": [
            {"text": m.text, "due": _iso(m.due), "done_on": _iso(m.done_on)}
            for m in item.milestones.all()
        ],
        "reports": [
            _report(r) for r in sorted(item.reports.all(), key=lambda r: (r.reported_on, r.pk))
        ],
        "extensions": [_extension(e) for e in sorted(item.extensions.all(), key=lambda e: e.pk)],
        "closures": [_closure(c) for c in sorted(item.closures.all(), key=lambda c: c.pk)],
    }


# --- reports -------------------------------------------------------------------------------

WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem}
WRITE_422 = {**WRITE, 422: Problem}

REPORT_SPEC: Spec = {
    "percent": ("int", True, (0, 100)),
    "done": ("text", False, LONG_TEXT),
    "problems": ("text", False, LONG_TEXT),
    "next_steps": ("text", False, LONG_TEXT),
    "period": ("text", False, PERIOD_TEXT),
    "reported_on": ("day", False, None),
    "unit": ("text", False, 64),
}


@router.post(
    "/items/{int:item_id}/reports",
    response={201: ReportOut, **WRITE_422},
    openapi_extra=_request_body(ReportIn),
    summary="File a progress report (a liaison of the item's units, or the office)",
)
@_answer
def file_report(request: HttpRequest, item_id: int) -> Any:
    """A liaison reports for its own unit, dated today; the report awaits the office. The
    office may enter a report for one of the item's units (``unit``, default the lead unit)
    on an earlier day; its entry is accepted. No attachments over the API."""
    with transaction.atomic():
        item = _item(request, item_id)
        _must(
            request,
            "supervision.report",
            item,
            _("Only the liaisons of the item's units and the office file reports."),
        )
        data = _body(request, REPORT_SPEC)
        user: Any = request.user
        office = request.user.has_perm("supervision.manage")
        today = _today()
        day = data.get("reported_on", today)
        if day > today:
            raise _invalid(
                _("“%(field)s”: %(day)s is after today") % {"field": "reported_on", "day": day},
                "bad_date",
            )
        if office:
            code = data.get("unit")
            unit = item.lead_unit if code is None else Unit.objects.filter(code=code).first()
            if unit is None:
                raise _invalid(
                    _("“%(field)s”: no unit “%(code)s”") % {"field": "unit", "code": code},
                    "unknown_unit",
                )
        else:
            unit = user.unit
            if data.get("unit") not in (None, unit.code):
                raise _forbidden(_("A liaison reports for its own unit only."))
            if day != today:
                raise _invalid(
                    _("“%(field)s”: a unit's report is dated the day it is filed (%(today)s)")
                    % {"field": "reported_on", "today": today},
                    "bad_date",
                )
        report = services.report_file(
            item,
            unit=unit,
            reported_on=day,
            percent=data["percent"],
            done_text=data.get("done", "").strip(),
            problems=data.get("problems", "").strip(),
            next_steps=data.get("next_steps", "").strip(),
            period=data.get("period", "").strip(),
            created_by=user,
            accepted=office,
            actor=_actor(request),
        )
    return Status(201, _report(report))


def _report_for_office(request: HttpRequest, report_id: int) -> Report:
    report = _owned(request, Report, report_id, _("No such report."))
    _must(request, "supervision.manage", report.item, _("Only the office may do this."))
    return report


@router.post(
    "/reports/{int:report_id}/accept",
    response={200: ReportOut, **WRITE},
    summary="Accept a report (office)",
)
@_answer
def accept_report(request: HttpRequest, report_id: int) -> Any:
    with transaction.atomic():
        report = _report_for_office(request, report_id)
        services.report_accept(report, actor=_actor(request))
    return Status(200, _report(report))


@router.post(
    "/reports/{int:report_id}/return",
    response={200: ReportOut, **WRITE_422},
    openapi_extra=_request_body(ReturnIn),
    summary="Return a report with a reason (退回; office)",
)
@_answer
def return_report(request: HttpRequest, report_id: int) -> Any:
    with transaction.atomic():
        report = _report_for_office(request, report_id)
        data = _body(request, {"reason": ("text", True, SHORT_TEXT)})
        services.report_return(report, reason=data["reason"], actor=_actor(request))
    return Status(200, _report(report))


@router.post(
    "/reports/{int:report_id}/comment",
    response={200: ReportOut, **WRITE_422},
    openapi_extra=_request_body(CommentIn),
    summary="Comment on a report: 好 / 较好 / 一般 / 差 and text (点评; leaders and the office)",
)
@_answer
def comment_report(request: HttpRequest, report_id: int) -> Any:
    with transaction.atomic():
        report = _owned(request, Report, report_id, _("No such report."))
        _must(
            request,
            "supervision.comment",
            report.item,
            _("Only leaders and the office comment on reports."),
        )
        data = _body(
            request,
            {"rating": ("choice", True, tuple(Rating.values)), "text": ("text", False, SHORT_TEXT)},
        )
        user: Any = request.user
        services.report_comment(
            report,
            rating=data["rating"],
            comment=data.get("text", ""),
            leader=getattr(user, "display_name", "") or user.get_username(),
            actor=_actor(request),
        )
    return Status(200, _report(report))


# --- extensions ----------------------------------------------------------------------------


@router.post(
    "/items/{int:item_id}/extension",
    response={201: ExtensionOut, **WRITE_422},
    openapi_extra=_request_body(ExtensionIn),
    summary="Ask for an extension before the due date (延期申请; the lead unit's liaison)",
)
@_answer
def request_extension(request: HttpRequest, item_id: int) -> Any:
    """Requested today, by the effective due, at most one per item (a refused one does not
    count), proposing a later date."""
    with transaction.atomic():
        item = _item(request, item_id)
        _must(
            request,
            "supervision.request",
            item,
            _("Only the lead unit's liaison and the office ask for an extension or closure."),
        )
        data = _body(
            request,
            {
                "reason": ("text", True, SHORT_TEXT),
                "proposed_due": ("day", True, None),
                "progress": ("text", False, LONG_TEXT),
            },
        )
        extension = services.extension_request(
            item,
            reason=data["reason"],
            proposed_due=data["proposed_due"],
            requested_on=_today(),
            progress=data.get("progress", ""),
            actor=_actor(request),
        )
    return Status(201, _extension(extension))


@router.post(
    "/extensions/{int:extension_id}/decide",
    response={200: ExtensionOut, **WRITE_422},
    openapi_extra=_request_body(DecideIn),
    summary="Approve an extension (possibly with another date) or refuse it (office)",
)
@_answer
def decide_extension(request: HttpRequest, extension_id: int) -> Any:
    with transaction.atomic():
        extension = _owned(request, Extension, extension_id, _("No such extension request."))
        _must(request, "supervision.manage", extension.item, _("Only the office may do this."))
        data = _body(request, {"approve": ("bool", True, None), "date": ("day", False, None)})
        services.extension_decide(
            extension,
            approve=data["approve"],
            decided_on=_today(),
            approved_due=data.get("date"),
            actor=_actor(request),
        )
    return Status(200, _extension(extension))


# --- closure -------------------------------------------------------------------------------


@router.post(
    "/items/{int:item_id}/closure",
    response={201: ClosureOut, **WRITE_422},
    openapi_extra=_request_body(ClosureIn),
    summary="Apply for closure with evidence (申请办结; the lead unit's liaison)",
)
@_answer
def apply_closure(request: HttpRequest, item_id: int) -> Any:
    with transaction.atomic():
        item = _item(request, item_id)
        _must(
            request,
            "supervision.request",
            item,
            _("Only the lead unit's liaison and the office ask for an extension or closure."),
        )
        data = _body(request, {"evidence": ("text", True, LONG_TEXT)})
        closure = services.closure_apply(
            item, evidence=data["evidence"], applied_on=_today(), actor=_actor(request)
        )
    return Status(201, _closure(closure))


@router.post(
    "/closures/{int:closure_id}/verify",
    response={200: ClosureOut, **WRITE_422},
    openapi_extra=_request_body(VerifyIn),
    summary="Verify a closure: passed (办结销号) or returned with a reason (退办; office)",
)
@_answer
def verify_closure(request: HttpRequest, closure_id: int) -> Any:
    with transaction.atomic():
        closure = _owned(request, Closure, closure_id, _("No such closure."))
        _must(request, "supervision.manage", closure.item, _("Only the office may do this."))
        data = _body(
            request,
            {
                "passed": ("bool", True, None),
                "method": ("choice", False, tuple(VerifyMethod.values)),
                "reason": ("text", False, SHORT_TEXT),
            },
        )
        services.closure_verify(
            closure,
            passed=data["passed"],
            method=data.get("method", VerifyMethod.DOCUMENTS),
            decided_on=_today(),
            reason=data.get("reason", ""),
            actor=_actor(request),
        )
    return Status(200, _closure(closure))
