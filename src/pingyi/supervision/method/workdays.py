"""Working days: the State Council's official calendar plus the office's overrides.

The holidays and make-up working days (调休) of each year come from the maintained
`chinesecalendar` package (import name `chinese_calendar`), which carries every year the
State Council has published (2004 to 2026 in version 1.11). For a year it does not know it
raises NotImplementedError; this module then falls back to Monday–Friday, and
`warnings_for` says `calendar_unknown_year` for any computation that reaches such a year.

The office's override table (a Django model and page, later) is given here as a mapping
day → is a working day: True makes a day a working day (a make-up Saturday the library
does not know yet), False a rest day (a holiday). An override always wins over the library
and over the Monday–Friday fallback. A year outside the library's range counts as
*covered* — no warning — as soon as the overrides hold at least one day of it: the office
enters a new year's published schedule as a whole, so one entry means the year was
entered.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar

__all__ = ["CALENDAR_UNKNOWN_YEAR", "WorkingDays", "default_calendar"]

#: the warning a computation reaching a year that neither the library nor the overrides know
CALENDAR_UNKNOWN_YEAR = "calendar_unknown_year"

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1)
def _library_years() -> range:
    """The years the library knows: from its first to its last listed holiday."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@lru_cache(maxsize=8192)
def _library_is_working_day(day: date) -> bool | None:
    """The library's word on `day`, None for a year it does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingDays:
    """The official calendar + the office's overrides (day → is a working day)."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = {}
        for day, working in (overrides or {}).items():
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError(f"override key {day!r}: expected a date")
            self._overrides[day] = bool(working)
        self._override_years = frozenset(day.year for day in self._overrides)

    def known_years(self) -> range:
        """The years the library (the State Council's published schedules) knows."""
        return _library_years()

    def is_working_day(self, day: date) -> bool:
        """True on a working day: override, else the library, else Monday–Friday."""
        day = _as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        library = _library_is_working_day(day)
        if library is not None:
            return library
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself is never counted).

        n = 0 gives `start` itself, working day or not; a negative n counts backwards: the
        |n|-th working day before `start`. So `add_working_days(a, 1)` on a Friday before a
        weekend is the Monday (or the first working day after a holiday).
        """
        start = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n={n!r}: expected an integer")
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie from start (excluded) to end (included): (start, end].

        0 when end == start. Going backwards (end < start) the count is negative, still
        start excluded and end included: minus the working days in [end, start). So
        `working_days_between(a, add_working_days(a, n)) == n` for every n.
        """
        start, end = _as_date(start), _as_date(end)
        step, sign = (_ONE_DAY, 1) if end >= start else (-_ONE_DAY, -1)
        count, day = 0, start
        while day != end:
            day += step
            if self.is_working_day(day):
                count += 1
        return sign * count

    def warnings_for(self, start: date, end: date) -> list[str]:
        """["calendar_unknown_year"] when a day from start to end (either order, both
        included) lies in a year that neither the library nor the overrides know; else []."""
        start, end = _as_date(start), _as_date(end)
        low, high = min(start, end).year, max(start, end).year
        known = self.known_years()
        for year in range(low, high + 1):
            if year not in known and year not in self._override_years:
                return [CALENDAR_UNKNOWN_YEAR]
        return []

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years from start to end that neither the library nor the overrides know."""
        start, end = _as_date(start), _as_date(end)
        known = self.known_years()
        return [
            year
            for year in range(min(start, end).year, max(start, end).year + 1)
            if year not in known and year not in self._override_years
        ]


def _as_date(day: date) -> date:
    """A date as given; a datetime is refused (its time of day would be silently dropped)."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{day!r}: expected a date")
    return day


def default_calendar() -> WorkingDays:
    """The official calendar with no office override."""
    return WorkingDays()
