"""The hall at its worst, against a real ``pingyi serve`` on 127.0.0.1 (issue 9):

* **bomb** — two ballots at once whose one score is ``1e999999999`` (on a used card),
  then a normal ballot: seconds until each answer.
* **siege** — ``--streams`` live streams (``/meeting/KEY/stream``, signed in) and
  ``--slow`` clients that send their headers one byte a second stay open while
  ``--ballots`` ballots are cast ``--concurrency`` at a time; then the phone page is
  fetched. Latency percentiles of the ballots, the page's time, and how many streams
  were still alive at the end.
* **closed loop** — ``--connections`` keep-alive connections each posting distinct
  ballots back to back for ``--seconds``: ballots/s, p50/p99 and errors (what ``wrk``
  measures, with fresh cards so every ballot is a real one).

Standard library plus :mod:`benchmarks.load` / :mod:`benchmarks.harness`; used by
``python -m benchmarks --only hostile`` and by ``tests/core/test_front_hostile.py``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from benchmarks.load import _Connection

BOMB = "1e999999999"


def run_async(coro: Any) -> Any:
    """``asyncio.run(coro)`` in a thread of its own, so that it works where an event loop
    is already running in this thread (pytest with Playwright's sync API, notebooks)."""
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(coro)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="pingyi-bench-loop")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _head(base: str, path: str, length: int, extra: str = "") -> bytes:
    netloc = urlsplit(base).netloc
    return (
        f"POST {path} HTTP/1.1\r\nHost: {netloc}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\n{extra}Content-Length: {length}\r\n\r\n"
    ).encode()


def _connection(base: str) -> _Connection:
    parts = urlsplit(base)
    return _Connection(parts.hostname or "127.0.0.1", parts.port or 80)


async def _post(conn: _Connection, base: str, body: bytes) -> tuple[int, bytes, float]:
    start = time.monotonic()
    status, payload = await conn.request(_head(base, "/api/v1/ballots", len(body)), body)
    return status, payload, time.monotonic() - start


# --- bomb ------------------------------------------------------------------------------------


def bomb_body(ballot: dict[str, Any]) -> bytes:
    """``ballot`` (raw JSON) with its first number replaced by ``1e999999999``."""
    sentinel = "__pingyi_bomb__"

    def replace_first(node: Any, done: list[bool]) -> Any:
        if done[0]:
            return node
        if isinstance(node, dict):
            return {k: replace_first(v, done) for k, v in node.items()}
        if isinstance(node, list):
            return [replace_first(v, done) for v in node]
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            done[0] = True
            return sentinel
        return node

    bombed = {**ballot, "scores": replace_first(ballot["scores"], [False])}
    return json.dumps(bombed, ensure_ascii=False).replace(f'"{sentinel}"', BOMB).encode()


@dataclass
class BombResult:
    bomb_seconds: list[float] = field(default_factory=list)
    bomb_statuses: list[int] = field(default_factory=list)
    next_seconds: float = float("nan")
    next_status: int = 0


async def _bomb(base: str, bombs: list[bytes], normal: bytes) -> BombResult:
    result = BombResult()
    conns = [_connection(base) for _ in bombs]

    async def one(conn: _Connection, body: bytes) -> None:
        try:
            status, _payload, seconds = await asyncio.wait_for(_post(conn, base, body), 60)
        except (TimeoutError, OSError, ValueError):
            status, seconds = 0, 60.0
        result.bomb_statuses.append(status)
        result.bomb_seconds.append(seconds)

    await asyncio.gather(*(one(c, b) for c, b in zip(conns, bombs, strict=True)))
    conn = _connection(base)
    try:
        status, _payload, seconds = await asyncio.wait_for(_post(conn, base, normal), 60)
    except (TimeoutError, OSError, ValueError):
        status, seconds = 0, 60.0
    result.next_status, result.next_seconds = status, seconds
    for c in [*conns, conn]:
        c.close()
    return result


def bomb(base: str, bombs: list[bytes], normal: bytes) -> BombResult:
    return run_async(_bomb(base, bombs, normal))


# --- siege -----------------------------------------------------------------------------------


@dataclass
class SiegeResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    page_seconds: float = float("nan")
    page_status: int = 0
    streams_opened: int = 0
    streams_alive: int = 0
    slow_open: int = 0

    def figures(self) -> dict[str, Any]:
        return {
            "ballots": len(self.latencies),
            "statuses": self.statuses,
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1),
            "page_ms": round(self.page_seconds * 1000, 1),
            "page_status": self.page_status,
            "streams_opened": self.streams_opened,
            "streams_alive": self.streams_alive,
            "slow_open": self.slow_open,
        }


async def _open_stream(base: str, key: str, cookie: str) -> tuple[Any, Any] | None:
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        (
            f"GET /meeting/{key}/stream HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Cookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 30)
    if b" 200 " not in status:
        writer.close()
        return None
    return reader, writer


async def _drain(reader: Any, alive: list[bool], index: int) -> None:
    try:
        while await reader.read(4096):
            pass
    except (OSError, asyncio.CancelledError):
        pass
    alive[index] = False


async def _slow_client(base: str, stop: asyncio.Event, counter: list[int]) -> None:
    parts = urlsplit(base)
    try:
        _reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    except OSError:
        return
    counter[0] += 1
    request = f"GET /b/ HTTP/1.1\r\nHost: {parts.netloc}\r\nX-Slow: ".encode() + b"a" * 10_000
    try:
        for byte in request:
            if stop.is_set():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1.0)
    except OSError:
        pass
    finally:
        counter[0] -= 1
        writer.close()


async def _siege(
    base: str,
    key: str,
    cookie: str,
    bodies: list[bytes],
    *,
    streams: int,
    slow: int,
    concurrency: int,
) -> SiegeResult:
    result = SiegeResult()
    stop = asyncio.Event()
    slow_counter = [0]
    slow_tasks = [asyncio.create_task(_slow_client(base, stop, slow_counter)) for _ in range(slow)]
    opened = await asyncio.gather(
        *(_open_stream(base, key, cookie) for _ in range(streams)), return_exceptions=True
    )
    live = [o for o in opened if isinstance(o, tuple)]
    result.streams_opened = len(live)
    alive = [True] * len(live)
    drains = [asyncio.create_task(_drain(r, alive, i)) for i, (r, _w) in enumerate(live)]
    await asyncio.sleep(1.0)
    result.slow_open = slow_counter[0]

    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def caster() -> None:
        conn = _connection(base)
        try:
            while not queue.empty():
                body = queue.get_nowait()
                try:
                    status, _p, seconds = await asyncio.wait_for(_post(conn, base, body), 60)
                except (TimeoutError, OSError, ValueError):
                    conn.close()
                    status, seconds = 0, 60.0
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.latencies.append(seconds)
        finally:
            conn.close()

    await asyncio.gather(*(caster() for _ in range(concurrency)))
    parts = urlsplit(base)
    start = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(
            f"GET /b/ HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
        await asyncio.wait_for(reader.read(), 30)
        result.page_status = int(status_line.split()[1])
        writer.close()
    except (OSError, TimeoutError, ValueError, IndexError):
        result.page_status = 0
    result.page_seconds = time.monotonic() - start
    result.streams_alive = sum(alive)
    stop.set()
    for task in drains:
        task.cancel()
    for _r, writer in live:
        writer.close()
    for task in slow_tasks:
        task.cancel()
    await asyncio.gather(*drains, *slow_tasks, return_exceptions=True)
    return result


def siege(
    base: str,
    key: str,
    cookie: str,
    bodies: list[bytes],
    *,
    streams: int = 100,
    slow: int = 30,
    concurrency: int = 20,
) -> SiegeResult:
    return run_async(
        _siege(base, key, cookie, bodies, streams=streams, slow=slow, concurrency=concurrency)
    )


# --- closed loop ------------------------------------------------------------------------------


@dataclass
class LoopResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[Any, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 201)

    def figures(self) -> dict[str, Any]:
        return {
            "ballots_per_s": round(self.statuses.get(201, 0) / self.seconds, 1),
            "requests": len(self.latencies),
            "errors": self.errors,
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
            "p90_ms": round(percentile(self.latencies, 90) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1),
            "spread_p99_over_p50": round(
                percentile(self.latencies, 99) / max(percentile(self.latencies, 50), 1e-9), 2
            ),
        }


async def _closed_loop(
    base: str, bodies: list[bytes], connections: int, seconds: float
) -> LoopResult:
    result = LoopResult(seconds)
    queue = list(reversed(bodies))
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        conn = _connection(base)
        try:
            while time.monotonic() < deadline and queue:
                body = queue.pop()
                try:
                    status, _p, took = await asyncio.wait_for(_post(conn, base, body), 60)
                except (TimeoutError, OSError, ValueError) as exc:
                    conn.close()
                    status, took = type(exc).__name__, 60.0  # type: ignore[assignment]
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.latencies.append(took)
        finally:
            conn.close()

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(connections)))
    result.seconds = max(time.monotonic() - start, 1e-9)
    return result


def closed_loop(
    base: str, bodies: list[bytes], *, connections: int = 200, seconds: float = 10.0
) -> LoopResult:
    return run_async(_closed_loop(base, bodies, connections, seconds))


def closed_loop_wrk(
    base: str, bodies: list[bytes], *, workdir: Any, connections: int = 200, seconds: float = 10.0
) -> dict[str, Any] | None:
    """The closed loop measured by ``wrk`` (C, two threads) when it is installed: the
    client then costs the shared CPU far less than the Python one."""
    import os
    import re
    import shutil
    import subprocess
    from pathlib import Path

    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    bodies_file = Path(workdir) / "wrk-bodies.jsonl"
    bodies_file.write_bytes(b"\n".join(bodies) + b"\n")
    script = Path(__file__).with_name("wrk_ballots.lua")
    out = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"{base}/api/v1/ballots",
        ],
        env={**os.environ, "PINGYI_WRK_BODIES": str(bodies_file), "PINGYI_WRK_THREADS": "2"},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    ).stdout
    figures: dict[str, Any] = {"client": "wrk -t2", "connections": connections}
    for name, pattern in {
        "requests_per_s": r"Requests/sec:\s+([\d.]+)",
        "p50_ms": r"wrk: p50 ([\d.]+) ms",
        "p90_ms": r"wrk: p90 ([\d.]+) ms",
        "p99_ms": r"wrk: p99 ([\d.]+) ms",
        "max_ms": r"wrk: max ([\d.]+) ms",
    }.items():
        found = re.search(pattern, out)
        figures[name] = float(found[1]) if found else None
    errors = re.search(
        r"wrk: requests (\d+), errors connect (\d+) read (\d+) write (\d+) "
        r"timeout (\d+) status (\d+)",
        out,
    )
    if errors:
        figures["requests"] = int(errors[1])
        figures["errors"] = sum(int(errors[i]) for i in range(2, 7))
    return figures


def summary(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


# --- the whole scenario on a fresh server ---------------------------------------------------


def run(
    *,
    workdir: Any,
    workers: int = 2,
    threads: int | None = None,
    streams: int = 100,
    slow: int = 30,
    siege_ballots: int = 200,
    connections: int = 200,
    seconds: float = 10.0,
    loop_cards: int = 8000,
    env_extra: dict[str, str] | None = None,
    with_bomb: bool = True,
    with_wrk: bool = False,
    log: Any = print,
) -> dict[str, Any]:
    """Bomb, siege and closed loop against one fresh embedded ``pingyi serve``."""
    from pathlib import Path

    from benchmarks.harness import (
        ballot_bodies,
        base_url,
        office_cookies,
        pingyi_cli,
        pingyi_env,
        pingyi_server,
        prepare_event,
        setup_django,
    )

    workdir = Path(workdir)
    setup_django(workdir / "scratch")
    env = pingyi_env(workdir / "data", **(env_extra or {}))
    pingyi_cli(env, "migrate")
    wrk_cards = loop_cards if with_wrk else 0
    cards = prepare_event(
        env, "hostile", 4 + siege_ballots + loop_cards + wrk_cards, workdir=workdir
    )
    bodies = [json.dumps(b, ensure_ascii=False).encode() for b in ballot_bodies(cards)]
    server = pingyi_server(env, workers=workers, threads=threads, log_path=workdir / "server.log")
    server.start()
    figures: dict[str, Any] = {"workers": workers, "threads": threads}
    try:
        base = base_url(server)
        cookie = "; ".join(f"{k}={v}" for k, v in office_cookies(env, base).items())
        if with_bomb:
            # the first card is cast normally first, so that the bomb lands on a used card
            first = json.loads(bodies[0])
            run_async(_post(_connection(base), base, bodies[0]))
            bombed = bomb(base, [bomb_body(first), bomb_body(first)], bodies[1])
            figures["bomb"] = {
                "statuses": bombed.bomb_statuses,
                "seconds": [round(s, 3) for s in bombed.bomb_seconds],
                "next_status": bombed.next_status,
                "next_seconds": round(bombed.next_seconds, 3),
            }
            log("bomb", figures["bomb"])
        besieged = siege(
            base, "hostile", cookie, bodies[4 : 4 + siege_ballots], streams=streams, slow=slow
        )
        figures["siege"] = besieged.figures()
        log("siege", figures["siege"])
        start = 4 + siege_ballots
        looped = closed_loop(
            base, bodies[start : start + loop_cards], connections=connections, seconds=seconds
        )
        figures["closed_loop"] = looped.figures()
        log("closed loop", figures["closed_loop"])
        if with_wrk:
            figures["closed_loop_wrk"] = closed_loop_wrk(
                base,
                bodies[start + loop_cards :],
                workdir=workdir,
                connections=connections,
                seconds=seconds,
            )
            log("closed loop (wrk)", figures["closed_loop_wrk"])
    finally:
        server.stop()
    return figures


if __name__ == "__main__":  # python -m benchmarks.hostile [WORKDIR]
    import sys
    import tempfile

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = args[0] if args else tempfile.mkdtemp(prefix="pingyi-hostile-")
    print(
        json.dumps(
            run(
                workdir=folder, with_bomb="--no-bomb" not in sys.argv, with_wrk="--wrk" in sys.argv
            ),
            indent=2,
        )
    )
