"""The weekly cycle's REST API (``/api/v1/weeks…``, issue 13), read-only, with the auth and
the refusals of ``api.py`` (session or HTTP Basic; ``{"detail", "code"}``); office, leaders
and viewers only (a liaison gets 403: it sees its part on its home page).

- ``GET /weeks/{week}``: the week's assignment sheet (交办单) — its items with the demands,
  the report deadline, issued or not — and, once issued, each unit's on-time tally;
- ``GET /weeks/{week}/bulletin``: the bulletin's compiled figures (``pingyi-bulletin/1``) with
  the office's text.

``{week}`` is an ISO week, ``2026-W41``; another spelling answers 404 saying how to write
one, a week without a sheet or bulletin 404 too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from pingyi.core.api_answers import Problem
from pingyi.core.api_auth import AccountAuth
from pingyi.supervision import selectors_weekly, weekly
from pingyi.supervision.api import _answer, _forbidden, _not_found
from pingyi.supervision.errors import InvalidInput
from pingyi.supervision.method.week import Week, percent_text

router = Router(tags=["supervision weekly cycle"], auth=AccountAuth())
READ = {401: Problem, 403: Problem, 404: Problem}


class EntryOut(Schema):
    list: str
    item: str
    title: str
    lead_unit: str
    demand: str


class UnitWeekOut(Schema):
    unit: str
    name: str
    owed: int
    on_time: int
    late: int
    missing: int
    rate: str
    percent: str
    rank: int | None


class WeekOut(Schema):
    week: str
    monday: str
    sunday: str
    deadline: str
    issued_at: str | None
    note: str
    items: list[EntryOut]
    units: list[UnitWeekOut]
    best: list[str]
    worst: list[str]


class BulletinOut(Schema):
    week: str
    compiled_at: str
    issued_at: str | None
    intro: str
    remarks: str
    data: dict[str, Any]


def _week(request: HttpRequest, week: str) -> Week:
    if not request.user.has_perm("supervision.view_lists"):
        raise _forbidden(_("The weekly cycle is the office's; see your unit's items."))
    try:
        return weekly.parse_week(week)
    except InvalidInput as exc:
        raise _not_found(exc.message) from None


@router.get("/weeks/{week}", response={200: WeekOut, **READ}, summary="A week's sheet (交办单)")
@_answer
def get_week(request: HttpRequest, week: str) -> Any:
    the_week = _week(request, week)
    sheet = selectors_weekly.sheet_of(the_week)
    if sheet is None:
        raise _not_found(_("No sheet for %(week)s.") % {"week": the_week})
    units: list[dict[str, Any]] = []
    best: list[str] = []
    worst: list[str] = []
    if sheet.issued_at is not None:
        tally = selectors_weekly.week_tally(sheet)
        best, worst = tally.best, tally.worst
        for u in tally.ranked:
            rate = u.rate
            units.append(
                {
                    "unit": u.unit,
                    "name": tally.names.get(u.unit, u.unit),
                    "owed": u.owed,
                    "on_time": u.on_time,
                    "late": u.late,
                    "missing": u.missing,
                    "rate": f"{rate.numerator}/{rate.denominator}" if rate is not None else "",
                    "percent": percent_text(rate),
                    "rank": u.rank,
                }
            )
    return {
        "week": str(the_week),
        "monday": the_week.monday.isoformat(),
        "sunday": the_week.sunday.isoformat(),
        "deadline": selectors_weekly.local_deadline(sheet).isoformat(timespec="minutes"),
        "issued_at": sheet.issued_at.isoformat() if sheet.issued_at else None,
        "note": sheet.note,
        "items": [
            {
                "list": e.item.supervision_list.key,
                "item": e.item.number,
                "title": e.item.title,
                "lead_unit": e.item.lead_unit.code,
                "demand": e.demand,
            }
            for e in selectors_weekly.entries(sheet)
        ],
        "units": units,
        "best": best,
        "worst": worst,
    }


@router.get(
    "/weeks/{week}/bulletin", response={200: BulletinOut, **READ}, summary="A week's bulletin"
)
@_answer
def get_bulletin(request: HttpRequest, week: str) -> Any:
    the_week = _week(request, week)
    found = selectors_weekly.bulletin_of(the_week)
    if found is None:
        raise _not_found(_("No bulletin for this week yet."))
    return {
        "week": str(the_week),
        "compiled_at": found.compiled_at.isoformat(),
        "issued_at": found.issued_at.isoformat() if found.issued_at else None,
        "intro": found.intro,
        "remarks": found.remarks,
        "data": found.data,
    }
