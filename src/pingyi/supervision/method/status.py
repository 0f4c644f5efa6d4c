"""The status of an item on day T, exactly as SUPERVISION.md "Statuses (exact)" says.

    status = the first that holds of
    1. done      the office verified the closure (办结销号) on or before T;
    2. overdue   T > D (never for `recurring`, `ongoing` or `unknown` items);
    3. lagging   R < E − 10 (items with a due date, not recurring); or a milestone's due < T
                 and it is not done; or T is after the 2nd working day following L + cadence
                 (L: the latest report's date, else S); or the latest report was rated 差;
                 recurring items also: an occurrence passed more than 2 working days ago with
                 no report dated in the period that ends at it;
    4. due_soon  at most 3 working days from T (exclusive) to D (inclusive);
    5. on_track  otherwise.

Terms:
- S, the start: the item's start, else its assignment date A (the caller gives one date).
- D, the effective due: the latest approved extension's new due, else the parsed due; for a
  recurring item the current occurrence (the first on or after T, never before the first due).
  `ongoing` and `unknown` items have no D: never overdue, no E rule, never due_soon.
- E, expected progress (序时进度) = clamp((T − S) / (D − S), 0, 1) × 100 in calendar days, a
  Fraction (exact). When D ≤ S the item is due no later than it starts and E = 100 whatever T
  (the spec's "E = 100 when D ≤ S ≤ T"; for T ≤ D < S it is also what the clamped formula
  gives, for D = S > T the formula divides by zero, and for D < T < S the item is overdue
  anyway). Before S (and D > S) E is 0: nothing is expected yet.
- R, reported progress: the percent of the latest accepted report dated ≤ T (0 if none).
  The 10-point rule is R < E − 10 in exact arithmetic: exactly 10 points behind is not lagging,
  10.0001 behind is.
- Shown on a page, E is rounded UP to a whole percent (`percent_shown`): for a whole-number R,
  "R < E − 10" holds exactly when R < ceil(E) − 10, so the figures a page shows never
  contradict the status (E = 20.4, R = 10: shown 21 and 10, lagging; E = 20, R = 10: not).

Only facts dated on or before T count, so the status of any past day can be recomputed and
does not change when later facts arrive: reports dated after T are ignored; a closure counts
from its verification day; an extension that carries its decision day counts from that day;
a milestone that carries the day it was done counts as done from that day.

Edge cases, decided here:
- T before S: E = 0; nothing is overdue yet (T < S < D); the cadence rule cannot fire (L = S
  is after T); due_soon and the milestone rule still apply.
- D ≤ S: E = 100 (above).
- An extension approved after D (the office may decide late): without `decided_on` it counts
  for every T, so the past days between D and the decision read as if the extension had
  always been there; with `decided_on` the item is overdue from D + 1 until the decision
  day, and from then on it is judged against the new due. Several approved extensions: the
  last one (in the order given, which is the order of decision) that counts on T wins.
  Extensions do not move a recurring item's occurrences, nor milestones.
- "The latest report" (for L and for the 差 rule) is any report dated ≤ T that the office
  has not returned (退回): accepted or awaiting acceptance (a unit that reported on time is
  not lagging because the office has not read it yet). A returned report counts for nothing.
  R reads accepted reports only. Reports on the same date: the later in the order given is
  the latest.
- Recurring items: "an occurrence passed more than 2 working days ago" is read like the
  cadence rule: T is after the 2nd working day following the occurrence O. Only the latest
  such occurrence is judged (a missed period followed by a reported one is no longer
  lagging), and its period is (the occurrence before it, O]; the first occurrence's period
  is every day up to it. A report must be dated inside the period: one filed after O counts
  for the next period. due_soon is judged against the next occurrence on or after T (so a
  weekly item is due_soon in the last 3 working days before each occurrence, and on it).
- Milestones without a due date are ignored; the milestone rule is strict: a milestone due
  on T is not yet missed on T.
- done dominates: a verified closure wins over every other rule, overdue included.

Reasons (`ItemStatus.reasons`) name why, for the pages: done → ["closed"]; overdue →
["past_due"]; lagging → every one that holds of "behind_schedule", "milestone_missed",
"no_report_since", "occurrence_not_reported", "rated_poor"; due_soon → ["due_soon"];
on_track → []. Warnings: ["calendar_unknown_year"] when a working-day count reached a year
that neither the official calendar nor the office's overrides know (workdays.py).

Pure: no Django import.
"""

from __future__ import annotations

import calendar as _gregorian
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from pingyi.supervision.method.workdays import WorkingDays, default_calendar

__all__ = [
    "CADENCES",
    "EVERIES",
    "KINDS",
    "RATINGS",
    "STATUSES",
    "Extension",
    "ItemFacts",
    "ItemStatus",
    "Milestone",
    "Report",
    "add_months",
    "item_status",
    "occurrence_before",
    "occurrence_on_or_after",
    "percent_shown",
]

Status = Literal["done", "overdue", "lagging", "due_soon", "on_track"]
Kind = Literal["date", "recurring", "ongoing", "immediate", "unknown"]
Every = Literal["week", "month", "quarter", "half"]
Cadence = Literal["week", "month", "quarter", "none"]

#: in the order the rules try them
STATUSES: tuple[Status, ...] = ("done", "overdue", "lagging", "due_soon", "on_track")
KINDS: tuple[Kind, ...] = ("date", "recurring", "ongoing", "immediate", "unknown")
EVERIES: tuple[Every, ...] = ("week", "month", "quarter", "half")
CADENCES: tuple[Cadence, ...] = ("week", "month", "quarter", "none")
#: a leader's comment (点评); the last one is the lagging rule's
RATINGS: tuple[str, ...] = ("好", "较好", "一般", "差")
POOR = "差"

#: the lagging rule: more than this many points behind E
LAG_POINTS = 10
#: due_soon: at most this many working days from T (exclusive) to D (inclusive)
DUE_SOON_WORKING_DAYS = 3
#: the grace after L + cadence, and after a recurring item's occurrence, in working days
GRACE_WORKING_DAYS = 2

_HUNDRED = Fraction(100)


# --- inputs -----------------------------------------------------------------------------


def _check_date(value: Any, what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what}: expected a date, got {value!r}")


def _percent(value: Any, what: str) -> Fraction:
    """A percent 0–100 as an exact Fraction; a float is read as the decimal it prints as."""
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected a number 0–100, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what}: {value!r} is not a number 0–100")
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what}: {value!r} is not a number 0–100")
        value = Fraction(value)
    if not isinstance(value, int | Fraction):
        raise TypeError(f"{what}: expected a number 0–100, got {value!r}")
    percent = Fraction(value)
    if not 0 <= percent <= 100:
        raise ValueError(f"{what}: {value} is outside 0–100")
    return percent


@dataclass(frozen=True)
class Milestone:
    """A stage of the item: its due date (None: undated, ignored) and whether it is done.

    `done_on`, when known, is the day it was done: before that day it does not count as done
    (so a past day is judged as it was)."""

    due: date | None
    done: bool = False
    done_on: date | None = None

    def __post_init__(self) -> None:
        _check_date(self.due, "milestone due", optional=True)
        _check_date(self.done_on, "milestone done_on", optional=True)

    def done_by(self, day: date) -> bool:
        return self.done and (self.done_on is None or self.done_on <= day)


@dataclass(frozen=True)
class Report:
    """A progress report (进展报告): its date, percent (0–100), whether the office accepted it,
    the leader's rating (好/较好/一般/差 or None) and whether the office returned it (退回)."""

    date: date
    percent: Fraction | Decimal | int
    accepted: bool = True
    rating: str | None = None
    returned: bool = False

    def __post_init__(self) -> None:
        _check_date(self.date, "report date")
        object.__setattr__(self, "percent", _percent(self.percent, f"report of {self.date}"))
        if self.rating is not None and self.rating not in RATINGS:
            raise ValueError(
                f"report of {self.date}: rating {self.rating!r} is not one of {'/'.join(RATINGS)}"
            )
        if self.accepted and self.returned:
            raise ValueError(f"report of {self.date}: both accepted and returned")


@dataclass(frozen=True)
class Extension:
    """An extension request (延期申请): approved or not, the new due date, and (if known)
    the day the office decided, from which it counts."""

    approved: bool
    new_due: date
    decided_on: date | None = None

    def __post_init__(self) -> None:
        _check_date(self.new_due, "extension new_due")
        _check_date(self.decided_on, "extension decided_on", optional=True)

    def counts_on(self, day: date) -> bool:
        return self.approved and (self.decided_on is None or self.decided_on <= day)


def _as_tuple(values: Iterable[Any], cls: type, what: str) -> tuple[Any, ...]:
    """Instances of `cls`, or plain tuples in its field order, as a tuple of `cls`."""
    out = []
    for i, value in enumerate(values):
        if isinstance(value, cls):
            out.append(value)
        elif isinstance(value, tuple | list):
            out.append(cls(*value))
        else:
            raise TypeError(f"{what}[{i}]: expected a {cls.__name__} or a tuple, got {value!r}")
    return tuple(out)


@dataclass(frozen=True)
class ItemFacts:
    """What the status of an item depends on (the deadline parser's meaning, the list's
    cadence, the item's history). Milestones, reports and extensions may be given as the
    dataclasses above or as plain tuples: (due, done), (date, percent, accepted, rating),
    (approved, new_due)."""

    kind: Kind
    #: the parsed due (the first occurrence for a recurring item); None for ongoing/unknown
    due: date | None
    #: S: the item's start, else its assignment date A
    start: date
    every: Every | None = None
    #: a recurring item's day: week → weekday 0–6 (Monday 0); month → day 1–31 (past the
    #: month's end: its last day; 31 = always the last day). None: read from `due`
    anchor: int | None = None
    milestones: tuple[Milestone, ...] = ()
    reports: tuple[Report, ...] = ()
    extensions: tuple[Extension, ...] = ()
    #: the day the office verified the closure (办结销号), None while open
    closed_on: date | None = None
    cadence: Cadence = "week"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.cadence not in CADENCES:
            raise ValueError(f"cadence {self.cadence!r} is not one of {', '.join(CADENCES)}")
        _check_date(self.start, "start")
        _check_date(self.due, "due", optional=True)
        _check_date(self.closed_on, "closed_on", optional=True)
        if self.kind in ("date", "immediate", "recurring") and self.due is None:
            raise ValueError(f"a {self.kind!r} item needs a due date")
        if self.kind == "recurring":
            if self.every not in EVERIES:
                raise ValueError(
                    f"a recurring item needs every = {'/'.join(EVERIES)}, got {self.every!r}"
                )
            if self.anchor is not None:
                _check_anchor(self.every, self.anchor)
        object.__setattr__(self, "milestones", _as_tuple(self.milestones, Milestone, "milestones"))
        object.__setattr__(self, "reports", _as_tuple(self.reports, Report, "reports"))
        object.__setattr__(self, "extensions", _as_tuple(self.extensions, Extension, "extensions"))


@dataclass(frozen=True)
class ItemStatus:
    """The status on `day`, with what it was judged on and why."""

    day: date
    status: Status
    #: E (exact), None where no E rule applies (recurring, ongoing, unknown)
    expected: Fraction | None
    #: R (exact): the latest accepted report's percent dated ≤ day, 0 if none
    reported: Fraction
    #: D on that day: the effective due (the current occurrence for a recurring item)
    due: date | None
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def expected_shown(self) -> int | None:
        """E as a page shows it: rounded up to a whole percent (see `percent_shown`)."""
        return None if self.expected is None else percent_shown(self.expected)


def percent_shown(value: Fraction) -> int:
    """A percent as a page shows it: rounded UP to a whole number (33⅓ → 34, 20 → 20), so a
    whole-number R compared with the shown E reads exactly as the 10-point rule decides."""
    return math.ceil(value)


# --- calendar arithmetic ------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """`day` plus whole months: the same day number, or the month's last day when it has none
    (1-31 + 1 month = 2-28 or 2-29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def _check_anchor(every: str, anchor: int) -> None:
    if isinstance(anchor, bool) or not isinstance(anchor, int):
        raise TypeError(f"anchor {anchor!r}: expected an integer")
    if every == "week" and not 0 <= anchor <= 6:
        raise ValueError(f"weekly anchor {anchor}: a weekday 0 (Monday) to 6 (Sunday)")
    if every == "month" and not 1 <= anchor <= 31:
        raise ValueError(f"monthly anchor {anchor}: a day 1 to 31 (31: the month's last day)")


def _month_day(year: int, month: int, anchor: int) -> date:
    return date(year, month, min(anchor, _gregorian.monthrange(year, month)[1]))


def _period_ends(every: str) -> tuple[int, ...]:
    return (3, 6, 9, 12) if every == "quarter" else (6, 12)


def occurrence_on_or_after(day: date, every: str, anchor: int | None = None) -> date:
    """The first occurrence on or after `day` of something due every week (on weekday
    `anchor`, 0 = Monday; default Friday), month (on day `anchor`, or the month's last day
    when it has no such day; default 31 = always the last day), quarter (3-31, 6-30, 9-30,
    12-31) or half (6-30, 12-31)."""
    _check_date(day, "day")
    if every == "week":
        weekday = 4 if anchor is None else anchor
        _check_anchor(every, weekday)
        return day + timedelta(days=(weekday - day.weekday()) % 7)
    if every == "month":
        mday = 31 if anchor is None else anchor
        _check_anchor(every, mday)
        this = _month_day(day.year, day.month, mday)
        if this >= day:
            return this
        following = add_months(date(day.year, day.month, 1), 1)
        return _month_day(following.year, following.month, mday)
    if every in ("quarter", "half"):
        for month in _period_ends(every):
            end = _month_day(day.year, month, 31)
            if end >= day:
                return end
        raise AssertionError("unreachable: December ends every year")  # pragma: no cover
    raise ValueError(f"every {every!r} is not one of {', '.join(EVERIES)}")


def occurrence_before(day: date, every: str, anchor: int | None = None) -> date:
    """The last occurrence strictly before `day` (the same schedule as above)."""
    _check_date(day, "day")
    if every == "week":
        weekday = 4 if anchor is None else anchor
        _check_anchor(every, weekday)
        return day - timedelta(days=(day.weekday() - weekday - 1) % 7 + 1)
    if every == "month":
        mday = 31 if anchor is None else anchor
        _check_anchor(every, mday)
        this = _month_day(day.year, day.month, mday)
        if this < day:
            return this
        previous = add_months(date(day.year, day.month, 1), -1)
        return _month_day(previous.year, previous.month, mday)
    if every in ("quarter", "half"):
        for month in reversed(_period_ends(every)):
            end = _month_day(day.year, month, 31)
            if end < day:
                return end
        return date(day.year - 1, 12, 31)
    raise ValueError(f"every {every!r} is not one of {', '.join(EVERIES)}")


def _anchor_of(facts: ItemFacts) -> int | None:
    """A recurring item's anchor: given, else read from its first due (a month's last day
    reads as 31, i.e. every month's last day)."""
    if facts.anchor is not None or facts.due is None:
        return facts.anchor
    if facts.every == "week":
        return facts.due.weekday()
    if facts.every == "month":
        last = _gregorian.monthrange(facts.due.year, facts.due.month)[1]
        return 31 if facts.due.day == last else facts.due.day
    return None


_CADENCE_MONTHS = {"month": 1, "quarter": 3}


def _after_cadence(day: date, cadence: str) -> date:
    if cadence == "week":
        return day + timedelta(days=7)
    return add_months(day, _CADENCE_MONTHS[cadence])


class _Calendar:
    """The working-day calendar, noting every span it was asked about (for the warnings)."""

    def __init__(self, days: WorkingDays) -> None:
        self.days = days
        self.warnings: list[str] = []

    def _note(self, a: date, b: date) -> None:
        for warning in self.days.warnings_for(a, b):
            if warning not in self.warnings:
                self.warnings.append(warning)

    def add(self, start: date, n: int) -> date:
        end = self.days.add_working_days(start, n)
        self._note(start, end)
        return end


# --- the rules --------------------------------------------------------------------------


def _effective_due(facts: ItemFacts, day: date) -> date | None:
    if facts.kind in ("ongoing", "unknown"):
        return None
    if facts.kind == "recurring":
        assert facts.due is not None and facts.every is not None  # nosec B101 # type narrowing: ItemFacts checked both
        if day <= facts.due:
            return facts.due
        return occurrence_on_or_after(day, facts.every, _anchor_of(facts))
    extended = [ext.new_due for ext in facts.extensions if ext.counts_on(day)]
    return extended[-1] if extended else facts.due


def _expected(start: date, due: date, day: date) -> Fraction:
    if due <= start:
        return _HUNDRED
    ratio = Fraction((day - start).days, (due - start).days)
    return min(max(ratio, Fraction(0)), Fraction(1)) * _HUNDRED


def _latest(reports: list[Report]) -> Report | None:
    # max() keeps the first of equals: walk backwards so the later given wins a tie
    return max(reversed(reports), key=lambda report: report.date) if reports else None


def _occurrence_unreported(
    facts: ItemFacts, day: date, filed: list[Report], cal: _Calendar
) -> bool:
    """Recurring: the latest occurrence that passed more than 2 working days before `day`
    has no report dated in the period ending at it."""
    assert facts.due is not None and facts.every is not None  # nosec B101 # type narrowing: ItemFacts checked both
    anchor = _anchor_of(facts)
    occurrence = occurrence_before(day, facts.every, anchor)
    while occurrence >= facts.due:
        if day > cal.add(occurrence, GRACE_WORKING_DAYS):
            break
        occurrence = occurrence_before(occurrence, facts.every, anchor)
    else:
        return False  # no occurrence has passed with its grace yet
    first = occurrence <= facts.due
    opened = None if first else occurrence_before(occurrence, facts.every, anchor)
    return not any(
        report.date <= occurrence and (opened is None or report.date > opened) for report in filed
    )


def item_status(facts: ItemFacts, day: date, calendar: WorkingDays | None = None) -> ItemStatus:
    """The status of the item on `day` (T), from the facts dated on or before it."""
    _check_date(day, "day")
    cal = _Calendar(calendar if calendar is not None else default_calendar())
    filed = [r for r in facts.reports if r.date <= day and not r.returned]
    accepted = [r for r in filed if r.accepted]
    latest_accepted = _latest(accepted)
    reported = Fraction(latest_accepted.percent) if latest_accepted is not None else Fraction(0)
    due = _effective_due(facts, day)
    dated = facts.kind in ("date", "immediate")
    expected = _expected(facts.start, due, day) if dated and due is not None else None

    def result(status: Status, reasons: Iterable[str] = ()) -> ItemStatus:
        return ItemStatus(
            day=day,
            status=status,
            expected=expected,
            reported=reported,
            due=due,
            reasons=tuple(reasons),
            warnings=tuple(cal.warnings),
        )

    # 1. done
    if facts.closed_on is not None and facts.closed_on <= day:
        return result("done", ["closed"])
    # 2. overdue
    if dated and due is not None and day > due:
        return result("overdue", ["past_due"])
    # 3. lagging
    reasons = []
    if expected is not None and reported < expected - LAG_POINTS:
        reasons.append("behind_schedule")
    if any(m.due is not None and m.due < day and not m.done_by(day) for m in facts.milestones):
        reasons.append("milestone_missed")
    if facts.cadence != "none":
        latest_filed = _latest(filed)
        since = latest_filed.date if latest_filed is not None else facts.start
        if day > cal.add(_after_cadence(since, facts.cadence), GRACE_WORKING_DAYS):
            reasons.append("no_report_since")
    if facts.kind == "recurring" and _occurrence_unreported(facts, day, filed, cal):
        reasons.append("occurrence_not_reported")
    latest_filed = _latest(filed)
    if latest_filed is not None and latest_filed.rating == POOR:
        reasons.append("rated_poor")
    if reasons:
        return result("lagging", reasons)
    # 4. due_soon: (T, D] holds at most 3 working days, i.e. D comes before the 4th
    if due is not None and day <= due and due < cal.add(day, DUE_SOON_WORKING_DAYS + 1):
        return result("due_soon", ["due_soon"])
    # 5.
    return result("on_track")
