"""The working-day calendar: the State Council's 2026 schedule (from chinesecalendar), the
Monday–Friday fallback with its warning for a year the library does not know, the office's
overrides, and the arithmetic (supervision/method/workdays.py)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingyi.supervision.method.workdays import (
    CALENDAR_UNKNOWN_YEAR,
    WorkingDays,
    default_calendar,
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


# The State Council's notice on the 2026 holidays (published November 2025).
HOLIDAYS_2026 = [
    *days(date(2026, 1, 1), date(2026, 1, 3)),  # 元旦
    *days(date(2026, 2, 15), date(2026, 2, 23)),  # 春节, nine days
    *days(date(2026, 4, 4), date(2026, 4, 6)),  # 清明节
    *days(date(2026, 5, 1), date(2026, 5, 5)),  # 劳动节
    *days(date(2026, 6, 19), date(2026, 6, 21)),  # 端午节
    *days(date(2026, 9, 25), date(2026, 9, 27)),  # 中秋节
    *days(date(2026, 10, 1), date(2026, 10, 7)),  # 国庆节
]
# 调休: weekend days worked to make the holidays longer
MAKE_UP_DAYS_2026 = [
    date(2026, 1, 4),  # Sunday
    date(2026, 2, 14),  # Saturday
    date(2026, 2, 28),  # Saturday
    date(2026, 5, 9),  # Saturday
    date(2026, 9, 20),  # Sunday
    date(2026, 10, 10),  # Saturday
]


def test_the_library_knows_the_projects_year() -> None:
    # the lists are of 2026; when a new year's schedule is published, chinesecalendar's
    # next release carries it (scripts/lock --upgrade-package chinesecalendar)
    assert 2026 in default_calendar().known_years()
    assert 2004 in default_calendar().known_years()


@pytest.mark.parametrize("day", HOLIDAYS_2026, ids=str)
def test_the_2026_holidays_are_rest_days(day: date) -> None:
    assert default_calendar().is_working_day(day) is False


@pytest.mark.parametrize("day", MAKE_UP_DAYS_2026, ids=str)
def test_the_2026_make_up_days_are_working_days_though_weekends(day: date) -> None:
    assert day.weekday() >= 5
    assert default_calendar().is_working_day(day) is True


def test_national_day_2026_is_the_1st_to_the_7th_and_the_8th_is_worked() -> None:
    cal = default_calendar()
    assert [cal.is_working_day(d) for d in days(date(2026, 9, 30), date(2026, 10, 12))] == [
        True,  # 9-30 Wed
        *[False] * 7,  # 10-01 Thu .. 10-07 Wed
        True,  # 10-08 Thu
        True,  # 10-09 Fri
        True,  # 10-10 Sat, made up
        False,  # 10-11 Sun
        True,  # 10-12 Mon
    ]


def test_a_whole_2026_month_matches_the_schedule_day_by_day() -> None:
    cal = default_calendar()
    february = days(date(2026, 2, 1), date(2026, 2, 28))
    working = [d.day for d in february if cal.is_working_day(d)]
    assert working == [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 24, 25, 26, 27, 28]


def test_adding_working_days_across_national_day_and_the_make_up_saturday() -> None:
    cal = default_calendar()
    start = date(2026, 9, 30)
    assert cal.add_working_days(start, 1) == date(2026, 10, 8)
    assert cal.add_working_days(start, 3) == date(2026, 10, 10)
    assert cal.add_working_days(start, 4) == date(2026, 10, 12)
    assert cal.add_working_days(start, 0) == start
    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)  # not moved
    assert cal.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert cal.working_days_between(start, date(2026, 10, 10)) == 3
    assert cal.working_days_between(start, start) == 0
    # backwards: 10-10 excluded, 9-30 included (9-30, 10-08, 10-09)
    assert cal.working_days_between(date(2026, 10, 10), start) == -3
    assert cal.working_days_between(date(2026, 10, 12), date(2026, 10, 9)) == -2
    # spring festival: from Friday 2-13 the next working days are Sat 2-14, then Tue 2-24
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_a_year_the_library_does_not_know_falls_back_to_monday_to_friday_with_a_warning() -> None:
    cal = default_calendar()
    after = cal.known_years().stop  # 2027 with chinesecalendar 1.11
    before = cal.known_years().start - 1  # 2003
    for year in (after, before):
        for d in days(date(year, 1, 1), date(year, 1, 14)):
            assert cal.is_working_day(d) is (d.weekday() < 5), d
    assert cal.warnings_for(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert cal.warnings_for(date(after - 1, 12, 28), date(after, 1, 4)) == [CALENDAR_UNKNOWN_YEAR]
    assert cal.warnings_for(date(after, 1, 4), date(after - 1, 12, 28)) == [CALENDAR_UNKNOWN_YEAR]
    assert cal.warnings_for(date(before, 6, 1), date(before, 6, 1)) == [CALENDAR_UNKNOWN_YEAR]
    # a span that passes through an unknown year, ends in known ones
    assert cal.warnings_for(date(before, 12, 31), date(before + 1, 1, 1)) == [CALENDAR_UNKNOWN_YEAR]
    assert cal.unknown_years(date(2026, 12, 31), date(after + 1, 1, 1)) == [after, after + 1]
    # 2026-12-31 is a Thursday: the next working day is 1 January of the unknown year (a Friday)
    assert cal.add_working_days(date(after - 1, 12, 31), 1) == date(after, 1, 1)


def test_the_offices_overrides_win_and_cover_an_unknown_year() -> None:
    unknown = default_calendar().known_years().stop
    new_year = date(unknown, 1, 1)
    make_up = date(unknown, 1, 3) if date(unknown, 1, 3).weekday() >= 5 else date(unknown, 1, 2)
    cal = WorkingDays({new_year: False, make_up: True})
    assert cal.is_working_day(new_year) is False
    assert cal.is_working_day(make_up) is True
    assert cal.warnings_for(date(unknown - 1, 12, 1), date(unknown, 2, 1)) == []
    # a year after it is still unknown
    assert cal.warnings_for(date(unknown, 12, 1), date(unknown + 1, 1, 5)) == [
        CALENDAR_UNKNOWN_YEAR
    ]
    # an override also beats the library in a year it knows (a local closure, an extra day)
    local = WorkingDays({date(2026, 10, 8): False, date(2026, 10, 3): True})
    assert local.is_working_day(date(2026, 10, 8)) is False
    assert local.is_working_day(date(2026, 10, 3)) is True
    assert local.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 3)
    # the defaults are left alone
    assert default_calendar().is_working_day(date(2026, 10, 8)) is True


def test_bad_arguments_are_refused_with_what_was_wrong() -> None:
    cal = default_calendar()
    with pytest.raises(TypeError, match="expected a date"):
        cal.is_working_day(datetime(2026, 10, 8, 9, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a date"):
        cal.is_working_day("2026-10-08")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected an integer"):
        cal.add_working_days(date(2026, 10, 8), True)
    with pytest.raises(TypeError, match="expected an integer"):
        cal.add_working_days(date(2026, 10, 8), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="override key"):
        WorkingDays({"2026-10-08": False})  # type: ignore[dict-item]


dates = st.dates(min_value=date(2025, 6, 1), max_value=date(2028, 6, 30))


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=-40, max_value=40))
def test_adding_then_counting_gives_back_n(start: date, n: int) -> None:
    cal = default_calendar()
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    if n:
        assert cal.is_working_day(end)
        assert (end > start) is (n > 0)


@settings(max_examples=200, deadline=None)
@given(dates, dates)
def test_counting_excludes_the_start_and_includes_the_end_both_ways(a: date, b: date) -> None:
    cal = default_calendar()
    span = days(min(a, b), max(a, b))
    counted = [d for d in span if d != a and cal.is_working_day(d)]
    assert cal.working_days_between(a, b) == (len(counted) if b >= a else -len(counted))
