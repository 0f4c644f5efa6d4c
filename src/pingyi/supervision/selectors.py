"""Reads: an item's status on any day (through :mod:`pingyi.supervision.method.status`), a
list's counts by status, a unit's items, a list as ``pingyi-list/1`` JSON, unit names.

Statuses are never stored: they are computed from the facts dated on or before the day, so
the status of any past day can be recomputed (SUPERVISION.md, "Statuses (exact)").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import UnitNameIndex
from pingyi.supervision.method import status as method
from pingyi.supervision.method.workdays import WorkingDays
from pingyi.supervision.models import (
    ClosureState,
    DecisionState,
    Extension,
    Item,
    ReportState,
    SupervisionList,
    WorkdayOverride,
)

#: the format of ``pingyi lists export KEY --out FILE.json``
LIST_FORMAT = "pingyi-list/1"


def working_days() -> WorkingDays:
    """The official calendar with the office's overrides (the ``WorkdayOverride`` table)."""
    return WorkingDays(dict(WorkdayOverride.objects.values_list("day", "working")))


def items_with_facts(items: QuerySet[Item]) -> QuerySet[Item]:
    """``items`` with everything :func:`item_facts` reads, in a fixed number of queries."""
    return items.select_related("supervision_list", "lead_unit").prefetch_related(
        "milestones",
        "reports",
        "co_units",
        Prefetch("extensions", queryset=Extension.objects.order_by("decided_on", "id")),
    )


def item_facts(item: Item) -> method.ItemFacts:
    """The facts the status rules read, from the item and its history."""
    kind = item.kind
    if kind in ("date", "immediate", "recurring") and item.due is None:
        kind = "unknown"  # a due cleared by hand: nothing to judge the date by
    every = item.every or None
    if kind == "recurring" and every not in method.EVERIES:
        kind = "unknown"
    return method.ItemFacts(
        kind=kind,  # type: ignore[arg-type]
        due=item.due if kind != "unknown" and kind != "ongoing" else None,
        start=item.start or item.supervision_list.assigned_on,
        every=every if kind == "recurring" else None,  # type: ignore[arg-type]
        milestones=tuple(
            method.Milestone(m.due, m.done_on is not None, m.done_on) for m in item.milestones.all()
        ),
        reports=tuple(
            method.Report(
                r.reported_on,
                r.percent,
                accepted=r.state == ReportState.ACCEPTED,
                rating=r.rating or None,
                returned=r.state == ReportState.RETURNED,
            )
            for r in sorted(item.reports.all(), key=lambda r: (r.reported_on, r.pk))
        ),
        extensions=tuple(
            method.Extension(True, e.approved_due or e.proposed_due, e.decided_on)
            for e in item.extensions.all()
            if e.state == DecisionState.APPROVED
        ),
        closed_on=item.closed_on,
        cadence=item.supervision_list.cadence,  # type: ignore[arg-type]
    )


def item_status(item: Item, day: date, calendar: WorkingDays | None = None) -> method.ItemStatus:
    """The item's status on ``day`` (T), from the facts dated on or before it."""
    return method.item_status(item_facts(item), day, calendar or working_days())


def statuses(items: Iterable[Item], day: date) -> list[tuple[Item, method.ItemStatus]]:
    """Each item with its status on ``day`` (one calendar for all)."""
    calendar = working_days()
    return [(item, method.item_status(item_facts(item), day, calendar)) for item in items]


def list_items(supervision_list: SupervisionList) -> QuerySet[Item]:
    return items_with_facts(supervision_list.items.order_by("position", "id"))


def list_counts(supervision_list: SupervisionList, day: date) -> dict[str, int]:
    """How many items of the list are in each status on ``day`` (every status present)."""
    counts = Counter(s.status for _, s in statuses(list_items(supervision_list), day))
    return {name: counts.get(name, 0) for name in method.STATUSES}


def unit_items(unit: Unit) -> QuerySet[Item]:
    """The items a unit answers for: as lead unit or as co-unit."""
    return items_with_facts(
        Item.objects.filter(Q(lead_unit=unit) | Q(co_units=unit))
        .distinct()
        .order_by("supervision_list__year", "supervision_list__key", "position", "id")
    )


def items_for_user(user: Any) -> QuerySet[Item]:
    """The items an account may see: all for office, leaders and viewers; a liaison only its
    unit's (lead or co-unit); nothing for anyone else."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Item.objects.none()
    if user.is_superuser or role in ("office", "leader", "viewer"):
        return items_with_facts(Item.objects.order_by("supervision_list", "position", "id"))
    if role == "unit" and user.unit_id is not None:
        return unit_items(user.unit)
    return Item.objects.none()


def export_list(
    supervision_list: SupervisionList, day: date, items: QuerySet[Item] | None = None
) -> dict[str, Any]:
    """The list as ``pingyi-list/1`` (SUPERVISION.md, "Contracts"), statuses as of ``day``;
    ``items`` narrows it (the API gives a liaison its unit's items only)."""
    chosen = list_items(supervision_list)
    if items is not None:
        chosen = chosen.filter(pk__in=items.values("pk"))
    rows = []
    for item, status in statuses(chosen, day):
        rows.append(
            {
                "number": item.number,
                "title": item.title,
                "lead_unit": item.lead_unit.code,
                "co_units": [u.code for u in sorted(item.co_units.all(), key=_unit_order)],
                "leader": item.leader,
                "deadline_text": item.deadline_text,
                "deadline": item.deadline,
                "status": status.status,
                "progress": int(status.reported),
            }
        )
    return {
        "format": LIST_FORMAT,
        "key": supervision_list.key,
        "kind": supervision_list.kind,
        "year": supervision_list.year,
        "items": rows,
    }


def _unit_order(unit: Unit) -> tuple[int, str]:
    return (unit.order, unit.code)


def closure_pending(item: Item) -> bool:
    return item.closures.filter(state=ClosureState.PENDING).exists()


@dataclass(frozen=True)
class OnTime:
    """A unit's on-time reporting: of its ``filed`` reports, ``on_time`` came in time."""

    filed: int
    on_time: int

    @property
    def share(self) -> int | None:
        """Percent, rounded down; None without reports."""
        return self.on_time * 100 // self.filed if self.filed else None


def unit_on_time(unit: Unit, day: date) -> OnTime:
    """On-time reporting of ``unit`` as of ``day`` (the unit's page): each of its reports dated
    on or before ``day`` and not returned, on an item of a list with a cadence, is on time
    when it is dated no later than the cadence rule's due (SUPERVISION.md, status rule 3): the
    2nd working day following L + cadence, L being the date of the unit's previous counted
    report on that item, else the item's start (its own, else the list's assignment date).
    Proved by tests/supervision/test_office_pages.py::test_on_time_share_follows_the_cadence_rule.
    """
    calendar = working_days()
    filed = on_time = 0
    for item in unit_items(unit):
        cadence = item.supervision_list.cadence
        if cadence == "none":
            continue
        since = item.start or item.supervision_list.assigned_on
        reports = sorted(
            (
                r
                for r in item.reports.all()
                if r.unit_id == unit.pk
                and r.reported_on <= day
                and r.state != ReportState.RETURNED
            ),
            key=lambda r: (r.reported_on, r.pk),
        )
        for report in reports:
            due = calendar.add_working_days(
                method._after_cadence(since, cadence), method.GRACE_WORKING_DAYS
            )
            filed += 1
            on_time += report.reported_on <= due
            since = report.reported_on
    return OnTime(filed, on_time)


def unit_names() -> UnitNameIndex:
    """Every unit's names, short names and aliases, loaded once: resolves a sheet's cells of
    unit names (orgs' one resolver) for the import's preview as the import itself does."""
    return UnitNameIndex()
