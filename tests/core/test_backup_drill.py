"""The backup drill: back up a live server in the middle of a ballot burst, restore it
elsewhere, and find everything (issue 15; ``pingyi backup`` / ``pingyi restore``).

A real ``pingyi serve`` (``benchmarks.harness``: a subprocess in its own process group) on
a fresh data folder with the demo data (events, supervision items, notices), the demo's
next meeting opened with cards of its own. Phones post ballots over real HTTP from many
threads; once a third of them are acknowledged, ``pingyi backup OUT --json`` runs as a
subprocess while the burst goes on. The archive is restored with ``pingyi restore`` into
another, empty data folder (in the PostgreSQL session: an empty second database), and then:

* every ballot acknowledged (201 with a receipt) before the backup started is there, by
  receipt; no receipt is there twice; no ballot is there that was never acknowledged;
  cards used == ballots stored (nothing half-written);
* every table the server does not write has exactly the rows of the source: every
  supervision item (by list key and number) and notice (by item, colour, number) is there;
* the uploads and the secret key are the source's;
* ``pingyi audit verify`` passes on the restored copy;
* ``pingyi serve`` on the restored copy answers ``/healthz`` and shows the published
  results of the demo's published meeting, equal to the source's;
* a second restore into the now non-empty place is refused, and changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from benchmarks import backup_rows as db
from benchmarks.crash import _post
from benchmarks.harness import (
    Card,
    ballot_bodies,
    base_url,
    http_json,
    pingyi_cli,
    pingyi_command,
    pingyi_env,
    pingyi_server,
)
from tests.scratch_postgres import scratch_databases

KEY = "2026-h1"  # the demo's next meeting (a draft until the drill opens it)
CARDS = 360
THREADS = 12
#: ballots per second over all threads (the burst goes on while the backup runs)
RATE = 100.0
BACKUP_AFTER = CARDS // 3
#: ballots held back until the backup has returned: the burst outlives the backup
RESERVE = 60
PUBLISHED = "2025-h2"  # the demo's published meeting

#: Tables that the burst writes (their rows in the copy are checked by receipt instead).
BURST_TABLES = {"appraisal_ballot", "appraisal_ballotcard"}


@dataclass
class Burst:
    """Threads posting one ballot per card at about ``RATE`` per second, recording when each
    was acknowledged."""

    url: str
    bodies: list[dict[str, Any]]
    threads: int = THREADS
    rate: float = RATE
    todo: queue.Queue[int] = field(default_factory=queue.Queue)
    closed: threading.Event = field(default_factory=threading.Event)
    acked: dict[int, tuple[float, str]] = field(default_factory=dict)
    other: dict[int, Any] = field(default_factory=dict)
    cond: threading.Condition = field(default_factory=threading.Condition)
    workers: list[threading.Thread] = field(default_factory=list)

    def start(self, items: range) -> None:
        self.add(items)
        self.workers = [
            threading.Thread(target=self._work, daemon=True) for _ in range(self.threads)
        ]
        for w in self.workers:
            w.start()

    def _work(self) -> None:
        pause = self.threads / self.rate
        while True:
            try:
                i = self.todo.get(timeout=0.05)
            except queue.Empty:
                if self.closed.is_set():
                    return
                continue
            began = time.monotonic()
            kind, value = _post(self.url, self.bodies[i])
            with self.cond:
                if kind == "ok":
                    self.acked[i] = (time.monotonic(), value)
                else:
                    self.other[i] = (kind, value)
                self.cond.notify_all()
            time.sleep(max(0.0, pause - (time.monotonic() - began)))

    def add(self, items: range, *, last: bool = False) -> None:
        for i in items:
            self.todo.put(i)
        if last:
            self.closed.set()

    def wait_for(self, acks: int, timeout: float = 60) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.acked) >= acks, timeout), (
                f"only {len(self.acked)} ballots acknowledged in {timeout} s: {self.other}"
            )

    def receipts_until(self, moment: float) -> set[str]:
        with self.cond:
            return {receipt for at, receipt in self.acked.values() if at < moment}

    def join(self, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        for w in self.workers:
            w.join(max(0.1, end - time.monotonic()))
        assert not any(w.is_alive() for w in self.workers), "the burst did not finish"


def _backup(env: dict[str, str], out: Path) -> tuple[dict[str, Any], float, float]:
    """``pingyi backup OUT --json`` as a subprocess: (its answer, start, end)."""
    started = time.monotonic()
    answer = json.loads(pingyi_cli(env, "backup", str(out), "--json", timeout=120))
    return answer, started, time.monotonic()


def _restore_refused(env: dict[str, str], archive: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*pingyi_command(), "restore", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def drill(source: dict[str, str], target: dict[str, str], workdir: Path) -> None:
    began = time.monotonic()

    def phase(what: str) -> None:
        print(f"{time.monotonic() - began:5.1f} s  {what}")

    pingyi_cli(source, "demo", "--no-serve")  # migrates an embedded data folder first
    # the demo's next meeting: its cards issued (as prepare_event does), voting opened
    out = pingyi_cli(source, "tokens", KEY, "--panel", "attendees", "--count", str(CARDS))
    cards = [Card(row["token"], "attendees") for row in csv.DictReader(io.StringIO(out))]
    assert len(cards) == CARDS
    pingyi_cli(source, "event", "open", KEY)
    phase("demo data and the open event")
    bodies = ballot_bodies(cards)
    before = db.table_counts(source)
    items, notices = db.supervision_items(source), db.supervision_notices(source)
    assert len(items) > 10 and len(notices) > 5, "the demo data has no supervision to check"
    server = pingyi_server(source, workers=2, log_path=workdir / "source.log").start()
    try:
        url = base_url(server)
        status, published = http_json(f"{url}/api/v1/events/{PUBLISHED}/results")
        assert status == 200, published
        burst = Burst(url + "/api/v1/ballots", bodies)
        burst.start(range(CARDS - RESERVE))
        try:
            burst.wait_for(BACKUP_AFTER)
            answer, backup_started, backup_ended = _backup(source, workdir / "drill.tar.gz")
        finally:
            burst.add(range(CARDS - RESERVE, CARDS), last=True)
        acked_before = burst.receipts_until(backup_started)
        during = len(burst.receipts_until(backup_ended)) - len(acked_before)
        burst.join()
        phase(
            f"burst over; the backup took {backup_ended - backup_started:.1f} s: "
            f"{len(acked_before)} ballots acknowledged before it, {during} while it ran"
        )
    finally:
        server.stop()
    assert burst.other == {}, f"ballots not acknowledged: {list(burst.other.items())[:5]}"
    all_acked = {receipt for _at, receipt in burst.acked.values()}
    assert len(all_acked) == len(burst.acked) == CARDS
    # The server kept answering while the backup ran: the backup was online.
    assert during > 0, "no ballot was acknowledged while the backup ran"
    archive = Path(answer["archive"])
    assert archive.is_file() and archive.stat().st_size == answer["bytes"] > 0, answer
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == answer["sha256"], answer
    assert answer["mode"] == ("scaled" if target.get("DATABASE_URL") else "embedded"), answer

    restored = json.loads(pingyi_cli(target, "restore", str(archive), "--json", timeout=120))
    assert restored, restored
    phase("restored")

    # Ballots: every one acknowledged before the backup, none twice, none never acknowledged.
    stored = db.receipts(target, KEY)
    assert len(stored) == len(set(stored)), "a ballot is in the restored copy twice"
    missing = acked_before - set(stored)
    assert not missing, f"{len(missing)} ballots acknowledged before the backup are lost"
    phantom = set(stored) - all_acked
    assert not phantom, f"{len(phantom)} ballots in the copy were never acknowledged"
    assert db.cards_used(target, KEY) == len(stored), "cards used != ballots stored"
    # Everything else is the source's, row for row: a table the server did not write while
    # it ran has exactly the source's rows; one it wrote (the health probe's row) has as many
    # as the source had at some moment between the start and the end.
    copy, end = db.table_counts(target), db.table_counts(source)
    assert set(copy) == set(before)
    for table, count in before.items():
        if table not in BURST_TABLES:
            low, high = sorted((count, end[table]))
            assert low <= copy[table] <= high, f"{table}: {copy[table]} rows, source {count}"
    assert db.supervision_items(target) == items
    assert db.supervision_notices(target) == notices
    src_dir, dst_dir = Path(source["PINGYI_DATA_DIR"]), Path(target["PINGYI_DATA_DIR"])
    assert db.folder_files(dst_dir / "uploads") == db.folder_files(src_dir / "uploads")
    assert (dst_dir / "secret_key").read_bytes() == (src_dir / "secret_key").read_bytes()
    assert "intact" in pingyi_cli(target, "audit", "verify")
    phase("compared, audit verified")

    # A second restore over the copy is refused and changes nothing.
    refused = _restore_refused(target, archive)
    assert refused.returncode != 0, refused.stdout
    assert "Traceback" not in refused.stderr, refused.stderr
    assert refused.stderr.strip(), "the refusal says nothing"
    assert db.receipts(target, KEY) == stored

    # The restored copy serves: /healthz, and the published results.
    server = pingyi_server(target, workers=1, log_path=workdir / "restored.log").start()
    try:
        url = base_url(server)
        # every check green (the queue's consumer beats within seconds of the start)
        deadline = time.monotonic() + 60
        while (health := http_json(f"{url}/healthz"))[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert health[0] == 200, health
        status, results = http_json(f"{url}/api/v1/events/{PUBLISHED}/results")
        assert status == 200 and results == published
    finally:
        server.stop()
    phase("the restored copy served")


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pingyi-drill-"))
    yield path
    if not os.environ.get("PINGYI_TEST_KEEP_DATA"):
        shutil.rmtree(path, ignore_errors=True)


def test_backup_mid_burst_restore_elsewhere_sqlite(workdir: Path) -> None:
    if os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres":
        pytest.skip("the SQLite drill runs in the SQLite session")
    drill(pingyi_env(workdir / "source"), pingyi_env(workdir / "restored"), workdir)


@pytest.fixture
def two_postgres_urls() -> Iterator[tuple[str, str]]:
    """Two fresh databases on the test PostgreSQL server, dropped afterwards."""
    with scratch_databases("drill", 2) as (source, target):
        yield source, target


@pytest.mark.postgres
def test_backup_mid_burst_restore_elsewhere_postgres(
    workdir: Path, two_postgres_urls: tuple[str, str]
) -> None:
    source_url, target_url = two_postgres_urls
    pingyi_cli(pingyi_env(workdir / "source", database_url=source_url), "migrate")
    drill(
        pingyi_env(workdir / "source", database_url=source_url),
        pingyi_env(workdir / "restored", database_url=target_url),
        workdir,
    )
