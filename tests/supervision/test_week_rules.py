"""The weekly cycle's pure rules (supervision/method/week.py), attacked at their edges: ISO
weeks (53-week years, the year boundary, bad spellings), the Friday-12:00 default and a
deadline outside the week, on time at the exact second and late one second after, reports
of last week or next week, returned reports, the first filing deciding, duplicates, exact
rates and the 1, 2, 2, 4 ranks, best and worst when everyone ties, and one-decimal percents
rounded half up."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest

from pingyi.supervision.method.week import (
    Filed,
    Owed,
    UnitWeek,
    Week,
    WeekError,
    best_and_worst,
    check_deadline,
    default_deadline,
    outcome,
    percent_text,
    rank,
    tally,
)

W41 = Week(2026, 41)  # 2026-10-05 (Monday) to 2026-10-11
DEADLINE = datetime(2026, 10, 9, 12, 0)


def test_iso_weeks_parse_and_span() -> None:
    assert Week.parse("2026-W41") == W41 == Week.parse(" 2026-w41 ")
    assert (W41.monday, W41.sunday) == (date(2026, 10, 5), date(2026, 10, 11))
    assert str(Week.parse("2026-W5")) == "2026-W05"
    # the ISO year is not the calendar year at the edges
    assert Week.of(date(2027, 1, 1)) == Week(2026, 53)
    assert Week.of(date(2024, 12, 30)) == Week(2025, 1)
    assert Week(2026, 53).next() == Week(2027, 1)
    assert Week(2027, 1).previous() == Week(2026, 53)


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2025-W53", "2026W41", "41", "", "W41"])
def test_weeks_that_are_not(text: str) -> None:
    with pytest.raises(WeekError):
        Week.parse(text)


def test_the_deadline_defaults_to_friday_noon_and_stays_in_the_week() -> None:
    assert default_deadline(W41) == DEADLINE
    check_deadline(W41, datetime(2026, 10, 11, 23, 59))
    check_deadline(W41, datetime(2026, 10, 5, 0, 0))
    for outside in (datetime(2026, 10, 12, 0, 0), datetime(2026, 10, 4, 23, 59)):
        with pytest.raises(WeekError, match="not in 2026-W41"):
            check_deadline(W41, outside)


def _f(day: date, at: datetime, *, returned: bool = False) -> Filed:
    return Filed("a", "1", day, at, returned=returned)


def test_on_time_to_the_second_late_one_second_after() -> None:
    friday = date(2026, 10, 9)
    assert outcome(W41, DEADLINE, [_f(friday, DEADLINE)]) == "on_time"
    assert outcome(W41, DEADLINE, [_f(friday, DEADLINE + timedelta(seconds=1))]) == "late"
    assert outcome(W41, DEADLINE, []) == "missing"


def test_only_reports_dated_in_the_week_count_and_the_first_filed_decides() -> None:
    early = DEADLINE - timedelta(days=1)
    # last week's report, filed this week before the deadline: not this week's
    assert outcome(W41, DEADLINE, [_f(date(2026, 10, 4), early)]) == "missing"
    # dated next Monday (filed early by mistake): not this week's
    assert outcome(W41, DEADLINE, [_f(date(2026, 10, 12), early)]) == "missing"
    # a returned report counts for nothing
    assert outcome(W41, DEADLINE, [_f(date(2026, 10, 8), early, returned=True)]) == "missing"
    # a late one does not spoil an on-time one, whatever the order given
    late = _f(date(2026, 10, 9), DEADLINE + timedelta(hours=3))
    assert outcome(W41, DEADLINE, [late, _f(date(2026, 10, 6), early)]) == "on_time"
    # dated Sunday, filed Sunday evening: in the week, but late
    sunday = _f(date(2026, 10, 11), datetime(2026, 10, 11, 20, 0))
    assert outcome(W41, DEADLINE, [sunday]) == "late"


def _unit(key: str, on_time: int, owed: int) -> UnitWeek:
    return UnitWeek(key, owed=owed, on_time=on_time, missing=owed - on_time)


def test_ranks_share_and_skip_like_the_appraisal() -> None:
    units = [
        _unit("a", 1, 2),
        _unit("b", 2, 2),
        _unit("c", 2, 4),
        _unit("d", 0, 3),
        _unit("e", 0, 0),
    ]
    ranked = rank(units)
    assert [(u.unit, u.rank) for u in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]
    assert ranked[1].rate == Fraction(1, 2) == ranked[2].rate  # 1/2 and 2/4: the same rate
    assert units[4].rank is None  # owes nothing: not ranked


def test_best_and_worst() -> None:
    assert best_and_worst(rank([_unit("a", 1, 1), _unit("b", 1, 2), _unit("c", 1, 2)])) == (
        ["a"],
        ["b", "c"],
    )
    assert best_and_worst(rank([_unit("a", 2, 2), _unit("b", 1, 1)])) == (["a", "b"], [])
    assert best_and_worst(rank([_unit("a", 0, 2), _unit("b", 0, 1)])) == ([], ["a", "b"])
    assert best_and_worst(rank([_unit("a", 1, 2), _unit("b", 2, 4)])) == ([], [])
    assert best_and_worst([]) == ([], [])


def test_tally_counts_each_owed_report_once_in_the_office_order() -> None:
    owed = [Owed("b", "1"), Owed("a", "2"), Owed("a", "3"), Owed("a", "2")]
    filed = [
        Filed("a", "2", date(2026, 10, 6), DEADLINE - timedelta(hours=1)),
        Filed("a", "3", date(2026, 10, 9), DEADLINE + timedelta(minutes=1)),
        Filed("b", "1", date(2026, 10, 9), DEADLINE),
        Filed("b", "2", date(2026, 10, 9), DEADLINE),  # b owes nothing on item 2
    ]
    ranked, best, worst = tally(W41, DEADLINE, owed, filed, order=["a", "b"])
    assert [(u.unit, u.owed, u.on_time, u.late, u.missing, u.rank) for u in ranked] == [
        ("b", 1, 1, 0, 0, 1),
        ("a", 2, 1, 1, 0, 2),
    ]
    assert (best, worst) == (["b"], ["a"])


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (Fraction(2, 3), "66.7"),
        (Fraction(1, 3), "33.3"),
        (Fraction(1, 8), "12.5"),
        (Fraction(1, 16), "6.3"),
        (Fraction(1, 1), "100.0"),
        (Fraction(0), "0.0"),
        (None, "—"),
    ],
)
def test_percents_have_one_decimal_rounded_half_up(rate: Fraction | None, shown: str) -> None:
    assert percent_text(rate) == shown
