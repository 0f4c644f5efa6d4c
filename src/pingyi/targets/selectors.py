"""Reading year targets: the table per unit with statuses, and the board's shares."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet

from pingyi.core.pure.officesheet import show_exact
from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import units_visible_to
from pingyi.targets.method.progress import (
    Direction,
    Kind,
    Progress,
    UnitShare,
    progress,
    unit_share,
)
from pingyi.targets.models import MonthlyActual, YearTarget


@dataclass(frozen=True)
class TargetLine:
    target: YearTarget
    actual: Decimal | None
    progress: Progress


@dataclass(frozen=True)
class UnitTargets:
    unit: Unit
    lines: list[TargetLine]
    share: UnitShare


def years() -> list[int]:
    return sorted(set(YearTarget.objects.values_list("year", flat=True)), reverse=True)


def latest_month(year: int) -> int | None:
    """The latest month with any actual in ``year`` (the default month of the table)."""
    found = MonthlyActual.objects.filter(target__year=year).aggregate(m=Max("month"))["m"]
    return int(found) if found else None


def unit_targets(
    year: int, month: int | None = None, *, units: QuerySet[Unit] | None = None
) -> tuple[int | None, list[UnitTargets]]:
    """(the month used, per unit in unit order its targets with month ``month``'s status).

    ``month`` None: the latest month with data. ``units`` limits the units (a liaison's own).
    """
    if month is None:
        month = latest_month(year)
    targets = YearTarget.objects.filter(year=year).select_related("unit")
    if units is not None:
        targets = targets.filter(unit__in=units)
    values: dict[int, Decimal] = {}
    if month is not None:
        values = dict(
            MonthlyActual.objects.filter(target__in=targets, month=month).values_list(
                "target_id", "value"
            )
        )
    by_unit: dict[int, UnitTargets] = {}
    for t in targets.order_by("unit__order", "unit__code", "order", "pk"):
        actual = values.get(t.pk)
        line = TargetLine(
            t,
            actual,
            progress(
                target=t.target,
                actual=actual,
                months=month or 1,
                direction=Direction(t.direction),
                kind=Kind(t.kind),
            ),
        )
        if t.unit_id not in by_unit:
            by_unit[t.unit_id] = UnitTargets(t.unit, [], unit_share([]))
        by_unit[t.unit_id].lines.append(line)
    result = [
        UnitTargets(u.unit, u.lines, unit_share(line.progress.status for line in u.lines))
        for u in by_unit.values()
    ]
    return month, result


def unit_targets_for(
    user: Any, year: int, month: int | None = None
) -> tuple[int | None, list[UnitTargets]]:
    """:func:`unit_targets` of the units ``user`` may read (a liaison: its own unit)."""
    return unit_targets(year, month, units=units_visible_to(user=user))


def board_shares(year: int, month: int | None = None) -> list[tuple[Unit, UnitShare]]:
    """For the boards: per unit (unit order) its share of targets on schedule and 全年红
    (``UnitShare.on_schedule``, ``total``, ``share`` as a Fraction, ``all_red``)."""
    _month, rows = unit_targets(year, month)
    return [(row.unit, row.share) for row in rows]


def targets_document(
    year: int | None = None, month: int | None = None, *, units: QuerySet[Unit] | None = None
) -> dict[str, Any]:
    """The targets as JSON (``pingyi targets list --json``, ``GET /api/v1/targets``): year
    (default: the latest with targets), month (default: the latest with data), per unit its
    share on schedule, 全年红 and each target (numbers as exact decimal texts)."""
    if year is None:
        known = years()
        year = known[0] if known else None
    if year is None:
        return {"year": None, "month": None, "units": []}
    month, rows = unit_targets(year, month, units=units)
    return {
        "year": year,
        "month": month,
        "units": [
            {
                "unit": row.unit.code,
                "name": row.unit.name,
                "on_schedule": row.share.on_schedule,
                "total": row.share.total,
                "all_red": row.share.all_red,
                "targets": [
                    {
                        "indicator": line.target.indicator,
                        "measure": line.target.measure,
                        "direction": line.target.direction,
                        "kind": line.target.kind,
                        "target": show_exact(line.target.target, 8),
                        "actual": show_exact(line.actual, 8),
                        "expected": show_exact(line.progress.expected),
                        "percent": show_exact(line.progress.percent, 2),
                        "expected_percent": show_exact(line.progress.expected_percent, 2),
                        "status": line.progress.status.value,
                    }
                    for line in row.lines
                ],
            }
            for row in rows
        ],
    }
