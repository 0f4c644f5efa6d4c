"""Writing projects: the office's sheet imported, all or nothing, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import UnitNameIndex, one_unit
from pingyi.pipeline.errors import ImportRefused
from pingyi.pipeline.method.funnel import Stage
from pingyi.pipeline.method.sheet import ProjectRow, ProjectSheet
from pingyi.pipeline.models import Project

_QUANTUM = Decimal("0.00000001")  # 1 元 in 亿元
_LIMIT = Decimal(10) ** 12


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    batches: list[str]


def projects_import(sheet: ProjectSheet, *, actor: str | None = None) -> ImportSummary:
    """Create or update projects from ``sheet`` (by batch and name). Raises
    :class:`ImportRefused` with every problem, and writes nothing, if anything is wrong."""
    errors = list(sheet.problems)
    index = UnitNameIndex()
    resolved: list[tuple[Unit, ProjectRow]] = []
    for row in sheet.rows:
        unit, problem = one_unit(index, row.unit_name, row=row.row, cell=row.unit_cell)
        if unit is None:
            errors.append(problem)
            continue
        if row.investment >= _LIMIT or row.investment != row.investment.quantize(_QUANTUM):
            errors.append(
                _("row %(row)s: the investment %(value)s 亿元 is finer than 1 元 or too large")
                % {"row": row.row, "value": row.investment}
            )
        resolved.append((unit, row))
    if errors:
        raise ImportRefused(errors)
    try:
        return _write(sheet, resolved, actor=actor)
    except IntegrityError:  # another import created the same rows a moment before
        raise ImportRefused(
            [_("Another import of these projects ran at the same time; import again.")]
        ) from None


def _write(
    sheet: ProjectSheet, resolved: list[tuple[Unit, ProjectRow]], *, actor: str | None
) -> ImportSummary:
    created = updated = 0
    with transaction.atomic():
        for order, (unit, row) in enumerate(resolved):
            _project, made = Project.objects.update_or_create(
                batch=row.batch,
                name=row.name,
                defaults={
                    "unit": unit,
                    "sector": row.sector,
                    "investment": row.investment,
                    "order": order,
                    "planned_signed": row.planned[Stage.SIGNED],
                    "signed": row.actual[Stage.SIGNED],
                    "planned_started": row.planned[Stage.STARTED],
                    "started": row.actual[Stage.STARTED],
                    "planned_producing": row.planned[Stage.PRODUCING],
                    "producing": row.actual[Stage.PRODUCING],
                },
            )
            created += made
            updated += not made
        batches = sorted({row.batch for _unit, row in resolved})
        audit_log(
            actor=actor,
            action="pipeline.imported",
            target="pipeline:" + ",".join(batches),
            data={"title": sheet.title, "created": created, "updated": updated},
        )
    return ImportSummary(created, updated, batches)
