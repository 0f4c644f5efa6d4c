"""Delivery by the real task queue: ``pingyi worker`` (huey's consumer) in a subprocess on a
data folder of the test's own; messages made by ``notify`` in another process (``pingyi
manage shell``), as the sweep makes them.

- A task that is lost (the queue emptied before any consumer ran it) loses nothing: the
  periodic task (every minute) sends the pending message, once.
- A consumer killed (SIGKILL) while the robot holds the request open sends no second copy:
  the message stays ``sending``, becomes ``uncertain`` when its lease has run out, and is
  never sent again on its own; the office sees it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.core.queue_helpers import start, stop, wait_for, worker_env
from tests.notifications.fakes import DINGTALK_SECRET, FakeRobots

NOTIFY = """
from django.db import transaction
from pingyi.orgs.models import Unit
from pingyi.notifications.services import notify
with transaction.atomic():
    n = notify(recipients=[Unit.objects.get(code="u1")], title="红色督办单 督〔2026〕1号",
               markdown="请于3个工作日内回复。", link="http://pingyi.test/n/1", key="notice:1")
print("created", n)
"""

STATES = """
from pingyi.notifications.models import Message
print(sorted(Message.objects.values_list("state", flat=True)))
"""

AFTER_LEASE = """
from django.utils import timezone
from pingyi.notifications import delivery
from pingyi.notifications.selectors import attention_count
delivery.deliver_due(timezone.now() + delivery.LEASE + delivery.timedelta(seconds=1))
print("attention", attention_count())
"""


def pingyi(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _folder(tmp_path: Path, robots: FakeRobots) -> dict[str, str]:
    from tests.orgs.workbooks import write_workbook

    env = worker_env(tmp_path / "data", PINGYI_NOTIFY_TIMEOUT="30")
    env.pop("PINGYI_TASK_MODULES")
    units = write_workbook(tmp_path / "units.xlsx", [("u1", "一号单位", "", "市直部门", 1, "")])
    pingyi(env, "units", "import", str(units))
    pingyi(
        env,
        "channel",
        "add",
        "dingtalk",
        "--unit",
        "u1",
        "--url",
        robots.dingtalk_url(),
        "--secret",
        DINGTALK_SECRET,
    )
    return env


def test_a_lost_task_loses_nothing_the_periodic_task_sends_it_once(
    tmp_path: Path, robots: FakeRobots
) -> None:
    env = _folder(tmp_path, robots)
    assert "created 1" in pingyi(env, "manage", "shell", "-c", NOTIFY)
    queue = tmp_path / "data" / "queue.sqlite3"
    queue.unlink()  # the task enqueued on commit, lost
    worker = start(["worker"], env, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: robots.of("dingtalk"), 75, 0.2), (
            tmp_path / "worker.log"
        ).read_text()
        time.sleep(2)
        assert "['sent']" in pingyi(env, "manage", "shell", "-c", STATES)
    finally:
        stop(worker)
    assert len(robots.of("dingtalk")) == 1 and robots.refused == []


def test_a_consumer_killed_mid_request_sends_no_second_copy(
    tmp_path: Path, robots: FakeRobots
) -> None:
    env = _folder(tmp_path, robots)
    robots.mode, robots.stall_seconds = "stall", 8.0  # the robot holds the request open
    worker = start(["worker"], env, tmp_path / "worker.log")
    try:
        pingyi(env, "manage", "shell", "-c", NOTIFY)
        assert wait_for(lambda: robots.requests >= 1, 30, 0.05), (
            tmp_path / "worker.log"
        ).read_text()
    finally:
        stop(worker, signal.SIGKILL)  # killed while the robot has not answered
    robots.mode = "ok"
    time.sleep(robots.stall_seconds + 1)  # the robot shows it to the group all the same
    assert len(robots.of("dingtalk")) == 1
    assert "['sending']" in pingyi(env, "manage", "shell", "-c", STATES)
    # restarted: within the lease nothing is sent; after it the message is uncertain
    worker = start(["worker"], env, tmp_path / "worker2.log")
    try:
        time.sleep(3)
    finally:
        stop(worker)
    assert "attention 1" in pingyi(env, "manage", "shell", "-c", AFTER_LEASE)
    assert "['uncertain']" in pingyi(env, "manage", "shell", "-c", STATES)
    assert robots.requests == 1 and len(robots.of("dingtalk")) == 1
