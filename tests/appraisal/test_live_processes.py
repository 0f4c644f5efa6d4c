"""Live counts across real server processes: two ``pingyi serve`` processes (one gunicorn
worker each), a stream opened on server B, ballots cast through the API of server A, and
the count must arrive on B's stream within 1 s.

* Scaled mode: PostgreSQL + Redis (``PINGYI_TEST_DB=postgres``, ``PINGYI_TEST_DATABASE_URL``,
  ``REDIS_URL``): Redis pub/sub wakes B at once, so the median must also stay well under
  B's 1-second fallback poll.
* Embedded mode: one SQLite file in one data folder, no Redis: B notices on its next
  database poll (every 0.25 s).

Both servers use this session's test database (the test's data is committed:
``transaction=True``) and data folder (so they share the secret key, and the session cookie
made here signs in on both). Latencies are printed (run with ``-s``).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from benchmarks.harness import serving
from pingyi.appraisal import services

from .factories import full_scores
from .test_meeting import issue, make_event

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "t1"
BALLOTS = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pingyi_command() -> list[str]:
    script = Path(sys.executable).with_name("pingyi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pingyi"]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return f"sqlite:///{db['NAME']}"


class Server:
    """One ``pingyi serve`` process (PINGYI_WORKERS=1) on a port of its own."""

    def __init__(self, name: str, *, redis_url: str | None, port: int | None = None) -> None:
        self.name = name
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(
            PINGYI_DATA_DIR=str(settings.DATA_DIR),
            DATABASE_URL=database_url(),
            PINGYI_WORKERS="1",
            PINGYI_THREADS="8",
            PINGYI_HOST="127.0.0.1",
            PINGYI_PORT=str(self.port),
            # A stream whose client left ends at its next heartbeat: stops stay quick.
            PINGYI_LIVE_HEARTBEAT="1",
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.log = Path(settings.DATA_DIR) / f"server-{name}-{self.port}.log"
        self._log = self.log.open("wb")
        self.process = subprocess.Popen(
            [*pingyi_command(), "serve"], env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        started = time.monotonic()
        self.wait_ready()
        print(f"server {self.name} ready in {time.monotonic() - started:.1f} s")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server {self.name} exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as exc:  # 503: serving, but no queue consumer yet
                if serving(exc.code, exc.read()):
                    return
                time.sleep(0.1)
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise AssertionError(f"server {self.name} not ready:\n{self.log.read_text()}")

    def stop(self) -> None:
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        print(f"server {self.name} stopped in {time.monotonic() - started:.1f} s")


class StreamReader:
    """Reads a server's SSE stream in a thread: (arrival time, event, data) into a queue."""

    def __init__(self, server: Server, cookie: str) -> None:
        self.messages: queue.Queue[tuple[float, str, Any]] = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.conn.request("GET", f"/meeting/{KEY}/stream", headers={"Cookie": cookie})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        assert self.response.getheader("X-Accel-Buffering") == "no"
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", []
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if data:
                        self.messages.put((time.time(), name, json.loads("\n".join(data))))
                    name, data = "message", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except (OSError, ValueError, AttributeError):  # closed under our feet: the end
            pass

    def wait_for(self, predicate: Any, timeout: float = 5) -> tuple[float, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching message on the stream")
            try:
                at, name, data = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(name, data):
                return at, data

    def close(self) -> None:
        self.conn.close()


def post_json(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.fixture
def servers(request: pytest.FixtureRequest) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def run_two_servers(servers: list[Server], viewer: Any, redis_url: str | None) -> list[float]:
    event = make_event(KEY)
    tokens = issue(event, count=BALLOTS)
    services.event_open(key=KEY)
    client = Client()
    client.force_login(viewer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    a = Server("A", redis_url=redis_url)
    servers.append(a)
    b = Server("B", redis_url=redis_url)
    servers.append(b)
    stream = StreamReader(b, cookie)
    try:
        stream.wait_for(lambda name, data: name == "counts" and data["cast"] == 0)
        latencies = []
        for n, token in enumerate(tokens, start=1):
            time.sleep(0.3)  # ballots apart: each one's latency is measured on its own
            status, body = post_json(
                f"{a.url}/api/v1/ballots", {"token": token, "scores": full_scores(40 + n)}
            )
            acked = time.time()
            assert status == 201, body
            at, data = stream.wait_for(
                lambda name, data, n=n: name == "counts" and data["cast"] >= n, timeout=3
            )
            latencies.append(max(0.0, at - acked) * 1000)
            assert all("score" not in json.dumps(p) for p in data["panels"])
        mode = "PostgreSQL + Redis" if redis_url else "embedded SQLite"
        print(
            f"\n[{mode}] ballot on server A → count on server B's stream, ms after the 201: "
            + ", ".join(f"{x:.0f}" for x in latencies)
            + f" (median {statistics.median(latencies):.0f}, max {max(latencies):.0f})"
        )
        assert max(latencies) < 1000, latencies
        return latencies
    finally:
        stream.close()


@pytest.mark.postgres
@pytest.mark.redis
def test_two_servers_postgres_redis(
    servers: list[Server], viewer_user: Any, redis_url: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs the PostgreSQL session (PINGYI_TEST_DB=postgres)")
    latencies = run_two_servers(servers, viewer_user, redis_url)
    # Redis woke B at once: not its 1-second fallback poll.
    assert statistics.median(latencies) < 400, latencies


def test_two_servers_embedded_sqlite(servers: list[Server], viewer_user: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("embedded mode runs in the SQLite session")
    run_two_servers(servers, viewer_user, None)
    # B is restarted on the same port (a deploy, a crash): a new stream works at once.
    b = servers[1]
    b.stop()
    servers[1] = Server("B2", redis_url=None, port=b.port)
    client = Client()
    client.force_login(viewer_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    stream = StreamReader(servers[1], cookie)
    try:
        stream.wait_for(lambda name, data: name == "counts" and data["cast"] == BALLOTS)
    finally:
        stream.close()
