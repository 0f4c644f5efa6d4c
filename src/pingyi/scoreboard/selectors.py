"""Reading the arena: its units, a month's values, and a frozen month's ranking ready to show
(the pages, the public page and the big-screen boards use :func:`board`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from pingyi.orgs.models import Unit
from pingyi.scoreboard.models import Arena, Indicator, Month, MonthState, Value


def arenas() -> QuerySet[Arena]:
    return Arena.objects.select_related("group").order_by("key")


def arena_units(arena: Arena) -> list[Unit]:
    """The track: the active units of the arena's group, in the units' order."""
    return list(arena.group.units.filter(active=True).order_by("order", "code"))


def indicators(arena: Arena) -> list[Indicator]:
    return list(arena.indicators.order_by("position", "id"))


def months(arena: Arena) -> QuerySet[Month]:
    return arena.months.order_by("-period")


def month_of(arena_key: str, period: str) -> Month | None:
    return (
        Month.objects.select_related("arena", "arena__group")
        .filter(arena__key=arena_key, period=period)
        .first()
    )


def previous_frozen(month: Month) -> Month | None:
    """The latest frozen or published month of the same arena before ``month``."""
    return (
        Month.objects.filter(
            arena_id=month.arena_id,
            period__lt=month.period,
            state__in=(MonthState.FROZEN, MonthState.PUBLISHED),
        )
        .order_by("-period")
        .first()
    )


def ranks_of(month: Month) -> dict[str, int]:
    """unit code → rank in a frozen month's results."""
    if not month.results_json:
        return {}
    return {row["unit"]: row["rank"] for row in json.loads(month.results_json)["ranking"]}


def value_grid(month: Month) -> dict[tuple[int, int], Value]:
    """(unit id, indicator id) → the month's value."""
    return {(v.unit_id, v.indicator_id): v for v in month.values.all()}


def published_months() -> QuerySet[Month]:
    return (
        Month.objects.filter(state=MonthState.PUBLISHED)
        .select_related("arena")
        .order_by("-period", "arena__key")
    )


def published_month(arena_key: str, period: str) -> Month | None:
    month = month_of(arena_key, period)
    return month if month is not None and month.state == MonthState.PUBLISHED else None


def latest_published() -> Month | None:
    return published_months().first()


@dataclass(frozen=True)
class BoardRow:
    rank: int
    unit: str
    name: str
    score: str
    change: int | None
    #: "up", "down", "same" or "new" (no previous rank): the arrow ▲ ▼ and the word
    movement: str
    points: list[str]
    red: bool
    black: bool
    exempt: bool


@dataclass(frozen=True)
class Board:
    """A frozen month's ranking, ready to show (every figure as text)."""

    arena: str
    name: str
    period: str
    indicators: list[dict[str, Any]]
    rows: list[BoardRow]
    red: list[BoardRow]
    black: list[BoardRow]
    warnings: int


def board(month: Month) -> Board | None:
    """The ranking of a frozen or published month (None while open), from its stored
    results.json: what anyone recomputes from the bundle is what is shown."""
    if not month.results_json or not month.arena_json:
        return None
    results = json.loads(month.results_json)
    spec = json.loads(month.arena_json)
    keys = [x["key"] for x in spec["indicators"]]
    red, black = set(results["red"]), set(results["black"])
    exempt = {row.pk for row in month.exempt.all()}
    exempt_codes = set(Unit.objects.filter(pk__in=exempt).values_list("code", flat=True))
    rows = []
    for row in results["ranking"]:
        change = row["change"]
        movement = (
            "new" if change is None else "up" if change > 0 else "down" if change < 0 else "same"
        )
        rows.append(
            BoardRow(
                rank=row["rank"],
                unit=row["unit"],
                name=row["name"],
                score=row["score"],
                change=change,
                movement=movement,
                points=[row["indicators"][k] for k in keys],
                red=row["unit"] in red,
                black=row["unit"] in black,
                exempt=row["unit"] in exempt_codes,
            )
        )
    return Board(
        arena=month.arena.key,
        name=spec["name"],
        period=month.period,
        indicators=spec["indicators"],
        rows=rows,
        red=[r for r in rows if r.red],
        black=[r for r in rows if r.black],
        warnings=len(results["warnings"]),
    )
