"""Reading the pipeline: per unit and batch the funnel, and the lagging projects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from pingyi.core.pure.officesheet import show_exact
from pingyi.orgs.models import Unit
from pingyi.orgs.selectors import units_visible_to
from pingyi.pipeline.method.funnel import STAGES, Funnel, Lag, Stage, funnel, lag
from pingyi.pipeline.models import Project


@dataclass(frozen=True)
class LaggingProject:
    project: Project
    unit: Unit
    reason: Stage  # STARTED (开工) or PRODUCING (投产)
    planned: dt.date


@dataclass(frozen=True)
class ProjectLine:
    project: Project
    lag: Lag | None


def batches() -> list[str]:
    """The batches, newest first (第14期 before 第13期)."""
    names = set(Project.objects.values_list("batch", flat=True))
    return sorted(
        names, key=lambda b: (int("".join(c for c in b if c.isdigit()) or 0), b), reverse=True
    )


def _projects(batch: str | None, units: QuerySet[Unit] | None) -> QuerySet[Project]:
    projects = Project.objects.select_related("unit").order_by(
        "unit__order", "unit__code", "batch", "order", "pk"
    )
    if batch:
        projects = projects.filter(batch=batch)
    if units is not None:
        projects = projects.filter(unit__in=units)
    return projects


def all_projects() -> QuerySet[Project]:
    """Every project, in unit order (supervision mirrors them as items: their notices)."""
    return _projects(None, None)


def lagging_projects(day: dt.date) -> list[LaggingProject]:
    """Every project lagging on ``day`` (past its planned start or production without it), as
    (project, unit, reason, planned date), in unit order: for the yellow notices."""
    found = []
    for project in _projects(None, None):
        why = lag(project.dates(), day)
        if why is not None:
            found.append(LaggingProject(project, project.unit, why.reason, why.planned))
    return found


def funnel_by_unit(
    day: dt.date, *, batch: str | None = None, units: QuerySet[Unit] | None = None
) -> list[tuple[Unit, Funnel]]:
    """Per unit (unit order) the funnel of its projects (of ``batch``, else all) as of ``day``:
    counts and investment per stage, 履约率, 开工率, 投产率 (method/funnel.py)."""
    groups: dict[int, tuple[Unit, list[Project]]] = {}
    for p in _projects(batch, units):
        groups.setdefault(p.unit_id, (p.unit, []))[1].append(p)
    return [(unit, funnel((p.dates() for p in ps), day)) for unit, ps in groups.values()]


def funnel_by_batch(
    day: dt.date, *, units: QuerySet[Unit] | None = None
) -> list[tuple[str, Funnel]]:
    """Per batch (newest first) the funnel of its projects as of ``day``."""
    groups: dict[str, list[Project]] = {}
    for p in _projects(None, units):
        groups.setdefault(p.batch, []).append(p)
    return [(b, funnel((p.dates() for p in groups[b]), day)) for b in batches() if b in groups]


def funnel_total(
    day: dt.date, *, batch: str | None = None, units: QuerySet[Unit] | None = None
) -> Funnel:
    return funnel((p.dates() for p in _projects(batch, units)), day)


def project_lines(day: dt.date, *, user: Any, batch: str | None = None) -> list[ProjectLine]:
    """The projects ``user`` may read (a liaison: its unit's), each with its lag on ``day``."""
    return [
        ProjectLine(p, lag(p.dates(), day)) for p in _projects(batch, units_visible_to(user=user))
    ]


def visible_units(user: Any) -> QuerySet[Unit]:
    return units_visible_to(user=user)


_DATES = (
    "planned_signed",
    "signed",
    "planned_started",
    "started",
    "planned_producing",
    "producing",
)


def pipeline_document(
    day: dt.date, *, batch: str | None = None, units: QuerySet[Unit] | None = None
) -> dict[str, Any]:
    """The pipeline as JSON (``pingyi pipeline list --json``, ``GET /api/v1/pipeline``): as of
    ``day``, per unit its funnel (rates as decimals to 4 places, amounts in 亿元) and every
    project with its dates and lag (``started``, ``producing`` or null)."""
    return {
        "day": day.isoformat(),
        "batch": batch,
        "units": [
            {
                "unit": unit.code,
                "name": unit.name,
                "projects": f.projects,
                "investment": show_exact(f.investment, 8),
                **{s.value: f.count[s] for s in STAGES},
                **{f"{s.value}_investment": show_exact(f.invested[s], 8) for s in STAGES},
                "performance_rate": show_exact(f.performance_rate),
                "start_rate": show_exact(f.start_rate),
                "production_rate": show_exact(f.production_rate),
                "lagging": f.lagging,
            }
            for unit, f in funnel_by_unit(day, batch=batch, units=units)
        ],
        "projects": [
            {
                "batch": p.batch,
                "name": p.name,
                "unit": p.unit.code,
                "sector": p.sector,
                "investment": show_exact(p.investment, 8),
                **{
                    name: (when.isoformat() if (when := getattr(p, name)) else None)
                    for name in _DATES
                },
                "lagging": (why.reason.value if (why := lag(p.dates(), day)) else None),
            }
            for p in _projects(batch, units).order_by("batch", "order", "pk")
        ],
    }
