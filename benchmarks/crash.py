"""Kill -9 the server mid-burst, restart, repeat; then prove nothing acknowledged was lost.

Used by ``tests/appraisal/test_crash.py`` (5 loops, SQLite and PostgreSQL) and by the
benchmark command (``--crash-loops 20``). Standard library only.

Each loop starts ``pingyi serve``, sends the requests that died in the previous loops
(retried with the SAME body, as the phone page does) and a burst of fresh ballots from
many threads, and ``kill -9``\\ s the server's whole process group once a random share of
the burst has been acknowledged. After the loops one more server answers every request
still outstanding, then voting is closed and:

* every receipt acknowledged (201) is among the stored ballots' receipts;
* a card has one receipt whatever the number of retries (a retry of a ballot stored before
  the crash answers 201 with the same receipt; a different ballot with it answers 409);
* cards used == ballots stored == cards issued (everyone finally voted);
* the results fixed at close (``GET /api/v1/events/KEY/results``) equal a fresh recount of
  the exported bundle (``pingyi event export`` + ``pingyi tally``).
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    Process,
    ballot_bodies,
    base_url,
    http_json,
    pingyi_cli,
    pingyi_server,
    prepare_event,
)

KEY = "crash"


@dataclass
class CrashReport:
    loops: int = 0
    kills: int = 0
    cards: int = 0
    acknowledged_before_kill: int = 0
    died_in_flight: int = 0
    retried_after_restart: int = 0
    retry_found_stored: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    stored: int = 0
    cards_used: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.loops} kill -9 loops on {self.cards} cards in {self.seconds:.1f} s: "
            f"{self.acknowledged_before_kill} acknowledged in loops, {self.died_in_flight} "
            f"requests died with the server and were retried ({self.retry_found_stored} of "
            f"those had been stored before the kill and answered the same receipt); "
            f"stored {self.stored}, cards used {self.cards_used}; "
            f"problems: {len(self.problems)}"
        )


def _post(url: str, body: dict[str, Any], timeout: float = 30) -> tuple[str, Any]:
    """('ok', receipt) | ('status', (code, body)) | ('died', reason)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        try:
            return "status", (exc.code, exc.read().decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException) as inner:  # the body was cut by the kill
            return "died", repr(inner)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, reset, cut
        return "died", repr(exc)
    try:
        answer = json.loads(raw)
    except ValueError:
        return "died", f"cut answer: {raw[:80]!r}"
    if status == 201 and isinstance(answer, dict) and "receipt" in answer:
        return "ok", answer["receipt"]
    return "status", (status, answer)


class _Burst:
    """Many threads posting ballots; ``kill_after`` acknowledgements trigger ``on_kill``."""

    def __init__(self, url: str, bodies: list[dict[str, Any]], items: list[int], threads: int):
        self.url = url
        self.bodies = bodies
        self.todo: queue.Queue[int] = queue.Queue()
        for i in items:
            self.todo.put(i)
        self.threads = threads
        self.results: dict[int, tuple[str, Any]] = {}
        self.lock = threading.Lock()
        self.acks = 0
        self.killed = threading.Event()
        self.ack_event = threading.Condition(self.lock)

    def run(self, *, kill_after: int | None, kill: Any, deadline: float = 60) -> None:
        workers = [threading.Thread(target=self._work, daemon=True) for _ in range(self.threads)]
        for w in workers:
            w.start()
        if kill_after is not None:
            with self.ack_event:
                self.ack_event.wait_for(lambda: self.acks >= kill_after, timeout=deadline)
            kill()
            self.killed.set()
        end = time.monotonic() + deadline
        for w in workers:
            w.join(timeout=max(0.1, end - time.monotonic()))

    def _work(self) -> None:
        while not self.killed.is_set():
            try:
                i = self.todo.get_nowait()
            except queue.Empty:
                return
            outcome = _post(self.url, self.bodies[i])
            with self.ack_event:
                self.results[i] = outcome
                if outcome[0] == "ok":
                    self.acks += 1
                self.ack_event.notify_all()


def _count_rows(env: dict[str, str], data_dir: Path) -> tuple[int, int, int]:
    """(cards issued, cards used, ballots stored) of the event, read from the database."""
    queries = (
        "SELECT count(*) FROM appraisal_ballotcard c JOIN appraisal_event e ON e.id = c.event_id "
        "WHERE e.key = %s",
        "SELECT count(*) FROM appraisal_ballotcard c JOIN appraisal_event e ON e.id = c.event_id "
        "WHERE e.key = %s AND c.used",
        "SELECT count(*) FROM appraisal_ballot b JOIN appraisal_event e ON e.id = b.event_id "
        "WHERE e.key = %s",
    )
    url = env.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite:"):
        import psycopg

        with psycopg.connect(url) as conn:
            return tuple(conn.execute(q, [KEY]).fetchone()[0] for q in queries)  # type: ignore[return-value]
    conn = sqlite3.connect(data_dir / "pingyi.sqlite3")
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(q.replace("%s", "?"), [KEY]).fetchone()[0] for q in queries
        )
    finally:
        conn.close()


def crash_loops(
    *,
    env: dict[str, str],
    data_dir: Path,
    workdir: Path,
    loops: int = 5,
    per_loop: int = 150,
    threads: int = 48,
    workers: int = 2,
    seed: int = 7,
    log: Any = print,
) -> CrashReport:
    """Run the loops (see the module docstring); the report lists every problem found."""
    started = time.monotonic()
    rng = random.Random(seed)
    report = CrashReport(loops=loops)
    pingyi_cli(env, "migrate")
    cards = prepare_event(env, KEY, loops * per_loop + per_loop // 2, workdir=workdir)
    log(f"  prepared {len(cards)} cards in {time.monotonic() - started:.1f} s")
    bodies = ballot_bodies(cards, seed=seed)
    report.cards = len(cards)
    receipts: dict[int, str] = {}  # card index -> the one receipt it was answered
    outstanding: list[int] = []  # requests that died with the server: retried next time
    fresh = list(range(len(cards)))
    log_path = workdir / "server.log"

    def record(i: int, outcome: tuple[str, Any], *, retry: bool) -> None:
        kind, value = outcome
        report.outcomes[kind if kind != "status" else f"status {value[0]}"] += 1
        if kind == "ok":
            if i in receipts and receipts[i] != value:
                report.problems.append(f"card {i}: receipt {value} after {receipts[i]}")
            if retry:
                report.retried_after_restart += 1
            receipts.setdefault(i, value)
        elif kind == "died":
            outstanding.append(i)
        else:
            report.problems.append(f"card {i}: answered {value[0]}: {str(value[1])[:200]}")

    server: Process | None = None
    try:
        for loop in range(loops + 1):
            final = loop == loops
            t0 = time.monotonic()
            server = pingyi_server(env, workers=workers, log_path=log_path).start()
            url = base_url(server)
            retries, outstanding = outstanding, []
            if final:
                batch, fresh = fresh, []  # the last server answers everything left
            else:
                batch, fresh = fresh[:per_loop], fresh[per_loop:]
            items = retries + batch
            burst = _Burst(url + "/api/v1/ballots", bodies, items, threads)
            kill_after = None if final else max(1, int(len(items) * rng.uniform(0.2, 0.7)))
            t1 = time.monotonic()
            burst.run(kill_after=kill_after, kill=server.kill)
            t2 = time.monotonic()
            for i in items:
                outcome = burst.results.get(i, ("died", "not sent before the kill"))
                if not final:
                    report.acknowledged_before_kill += outcome[0] == "ok"
                    report.died_in_flight += outcome[0] == "died"
                record(i, outcome, retry=i in retries)
            line = f"  loop {loop + 1}/{loops + 1}: {len(items)} requests ({len(retries)} retries)"
            line += f", {burst.acks} acknowledged"
            if not final:
                report.kills += 1
                # Ballots committed whose answer died with the server: their retry next loop
                # must find them stored and answer the same receipt.
                stored = _count_rows(env, data_dir)[2]
                report.retry_found_stored += stored - len(receipts)
                line += f", kill -9 after {kill_after}; {stored - len(receipts)} stored unanswered"
            log(f"{line} (start {t1 - t0:.1f} s, burst {t2 - t1:.1f} s)")
        assert server is not None
        if outstanding:
            report.problems.append(f"{len(outstanding)} requests still unanswered at the end")
        # Idempotency after the crashes: the same ballot again answers the same receipt; a
        # different ballot with a used card is refused.
        for i in rng.sample(sorted(receipts), min(20, len(receipts))):
            kind, value = _post(url + "/api/v1/ballots", bodies[i])
            if kind != "ok" or value != receipts[i]:
                report.problems.append(f"card {i}: identical retry answered {kind} {value}")
            other = dict(bodies[(i + 1) % len(bodies)], token=bodies[i]["token"])
            if other["scores"] != bodies[i]["scores"]:
                kind, value = _post(url + "/api/v1/ballots", other)
                if kind != "status" or value[0] != 409:
                    report.problems.append(f"card {i}: other ballot answered {kind} {value}")
        _verify(env, data_dir, workdir, url, receipts, report)
        server.stop()
    finally:
        if server is not None:
            server.kill()
    report.seconds = time.monotonic() - started
    return report


def _verify(
    env: dict[str, str],
    data_dir: Path,
    workdir: Path,
    url: str,
    receipts: dict[int, str],
    report: CrashReport,
) -> None:
    issued, used, stored = _count_rows(env, data_dir)
    report.stored, report.cards_used = stored, used
    if not (used == stored == issued == len(receipts)):
        report.problems.append(
            f"cards issued {issued}, used {used}, ballots stored {stored}, "
            f"distinct receipts acknowledged {len(receipts)}"
        )
    pingyi_cli(env, "event", "close", KEY)
    # Results are public only once published (before that, anonymous readers get 404).
    pingyi_cli(env, "event", "publish", KEY)
    status, results = http_json(f"{url}/api/v1/events/{KEY}/results")
    if status != 200:
        report.problems.append(f"GET results answered {status}: {results}")
        return
    bundle = workdir / "bundle"
    pingyi_cli(env, "event", "export", KEY, str(bundle))
    stored_receipts = set((bundle / "receipts.txt").read_text().split())
    missing = set(receipts.values()) - stored_receipts
    if missing:
        report.problems.append(f"{len(missing)} acknowledged receipts are not stored: {missing}")
    if len(stored_receipts) != stored:
        report.problems.append(f"receipts.txt has {len(stored_receipts)}, ballots {stored}")
    recount = json.loads(pingyi_cli(env, "tally", str(bundle)))
    if recount != results:
        report.problems.append("the recount of the exported ballots differs from the stored result")
    if json.loads((bundle / "results.json").read_text(encoding="utf-8")) != results:
        report.problems.append("results.json of the bundle differs from GET .../results")
