"""The project pipeline (三个一批): stages, lagging, counts, investment and rates, exact (no
Django; docs/scoreboard-data.md).

A project has a total investment (亿元, Decimal) and, for each stage — 签约 (signed), 开工
(started), 投产 (producing) — a planned and an actual date. Everything is judged **as of a
day T**: an actual date after T has not happened yet.

- a project *has reached* a stage when its actual date of that stage is on or before T;
- it is **lagging** when its planned start is before T and it has not started (reason
  ``started``), or its planned production is before T and it is not producing (reason
  ``producing``); one reason a project, the earlier stage first (a project that has not
  started lags on its start even when its production date has passed too);
- for a group of projects (a unit, a batch, a unit in a batch):
  - counts and investment of all projects and of those that reached each stage;
  - **履约率** = signed projects that started / signed projects;
  - **开工率** = projects due to start by T (planned start ≤ T) that started / those due;
  - **投产率** = projects due to produce by T (planned production ≤ T) that produce / those due;
  - a rate is a :class:`~fractions.Fraction` in 0…1, or None when its denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Stage(StrEnum):
    SIGNED = "signed"
    STARTED = "started"
    PRODUCING = "producing"


STAGES = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)


@dataclass(frozen=True)
class Dates:
    investment: Decimal  # 亿元
    planned: dict[Stage, dt.date | None]
    actual: dict[Stage, dt.date | None]

    def reached(self, stage: Stage, day: dt.date) -> bool:
        when = self.actual.get(stage)
        return when is not None and when <= day

    def due(self, stage: Stage, day: dt.date) -> bool:
        when = self.planned.get(stage)
        return when is not None and when <= day


@dataclass(frozen=True)
class Lag:
    reason: Stage  # STARTED or PRODUCING
    planned: dt.date


def lag(project: Dates, day: dt.date) -> Lag | None:
    """Whether the project is lagging on ``day`` and why (see the module)."""
    for stage in (Stage.STARTED, Stage.PRODUCING):
        planned = project.planned.get(stage)
        if not project.reached(stage, day) and planned is not None and planned < day:
            return Lag(stage, planned)
    return None


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


@dataclass
class Funnel:
    projects: int = 0
    investment: Decimal = Decimal(0)
    count: dict[Stage, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    invested: dict[Stage, Decimal] = field(
        default_factory=lambda: dict.fromkeys(STAGES, Decimal(0))
    )
    signed_started: int = 0
    due_start: int = 0
    due_start_started: int = 0
    due_production: int = 0
    due_production_producing: int = 0
    lagging: int = 0

    @property
    def performance_rate(self) -> Fraction | None:
        """履约率: signed projects that started / signed projects."""
        return _rate(self.signed_started, self.count[Stage.SIGNED])

    @property
    def start_rate(self) -> Fraction | None:
        """开工率: projects due to start by T that started / projects due to start by T."""
        return _rate(self.due_start_started, self.due_start)

    @property
    def production_rate(self) -> Fraction | None:
        """投产率: projects due to produce by T that produce / projects due to produce by T."""
        return _rate(self.due_production_producing, self.due_production)


def funnel(projects: Iterable[Dates], day: dt.date) -> Funnel:
    """The counts, investment and rates of ``projects`` as of ``day``."""
    f = Funnel()
    for p in projects:
        f.projects += 1
        f.investment += p.investment
        for stage in STAGES:
            if p.reached(stage, day):
                f.count[stage] += 1
                f.invested[stage] += p.investment
        started = p.reached(Stage.STARTED, day)
        if p.reached(Stage.SIGNED, day) and started:
            f.signed_started += 1
        if p.due(Stage.STARTED, day):
            f.due_start += 1
            f.due_start_started += started
        if p.due(Stage.PRODUCING, day):
            f.due_production += 1
            f.due_production_producing += p.reached(Stage.PRODUCING, day)
        f.lagging += lag(p, day) is not None
    return f
