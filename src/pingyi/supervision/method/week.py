"""The weekly cycle (周交办点评), exactly: ISO weeks, the report deadline, on time or late,
each unit's on-time rate and rank, the week's best and worst units. Pure: no Django.

Rules (docs/supervision.md, "The weekly cycle"; tests/supervision/test_week_rules.py):

1. A week is an ISO week (``2026-W41``): Monday to Sunday. ``2026-W53`` exists only in the
   years that have it; ``2026-W00``, ``2026-W54``, ``2026W41``, ``41`` are refused in words.
2. The report deadline of a week's assignment sheet (交办单) defaults to Friday 12:00 of that
   week (local time); one set by the office must fall within the week (Monday 00:00 to
   Sunday 23:59:59), since only reports dated in the week count for it.
3. Who owes a report: the lead unit (牵头单位) of each item on the sheet, one report per item
   (co-units may report too; they owe none). A unit that leads three items on the sheet owes
   three reports.
4. What a report counts as, for its item and unit: of the reports of that unit on that item
   that are *dated in the week* (``reported_on`` Monday to Sunday) and not returned (退回),
   the first filed (``filed_at``, the moment it was entered) decides: filed at or before the
   deadline → ``on_time``; after → ``late``; no such report → ``missing``. A report dated
   before Monday (last week's) or after Sunday does not count for the week, whenever filed.
5. A unit's on-time rate = on time ÷ owed, an exact Fraction (late and missing count
   against it alike; a late report still counts as *reported*). Units that owe nothing this
   week are not rated or ranked.
6. Rank: by rate, highest first; equal rates share a rank and the next rank skips (1, 2, 2,
   4), like the appraisal; ties are listed in the caller's unit order.
7. Best and worst (the bulletin's 表扬 / 通报): the best are the units of the top rate and
   the worst those of the bottom rate, when the rates differ. When every rated unit has the
   same rate: all are best if it is 100 %, all worst if it is 0 %, neither otherwise. So a
   unit is never both, and nobody is praised for 0 % or blamed for 100 %.
8. A rate shown as a percent has one decimal, rounded half up from the exact Fraction
   (2/3 → 66.7, 1/8 → 12.5, 1/1 → 100.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Literal

__all__ = [
    "Filed",
    "Owed",
    "UnitWeek",
    "Week",
    "WeekError",
    "best_and_worst",
    "count",
    "default_deadline",
    "percent_text",
    "tally",
]

Outcome = Literal["on_time", "late", "missing"]
ON_TIME: Outcome = "on_time"
LATE: Outcome = "late"
MISSING: Outcome = "missing"
_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")
#: the default deadline: Friday (weekday 4) at 12:00
DEADLINE_WEEKDAY, DEADLINE_TIME = 4, time(12, 0)


class WeekError(ValueError):
    """A week or a deadline that cannot be: the message says what and why."""


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week: ``year`` (the ISO year, which may differ from the calendar year of its
    days: 2026-12-31 is in 2026-W53, 2027-01-01 too) and ``week`` 1..52 or 53."""

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9998:
            raise WeekError(f"year {self.year}: out of range")
        last = date(self.year, 12, 28).isocalendar()[1]
        if not 1 <= self.week <= last:
            raise WeekError(f"week {self.week} of {self.year}: the ISO year has weeks 1 to {last}")

    @classmethod
    def parse(cls, text: str) -> Week:
        """``2026-W41`` (also ``2026-w41``, ``2026-W5``)."""
        match = _WEEK.fullmatch(str(text).strip().upper())
        if match is None:
            raise WeekError(f"{text!r}: write an ISO week as YYYY-Www, e.g. 2026-W41")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Week:
        """The week ``day`` is in."""
        iso = day.isocalendar()
        return cls(iso[0], iso[1])

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def day(self, weekday: int) -> date:
        """The day of the week, Monday = 0."""
        return self.monday + timedelta(days=weekday)

    def holds(self, day: date) -> bool:
        return self.monday <= day <= self.sunday

    def next(self) -> Week:
        return Week.of(self.monday + timedelta(days=7))

    def previous(self) -> Week:
        return Week.of(self.monday - timedelta(days=7))


def default_deadline(week: Week) -> datetime:
    """Friday 12:00 of the week, naive (the caller's local time)."""
    return datetime.combine(week.day(DEADLINE_WEEKDAY), DEADLINE_TIME)


def check_deadline(week: Week, deadline: datetime) -> None:
    """Rule 2: the deadline's day is in the week (compared in the deadline's own time)."""
    if not week.holds(deadline.date()):
        raise WeekError(
            f"the report deadline {deadline:%Y-%m-%d %H:%M} is not in {week} "
            f"({week.monday:%Y-%m-%d} to {week.sunday:%Y-%m-%d})"
        )


@dataclass(frozen=True)
class Owed:
    """One report owed: ``unit`` (a key) for ``item`` (a key)."""

    unit: str
    item: str


@dataclass(frozen=True)
class Filed:
    """A report as the week reads it. ``filed_at`` and the deadline must be comparable (both
    aware, or both naive in one time zone)."""

    unit: str
    item: str
    reported_on: date
    filed_at: datetime
    returned: bool = False


def outcome(week: Week, deadline: datetime, reports: Iterable[Filed]) -> Outcome:
    """Rule 4 for the reports of one unit on one item."""
    counted = [r for r in reports if not r.returned and week.holds(r.reported_on)]
    if not counted:
        return MISSING
    first = min(r.filed_at for r in counted)
    return ON_TIME if first <= deadline else LATE


@dataclass
class UnitWeek:
    """A unit's week: what it owed, and how each owed report came."""

    unit: str
    owed: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    rank: int | None = None
    #: item key → outcome, in the order owed
    items: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.on_time, self.owed) if self.owed else None

    @property
    def reported(self) -> int:
        return self.on_time + self.late


def count(
    week: Week, deadline: datetime, owed: Iterable[Owed], filed: Iterable[Filed]
) -> dict[str, UnitWeek]:
    """Rules 3–4: each unit's outcomes, units in the order they first owe (duplicates of one
    owed pair count once)."""
    by_pair: dict[tuple[str, str], list[Filed]] = {}
    for report in filed:
        by_pair.setdefault((report.unit, report.item), []).append(report)
    units: dict[str, UnitWeek] = {}
    for o in owed:
        unit = units.setdefault(o.unit, UnitWeek(o.unit))
        if o.item in unit.items:
            continue
        result = outcome(week, deadline, by_pair.get((o.unit, o.item), ()))
        unit.items[o.item] = result
        unit.owed += 1
        setattr(unit, result, getattr(unit, result) + 1)
    return units


def rank(units: Sequence[UnitWeek]) -> list[UnitWeek]:
    """Rule 6: the rated units by rate, highest first, with competition ranks (1, 2, 2, 4);
    ties keep the given order. Units that owe nothing are left out."""
    rated = [u for u in units if u.owed]
    rated.sort(key=lambda u: -(u.rate or 0))  # stable: ties in the caller's order
    previous: Fraction | None = None
    for position, unit in enumerate(rated, start=1):
        if unit.rate != previous:
            unit.rank, previous = position, unit.rate
        else:
            unit.rank = rated[position - 2].rank
    return rated


def best_and_worst(ranked: Sequence[UnitWeek]) -> tuple[list[str], list[str]]:
    """Rule 7: (best, worst) unit keys, in ranked order."""
    rates = [u.rate for u in ranked if u.rate is not None]
    if not rates:
        return [], []
    top, bottom = max(rates), min(rates)
    if top != bottom:
        return (
            [u.unit for u in ranked if u.rate == top],
            [u.unit for u in ranked if u.rate == bottom],
        )
    everyone = [u.unit for u in ranked]
    if top == 1:
        return everyone, []
    if top == 0:
        return [], everyone
    return [], []


def tally(
    week: Week,
    deadline: datetime,
    owed: Iterable[Owed],
    filed: Iterable[Filed],
    order: Sequence[str] = (),
) -> tuple[list[UnitWeek], list[str], list[str]]:
    """Rules 3–7 at once: (ranked units, best, worst). ``order`` lists unit keys in the
    office's order (ties and the table follow it; units not in it come after, by key)."""
    units = count(week, deadline, owed, filed)
    place = {key: i for i, key in enumerate(order)}
    listed = sorted(units.values(), key=lambda u: (place.get(u.unit, len(place)), u.unit))
    ranked = rank(listed)
    best, worst = best_and_worst(ranked)
    return ranked, best, worst


def percent_text(rate: Fraction | None) -> str:
    """Rule 8: ``66.7`` for 2/3; ``—`` without a rate."""
    if rate is None:
        return "—"
    tenths = (rate.numerator * 2000 + rate.denominator) // (2 * rate.denominator)
    return f"{tenths // 10}.{tenths % 10}"
