"""``pingyi serve`` in embedded mode runs the task queue's consumer itself
(``core/embedded_consumer.py``): one child, restarted if it dies, gone when serve is.

A real ``pingyi serve`` (granian, one process) on a data folder of the test's own; the
consumer is found among serve's children in /proc; tasks are enqueued into serve's queue
file by the test process."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pingyi.core import tasks
from pingyi.core.embedded_consumer import EmbeddedConsumer
from tests.core import queue_helpers as h
from tests.core import queue_tasks

pytestmark = pytest.mark.skipif(
    os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres",
    reason="the embedded server is tested once, in the SQLite session",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple]:
    data = h.migrated_folder(h.session_template(), tmp_path / "data")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = h.worker_env(data, PINGYI_WORKERS="1", PINGYI_THREADS="2")
    server = h.start(["serve", "--port", str(port)], env, log)
    try:
        assert h.wait_for(lambda: _answers(port), 90, 0.3), log.read_text()
        yield server, data, log
    finally:
        h.stop(server)


def test_serve_runs_one_consumer_and_takes_it_down_on_sigterm(served, tmp_path: Path) -> None:
    server, data, log = served
    runs = str(tmp_path / "runs.sqlite3")
    consumer = h.wait_for(lambda: h.consumer_of(server.pid), 30, 0.1)
    assert consumer, log.read_text()
    assert [p for p in h.children(server.pid) if "worker" in h.cmdline(p)] == [consumer]
    with h.queue_file(data / "queue.sqlite3"):
        assert h.wait_for(tasks.consumer_alive, 20), log.read_text()
        started = time.time()
        queue_tasks.record(runs, "from-the-web")
        done = h.wait_for(lambda: queue_tasks.runs(runs).get("from-the-web"), 10)
        assert done, log.read_text()
        assert done[0] == consumer and done[1] - started < 5
    assert h.stop(server, signal.SIGTERM) == 0, log.read_text()
    assert not h.running(consumer), "the consumer outlived serve"
    assert "Traceback" not in log.read_text()


def test_a_dead_consumer_is_started_again(served, tmp_path: Path) -> None:
    server, data, log = served
    runs = str(tmp_path / "runs.sqlite3")
    first = h.wait_for(lambda: h.consumer_of(server.pid), 30, 0.1)
    assert first, log.read_text()
    os.kill(first, signal.SIGKILL)
    second = h.wait_for(lambda: (h.consumer_of(server.pid) or first) != first, 30, 0.1)
    assert second, log.read_text()
    second_pid = h.consumer_of(server.pid)
    assert second_pid and second_pid != first
    output = log.read_text()
    assert f"the task consumer (pid {first}) stopped with code -9; starting it again" in output
    assert f"the task consumer runs again (pid {second_pid})" in output
    with h.queue_file(data / "queue.sqlite3"):
        queue_tasks.record(runs, "after-restart")
        done = h.wait_for(lambda: queue_tasks.runs(runs).get("after-restart"), 30)
        assert done and done[0] == second_pid, log.read_text()
    assert h.stop(server, signal.SIGINT) == 0, log.read_text()  # Ctrl-C: the same
    assert not h.running(second_pid)


def test_a_killed_serve_leaves_no_consumer(served) -> None:
    """SIGKILL gives serve no chance to stop its child: the kernel does
    (``PR_SET_PDEATHSIG``), and the worker watches its parent besides."""
    server, _data, log = served
    consumer = h.wait_for(lambda: h.consumer_of(server.pid), 30, 0.1)
    assert consumer, log.read_text()
    h.stop(server, signal.SIGKILL)
    assert h.wait_for(lambda: not h.running(consumer), 15, 0.1), "orphaned consumer"


def test_the_supervisor_backs_off_and_says_so(tmp_path: Path) -> None:
    """A consumer that cannot start is retried after 1 s, 2 s, 4 s…, each time said."""
    said: list[str] = []
    stamps: list[float] = []

    def say(message: str) -> None:
        said.append(message)
        stamps.append(time.monotonic())

    supervisor = EmbeddedConsumer(["/bin/false"], first_pause=0.2, say=say)
    supervisor.start()
    h.wait_for(lambda: supervisor.restarts >= 3, 10, 0.05)
    assert supervisor.stop() is not None
    stops = [t for t, m in zip(stamps, said, strict=True) if "stopped with code 1" in m]
    assert len(stops) >= 3, said
    gaps = [b - a for a, b in itertools.pairwise(stops)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4, gaps  # the pause doubles
    count = supervisor.restarts
    time.sleep(0.5)
    assert supervisor.restarts == count  # stopped: no more restarts


def test_a_consumer_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    import sys

    said: list[str] = []
    supervisor = EmbeddedConsumer([sys.executable, "-c", script], stop_seconds=1, say=said.append)
    supervisor.start()
    time.sleep(0.5)
    pid = supervisor.process.pid
    started = time.monotonic()
    assert supervisor.stop() == -signal.SIGKILL
    assert time.monotonic() - started < 5
    assert not h.running(pid)
    assert any("did not stop in 1 s: killed" in m for m in said), said


@pytest.mark.redis
def test_serve_runs_no_consumer_when_the_queue_is_on_redis(redis_url: str, tmp_path: Path) -> None:
    """Scaled mode: the operator runs ``pingyi worker`` processes; serve starts none."""
    data = h.migrated_folder(h.session_template(), tmp_path / "data")
    port = _free_port()
    log = tmp_path / "serve.log"
    env = h.worker_env(data, PINGYI_WORKERS="1", REDIS_URL=redis_url, PINGYI_QUEUE_NAME="t-none")
    server = h.start(["serve", "--port", str(port)], env, log)
    try:
        assert h.wait_for(lambda: _answers(port), 90, 0.3), log.read_text()
        time.sleep(1)
        assert h.consumer_of(server.pid) is None
        assert not [p for p in h.children(server.pid) if "worker" in h.cmdline(p)]
    finally:
        assert h.stop(server) == 0, log.read_text()
