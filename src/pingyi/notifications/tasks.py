"""The notifications' tasks (huey, loaded by ``huey.contrib.djhuey`` from every app's
``tasks.py``): a delivery right after a commit that made messages, and one every minute
that drains whatever is due (retries, rate-limited messages, a task that was lost)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from pingyi.notifications.delivery import deliver_due


@db_task()
def deliver_now() -> int:
    return deliver_due()


@db_periodic_task(crontab(minute="*"))
def deliver_every_minute() -> int:
    return deliver_due()
