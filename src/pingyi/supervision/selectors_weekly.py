"""Reads of the weekly cycle (周交办点评): a week's sheet, its on-time tally
(:mod:`pingyi.supervision.method.week`), the items the office may put on a sheet, a unit's
part, the reports leaders comment on, the compiled bulletin (``pingyi-bulletin/1``) and the
archive's search."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pingyi.orgs.models import Unit
from pingyi.supervision import selectors
from pingyi.supervision.method import week as rules
from pingyi.supervision.method.status import STATUSES
from pingyi.supervision.method.week import Week
from pingyi.supervision.models import (
    Bulletin,
    Item,
    Notice,
    Report,
    ReportState,
    WeekSheet,
    WeekSheetItem,
)

#: the compiled bulletin's format
BULLETIN_FORMAT = "pingyi-bulletin/1"
#: the statuses as the printed bulletin names them (an official Chinese document)
STATUS_WORDS = {
    "done": "已办结",
    "overdue": "逾期",
    "lagging": "滞后",
    "due_soon": "临期",
    "on_track": "正常推进",
}
COLOUR_WORDS = {"blue": "提醒", "yellow": "催办", "red": "督办单"}


def week_of_sheet(sheet: WeekSheet | Bulletin) -> Week:
    return Week(sheet.year, sheet.week)


def sheet_of(week: Week) -> WeekSheet | None:
    return WeekSheet.objects.filter(year=week.year, week=week.week).first()


def bulletin_of(week: Week) -> Bulletin | None:
    return Bulletin.objects.filter(year=week.year, week=week.week).first()


def entries(sheet: WeekSheet) -> QuerySet[WeekSheetItem]:
    return sheet.entries.select_related(
        "item", "item__supervision_list", "item__lead_unit"
    ).order_by("position", "id")


def local_deadline(sheet: WeekSheet) -> datetime:
    """The sheet's deadline in local time (naive), as the office set it."""
    return timezone.localtime(sheet.deadline).replace(tzinfo=None)


def _unit_order() -> list[str]:
    return list(Unit.objects.order_by("order", "code").values_list("code", flat=True))


@dataclass(frozen=True)
class Tally:
    """A week's on-time reporting: ranked units (``method.week.UnitWeek``), best and worst
    unit codes, and every unit's name by code."""

    ranked: list[rules.UnitWeek]
    best: list[str]
    worst: list[str]
    names: dict[str, str]


def week_tally(sheet: WeekSheet) -> Tally:
    """Rules 3–7 of :mod:`pingyi.supervision.method.week` on the sheet's items: the lead unit
    of each owes one report, dated in the week, filed (``created_at``) by the deadline."""
    week = week_of_sheet(sheet)
    rows = list(entries(sheet))
    owed = [rules.Owed(e.item.lead_unit.code, str(e.item_id)) for e in rows]
    reports = Report.objects.filter(
        item__in=[e.item_id for e in rows],
        reported_on__gte=week.monday,
        reported_on__lte=week.sunday,
    ).select_related("unit")
    filed = [
        rules.Filed(
            r.unit.code,
            str(r.item_id),
            r.reported_on,
            r.created_at,
            returned=r.state == ReportState.RETURNED,
        )
        for r in reports
    ]
    ranked, best, worst = rules.tally(week, sheet.deadline, owed, filed, _unit_order())
    names = dict(Unit.objects.values_list("code", "name"))
    return Tally(ranked, best, worst, names)


def candidates(
    *, list_key: str = "", unit: Unit | None = None, status: str = "", day: date
) -> list[tuple[Item, Any]]:
    """The open items the office may put on a sheet, filtered by list, lead unit and status
    on ``day``, with their status."""
    items = Item.objects.filter(closed_on__isnull=True)
    if list_key:
        items = items.filter(supervision_list__key=list_key)
    if unit is not None:
        items = items.filter(lead_unit=unit)
    rows = selectors.statuses(
        selectors.items_with_facts(items.order_by("supervision_list", "position", "id")), day
    )
    if status:
        rows = [(i, s) for i, s in rows if s.status == status]
    return rows


def unit_part(unit: Unit, week: Week) -> list[WeekSheetItem]:
    """A unit's part of the week's issued sheet: the items it leads or co-operates on."""
    sheet = sheet_of(week)
    if sheet is None or sheet.issued_at is None:
        return []
    return list(entries(sheet).filter(Q(item__lead_unit=unit) | Q(item__co_units=unit)).distinct())


def review_reports(sheet: WeekSheet) -> list[Report]:
    """The reports leaders comment on: dated in the week, on the sheet's items, not
    returned; in the sheet's order, then by unit and filing."""
    week = week_of_sheet(sheet)
    position = {e.item_id: e.position for e in sheet.entries.all()}
    reports = list(
        Report.objects.filter(
            item__in=list(position),
            reported_on__gte=week.monday,
            reported_on__lte=week.sunday,
        )
        .exclude(state=ReportState.RETURNED)
        .select_related("item", "item__supervision_list", "unit")
    )
    reports.sort(key=lambda r: (position[r.item_id], r.unit.order, r.unit.code, r.created_at, r.pk))
    return reports


# --- the bulletin ----------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def compile_bulletin(week: Week, today: date) -> dict[str, Any]:
    """The bulletin's figures (``pingyi-bulletin/1``), as of the week's Sunday or ``today``
    if earlier: on-time reporting per unit (rate and rank) from the week's sheet, items by
    status, notices issued / escalated / 通报 in the week, leaders' comments on the week's
    reports, the best and worst units."""
    as_of = min(week.sunday, today)
    sheet = sheet_of(week)
    units: list[dict[str, Any]] = []
    best: list[str] = []
    worst: list[str] = []
    sheet_info = None
    if sheet is not None:
        tally = week_tally(sheet)
        for u in tally.ranked:
            rate = u.rate
            units.append(
                {
                    "code": u.unit,
                    "name": tally.names.get(u.unit, u.unit),
                    "owed": u.owed,
                    "on_time": u.on_time,
                    "late": u.late,
                    "missing": u.missing,
                    "rate": f"{rate.numerator}/{rate.denominator}" if rate is not None else None,
                    "percent": rules.percent_text(rate),
                    "rank": u.rank,
                }
            )
        best = [tally.names.get(c, c) for c in tally.best]
        worst = [tally.names.get(c, c) for c in tally.worst]
        sheet_info = {
            "items": sheet.entries.count(),
            "deadline": local_deadline(sheet).strftime("%Y-%m-%d %H:%M"),
            "issued": sheet.issued_at is not None,
        }
    counts = Counter(
        s.status
        for _, s in selectors.statuses(selectors.items_with_facts(Item.objects.all()), as_of)
    )
    in_week = Notice.objects.select_related("item", "item__supervision_list")
    issued = Counter(
        in_week.filter(issued_on__gte=week.monday, issued_on__lte=week.sunday).values_list(
            "colour", flat=True
        )
    )
    escalated = in_week.filter(
        closed_on__gte=week.monday, closed_on__lte=week.sunday, close_reason="escalated"
    ).count()
    names = dict(Unit.objects.values_list("code", "name"))
    censured = [
        {
            "number": n.number or COLOUR_WORDS.get(n.colour, n.colour),
            "item": n.item.number,
            "title": n.item.title,
            "units": [names.get(c, c) for c in n.unit_codes],
        }
        for n in in_week.filter(
            censured_on__gte=week.monday, censured_on__lte=week.sunday
        ).order_by("censured_on", "id")
    ]
    comments = [
        {
            "item": r.item.number,
            "title": r.item.title,
            "unit": r.unit.name,
            "rating": r.rating,
            "comment": r.comment,
            "leader": r.rated_by,
        }
        for r in Report.objects.filter(reported_on__gte=week.monday, reported_on__lte=week.sunday)
        .exclude(rating="")
        .exclude(state=ReportState.RETURNED)
        .select_related("item", "unit")
        .order_by("item__supervision_list", "item__position", "unit__order", "id")
    ]
    return {
        "format": BULLETIN_FORMAT,
        "week": str(week),
        "monday": week.monday.isoformat(),
        "sunday": week.sunday.isoformat(),
        "as_of": as_of.isoformat(),
        "sheet": sheet_info,
        "units": units,
        "best": best,
        "worst": worst,
        "statuses": [{"status": s, "count": counts.get(s, 0)} for s in STATUSES],
        "notices": {
            "issued": {c: issued.get(c, 0) for c in ("blue", "yellow", "red")},
            "escalated": escalated,
            "censured": censured,
        },
        "comments": comments,
    }


def searchable_text(data: dict[str, Any], intro: str, remarks: str) -> str:
    """What the archive's search box reads: the week, names, comments and the office's text."""
    parts = [str(data.get("week", "")), intro, remarks]
    parts += [u.get("name", "") for u in data.get("units", [])]
    for c in data.get("comments", []):
        parts += [c.get("item", ""), c.get("title", ""), c.get("unit", ""), c.get("comment", "")]
        parts.append(c.get("leader", ""))
    for n in data.get("notices", {}).get("censured", []):
        parts += [n.get("number", ""), n.get("title", ""), *n.get("units", [])]
    return "\n".join(str(p) for p in parts if p)


def archive(query: str = "") -> QuerySet[Bulletin]:
    """Bulletins newest first; ``query``: every word (split by spaces) in the text."""
    bulletins = Bulletin.objects.all()
    for word in query.split()[:10]:
        bulletins = bulletins.filter(text__icontains=word[:50])
    return bulletins.order_by("-year", "-week")


def sheets() -> QuerySet[WeekSheet]:
    return WeekSheet.objects.order_by("-year", "-week")
