"""The year targets' rules, golden and hand-computed (targets/method/progress.py)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from pingyi.targets.method.progress import Direction, Kind, Status, progress, unit_share


@pytest.mark.parametrize(
    ("actual", "status", "gap"),
    [
        # target 120 (an amount), data of 1-9月: expected 90, i.e. 75% of the target
        ("88.8", Status.ON_SCHEDULE, Fraction(-1)),  # 74%: exactly 1 point behind
        ("88.79", Status.BEHIND, Fraction(8879, 120) - 75),  # a hair more than 1 point behind
        ("91.2", Status.ON_SCHEDULE, Fraction(1)),  # 76%: exactly 1 point ahead
        ("91.21", Status.AHEAD, Fraction(9121, 120) - 75),  # just over 1 point ahead
        ("90", Status.ON_SCHEDULE, Fraction(0)),  # on the line
        ("120", Status.DONE, Fraction(25)),  # the target met in September: done
        ("130", Status.DONE, Fraction(100 * 130, 120) - 75),
    ],
)
def test_an_amount_against_its_schedule(actual: str, status: Status, gap: Fraction) -> None:
    p = progress(target=Decimal(120), actual=Decimal(actual), months=9, kind=Kind.AMOUNT)
    assert p.expected == 90 and p.expected_percent == 75
    assert p.percent == Fraction(actual) * 100 / 120
    assert p.status == status
    assert p.gap == gap


def test_exactly_one_point_behind_is_on_schedule_and_a_hair_more_is_not() -> None:
    # target 7,000 (万元), data of 1-7月: expected share 7/12 = 58.333…%, exact
    target, months = Decimal(7000), 7
    p = progress(target=target, actual=Decimal("4013.33333333"), months=months)
    assert p.expected_percent == Fraction(175, 3)
    assert p.expected == Fraction(12250, 3)
    # 1 point behind is actual = 7000 × (175/3 − 1) / 100 = 12040/3 = 4013.333…
    exact_line = Fraction(7000) * (Fraction(175, 3) - 1) / 100
    assert progress(target=target, actual=exact_line, months=months).status == Status.ON_SCHEDULE
    assert (
        progress(target=target, actual=exact_line - Fraction(1, 10**9), months=months).status
        == Status.BEHIND
    )
    assert p.status == Status.BEHIND  # 4013.33333333 < 4013.333… by a hair


@pytest.mark.parametrize(
    ("actual", "months", "status"),
    [
        # a growth rate: held against its whole target every month (E = 100%)
        ("6.93", 9, Status.ON_SCHEDULE),  # 99% of 7: exactly 1 point behind
        ("6.92", 9, Status.BEHIND),  # 98.857…%
        ("7.07", 9, Status.ON_SCHEDULE),  # 101%: exactly 1 point ahead
        ("7.08", 9, Status.AHEAD),
        ("7.5", 9, Status.AHEAD),  # met in September, but a rate can still fall: not done
        ("7", 12, Status.DONE),  # met with December's data
        ("6.95", 12, Status.ON_SCHEDULE),  # missed by 0.71 point of the target
        ("-1.5", 3, Status.BEHIND),  # a fall
    ],
)
def test_a_rate_against_its_whole_target(actual: str, months: int, status: Status) -> None:
    p = progress(target=Decimal(7), actual=Decimal(actual), months=months, kind=Kind.RATE)
    assert p.expected_percent == 100 and p.expected == 7
    assert p.status == status


@pytest.mark.parametrize(
    ("actual", "months", "status"),
    [
        # 综合能耗, a ceiling of 100 for the year (lower is better), data of 1-6月: E = 50%
        ("51", 6, Status.ON_SCHEDULE),  # 1 point over the budget by now: within the point
        ("51.01", 6, Status.BEHIND),  # a hair more: behind
        ("49", 6, Status.ON_SCHEDULE),  # 1 point under: within the point
        ("48.99", 6, Status.AHEAD),  # a hair further under: ahead
        ("30", 6, Status.AHEAD),  # far under, but the year is not over: not done
        ("100", 12, Status.DONE),  # at the ceiling in December: met
        ("101", 12, Status.ON_SCHEDULE),  # 1 point over the ceiling in December
        ("102", 12, Status.BEHIND),
    ],
)
def test_lower_is_better(actual: str, months: int, status: Status) -> None:
    p = progress(
        target=Decimal(100), actual=Decimal(actual), months=months, direction=Direction.LOWER
    )
    assert p.status == status
    assert p.gap == p.expected_percent - Fraction(actual)  # E − P: positive is good


def test_no_data_and_bad_input() -> None:
    assert progress(target=10, actual=None, months=3).status == Status.NO_DATA
    with pytest.raises(ValueError, match="above 0"):
        progress(target=0, actual=1, months=3)
    with pytest.raises(ValueError, match="1-12"):
        progress(target=10, actual=1, months=13)
    with pytest.raises(ValueError, match="1-12"):
        progress(target=10, actual=1, months=0)


def test_a_units_share_and_all_red() -> None:
    red = unit_share([Status.DONE, Status.AHEAD, Status.ON_SCHEDULE])
    assert (red.on_schedule, red.total, red.share, red.all_red) == (3, 3, Fraction(1), True)
    one_behind = unit_share([Status.AHEAD, Status.BEHIND, Status.ON_SCHEDULE])
    assert one_behind.share == Fraction(2, 3) and not one_behind.all_red
    # a target without data is not on schedule: no 全年红 by silence
    silent = unit_share([Status.AHEAD, Status.NO_DATA])
    assert silent.share == Fraction(1, 2) and not silent.all_red
    nothing = unit_share([])
    assert nothing.share is None and not nothing.all_red
