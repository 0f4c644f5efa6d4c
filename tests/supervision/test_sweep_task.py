"""The queue's daily sweep (supervision/tasks.py): at 08:30, on working days only."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.supervision import tasks
from pingyi.supervision.models import Sweep

pytestmark = pytest.mark.django_db


def test_the_daily_sweep_runs_on_working_days_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Saturday 10-10-2026 is a make-up working day; Sunday 10-11 and 10-01 rest
    for day, swept in [(date(2026, 10, 1), False), (date(2026, 10, 10), True),
                       (date(2026, 10, 11), False)]:
        monkeypatch.setattr(tasks.timezone, "localdate", lambda day=day: day)
        result = tasks.sweep_today()
        assert (result is not None) == swept, day
    assert list(Sweep.objects.values_list("day", flat=True)) == [date(2026, 10, 10)]


def test_the_daily_sweep_is_scheduled_at_0830() -> None:
    from datetime import datetime

    schedule = tasks.daily_sweep.task_class().validate_datetime
    assert schedule(datetime(2026, 10, 12, 8, 30))
    assert not schedule(datetime(2026, 10, 12, 8, 31))
    assert not schedule(datetime(2026, 10, 12, 20, 30))
