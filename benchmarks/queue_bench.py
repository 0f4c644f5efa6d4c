"""The task queue measured: SqliteHuey against RedisHuey, and what a busy queue does to
ballots (docs/tasks.md, docs/performance.md "Task queue").

    python -m benchmarks.queue_bench [--tasks 2000] [--ballots 1500] [--quick]

1. **Latency and throughput** of each store with a real ``pingyi worker`` (2 threads): a
   task enqueued when the previous one has run (closed loop, 200 times), the same after
   2 s of idleness (a polling consumer has backed off), then ``--tasks`` tasks enqueued as
   fast as one producer can and the time until the consumer has run them all.
2. **Ballots beside a busy queue**, embedded: a real ``pingyi serve`` (2 processes, its
   own consumer) takes ``--ballots`` ballots spread over 10 s, once with the queue idle
   and once while a second process floods the queue file with tasks (each enqueue and
   dequeue is a write transaction with fsync in ``queue.sqlite3``); the ballot latencies'
   p50/p99 compared. A third run puts the same flood's queue *in the database file*, the
   layout this design avoids, to show what the separate file buys.

Redis is the test Redis at ``REDIS_URL`` if set, else a throw-away ``redis-server``.
Prints one JSON document (and a table).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks import harness
from benchmarks.hostile import percentile
from benchmarks.load import burst

TASKS = "benchmarks.queue_tasks"


def _ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50_ms": round(percentile(values, 50) * 1000, 2),
        "p99_ms": round(percentile(values, 99) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
        "mean_ms": round(statistics.fmean(values) * 1000, 2),
    }


def _read(path: Path) -> dict[str, tuple[float, float]]:
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text().splitlines():
        key, sent, ran = line.split()
        rows[key] = (float(sent), float(ran))
    return rows


def _wait_rows(path: Path, count: int, timeout: float) -> dict[str, tuple[float, float]]:
    deadline = time.monotonic() + timeout
    rows = _read(path)
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.002)
        rows = _read(path)
    return rows


def _use_store(kind: str, data: Path, redis_url: str, name: str) -> None:
    """Point this process's queue (djhuey's HUEY) at the worker's store."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage

    from pingyi.core.queue import PrivateSqliteStorage

    if kind == "sqlite":
        HUEY.storage = PrivateSqliteStorage(
            name=HUEY.name, filename=str(data / "queue.sqlite3"), fsync=True, timeout=30
        )
    else:
        HUEY.storage = RedisStorage(name=name, url=redis_url)


def measure_store(kind: str, scratch: Path, redis_url: str, tasks: int, log=print) -> dict:
    from benchmarks import queue_tasks

    data = scratch / f"{kind}-data"
    name = f"bench-{uuid.uuid4().hex[:8]}"
    extra = {"PINGYI_TASK_MODULES": TASKS}
    if kind == "redis":
        extra.update(REDIS_URL=redis_url, PINGYI_QUEUE_NAME=name)
    env = harness.pingyi_env(data, **extra)
    harness.pingyi_cli(env, "migrate")
    log_path = scratch / f"worker-{kind}.log"
    out = log_path.open("ab")
    worker = subprocess.Popen(
        [*harness.pingyi_command(), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
    )
    out.close()
    try:
        deadline = time.monotonic() + 60
        while "pingyi worker: pid" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        _use_store(kind, data, redis_url, name)
        stamps = scratch / f"stamps-{kind}.txt"

        def one(key: str) -> float:
            queue_tasks.stamp(str(stamps), key, time.time())
            row = _wait_rows(stamps, int(key.split("-")[1]) + 1, 30).get(key)
            assert row, log_path.read_text()
            return row[1] - row[0]

        for n in range(5):  # warm up
            one(f"w-{n}")
        stamps.unlink()
        busy = [one(f"b-{n}") for n in range(200)]
        stamps.unlink()
        idle = []
        for n in range(5):
            time.sleep(2.0)
            idle.append(one(f"i-{n}"))
        stamps.unlink()
        started = time.time()
        for n in range(tasks):
            queue_tasks.stamp(str(stamps), f"t-{n}", time.time())
        enqueued = time.time() - started
        rows = _wait_rows(stamps, tasks, 300)
        drained = max(ran for _sent, ran in rows.values()) - started
        result = {
            "latency_back_to_back": _ms(busy),
            "latency_after_2s_idle": _ms(idle),
            "enqueue_per_second": round(tasks / enqueued),
            "run_per_second": round(len(rows) / drained),
            "tasks": len(rows),
        }
        log(f"{kind}: {json.dumps(result)}")
        return result
    finally:
        worker.terminate()
        worker.wait(30)


def _flood(data: str, seconds: float, in_database: bool) -> None:
    """(A child process.) Enqueue ``busy`` tasks as fast as possible for ``seconds``; with
    ``in_database``, into the main database file and run them here too (a consumer of
    that store), which is the layout the design avoids."""
    from benchmarks import queue_tasks

    harness.setup_django(Path(data))
    from huey.contrib.djhuey import HUEY

    from pingyi.core.queue import PrivateSqliteStorage
    from pingyi.core.tasks import PingyiConsumer

    consumer = None
    if in_database:
        HUEY.storage = PrivateSqliteStorage(
            name="flood", filename=str(Path(data) / "pingyi.sqlite3"), fsync=True, timeout=30
        )
        consumer = PingyiConsumer(HUEY, workers=2, periodic=False, max_delay=1.0)
        consumer.start()
    count = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        queue_tasks.busy()
        count += 1
    if consumer is not None:
        consumer.stop(graceful=False)
    print(json.dumps({"enqueued": count, "per_second": round(count / seconds)}), flush=True)


def measure_ballots(scratch: Path, ballots: int, log=print) -> dict:
    data = scratch / "serve-data"
    env = harness.pingyi_env(data, PINGYI_TASK_MODULES=TASKS)
    harness.pingyi_cli(env, "migrate")
    phases = ["warm-up", "idle", "queue busy", "queue in the database, busy", "idle again"]
    cards = harness.prepare_event(env, "qbench", ballots * len(phases), workdir=scratch)
    bodies = harness.ballot_bodies(cards)
    server = harness.pingyi_server(env, workers=2, log_path=scratch / "serve.log").start()
    url = harness.base_url(server) + "/api/v1/ballots"
    results: dict[str, Any] = {}
    try:
        for index, phase in enumerate(phases):
            flood = None
            if "busy" in phase:
                flood = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.queue_bench",
                        "--flood",
                        str(data),
                        "--flood-seconds",
                        "14",
                    ]
                    + (["--in-database"] if "database" in phase else []),
                    env={**env, "PYTHONPATH": os.getcwd()},
                    stdout=subprocess.PIPE,
                    text=True,
                )
                time.sleep(2)  # the flood is running
            part = bodies[index * ballots : (index + 1) * ballots]
            result = burst([url], part, window=10.0, pool=200)
            flooded = {}
            if flood is not None:
                stdout, _ = flood.communicate(timeout=60)
                flooded = json.loads(stdout.strip().splitlines()[-1])
            if phase == "warm-up":  # the server's first requests (imports, connections)
                continue
            results[phase] = {
                "ballots": result.n,
                "stored": result.ok,
                "errors": result.errors,
                **_ms(result.latencies),
                "flood": flooded,
            }
            log(f"ballots, {phase}: {json.dumps(results[phase])}")
    finally:
        server.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.queue_bench")
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--ballots", type=int, default=1500)
    parser.add_argument("--quick", action="store_true", help="200 tasks, 300 ballots")
    parser.add_argument("--flood", help=argparse.SUPPRESS)
    parser.add_argument("--flood-seconds", type=float, default=14, help=argparse.SUPPRESS)
    parser.add_argument("--in-database", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.flood:
        _flood(args.flood, args.flood_seconds, args.in_database)
        return 0
    if args.quick:
        args.tasks, args.ballots = 200, 300
    figures: dict[str, Any] = {"cores": os.cpu_count()}
    with harness.scratch_dir("pingyi-queue-bench-") as scratch:
        harness.setup_django(scratch / "bench")
        redis = None
        redis_url = os.environ.get("REDIS_URL", "")
        if not redis_url:
            redis = harness.RedisServer(scratch / "redis").start()
            redis_url = redis.url
        try:
            figures["sqlite"] = measure_store("sqlite", scratch, redis_url, args.tasks)
            figures["redis"] = measure_store("redis", scratch, redis_url, args.tasks)
            figures["ballots"] = measure_ballots(scratch, args.ballots)
        finally:
            if redis is not None:
                redis.stop()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
