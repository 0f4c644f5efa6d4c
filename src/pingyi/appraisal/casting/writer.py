"""The ballot writer: one thread per server process that commits waiting ballots together.

A burst of two thousand phones would otherwise be two thousand transactions fighting for
SQLite's single write lock (measured: ~140 ballots/s with p99 > 4 s). Instead, a request
validates its ballot, hands it to this thread and waits; the thread takes every ballot
waiting at that moment, consumes their cards and inserts them in ONE transaction with
one durable commit (WAL, ``synchronous=FULL``), and only then answers each request. No
durability is given up: a ballot is acknowledged only after the commit that stores it.
When no ballot has arrived for half a second, it rewrites SQLite's files in key order,
whose bytes would otherwise keep the latest ballots in arrival order (docs/anonymity.md).

The writer knows nothing of ballots: it is built with the function that stores a batch
(``store``, :func:`pingyi.appraisal.casting.ballot.store_ballots`) and queues whatever
items that function takes, so it imports nothing of the ballot path.
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import close_old_connections, connection

from pingyi.appraisal.casting.storage import forget_write_order

#: What the writer queues (a :class:`~pingyi.appraisal.casting.ballot.PendingBallot`).
Item = TypeVar("Item")

log = logging.getLogger(__name__)
MAX_BATCH = 500
IDLE_CLOSE_SECONDS = 0.5
ANSWER_TIMEOUT_SECONDS = 60
FORGET_BACKOFF_MAX_SECONDS = 30


def writer_enabled() -> bool:
    return getattr(settings, "PINGYI_BALLOT_WRITER", "batch") == "batch"


class BallotWriter(Generic[Item]):
    """``store(items)`` writes a batch in one transaction and returns one outcome per item
    (in order); the writer answers each waiting request with its item's outcome."""

    def __init__(self, store: Callable[[list[Item]], Sequence[Any]]) -> None:
        self._store = store
        self._queue: queue.Queue[tuple[Item, Future[Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._pid = 0
        #: transactions committed and ballots answered by this process (for benchmarks)
        self.batches = 0
        self.answered = 0

    def submit(self, item: Item) -> Any:
        """Queue a ballot and wait until it is committed (True), found used (False) or refused."""
        self._ensure_running()
        future: Future[Any] = Future()
        self._queue.put((item, future))
        return future.result(timeout=ANSWER_TIMEOUT_SECONDS)

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(None)
                self._thread.join(timeout=10)
            self._thread = None

    def _ensure_running(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._queue = queue.Queue()  # a forked child must not share the parent's queue
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="pingyi-ballot-writer", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        unforgotten = False  # ballots written since the files were last rewritten
        retry_at, backoff = 0.0, IDLE_CLOSE_SECONDS
        while True:
            try:
                first = self._queue.get(timeout=IDLE_CLOSE_SECONDS)
            except queue.Empty:
                if unforgotten and time.monotonic() >= retry_at:
                    if self._forget_write_order():
                        unforgotten, backoff = False, IDLE_CLOSE_SECONDS
                    else:  # busy: try again later, less and less often
                        retry_at = time.monotonic() + backoff
                        backoff = min(backoff * 2, FORGET_BACKOFF_MAX_SECONDS)
                connection.close()  # idle: hold no database connection
                continue
            if first is None:
                connection.close()
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                batch.append(nxt)
            self._write(batch)
            unforgotten = True

    @staticmethod
    def _forget_write_order() -> bool:
        """Idle: rewrite SQLite's files, whose bytes keep the latest ballots' order."""
        try:
            close_old_connections()
            return forget_write_order()
        except Exception as exc:  # never let housekeeping stop the writer
            log.info("rewriting the database files failed (retried later): %r", exc)
            return False

    def _write(self, batch: Sequence[tuple[Item, Future[Any]]]) -> None:
        try:
            close_old_connections()
            with _turn:
                outcomes = self._store([item for item, _ in batch])
        except Exception as exc:
            connection.close()
            if len(batch) > 1:
                # Find the one that fails; the others are stored on their own.
                for one in batch:
                    self._write([one])
                return
            log.warning("ballot write failed: %r", exc)
            batch[0][1].set_exception(exc)
            return
        self.batches += 1
        self.answered += len(batch)
        for (_item, future), outcome in zip(batch, outcomes, strict=True):
            future.set_result(outcome)


class _Turn:
    """Embedded mode: the server processes' writers take turns at SQLite's write lock.

    SQLite's own wait for a busy lock sleeps (1, 2, 5, … 100 ms) and retries, so with two
    processes the one that lost kept losing: under a closed-loop load one process's phones
    waited seconds while the other's waited milliseconds (docs/performance.md, "Fairness").
    A kernel lock on a file in the data folder wakes the waiting writer the moment the
    other commits. PostgreSQL queues its lock waiters itself; there this does nothing.
    """

    def __init__(self) -> None:
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        if not settings.EMBEDDED:
            return
        if self._fd is None or self._pid != os.getpid():
            path = Path(settings.DATA_DIR) / "ballot-writer.lock"
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None and settings.EMBEDDED:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


_turn = _Turn()
