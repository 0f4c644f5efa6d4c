"""The task queue (``core/queue.py``, ``core/tasks.py``, docs/tasks.md) with real consumers.

Unit tests build their own huey instances; the integration tests run ``pingyi worker`` in a
subprocess on a data folder of their own and talk to it through its queue file
(``tests/core/queue_helpers.py``). No test here mocks the queue."""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import threading
import time
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from pingyi.core import queue as q
from pingyi.core import tasks
from tests.core import queue_helpers as h
from tests.core import queue_tasks

# --- settings ------------------------------------------------------------------------------


def _settings(env: dict[str, str], redis_url: str = "") -> dict:
    return q.huey_settings(data_dir=Path("/srv/data"), redis_url=redis_url, env=env)


def test_embedded_by_default_in_its_own_file() -> None:
    config = _settings({})
    assert config["huey_class"].endswith("PingyiSqliteHuey")
    assert config["filename"] == "/srv/data/queue.sqlite3"
    assert config["immediate"] is False and config["utc"] is False
    assert config["fsync"] is True
    assert config["results"] is False  # return values would pile up in the store, unread
    assert config["consumer"]["workers"] == 2
    assert q.is_embedded(config)


def test_redis_url_scales_and_names_the_queue() -> None:
    config = _settings({"PINGYI_QUEUE_NAME": "city"}, "redis://r:6379/2")
    assert config["huey_class"].endswith("PingyiRedisHuey")
    assert config["url"] == "redis://r:6379/2?socket_connect_timeout=3&socket_timeout=5"
    assert config["name"] == "city"
    assert not q.is_embedded(config)
    # PINGYI_QUEUE=sqlite keeps the queue embedded even with a Redis for the cache
    assert q.is_embedded(_settings({"PINGYI_QUEUE": "SQLite"}, "redis://r:6379/2"))


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"PINGYI_QUEUE": "rabbit"}, "PINGYI_QUEUE='rabbit'"),
        ({"PINGYI_QUEUE": "redis"}, "needs REDIS_URL"),
        ({"PINGYI_QUEUE_WORKERS": "0"}, "PINGYI_QUEUE_WORKERS='0'"),
        ({"PINGYI_QUEUE_WORKERS": "many"}, "PINGYI_QUEUE_WORKERS='many'"),
        ({"PINGYI_QUEUE_WORKERS": "65"}, "from 1 to 64"),
    ],
)
def test_a_bad_queue_setting_is_named(env: dict[str, str], says: str) -> None:
    with pytest.raises(q.QueueConfigError, match=says.replace("(", r"\(")):
        _settings(env)


def test_a_bad_queue_setting_is_one_line_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pingyi", "worker"],
        env=h.worker_env(tmp_path / "data", PINGYI_QUEUE="rabbit"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "pingyi: PINGYI_QUEUE='rabbit': use 'sqlite' or 'redis'"
    ]


def test_the_queue_is_never_the_database() -> None:
    from django.conf import settings

    assert settings.HUEY["filename"] == str(settings.DATA_DIR / "queue.sqlite3")
    assert settings.HUEY["filename"] != settings.DATABASES["default"]["NAME"]


def test_the_queue_file_is_private_and_made_only_when_used(tmp_path: Path) -> None:
    filename = tmp_path / "queue.sqlite3"
    os.umask(0o022)
    queue = q.PingyiSqliteHuey("t", filename=str(filename), fsync=True)
    assert not filename.exists()  # building it (Django loading djhuey) writes nothing

    @queue.task()
    def noop() -> None:
        pass

    noop()
    assert queue.pending_count() == 1
    for file in tmp_path.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_periodic_tasks_follow_the_time_zone() -> None:
    """``crontab(hour=8, minute=30)`` means 08:30 of ``PINGYI_TIME_ZONE``, not UTC."""
    from django.utils import timezone

    queue = tasks.the_queue()
    assert queue.utc is False
    local = timezone.localtime().replace(tzinfo=None)
    assert abs((queue._get_timestamp() - local).total_seconds()) < 5


# --- one periodic enqueue per minute, however many schedulers --------------------------------


def _hueys(make, count: int) -> list:
    from huey import crontab

    hueys = []
    for _ in range(count):
        queue = make()

        def sweep() -> None:
            pass

        queue.periodic_task(crontab(minute="*"), name="sweep")(sweep)
        hueys.append(queue)
    return hueys


def _claims_at_once(hueys: list, moment: dt.datetime) -> int:
    barrier = threading.Barrier(len(hueys))
    found: list[int] = []

    def scheduler(queue) -> None:
        barrier.wait()
        found.append(len(queue.read_periodic(moment)))

    threads = [threading.Thread(target=scheduler, args=(x,)) for x in hueys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(found)


def test_two_schedulers_enqueue_a_periodic_task_once(tmp_path: Path) -> None:
    filename = str(tmp_path / "queue.sqlite3")
    hueys = _hueys(lambda: q.PingyiSqliteHuey("t", filename=filename, timeout=30), 8)
    moment = dt.datetime(2026, 12, 1, 8, 30, 5)
    assert _claims_at_once(hueys, moment) == 1
    assert _claims_at_once(hueys, moment.replace(second=50)) == 0  # same minute: claimed
    assert _claims_at_once(hueys, moment + dt.timedelta(minutes=1)) == 1  # the next one
    # a day later the old marks are purged: the kv table does not grow for ever
    later = moment + dt.timedelta(days=2)
    assert _claims_at_once(hueys, later) == 1
    marks = hueys[0].storage.sql(
        "select key from kv where key like 'pingyi:periodic:%'", results=True
    )
    assert [k for (k,) in marks] == [f"pingyi:periodic:{later:%Y%m%d%H%M}:sweep"]


@pytest.mark.redis
def test_two_schedulers_enqueue_a_periodic_task_once_on_redis(redis_url: str) -> None:
    import uuid

    name = f"pingyi-test-{uuid.uuid4().hex[:10]}"
    hueys = _hueys(lambda: q.PingyiRedisHuey(name, url=redis_url), 8)
    moment = dt.datetime(2026, 12, 1, 8, 30, 5)
    try:
        assert _claims_at_once(hueys, moment) == 1
        assert _claims_at_once(hueys, moment) == 0
        assert _claims_at_once(hueys, moment + dt.timedelta(minutes=1)) == 1
        conn = hueys[0].storage.conn
        key = f"pingyi:periodic:{name}:{moment:%Y%m%d%H%M}:sweep"
        assert 0 < conn.ttl(key) <= q.CLAIM_SECONDS
    finally:
        conn = hueys[0].storage.conn
        for key in conn.scan_iter(f"pingyi:periodic:{name}:*"):
            conn.delete(key)
        hueys[0].storage.flush_all()


# --- the heartbeat ---------------------------------------------------------------------------


def test_no_heartbeat_no_consumer() -> None:
    assert tasks.last_beat() is None
    assert tasks.consumer_alive() is False


def test_a_fresh_heartbeat_is_alive_a_stale_one_is_not() -> None:
    queue = tasks.the_queue()
    tasks.beat(queue)
    assert tasks.consumer_alive() is True
    tasks.beat(queue, now=time.time() - tasks.ALIVE_SECONDS - 1)
    assert tasks.consumer_alive() is False
    tasks.beat(queue, now=time.time() + 3600)  # a clock that jumped: not a live consumer
    assert tasks.consumer_alive() is False
    queue.storage.put_data(tasks.HEARTBEAT_KEY, b"not json")
    assert tasks.consumer_alive() is False
    queue.storage.put_data(tasks.HEARTBEAT_KEY, b'{"at": "yesterday"}')
    assert tasks.consumer_alive() is False


def test_immediate_mode_only_when_a_test_asks(tmp_path: Path, queue_immediate: None) -> None:
    """The ``queue_immediate`` fixture: a unit test that says so runs tasks in place."""
    runs = str(tmp_path / "runs.sqlite3")
    queue_tasks.record(runs, "now")
    assert set(queue_tasks.runs(runs)) == {"now"}


def test_a_task_returns_no_handle_and_keeps_no_result() -> None:
    queue = tasks.the_queue()
    assert queue.results is False
    assert queue_tasks.record("/nonexistent/runs.sqlite3", "k") is None
    assert queue.pending_count() == 1 and queue.result_count() == 0


def test_tests_have_their_own_queue() -> None:
    """``tests/conftest.py``: nothing a test enqueues reaches the session's queue file."""
    from django.conf import settings

    queue = tasks.the_queue()
    assert queue.storage.filename != settings.HUEY["filename"]
    assert queue.pending_count() == 0  # nothing left by another test


# --- a real consumer -------------------------------------------------------------------------

RUNS: dict[str, str] = {}


def _enqueue_view(request: HttpRequest) -> HttpResponse:
    """What a page does: hand the work to the queue and answer at once."""
    queue_tasks.record(RUNS["path"], request.GET["key"])
    return HttpResponse("queued", status=202)


urlpatterns = [path("enqueue/", _enqueue_view)]


@pytest.fixture
def worker_folder(tmp_path: Path) -> Path:
    return h.migrated_folder(h.session_template(), tmp_path / "data")


@pytest.mark.urls(__name__)
def test_a_task_from_a_page_runs_in_the_consumer_within_seconds(
    worker_folder: Path, tmp_path: Path, client
) -> None:
    log = tmp_path / "worker.log"
    worker = h.start(["worker"], h.worker_env(worker_folder), log)
    RUNS["path"] = str(tmp_path / "runs.sqlite3")
    try:
        assert h.wait_for_line(log, "pingyi worker: pid", 60), log.read_text()
        with h.queue_file(worker_folder / "queue.sqlite3"):
            assert h.wait_for(tasks.consumer_alive, 10), log.read_text()
            latencies = []
            for n in range(5):
                started = time.time()
                response = client.get(f"/enqueue/?key=k{n}")
                assert response.status_code == 202
                done = h.wait_for(lambda n=n: queue_tasks.runs(RUNS["path"]).get(f"k{n}"), 10)
                assert done, log.read_text()
                latencies.append(done[1] - started)
                time.sleep(1.2)  # let the idle consumer back off to its longest poll
            assert max(latencies) < 2.5, latencies  # polled at least once a second
            assert queue_tasks.runs(RUNS["path"])["k0"][0] == worker.pid
    finally:
        assert h.stop(worker) == 0, log.read_text()
    output = log.read_text()
    assert "Traceback" not in output, output
    assert "tests.core.queue_tasks.record" in output  # the consumer named what it runs


def _waiting() -> list[str]:
    """The keys of the queued ``record`` tasks (periodic tasks of the apps queue up too)."""
    tasks.load_task_modules()  # to read the apps' queued tasks too
    pending = tasks.the_queue().pending()
    return [t.args[1] for t in pending if t.name == "record"]


def test_sigkill_loses_no_queued_task(worker_folder: Path, tmp_path: Path) -> None:
    """A consumer killed outright while a task waits: the next consumer runs it. (The task
    it was running is lost with it, at most once: docs/tasks.md.)"""
    log = tmp_path / "worker.log"
    runs = str(tmp_path / "runs.sqlite3")
    env = h.worker_env(worker_folder)
    worker = h.start(["worker", "--threads", "1"], env, log)
    try:
        with h.queue_file(worker_folder / "queue.sqlite3"):
            queue_tasks.slow_record(runs, "busy", 30)
            queue_tasks.record(runs, "waiting")
            assert h.wait_for(lambda: "busy:started" in queue_tasks.runs(runs), 60), log.read_text()
            assert _waiting() == ["waiting"]  # queued, not run
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            assert "waiting" not in queue_tasks.runs(runs)
            worker = h.start(["worker", "--threads", "1"], env, log)
            assert h.wait_for(lambda: "waiting" in queue_tasks.runs(runs), 30), log.read_text()
            assert _waiting() == []
            assert "busy" not in queue_tasks.runs(runs)  # in flight when killed: lost
            assert queue_tasks.ran_twice(runs) == []
    finally:
        h.stop(worker)


def test_sigterm_lets_the_running_task_finish(worker_folder: Path, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    runs = str(tmp_path / "runs.sqlite3")
    worker = h.start(["worker", "--threads", "1"], h.worker_env(worker_folder), log)
    try:
        with h.queue_file(worker_folder / "queue.sqlite3"):
            queue_tasks.slow_record(runs, "busy", 2)
            queue_tasks.record(runs, "next")
            assert h.wait_for(lambda: "busy:started" in queue_tasks.runs(runs), 60)
            assert h.stop(worker, signal.SIGTERM) == 0
            assert "busy" in queue_tasks.runs(runs)  # finished before the consumer left
            assert "next" not in queue_tasks.runs(runs)
            assert _waiting() == ["next"]  # still queued, for the next consumer
    finally:
        h.stop(worker)


@pytest.mark.parametrize("threads", ["0", "65", "two", "-1"])
def test_worker_threads_are_checked(threads: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "pingyi", "worker", "--threads", threads],
        env=h.worker_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"argument --threads: '{threads}': a whole number from 1 to 64" in result.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was created


def _consumer(tmp_path: Path, **options) -> tasks.PingyiConsumer:
    queue = q.PingyiSqliteHuey("t", filename=str(tmp_path / "queue.sqlite3"), results=False)
    return tasks.PingyiConsumer(queue, workers=1, heartbeat_seconds=0, max_delay=0.1, **options)


def test_no_heartbeat_while_a_thread_is_down(tmp_path: Path) -> None:
    """The beat says "the consumer runs tasks", not "the process exists": it is written only
    while the scheduler and every worker thread are alive."""
    consumer = _consumer(tmp_path)
    consumer._beat_if_due()  # threads not started
    assert tasks.last_beat(consumer.huey) is None
    consumer.scheduler.start()
    for _worker, thread in consumer.worker_threads:
        thread.start()
    try:
        consumer._beat_if_due()
        first = tasks.last_beat(consumer.huey)
        assert first is not None and tasks.consumer_alive(consumer.huey)
    finally:
        consumer.stop_flag.set()
        consumer.scheduler.join(5)
        for _worker, thread in consumer.worker_threads:
            thread.join(5)
    time.sleep(0.01)
    consumer._beat_if_due()
    assert tasks.last_beat(consumer.huey) == first  # down: no new beat


def test_an_embedded_consumer_stops_when_its_parent_is_gone(tmp_path: Path) -> None:
    from huey.consumer import ConsumerStopped

    consumer = _consumer(tmp_path, parent_pid=os.getppid() + 1)  # not our parent
    consumer.scheduler.start()
    for _worker, thread in consumer.worker_threads:
        thread.start()
    with pytest.raises(ConsumerStopped):
        consumer.loop(time.monotonic())
    assert consumer._graceful is True
    assert not consumer.threads_alive()  # stopped, gracefully (joined)
    alive = _consumer(tmp_path, parent_pid=os.getppid())
    assert alive.loop(time.monotonic()) is not None  # its parent is there: it goes on


def test_a_worker_without_its_redis_says_so_in_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = h.migrated_folder(h.session_template(), tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "pingyi", "worker"],
        env=h.worker_env(data, REDIS_URL="redis://127.0.0.1:1/0"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "pingyi: cannot reach the task queue (redis 127.0.0.1:1/0 name pingyi)"
    )
