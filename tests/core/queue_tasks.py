"""Tasks of the task-queue tests only (``tests/core/test_tasks*.py``): a consumer loads them
through ``PINGYI_TASK_MODULES=tests.core.queue_tasks``.

Each run leaves a row in a SQLite file of the test's own (not Django's database, which the
consumer and the test see differently): ``runs`` has its key as the primary key, so a task
run twice cannot hide — the second run lands in ``twice``."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

#: The file the periodic ``tick`` records into (set in the consumer's environment).
TICK_FILE_ENV = "PINGYI_TEST_TICK_FILE"


def record_run(path: str, key: str) -> None:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("pragma journal_mode=wal")
        conn.execute("create table if not exists runs (key text primary key, pid int, at real)")
        conn.execute("create table if not exists twice (key text, pid int, at real)")
        try:
            conn.execute("insert into runs values (?, ?, ?)", (key, os.getpid(), time.time()))
        except sqlite3.IntegrityError:
            conn.execute("insert into twice values (?, ?, ?)", (key, os.getpid(), time.time()))
    finally:
        conn.close()


def runs(path: str) -> dict[str, tuple[int, float]]:
    """key → (pid, time) of every run recorded in ``path``."""
    if not os.path.exists(path):
        return {}
    conn = sqlite3.connect(path, timeout=30)
    try:
        rows = conn.execute("select key, pid, at from runs").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    return {key: (pid, at) for key, pid, at in rows}


def ran_twice(path: str) -> list[str]:
    if not os.path.exists(path):
        return []
    conn = sqlite3.connect(path, timeout=30)
    try:
        return [key for (key,) in conn.execute("select key from twice")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


@db_task()
def record(path: str, key: str) -> None:
    record_run(path, key)


@db_task()
def slow_record(path: str, key: str, seconds: float) -> None:
    """Records ``key + ':started'``, sleeps, then records ``key``."""
    record_run(path, f"{key}:started")
    time.sleep(seconds)
    record_run(path, key)


@db_periodic_task(crontab())  # every minute
def tick() -> None:
    path = os.environ.get(TICK_FILE_ENV)
    if path:
        record_run(path, dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
