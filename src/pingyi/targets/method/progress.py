"""Year targets (全年红): 序时进度 and the statuses, exact (no Django; docs/scoreboard-data.md).

For an indicator with annual target ``T`` (> 0) and the cumulative actual ``A`` of months
1…``m`` (the month of the data, 1-12):

- the **expected share** ``E`` (序时进度), in percent: ``m / 12 × 100`` for an amount that
  accumulates over the year (``amount``: 社会消费品零售总额, 一般公共预算收入), and ``100`` for a
  rate (``rate``: 地区生产总值增速 …, a year-to-date growth rate is held against the whole
  target in every month); ``expected = T × E / 100``;
- the **completion** ``P = A / T × 100`` (percent of the annual target);
- the **gap** in percentage points: ``P − E`` when higher is better, ``E − P`` when lower
  is better (能耗, a ceiling); positive is good;
- the status:
  - 已完成 (``done``): the target is met — ``A ≥ T`` (higher) or ``A ≤ T`` (lower) — for a
    higher amount in any month, for anything else only with December's data (a rate can still
    fall, a ceiling can still be broken);
  - 超进度 (``ahead``): gap > 1 point;
  - 达进度 (``on_schedule``): −1 ≤ gap ≤ 1 (within 1 percentage point of the expected share,
    both ends included);
  - 欠进度 (``behind``): gap < −1;
  - 无数据 (``no_data``): no actual for that month.
- **on schedule** (at or ahead): done, ahead, on_schedule; **全年红**: a unit with at least one
  target, every one of them on schedule.

Every number is a :class:`fractions.Fraction`: no rounding anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

#: 达进度's margin: the completion may be this many percentage points from the expected share.
TOLERANCE = Fraction(1)


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Kind(StrEnum):
    AMOUNT = "amount"
    RATE = "rate"


class Status(StrEnum):
    DONE = "done"
    AHEAD = "ahead"
    ON_SCHEDULE = "on_schedule"
    BEHIND = "behind"
    NO_DATA = "no_data"


ON_SCHEDULE = frozenset({Status.DONE, Status.AHEAD, Status.ON_SCHEDULE})


@dataclass(frozen=True)
class Progress:
    status: Status
    expected_percent: Fraction  # E
    expected: Fraction  # T × E / 100
    percent: Fraction | None  # P
    gap: Fraction | None  # percentage points, positive is good

    @property
    def on_schedule(self) -> bool:
        return self.status in ON_SCHEDULE


def _exact(value: Fraction | Decimal | int) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def expected_percent(months: int, kind: Kind) -> Fraction:
    if not 1 <= months <= 12:
        raise ValueError(f"months elapsed must be 1-12, not {months}")
    return Fraction(100) if kind == Kind.RATE else Fraction(months * 100, 12)


def progress(
    *,
    target: Fraction | Decimal | int,
    actual: Fraction | Decimal | int | None,
    months: int,
    direction: Direction = Direction.HIGHER,
    kind: Kind = Kind.AMOUNT,
) -> Progress:
    """The status of one target with the actual of ``months`` months (see the module)."""
    t = _exact(target)
    if t <= 0:
        raise ValueError("a target must be above 0")
    e = expected_percent(months, kind)
    expected = t * e / 100
    if actual is None:
        return Progress(Status.NO_DATA, e, expected, None, None)
    a = _exact(actual)
    p = a / t * 100
    higher = direction == Direction.HIGHER
    gap = p - e if higher else e - p
    met = a >= t if higher else a <= t
    if met and (months == 12 or (higher and kind == Kind.AMOUNT)):
        status = Status.DONE
    elif gap > TOLERANCE:
        status = Status.AHEAD
    elif gap >= -TOLERANCE:
        status = Status.ON_SCHEDULE
    else:
        status = Status.BEHIND
    return Progress(status, e, expected, p, gap)


@dataclass(frozen=True)
class UnitShare:
    on_schedule: int
    total: int
    share: Fraction | None  # on_schedule / total; None without targets
    all_red: bool  # 全年红


def unit_share(statuses: Iterable[Status]) -> UnitShare:
    """A unit's share of targets on schedule and whether it is 全年红."""
    listed = list(statuses)
    good = sum(1 for s in listed if s in ON_SCHEDULE)
    total = len(listed)
    return UnitShare(
        good, total, Fraction(good, total) if total else None, bool(total) and good == total
    )
