"""Writing year targets: the office's sheet imported, all or nothing, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import UnitNameIndex, one_unit
from pingyi.targets.errors import ImportRefused
from pingyi.targets.method.sheet import TargetRow, TargetSheet
from pingyi.targets.models import PLACES, MonthlyActual, YearTarget

_QUANTUM = Decimal(1).scaleb(-PLACES)
_LIMIT = Decimal(10) ** 16


@dataclass(frozen=True)
class ImportSummary:
    year: int
    month: int | None
    created: int
    updated: int
    actuals: int


def _fits(value: Decimal) -> bool:
    return abs(value) < _LIMIT and value == value.quantize(_QUANTUM)


def targets_import(
    sheet: TargetSheet, *, year: int, month: int | None, actor: str | None = None
) -> ImportSummary:
    """Create or update the targets of ``year`` from ``sheet`` (by unit and indicator) and,
    when the sheet has actuals, set month ``month``'s. Raises :class:`ImportRefused` with
    every problem, and writes nothing, if anything is wrong."""
    errors = list(sheet.problems)
    if not 2000 <= year <= 2100:
        errors.append(_("the year %(year)s is not between 2000 and 2100") % {"year": year})
    if month is None:
        month = sheet.month
    if sheet.has_actuals and month is None:
        errors.append(
            _(
                "the month of the actuals is unknown: name it in the column's header "
                "(1-9月累计) or give the month"
            )
        )
    elif month is not None and not 1 <= month <= 12:
        errors.append(_("the month %(month)s is not 1-12") % {"month": month})
    index = UnitNameIndex()
    resolved: list[tuple[Unit, TargetRow]] = []
    for row in sheet.rows:
        unit, problem = one_unit(index, row.unit_name, row=row.unit_row, cell=row.unit_cell)
        if unit is None:
            if problem not in errors:  # a merged unit cell is named once
                errors.append(problem)
            continue
        for what, value in (("target", row.target), ("actual", row.actual)):
            if value is not None and not _fits(value):
                errors.append(
                    _(
                        "row %(row)s: the %(what)s %(value)s has more than %(places)s decimals "
                        "or is too large"
                    )
                    % {"row": row.row, "what": what, "value": value, "places": PLACES}
                )
        resolved.append((unit, row))
    if errors:
        raise ImportRefused(errors)
    try:
        return _write(sheet, resolved, year=year, month=month, actor=actor)
    except IntegrityError:  # another import created the same rows a moment before
        raise ImportRefused(
            [_("Another import of these targets ran at the same time; import again.")]
        ) from None


def _write(
    sheet: TargetSheet,
    resolved: list[tuple[Unit, TargetRow]],
    *,
    year: int,
    month: int | None,
    actor: str | None,
) -> ImportSummary:
    created = updated = actuals = 0
    with transaction.atomic():
        for order, (unit, row) in enumerate(resolved):
            target, made = YearTarget.objects.update_or_create(
                year=year,
                unit=unit,
                indicator=row.indicator,
                defaults={
                    "measure": row.measure,
                    "direction": row.direction,
                    "kind": row.kind,
                    "target": row.target,
                    "order": order,
                },
            )
            created += made
            updated += not made
            if row.actual is not None and month is not None:
                MonthlyActual.objects.update_or_create(
                    target=target, month=month, defaults={"value": row.actual}
                )
                actuals += 1
        audit_log(
            actor=actor,
            action="targets.imported",
            target=f"targets:{year}",
            data={
                "title": sheet.title,
                "month": month,
                "created": created,
                "updated": updated,
                "actuals": actuals,
            },
        )
    return ImportSummary(year, month, created, updated, actuals)
