"""The supervision app's queued work (``core/tasks.py``: the consumer loads this module).

- ``daily_sweep``: at 08:30 on working days (the official calendar with the office's
  overrides), today's sweep (``notices.sweep``): statuses, then notices, then their
  messages. A repeated or concurrent run of the same day changes and sends nothing.
- ``week_bulletin``: on Fridays at 15:00, this week's bulletin draft (``weekly.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pingyi.supervision import selectors, weekly
from pingyi.supervision.errors import SupervisionError
from pingyi.supervision.method.week import Week
from pingyi.supervision.notices import sweep


def sweep_today() -> dict[str, Any] | None:
    """Today's sweep on a working day (None on a rest day, or when a later day was swept)."""
    today = timezone.localdate()
    if not selectors.working_days().is_working_day(today):
        return None
    try:
        return sweep(today, actor="queue").as_json()
    except SupervisionError:
        return None  # a later day was already swept by hand: nothing to do


@db_periodic_task(crontab(hour="8", minute="30"), name="supervision.daily_sweep")
def daily_sweep() -> dict[str, Any] | None:
    return sweep_today()


@db_periodic_task(crontab(day_of_week="5", hour="15", minute="0"), name="supervision.week_bulletin")
def week_bulletin() -> dict[str, Any] | None:
    """Friday 15:00 (the reports were due at 12:00): compiles this week's bulletin draft, for
    the office to edit and issue; an issued one is left as it is (weekly.bulletin_compile)."""
    week = Week.of(timezone.localdate())
    try:
        return weekly.bulletin_compile(week, actor="queue").data
    except SupervisionError:
        return None  # issued already
