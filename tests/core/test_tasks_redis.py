"""The task queue at scale: RedisHuey with two ``pingyi worker`` processes on the real Redis
(``REDIS_URL``), each under a queue name of the test's own.

Tasks record their runs in a SQLite file with the task's key as primary key
(``tests/core/queue_tasks.py``): a task run twice cannot hide."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pingyi.core import tasks
from tests.core import queue_helpers as h
from tests.core import queue_tasks

pytestmark = pytest.mark.redis


@pytest.fixture
def two_workers(redis_url: str, tmp_path: Path) -> Iterator[tuple]:
    name = f"pingyi-test-{uuid.uuid4().hex[:10]}"
    data = h.migrated_folder(h.session_template(), tmp_path / "data")
    ticks = str(tmp_path / "ticks.sqlite3")
    env = h.worker_env(
        data, REDIS_URL=redis_url, PINGYI_QUEUE_NAME=name, PINGYI_TEST_TICK_FILE=ticks
    )
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with h.redis_queue(redis_url, name):
        workers = [h.start(["worker"], env, log) for log in logs]
        try:
            for log in logs:
                assert h.wait_for_line(log, "pingyi worker: pid", 60), log.read_text()
            yield workers, logs, ticks
        finally:
            codes = [h.stop(w) for w in workers]
            for log in logs:
                assert "Traceback" not in log.read_text(), log.read_text()
            assert codes == [0, 0], [log.read_text() for log in logs]
            from huey.contrib.djhuey import HUEY

            conn = HUEY.storage.conn
            for key in conn.scan_iter(f"pingyi:periodic:{name}:*"):
                conn.delete(key)


def test_two_workers_run_200_tasks_exactly_once(two_workers, tmp_path: Path) -> None:
    workers, logs, _ticks = two_workers
    runs = str(tmp_path / "runs.sqlite3")
    for n in range(200):
        queue_tasks.record(runs, f"t{n:03d}")
    done = h.wait_for(lambda: len(queue_tasks.runs(runs)) >= 200, 60, 0.1)
    assert done, [log.read_text() for log in logs]
    recorded = queue_tasks.runs(runs)
    assert sorted(recorded) == [f"t{n:03d}" for n in range(200)]
    assert queue_tasks.ran_twice(runs) == []
    by_worker = Counter(pid for pid, _at in recorded.values())
    assert set(by_worker) == {w.pid for w in workers}, by_worker  # both took their share
    assert tasks.the_queue().pending_count() == 0
    assert "queue redis " in logs[0].read_text()  # it said where its queue is


def test_two_workers_enqueue_a_periodic_task_once_a_minute(two_workers) -> None:
    """Both schedulers look at the periodic tasks as they start (and then every 60 s): the
    every-minute ``tick`` runs once for the minute, not once per worker."""
    _workers, logs, ticks = two_workers
    assert h.wait_for(lambda: queue_tasks.runs(ticks), 20, 0.1), [x.read_text() for x in logs]
    import time

    time.sleep(3)  # both schedulers have had their look
    assert queue_tasks.ran_twice(ticks) == []
    assert 1 <= len(queue_tasks.runs(ticks)) <= 2  # 2 only if they started across a minute
    assert tasks.consumer_alive()  # the heartbeat is in Redis, where every host reads it
