"""``/healthz`` and ``pingyi health`` (``core/health.py``, rules in ``core/pure/health.py``).

Each check is attacked the way it fails in real life: a read-only database (SQLite
``query_only``, PostgreSQL ``default_transaction_read_only``), a database locked by another
writer, no task consumer or a stale heartbeat, a queue store that is down, a full disk and a
bad threshold; and the answer is read as an adversary would (no path, host or secret in it).
A real ``pingyi serve`` polled in a loop during a ballot burst loses nothing.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from pingyi.core import health as health_module
from pingyi.core.models import HealthProbe
from pingyi.core.pure import health as rules
from pingyi.core.tasks import beat

# --- the pure rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("cannot execute INSERT in a read-only transaction", "read-only"),
        ("database is locked", "locked"),
        ("canceling statement due to lock timeout", "locked"),
        ("database or disk is full", "full"),
        ("could not extend file: No space left on device", "full"),
        ("canceling statement due to statement timeout", "timeout"),
        ('connection to server at "10.0.0.5", port 5432 failed: Connection refused', "unreachable"),
        ("Error 111 connecting to redis.internal:6379. Connection refused.", "unreachable"),
        ("something else entirely", "error"),
    ],
)
def test_reasons_come_from_a_fixed_list(message: str, expected: str) -> None:
    assert rules.reason(message) == expected


@pytest.mark.parametrize("value", ["", "   ", None])
def test_the_threshold_defaults_to_500_mb(value: Any) -> None:
    assert rules.min_free_mb(value) == 500 == rules.DEFAULT_MIN_FREE_MB


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "５００", "1e3", True, -3, " 12 MB"])
def test_a_bad_threshold_is_named(value: Any) -> None:
    with pytest.raises(ValueError, match=r"PINGYI_HEALTH_MIN_FREE_MB=.*whole number"):
        rules.min_free_mb(value)


def test_a_threshold_is_a_whole_number_of_mb() -> None:
    assert rules.min_free_mb(" 2048 ") == 2048
    assert rules.min_free_mb(0) == 0


def test_disk_is_low_when_any_place_is_below_the_minimum() -> None:
    mb = rules.MB
    ok = rules.disk_check({"data": 600 * mb, "uploads": 500 * mb}, 500)
    assert ok == {"ok": True, "min_free_mb": 500, "free_mb": {"data": 600, "uploads": 500}}
    low = rules.disk_check({"data": 600 * mb, "uploads": 500 * mb - 1}, 500)
    assert low["ok"] is False and low["reason"] == "low: uploads"
    assert rules.disk_check({}, 500)["ok"] is False  # nothing measured is not healthy


def test_the_verdict_is_ok_only_when_every_check_says_true() -> None:
    assert rules.verdict({"a": {"ok": True}, "b": {"ok": True}}) == "ok"
    assert rules.verdict({"a": {"ok": True}, "b": {"ok": False}}) == "fail"
    assert rules.verdict({"a": {"ok": True}, "b": {"ok": "yes"}}) == "fail"  # truthy is not ok
    assert rules.verdict({"a": {"ok": True}, "b": {}}) == "fail"
    assert rules.verdict({}) == "fail"


# --- /healthz ---------------------------------------------------------------------------------


def _no_secrets(body: str) -> None:
    """What an adversary must not learn from the unauthenticated answer."""
    assert str(settings.DATA_DIR) not in body
    assert str(settings.MEDIA_ROOT) not in body
    assert str(connection.settings_dict["NAME"]) not in body
    assert settings.SECRET_KEY not in body
    assert "detail" not in body and "Traceback" not in body


def test_without_a_consumer_the_answer_is_503_and_names_the_queue(client, db) -> None:
    """In tests no consumer runs: the honest answer is fail, on the queue only."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert data["status"] == "fail"
    assert set(data["checks"]) == {"database", "queue", "disk"}
    assert data["checks"]["database"]["ok"] is True
    assert data["checks"]["database"]["vendor"] == connection.vendor
    assert data["checks"]["queue"] == {"ok": False, "mode": "sqlite", "reason": "no consumer"}
    assert data["checks"]["disk"]["ok"] is True
    assert data["version"]
    _no_secrets(response.content.decode())


def test_an_unhealthy_answer_writes_no_error_line(client, db, caplog) -> None:
    """Polled every few seconds: a 503 must not fill the journal with Django's
    "Service Unavailable" errors (the monitor reports it)."""
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/healthz").status_code == 503
    assert not [r for r in caplog.records if r.name == "django.request"], caplog.text


def test_with_a_fresh_heartbeat_every_check_passes(client, db) -> None:
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "ok"
    assert all(check["ok"] is True for check in data["checks"].values())
    _no_secrets(response.content.decode())


def test_a_stale_or_future_heartbeat_fails(client, db) -> None:
    beat(now=time.time() - 120)
    data = client.get("/healthz").json()
    assert data["checks"]["queue"] == {"ok": False, "mode": "sqlite", "reason": "stale heartbeat"}
    beat(now=time.time() + 3600)  # a clock that jumped: not alive either
    assert client.get("/healthz").status_code == 503


def test_get_and_head_without_sign_in_other_methods_refused(client, db) -> None:
    beat()
    assert client.head("/healthz").status_code == 200
    assert client.head("/healthz").content == b""
    assert client.post("/healthz").status_code == 405
    assert client.put("/healthz").status_code == 405


def test_the_database_check_is_a_committed_write(transactional_db, client) -> None:
    """Not a SELECT: the probe row is written and committed, each time."""
    assert client.get("/healthz").json()["checks"]["database"]["ok"] is True
    first = HealthProbe.objects.get(pk=health_module.PROBE_ID).at
    time.sleep(0.01)
    client.get("/healthz")
    assert HealthProbe.objects.get(pk=health_module.PROBE_ID).at > first
    assert HealthProbe.objects.count() == 1


def test_a_read_only_database_fails(transactional_db, client) -> None:
    """SQLite ``query_only`` / PostgreSQL ``default_transaction_read_only`` (what a standby
    or a database switched read-only answers): reads still work, the check must fail."""
    beat()
    read_only, writable = (
        ("PRAGMA query_only = ON", "PRAGMA query_only = OFF")
        if connection.vendor == "sqlite"
        else ("SET default_transaction_read_only = on", "SET default_transaction_read_only = off")
    )
    with connection.cursor() as cursor:
        cursor.execute(read_only)
    try:
        response = client.get("/healthz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(writable)
    assert response.status_code == 503
    database = response.json()["checks"]["database"]
    assert database["ok"] is False and database["reason"] == "read-only", database
    _no_secrets(response.content.decode())
    assert client.get("/healthz").status_code == 200  # and it recovers by itself


def test_a_locked_database_fails_quickly(transactional_db, client) -> None:
    """Another writer holds the lock: the check waits LOCK_WAIT_SECONDS, not 30 s, says
    locked, and leaves the connection's own busy timeout as it was."""
    beat()
    client.get("/healthz")  # the probe row exists
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        db = connection.settings_dict
        other = psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"],
            dbname=db["NAME"],
        )
        other.execute("SELECT * FROM core_healthprobe FOR UPDATE")
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        took = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["reason"] == "locked"
    assert took + 0.1 >= health_module.LOCK_WAIT_SECONDS and took < 6, took
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 30_000  # the ballots' own wait is untouched
    assert client.get("/healthz").status_code == 200


def test_a_queue_store_that_is_down_fails_without_its_address(client, db, monkeypatch) -> None:
    def down(*args: Any, **kwargs: Any) -> bool:
        raise ConnectionError("Error 111 connecting to redis.internal.example:6379. Refused.")

    monkeypatch.setattr("pingyi.core.tasks.consumer_alive", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["reason"] == "unreachable"
    assert "redis.internal" not in response.content.decode()


def test_low_disk_fails_and_names_the_place_not_its_path(client, db, monkeypatch) -> None:
    beat()
    real = health_module.shutil.disk_usage
    uploads = Path(settings.MEDIA_ROOT)

    def usage(path: Any) -> Any:
        result = real(path)
        if Path(path) == uploads:
            return result._replace(free=100 * rules.MB)
        return result

    uploads.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(health_module.shutil, "disk_usage", usage)
    response = client.get("/healthz")
    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert disk["ok"] is False and disk["reason"] == "low: uploads"
    assert disk["free_mb"]["uploads"] == 100 and disk["min_free_mb"] == 500
    _no_secrets(response.content.decode())


def test_the_threshold_setting_is_obeyed(client, db) -> None:
    beat()
    free_mb = health_module.shutil.disk_usage(settings.DATA_DIR).free // rules.MB
    with override_settings(PINGYI_HEALTH_MIN_FREE_MB=str(free_mb + 10_000)):
        assert client.get("/healthz").json()["checks"]["disk"]["reason"].startswith("low: data")
    with override_settings(PINGYI_HEALTH_MIN_FREE_MB="0"):
        assert client.get("/healthz").status_code == 200
    with override_settings(PINGYI_HEALTH_MIN_FREE_MB="lots"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {"ok": False, "reason": "bad setting"}


# --- pingyi health ----------------------------------------------------------------------------


def _pingyi(data: Path, *args: str, database_url: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(PINGYI_DATA_DIR=str(data), PINGYI_LANGUAGE="en")
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "pingyi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_says_what_failed_and_exits_1_then_0(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _pingyi(data, "health", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "fail" and report["checks"]["database"]["ok"] is True
    assert "pingyi serve" in report["checks"]["queue"]["detail"]  # the operator gets detail
    text = _pingyi(data, "health")
    assert text.returncode == 1 and "NOT healthy" in text.stdout
    assert "task queue: NO consumer alive (sqlite): no consumer" in text.stdout
    beaten = _pingyi(data, "manage", "shell", "-c", "from pingyi.core.tasks import beat; beat()")
    assert beaten.returncode == 0, beaten.stderr
    ok = _pingyi(data, "health")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("healthy") and "database: writable (sqlite" in ok.stdout


# --- polled during a ballot burst -------------------------------------------------------------

BURST = 120


def _in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``function`` in a thread (``load.burst`` runs its own event loop; Playwright keeps
    one in the test process)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = function(*args, **kwargs)
        except BaseException as exc:  # re-raised in the test
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_polling_healthz_during_a_ballot_burst_changes_nothing(tmp_path: Path) -> None:
    """A real embedded ``pingyi serve``: a burst of ballots alone, then another with
    ``/healthz`` polled every 20 ms throughout. Both bursts: every ballot acknowledged (201)
    and stored; every poll answered 200 (the probe waits its turn for the write lock, it
    does not take the ballots' place)."""
    if os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres":
        pytest.skip("a SQLite data folder of its own: runs in the SQLite session")
    from benchmarks import load
    from benchmarks.harness import (
        ballot_bodies,
        base_url,
        pingyi_env,
        pingyi_server,
        prepare_event,
        wait_healthy,
    )

    data = tmp_path / "data"
    env = pingyi_env(data)
    cards = prepare_event(env, "hz", 2 * BURST, workdir=tmp_path)
    bodies = ballot_bodies(cards)
    server = pingyi_server(env, workers=2, log_path=tmp_path / "server.log").start()
    try:
        base = base_url(server)
        polls: Counter[int] = Counter()
        wait_healthy(f"{base}/healthz", timeout=30)
        deadline = time.monotonic() + 30
        while _status(f"{base}/healthz") != 200 and time.monotonic() < deadline:
            time.sleep(0.2)  # the embedded consumer's first beat
        assert _status(f"{base}/healthz") == 200, server.log_tail()
        url = f"{base}/api/v1/ballots"
        alone = _in_thread(load.burst, [url], bodies[:BURST], window=1.0, pool=50)
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                polls[_status(f"{base}/healthz")] += 1
                time.sleep(0.02)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            polled = _in_thread(load.burst, [url], bodies[BURST:], window=1.0, pool=50)
        finally:
            stop.set()
            poller.join()
    finally:
        server.stop()
    print(f"\nburst alone: {alone.figures()}\nburst polled: {polled.figures()}\npolls: {polls}")
    assert dict(alone.statuses) == {"201": BURST}
    assert dict(polled.statuses) == dict(alone.statuses)
    assert set(polls) == {200} and polls[200] >= 10, polls
    conn = sqlite3.connect(data / "pingyi.sqlite3")
    try:
        stored = conn.execute(
            "SELECT count(*) FROM appraisal_ballot b JOIN appraisal_event e ON e.id = b.event_id"
            " WHERE e.key = 'hz'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert stored == 2 * BURST


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_command_line_on_an_unreachable_database_is_one_line_and_exit_1(
    tmp_path: Path,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    env_url = f"postgres://pingyi:pw@127.0.0.1:{port}/nowhere"
    result = _pingyi(tmp_path / "data", "health", database_url=env_url)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("pingyi: cannot open the database"), result.stderr
