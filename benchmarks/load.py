"""The load generator: N simulated phones, each POSTing one JSON body once.

Two interchangeable clients, both asyncio with a bounded number of keep-alive connections
to 127.0.0.1 (``pool``, default 200):

* ``httpx`` — ``httpx.AsyncClient``;
* ``raw`` — a minimal HTTP/1.1 client on asyncio streams (pre-encoded requests,
  Content-Length answers, reconnects when the server closes). It costs several times
  less CPU per request than httpx, which matters on a 2-core machine where the load
  generator shares the cores with the server: with httpx the client, not the server,
  is the ceiling for the faster baseline servers (see docs/performance.md).

Each phone ``i`` "presses submit" at ``t0 + offset[i]`` (offsets uniform in
``[0, window)``, or all 0), waits for a connection of the pool, sends, and its latency is
measured from the press to the end of the answer (so time queued behind the pool counts,
as it would on a phone). Every request has a timeout; the run ends by itself.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 60.0


@dataclass
class BurstResult:
    n: int
    window: float
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    statuses: Counter[str] = field(default_factory=Counter)
    answers: list[tuple[int, Any]] = field(default_factory=list)  # (request index, JSON)
    first_press: float = 0.0
    last_answer: float = 0.0
    ack_times: list[float] = field(default_factory=list)  # monotonic, 201s

    @property
    def ok(self) -> int:
        return self.statuses.get("201", 0)

    @property
    def errors(self) -> int:
        return self.n - self.ok

    @property
    def busy_seconds(self) -> float:
        return max(1e-9, self.last_answer - self.first_press)

    @property
    def per_second(self) -> float:
        """201s per second over the busy period (first press to last answer)."""
        return self.ok / self.busy_seconds

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        k = max(0, min(len(data) - 1, round(q / 100 * len(data) + 0.5) - 1))
        return data[k]

    def figures(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "window_s": self.window,
            "ok": self.ok,
            "errors": self.errors,
            "statuses": dict(self.statuses),
            "per_s": round(self.per_second, 1),
            "busy_s": round(self.busy_seconds, 3),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1),
            "mean_ms": (
                round(statistics.fmean(self.latencies) * 1000, 1) if self.latencies else None
            ),
        }


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in {"localhost", "::1"}):
        raise ValueError(f"load is sent only to loopback addresses, not {host!r}")


def burst(
    urls: list[str],
    bodies: list[Any],
    *,
    window: float = 10.0,
    pool: int = 200,
    client: str = "raw",
    seed: int = 1,
    on_ack: Any = None,
) -> BurstResult:
    """POST ``bodies[i]`` once each to ``urls[i % len(urls)]`` (see the module docstring)."""
    for url in urls:
        _check_loopback(url)
    rng = random.Random(seed)
    offsets = [rng.uniform(0, window) if window > 0 else 0.0 for _ in bodies]
    encoded = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]
    runner = _run_raw if client == "raw" else _run_httpx
    return asyncio.run(runner(urls, encoded, offsets, window, pool, on_ack))


async def _run_httpx(
    urls: list[str], bodies: list[bytes], offsets: list[float], window: float, pool: int,
    on_ack: Any,
) -> BurstResult:
    import httpx

    result = BurstResult(len(bodies), window)
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    headers = {"Content-Type": "application/json"}
    timeout = httpx.Timeout(TIMEOUT, pool=None)  # waiting for a pooled connection is latency
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
        t0 = time.monotonic() + 0.2
        result.first_press = t0 + min(offsets)

        async def one(i: int) -> None:
            press = t0 + offsets[i]
            await asyncio.sleep(max(0.0, press - time.monotonic()))
            try:
                response = await http.post(urls[i % len(urls)], content=bodies[i], headers=headers)
                status, raw = response.status_code, response.content
            except httpx.HTTPError as exc:
                result.statuses[type(exc).__name__] += 1
                return
            _record(result, i, press, status, raw, on_ack)

        await asyncio.gather(*(one(i) for i in range(len(bodies))))
    return result


def _record(
    result: BurstResult, i: int, press: float, status: int, raw: bytes, on_ack: Any
) -> None:
    end = time.monotonic()
    result.latencies.append(end - press)
    result.statuses[str(status)] += 1
    result.last_answer = max(result.last_answer, end)
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = raw[:200].decode("utf-8", "replace")
    result.answers.append((i, answer))
    if status == 201:
        result.ack_times.append(end)
        if on_ack is not None:
            on_ack(end)


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                fresh = True
            else:
                fresh = False
            assert self.reader is not None
            try:
                self.writer.write(head + body)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before the answer")
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt == 2:
                    raise
                continue  # a kept-alive connection the server had closed: once more
            status = int(status_line.split(b" ", 2)[1])
            length, close = 0, False
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip())
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            payload = await self.reader.readexactly(length) if length else b""
            if close:
                self.close()
            return status, payload
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _run_raw(
    urls: list[str], bodies: list[bytes], offsets: list[float], window: float, pool: int,
    on_ack: Any,
) -> BurstResult:
    result = BurstResult(len(bodies), window)
    targets = [urlsplit(u) for u in urls]
    heads = [
        (
            f"POST {t.path} HTTP/1.1\r\nHost: {t.netloc}\r\nContent-Type: application/json\r\n"
            "Accept: application/json\r\nContent-Length: "
        ).encode()
        for t in targets
    ]
    # One pool per target, split evenly.
    share = max(1, pool // len(urls))
    free: list[asyncio.Queue[_Connection]] = []
    for t in targets:
        q: asyncio.Queue[_Connection] = asyncio.Queue()
        for _ in range(share):
            q.put_nowait(_Connection(t.hostname or "127.0.0.1", t.port or 80))
        free.append(q)
    t0 = time.monotonic() + 0.2
    result.first_press = t0 + min(offsets)

    async def one(i: int) -> None:
        press = t0 + offsets[i]
        await asyncio.sleep(max(0.0, press - time.monotonic()))
        which = i % len(urls)
        conn = await free[which].get()
        try:
            head = heads[which] + str(len(bodies[i])).encode() + b"\r\n\r\n"
            status, raw = await asyncio.wait_for(conn.request(head, bodies[i]), TIMEOUT)
        except (TimeoutError, OSError, ValueError, IndexError) as exc:
            conn.close()
            result.statuses[type(exc).__name__] += 1
            return
        finally:
            free[which].put_nowait(conn)
        _record(result, i, press, status, raw, on_ack)

    await asyncio.gather(*(one(i) for i in range(len(bodies))))
    for q in free:
        while not q.empty():
            q.get_nowait().close()
    return result
