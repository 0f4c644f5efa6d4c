"""pingyi's benchmark command: real servers on 127.0.0.1, one run, median figures.

    python -m benchmarks [--phones 2000] [--window 10] [--modes embedded,scaled]
                         [--repeat 3] [--crash-loops 20] [--quick] [--out DIR]

Run from the repository root with the project's virtualenv. It measures, in this order:

1. **Tally at scale** — ``benchmarks/tally_bench.py`` (1,000,000 ballots x 22 units x 4
   criteria, in memory) and the same 1M ballots read from a scratch SQLite database
   (``selectors.results_of``).
2. **Burst, embedded** — ``pingyi serve`` on a fresh data folder (SQLite) in several serving
   configurations; per configuration and repeat a fresh event with N cards (``pingyi event
   import`` / ``pingyi tokens`` / ``pingyi event open``), then N phones submit a full ballot
   for the 23-unit demo event: spread over the window, and all at t=0. Every burst is
   verified against the database: ballots stored == 201s, every receipt present.
3. **Live latency** (ballot acknowledged -> the count on a connected ``/meeting/KEY/stream``)
   and **page weight** of the phone ballot (``/b/`` and everything it loads).
4. **Baseline, same run** — ``benchmarks/baseline`` (one row per request, durable) under
   gunicorn gthread / gunicorn sync / uvicorn / granian, on SQLite and PostgreSQL, with the
   same all-at-t=0 load; pingyi's ratio to the best.
5. **Scaled** — PostgreSQL + Redis (throw-away, on free ports), two ``pingyi serve``
   processes, the clients split across both ports.
6. **Crash loops** — ``kill -9`` mid-burst, restart, ``--crash-loops`` times (see
   ``benchmarks/crash.py``).
7. **Backup and restore** — ``benchmarks/backup_bench.py``: a 2,000-ballot meeting and a
   year of supervision, ``pingyi backup`` and ``pingyi restore`` timed, the copy checked.

The report (Markdown) is printed and written with the raw figures (JSON) into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent




def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import django

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    pg = subprocess.run(
        ["/usr/lib/postgresql/15/bin/postgres", "--version"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()
    redis = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True, check=False
    ).stdout.split(" sha")[0]
    import gunicorn

    versions = {"gunicorn": gunicorn.__version__}
    for module in ("uvicorn", "granian", "httpx"):
        try:
            versions[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            versions[module] = "missing"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": free.splitlines()[1].split()[1] if free else "?",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "redis": redis,
        **versions,
    }


# --- helpers ----------------------------------------------------------------------------------


def median_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose throughput is the median (its latencies come with it), plus spreads."""
    ordered = sorted(runs, key=lambda r: r["per_s"])
    mid = dict(ordered[len(ordered) // 2])
    mid["runs"] = len(runs)
    mid["per_s_all"] = [r["per_s"] for r in runs]
    mid["p99_all"] = [r["p99_ms"] for r in runs]
    mid["errors_all"] = [r["errors"] for r in runs]
    mid["verified_all"] = [r.get("verified", "n/a") for r in runs]
    return mid


def stored_receipts(env: dict[str, str], key: str) -> list[str]:
    sql = (
        "SELECT b.receipt FROM appraisal_ballot b JOIN appraisal_event e ON e.id = b.event_id "
        "WHERE e.key = %s"
    )
    url = env.get("DATABASE_URL", "")
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [r[0] for r in conn.execute(sql, [key])]
    conn = sqlite3.connect(Path(env["PINGYI_DATA_DIR"]) / "pingyi.sqlite3")
    try:
        return [r[0] for r in conn.execute(sql.replace("%s", "?"), [key])]
    finally:
        conn.close()


def verify_burst(env: dict[str, str], key: str, result: Any) -> str:
    """Ballots stored == 201s, and every acknowledged receipt is stored."""
    stored = stored_receipts(env, key)
    acked = [a["receipt"] for _i, a in result.answers if isinstance(a, dict) and "receipt" in a]
    missing = set(acked) - set(stored)
    if len(stored) == result.ok and not missing and len(set(acked)) == len(acked):
        return "ok"
    return f"FAILED: stored {len(stored)}, 201s {result.ok}, missing {len(missing)}"


# --- 1. tally -------------------------------------------------------------------------------


def bench_tally(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    n = args.tally_ballots
    out: dict[str, Any] = {"ballots": n}
    log(f"tally: benchmarks/tally_bench.py --ballots {n}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "tally_bench.py"), "--ballots", str(n),
         "--repeat", str(args.repeat)],
        capture_output=True, text=True, check=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    out["tally_bench_output"] = proc.stdout.strip()
    best = re.search(r"best ([\d.]+) s, worst ([\d.]+) s", proc.stdout)
    if best:
        out["in_memory_best_s"], out["in_memory_worst_s"] = float(best[1]), float(best[2])

    # The same number of ballots read from a database.
    import numpy as np
    from django.core.management import call_command

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import tally_bench

    from pingyi.appraisal import selectors, services
    from pingyi.appraisal.method.spec import dump_event_json
    from pingyi.appraisal.models import Event

    call_command("migrate", verbosity=0)
    spec = tally_bench.bench_spec()
    Event.objects.filter(key=spec.key).delete()
    event = services.event_import(data=dump_event_json(spec))
    matrix = tally_bench.random_matrix(spec, n, 2026)
    panels = [p.key for p in spec.panels]
    rng = np.random.default_rng(7)
    ids = rng.choice(2**62, size=n, replace=False) + 1
    start = time.perf_counter()
    db = Path(os.environ["PINGYI_DATA_DIR"]) / "pingyi.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a scratch load, not a ballot path
    rows = (
        (int(ids[i]), event.pk, panels[int(matrix.panels[i])], f"{i:016x}",
         matrix.slots[i].tobytes(), 0)
        for i in range(n)
    )
    conn.executemany(
        "INSERT INTO appraisal_ballot (id, event_id, panel, receipt, payload, rehearsal) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    out["db_insert_s"] = round(time.perf_counter() - start, 2)
    out["db_size_mib"] = round(db.stat().st_size / 2**20)
    times = []
    for _ in range(args.repeat):
        event = Event.objects.get(pk=event.pk)
        start = time.perf_counter()
        results = selectors.results_of(event=event)
        times.append(time.perf_counter() - start)
    out["from_db_s"] = [round(t, 2) for t in times]
    out["from_db_median_s"] = round(statistics.median(times), 2)
    del results
    log(f"tally: from SQLite {out['from_db_median_s']} s (median of {args.repeat})")
    return out


# --- 2. bursts against pingyi ---------------------------------------------------------------


class PingyiSetup:
    """A data folder (or database) with events prepared, and 1..n servers on it."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str]) -> None:
        from benchmarks.harness import pingyi_cli

        self.name, self.workdir, self.env = name, workdir, env
        self.events: list[tuple[str, list[Any]]] = []
        workdir.mkdir(parents=True, exist_ok=True)
        pingyi_cli(env, "migrate")

    def event(self, key: str, cards: int) -> list[Any]:
        from benchmarks.harness import prepare_event

        return prepare_event(self.env, key, cards, workdir=self.workdir)


def run_bursts(
    *,
    label: str,
    setup: PingyiSetup,
    servers_spec: list[dict[str, Any]],
    args: argparse.Namespace,
    tag: str,
    variants: list[float],
    extra: Callable[[list[Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Prepare events, start the servers, run every variant ``repeat`` times, verify."""
    from benchmarks import load
    from benchmarks.harness import ballot_bodies, base_url, pingyi_server

    plan = []
    for variant in variants:
        for r in range(args.repeat):
            key = f"{tag}-w{int(variant * 10)}-r{r}"
            log(f"  {label}: preparing {key} ({args.phones} cards)")
            cards = setup.event(key, args.phones)
            plan.append((variant, key, ballot_bodies(cards, seed=r)))
    servers = []
    try:
        for spec in servers_spec:
            servers.append(
                pingyi_server(
                    {**setup.env, **spec.get("env", {})},
                    workers=spec["workers"],
                    threads=spec.get("threads"),
                    log_path=setup.workdir / f"{tag}-server.log",
                ).start()
            )
        urls = [base_url(s) + "/api/v1/ballots" for s in servers]
        # Warm up: every worker loads Django and the event once (a real hall opens the page
        # minutes before voting; the first request of a fresh worker costs ~0.3 s).
        warm = setup.event(f"{tag}-warm", 40 * len(servers))
        load.burst(urls, ballot_bodies(warm), window=0, pool=40)
        out: dict[str, Any] = {}
        for variant in variants:
            runs = []
            for v, key, bodies in plan:
                if v != variant:
                    continue
                result = load.burst(
                    urls, bodies, window=variant, pool=args.pool, client=args.client
                )
                figures = result.figures()
                figures["verified"] = verify_burst(setup.env, key, result)
                log(f"  {label} window={variant}s: {_short(figures)}")
                runs.append(figures)
            out[f"window_{variant:g}s"] = median_figures(runs)
        if extra is not None:
            out.update(extra(servers))
        return out
    finally:
        for s in servers:
            s.stop()


def _short(f: dict[str, Any]) -> str:
    return (
        f"{f['per_s']}/s p50 {f['p50_ms']} p95 {f['p95_ms']} p99 {f['p99_ms']} ms, "
        f"errors {f['errors']} {f.get('verified', '')}"
    )


# --- 3. live latency and page weight --------------------------------------------------------




class StreamWatcher(threading.Thread):
    """Reads ``/meeting/KEY/stream`` and notes when each ``counts.cast`` value first shows."""

    def __init__(self, base: str, key: str, cookies: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.base, self.key, self.cookies = base, key, cookies
        self.seen: list[tuple[float, int]] = []  # (monotonic, cast)
        self.ready = threading.Event()
        self.stop_flag = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        import httpx

        try:
            with httpx.Client(base_url=self.base, cookies=self.cookies, timeout=None) as http, \
                    http.stream("GET", f"/meeting/{self.key}/stream") as response:
                if response.status_code != 200:
                    self.error = f"stream answered {response.status_code}"
                    self.ready.set()
                    return
                event = ""
                for line in response.iter_lines():
                    if self.stop_flag.is_set():
                        return
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event == "counts":
                        cast = json.loads(line[5:])["cast"]
                        self.seen.append((time.monotonic(), cast))
                        self.ready.set()
        except Exception as exc:  # reported in the figures
            self.error = repr(exc)
            self.ready.set()

    def visible_at(self, count: int) -> float | None:
        for t, cast in self.seen:
            if cast >= count:
                return t
        return None


def live_latency(env: dict[str, str], servers: list[Any], args: argparse.Namespace,
                 setup: PingyiSetup, tag: str) -> dict[str, Any]:
    """Trickle: one ballot every 0.2 s to the server NOT carrying the stream when there are two
    processes; latency = count visible on the stream - 201 received."""
    from benchmarks import load
    from benchmarks.harness import ballot_bodies, base_url, office_cookies

    base = base_url(servers[0])
    key = f"{tag}-live"
    cards = setup.event(key, args.live_ballots)
    bodies = ballot_bodies(cards)
    watcher = StreamWatcher(base, key, office_cookies(env, base))
    watcher.start()
    watcher.ready.wait(20)
    if watcher.error:
        return {"live": {"error": watcher.error}}
    target = base_url(servers[-1]) + "/api/v1/ballots"
    acks: list[float] = []
    for i, body in enumerate(bodies):
        result = load.burst([target], [body], window=0, pool=1)
        if result.ok:
            acks.append(result.ack_times[0])
        time.sleep(max(0.0, 0.2 - (time.monotonic() - result.first_press)))
        del i
    time.sleep(2)
    latencies = []
    for n, acked in enumerate(acks, start=1):
        seen = watcher.visible_at(n)
        if seen is not None:
            latencies.append(max(0.0, seen - acked))
    watcher.stop_flag.set()
    lat = sorted(latencies)

    def pct(q: float) -> float:
        return round(lat[min(len(lat) - 1, int(q / 100 * len(lat)))] * 1000, 1) if lat else -1

    return {
        "live": {
            "ballots": len(acks),
            "seen": len(latencies),
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "max_ms": round(max(lat) * 1000, 1) if lat else -1,
            "stream_on": "process 1" if len(servers) == 1 else "process 1, ballots to process 2",
        }
    }


def page_weight(base: str) -> dict[str, Any]:
    """Bytes on the wire for the phone ballot: /b/ and the CSS/JS it loads (compressed as the
    server sends them to a browser that accepts gzip and brotli), headers included."""
    import httpx

    headers = {"Accept-Encoding": "gzip, br", "Accept-Language": "zh-CN,zh;q=0.9",
               "User-Agent": "Mozilla/5.0 (Linux; Android 14) benchmark"}
    items = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        page = http.get("/b/")
        items.append(("/b/", page))
        for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
            items.append((ref, http.get(ref)))
    rows = []
    for path, response in items:
        head = sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 20
        rows.append({
            "path": path,
            "status": response.status_code,
            "encoding": response.headers.get("content-encoding", "identity"),
            "body_bytes": response.num_bytes_downloaded,
            "uncompressed_bytes": len(response.content),
            "header_bytes": head,
        })
    total = sum(r["body_bytes"] + r["header_bytes"] for r in rows)
    return {"page": {"items": rows, "total_bytes": total}}


# --- 4. baseline ------------------------------------------------------------------------------


BASELINE_SERVERS = {
    # name: argv after the python executable (PORT is filled in)
    "gunicorn gthread 2x16": ["-m", "benchmarks.baseline.gunicorn_app", "PORT", "2", "16"],
    "gunicorn gthread 2x4": ["-m", "benchmarks.baseline.gunicorn_app", "PORT", "2", "4"],
    "gunicorn gthread 2x1": ["-m", "benchmarks.baseline.gunicorn_app", "PORT", "2", "1"],
    "gunicorn sync 2": ["-m", "benchmarks.baseline.gunicorn_app", "PORT", "2", "sync"],
    "gunicorn sync 1": ["-m", "benchmarks.baseline.gunicorn_app", "PORT", "1", "sync"],
    "uvicorn 2 (ASGI)": ["-m", "uvicorn", "benchmarks.baseline.asgi:application", "--host",
                         "127.0.0.1", "--port", "PORT", "--workers", "2", "--no-access-log",
                         "--log-level", "warning"],
    "granian WSGI 2": ["-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port",
                       "PORT", "--workers", "2", "--no-access-log", "--log-level", "warning",
                       "benchmarks.baseline.wsgi:application"],
    "granian WSGI 2, 4 threads": ["-m", "granian", "--interface", "wsgi", "--host",
                                  "127.0.0.1", "--port", "PORT", "--workers", "2",
                                  "--blocking-threads", "4", "--no-access-log", "--log-level",
                                  "warning", "benchmarks.baseline.wsgi:application"],
}
QUICK_BASELINE = ["gunicorn gthread 2x16", "gunicorn sync 2", "granian WSGI 2"]


def bench_baseline(
    args: argparse.Namespace, workdir: Path, database_url: str, names: list[str], body: Any
) -> dict[str, Any]:
    from benchmarks import load
    from benchmarks.harness import Process, free_port

    out = {}
    for name in names:
        data = workdir / re.sub(r"\W+", "-", name)
        data.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(DJANGO_SETTINGS_MODULE="benchmarks.baseline.settings",
                   BASELINE_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
        if database_url:
            env["DATABASE_URL"] = database_url
        subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v0"],
                       env=env, check=True, cwd=ROOT)
        if database_url:
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("TRUNCATE baseline_row")
        port = free_port()
        argv = [sys.executable, *[str(port) if a == "PORT" else a for a in BASELINE_SERVERS[name]]]
        server = Process(argv, env, f"http://127.0.0.1:{port}/healthz", data / "server.log")
        server.start()
        try:
            url = f"http://127.0.0.1:{port}/insert"
            load.burst([url], [body] * 100, window=0, pool=50, client=args.client)  # warm up
            runs = []
            for _ in range(args.repeat):
                result = load.burst([url], [body] * args.phones, window=0, pool=args.pool,
                                    client=args.client)
                runs.append(result.figures())
                log(f"  baseline {name} ({'PostgreSQL' if database_url else 'SQLite'}): "
                    f"{_short(runs[-1])}")
            out[name] = median_figures(runs)
        finally:
            server.stop()
    return out


# --- 5/6. modes -------------------------------------------------------------------------------


EMBEDDED_CONFIGS = {
    # name: [server spec, ...]
    "2 workers x 16 threads, writer (default)": [{"workers": 2, "threads": 16}],
    "2 workers x 16 threads, direct writes": [
        {"workers": 2, "threads": 16, "env": {"PINGYI_BALLOT_WRITER": "direct"}}
    ],
    "1 worker x 32 threads, writer": [{"workers": 1, "threads": 32}],
    "2 workers x 4 threads, writer": [{"workers": 2, "threads": 4}],
    "2 workers x 16 threads, writer, persistent connections (proposed)": [
        {"workers": 2, "threads": 16, "env": {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings_persistent", "PYTHONPATH": str(ROOT)}}
    ],
}
QUICK_EMBEDDED = [
    "2 workers x 16 threads, writer (default)",
    "2 workers x 16 threads, direct writes",
]


def bench_embedded(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from benchmarks.harness import pingyi_env

    out: dict[str, Any] = {}
    names = QUICK_EMBEDDED if args.quick else list(EMBEDDED_CONFIGS)
    for index, name in enumerate(names):
        folder = workdir / f"embedded-{index}"
        env = pingyi_env(folder / "data")
        setup = PingyiSetup(name, folder, env)
        first = index == 0

        def extra(servers: list[Any], setup: PingyiSetup = setup, env: dict[str, str] = env) -> Any:
            from benchmarks.harness import base_url

            figures = live_latency(env, servers, args, setup, "live")
            figures.update(page_weight(base_url(servers[0])))
            return figures

        log(f"embedded: {name}")
        out[name] = run_bursts(
            label=name, setup=setup, servers_spec=EMBEDDED_CONFIGS[name], args=args,
            tag=f"e{index}", variants=[args.window, 0.0], extra=extra if first else None,
        )
    return out


def bench_scaled(args: argparse.Namespace, workdir: Path, body: Any) -> dict[str, Any]:
    from benchmarks.harness import PostgresCluster, RedisServer, base_url, pingyi_env

    # The server runs as user postgres: its folder must not be under a private temp folder.
    pg_root = Path(tempfile.mkdtemp(prefix="pingyi-bench-pg-"))
    pg_root.chmod(0o755)
    pg = PostgresCluster(pg_root / "pg").start()
    redis = RedisServer(workdir / "redis").start()
    try:
        url = pg.create_database("pingyi")
        env = pingyi_env(workdir / "scaled-data", database_url=url, redis_url=redis.url)
        setup = PingyiSetup("scaled", workdir / "scaled", env)

        def extra(servers: list[Any]) -> Any:
            figures = live_latency(env, servers, args, setup, "live")
            figures.update(page_weight(base_url(servers[0])))
            return figures

        log("scaled: PostgreSQL + Redis, 2 pingyi serve processes (1 worker x 16 threads each)")
        out: dict[str, Any] = {"postgresql": pg.version()}
        out["2 processes x 1 worker x 16 threads, writer"] = run_bursts(
            label="scaled", setup=setup,
            servers_spec=[{"workers": 1, "threads": 16}, {"workers": 1, "threads": 16}],
            args=args, tag="s", variants=[args.window, 0.0], extra=extra,
        )
        if not args.quick:
            out["1 process x 2 workers x 16 threads, writer"] = run_bursts(
                label="scaled 1 server", setup=setup,
                servers_spec=[{"workers": 2, "threads": 16}],
                args=args, tag="s1", variants=[0.0],
            )
        names = QUICK_BASELINE if args.quick else list(BASELINE_SERVERS)
        baseline_url = pg.create_database("baseline")
        out["baseline"] = bench_baseline(args, workdir / "baseline-pg", baseline_url, names, body)
        return out
    finally:
        redis.stop()
        pg.stop()
        shutil.rmtree(pg_root, ignore_errors=True)


def bench_crash(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from benchmarks.crash import crash_loops
    from benchmarks.harness import pingyi_env

    data = workdir / "crash-data"
    report = crash_loops(env=pingyi_env(data), data_dir=data, workdir=workdir / "crash",
                         loops=args.crash_loops, log=log)
    return {"summary": report.summary(), "problems": report.problems[:50],
            "kills": report.kills, "cards": report.cards, "stored": report.stored,
            "died_in_flight": report.died_in_flight,
            "stored_unanswered_then_retried": report.retry_found_stored}


# --- report -----------------------------------------------------------------------------------


def bench_hostile(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Issue 9's hall at its worst (``benchmarks/hostile.py``): bombs, 100 streams and 30
    slowloris clients beside 200 ballots, then a 200-connection closed loop for 10 s."""
    from benchmarks import hostile

    workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for i in range(args.repeat):
        runs.append(hostile.run(workdir=workdir / f"run-{i}", with_wrk=True, log=log))
    return {"runs": runs}


def bench_backup(args: argparse.Namespace) -> dict[str, Any]:
    """``benchmarks/backup_bench.py`` in a child: a 2,000-ballot meeting and a year of
    supervision backed up and restored (``--quick``: 500 ballots, 100 items)."""
    size = ["--ballots", "500", "--items", "100"] if args.quick else []
    log(f"backup: python -m benchmarks.backup_bench --json {' '.join(size)}")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.backup_bench", "--json", *size],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return dict(json.loads(proc.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--modes", default="embedded,scaled")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--pool", type=int, default=200, help="client connections")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    parser.add_argument("--crash-loops", type=int, default=None)
    parser.add_argument("--tally-ballots", type=int, default=1_000_000)
    parser.add_argument("--live-ballots", type=int, default=50)
    parser.add_argument(
        "--skip", default="", help="comma list: tally,baseline,hostile,crash,backup"
    )
    parser.add_argument("--quick", action="store_true", help="1 run per figure, fewer configs")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
        args.tally_ballots = min(args.tally_ballots, 200_000)
    if args.crash_loops is None:
        args.crash_loops = 3 if args.quick else 20
    skip = set(filter(None, args.skip.split(",")))
    modes = set(filter(None, args.modes.split(",")))
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pingyi-bench-") as tmp:
        work = Path(tmp)
        from benchmarks.harness import Card, ballot_bodies, setup_django

        setup_django(work / "tally-data")

        body = ballot_bodies([Card("x" * 43, "attendees")])[0]
        report: dict[str, Any] = {
            "command": " ".join(
                ["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])]
            ),
            "machine": machine(),
            "settings": {k: getattr(args, k) for k in (
                "phones", "window", "repeat", "pool", "client", "crash_loops", "tally_ballots")},
        }
        log(json.dumps(report["machine"]))
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        raw = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
        names = QUICK_BASELINE if args.quick else list(BASELINE_SERVERS)
        sections: list[tuple[str, bool, Callable[[], Any]]] = [
            ("tally", "tally" not in skip, lambda: bench_tally(args, work)),
            ("embedded", "embedded" in modes, lambda: bench_embedded(args, work / "embedded")),
            ("baseline_sqlite", "embedded" in modes and "baseline" not in skip,
             lambda: bench_baseline(args, work / "baseline", "", names, body)),
            ("scaled", "scaled" in modes, lambda: bench_scaled(args, work / "scaled-mode", body)),
            ("hostile", "embedded" in modes and "hostile" not in skip,
             lambda: bench_hostile(args, work / "hostile")),
            ("crash", "crash" not in skip and args.crash_loops > 0,
             lambda: bench_crash(args, work)),
            ("backup", "backup" not in skip, lambda: bench_backup(args)),
        ]
        for name, wanted, section in sections:
            if not wanted:
                continue
            try:
                report[name] = section()
            except Exception as exc:  # keep what was measured; name what failed
                log(f"{name}: FAILED: {exc!r}")
                report.setdefault("failed", {})[name] = repr(exc)
            report["seconds"] = round(time.monotonic() - started)
            raw.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    from benchmarks.report import markdown

    text = markdown(report)
    raw.with_suffix(".md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
