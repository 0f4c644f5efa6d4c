"""Kill -9 a real ``pingyi serve`` mid-burst, five times, and lose nothing acknowledged.

The server is a subprocess (gunicorn master + 2 workers, the ballot writer on) on its own
data: a fresh SQLite data folder, or — in the PostgreSQL session — a scratch database
created on the server of ``PINGYI_TEST_DATABASE_URL``. The loop itself is
``benchmarks.crash.crash_loops`` (the benchmark command runs it longer: ``--crash-loops``);
see its docstring for every check. Here each check is asserted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.crash import CrashReport, crash_loops
from benchmarks.harness import pingyi_env
from tests.scratch_postgres import scratch_databases

LOOPS = 5


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pingyi-crash-"))
    yield path
    if not os.environ.get("PINGYI_TEST_KEEP_DATA"):
        shutil.rmtree(path, ignore_errors=True)


def _assert_nothing_lost(report: CrashReport) -> None:
    assert report.problems == [], report.summary() + "\n" + "\n".join(report.problems[:20])
    assert report.kills == LOOPS
    # The kills really landed mid-burst: some requests died with the server and were
    # answered after a restart, and some ballots were answered before a kill.
    assert report.died_in_flight > 0, report.summary()
    assert report.acknowledged_before_kill > 0, report.summary()
    assert report.stored == report.cards_used == report.cards, report.summary()
    assert report.outcomes["ok"] >= report.cards, report.summary()
    assert set(report.outcomes) == {"ok", "died"}, report.outcomes


def test_kill_9_mid_burst_sqlite(workdir: Path) -> None:
    if os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres":
        pytest.skip("the SQLite crash test runs in the SQLite session")
    data = workdir / "data"
    env = pingyi_env(data)
    report = crash_loops(env=env, data_dir=data, workdir=workdir, loops=LOOPS, log=print)
    print(report.summary())
    _assert_nothing_lost(report)


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    with scratch_databases("crash") as (url,):
        yield url


@pytest.mark.postgres
def test_kill_9_mid_burst_postgres(workdir: Path, scratch_postgres_url: str) -> None:
    data = workdir / "data"
    env = pingyi_env(data, database_url=scratch_postgres_url)
    report = crash_loops(env=env, data_dir=data, workdir=workdir, loops=LOOPS, log=print)
    print(report.summary())
    _assert_nothing_lost(report)
