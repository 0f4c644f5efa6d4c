"""The boards' live updates: an open wall or public screen follows its boards' data without a
reload (docs/scoreboard.md, "Boards").

How (the meeting screen's mechanism, :mod:`pingyi.appraisal.live`, for boards):

* Every server process has one :class:`Hub`. While at least one stream watches a board in
  that process, the hub's one thread recomputes that board's data (:func:`boards.board_data`)
  every :data:`INTERVALS` seconds (1 s for the arena and the notices, 2 s for targets and the
  pipeline, 5 s for the weekly board, whose data costs most) and, when it differs from what
  it had, wakes the streams. One computation per board per process, however many screens.
* The data itself is the version stamp: whatever changed it — an arena month published, a
  sweep, a report imported, from a page, the API, the command line or another process — is
  seen on the next read, with no message to forget. No Redis is needed: the database is what
  every process shares.
* A board is computed per language watched (a Chinese and an English wall: two feeds).
* Each snapshot also carries :func:`boards.public_keys`: a stream opened with no sign-in
  (``audience`` public) sends a board only while it is public, and sends ``withdrawn`` the
  moment the office switches it off (or the arena has no published month any more).

The stream (``X-Pingyi-Stream: boards AUDIENCE:KEY,KEY``, :func:`sse_stream_async`) is
Server-Sent Events: ``board`` (one board's data) when it changes, ``withdrawn``, ``ping``
heartbeats, ``bye`` after ``STREAM_SECONDS`` (the browser reconnects).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pingyi.scoreboard import boards

logger = logging.getLogger(__name__)

#: The name under which the front streams boards (``X-Pingyi-Stream: boards ARG``).
STREAM_NAME = "boards"
#: Seconds between two computations of a watched board's data, per board.
INTERVALS = {"arena": 1.0, "notices": 1.0, "targets": 2.0, "pipeline": 2.0, "weekly": 5.0}
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 300.0
RETRY_MS = 2000

PUBLIC = "public"
STAFF = "staff"


def stream_arg(audience: str, language: str, keys: list[str]) -> str:
    """The argument of a stream: who watches (public or staff), in which language, which
    boards (made by the view; the front never shows it to the client)."""
    return f"{audience}:{language}:{','.join(keys)}"


def parse_arg(arg: str) -> tuple[str, str, list[str]]:
    """(audience, language, boards) of a stream's argument: anything but ``staff`` is
    public, an unknown language is the default one, a name that is no board is dropped."""
    audience, _sep, rest = arg.partition(":")
    language, _sep, names = rest.partition(":")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    keys = [k for k in names.split(",") if k in boards.BOARDS]
    return (STAFF if audience == STAFF else PUBLIC), language, keys


def board_text(data: dict[str, Any]) -> str:
    """A board's figures as HTML text: the table (and lists) beside its chart, one template
    for the first page and every live update."""
    return render_to_string("scoreboard/boards/_text.html", {"board": data})


def snapshot_of(key: str, language: str) -> dict[str, Any]:
    """What the hub keeps of a board: its data and text in ``language``, and whether it is
    public now."""
    with translation.override(language):
        data = boards.board_data(key, timezone.localdate())
        text = board_text(data)
    return {"data": data, "text": text, "public": key in boards.public_keys()}


@dataclass
class _Feed:
    key: str
    language: str = ""
    subscribers: int = 0
    version: int = 0
    snapshot: dict[str, Any] | None = None
    last_read: float = 0.0
    failing: bool = False
    waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=set)


class Hub:
    """Recomputes the watched boards for this process's streams and wakes them on a change."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._feeds: dict[tuple[str, str], _Feed] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        #: computations done (tests, the docs' figures)
        self.reads = 0

    def subscribe(self, key: str, language: str) -> _Feed:
        with self._cond:
            feed = self._feeds.get((key, language))
            if feed is None:
                feed = self._feeds[(key, language)] = _Feed(key, language)
            feed.subscribers += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pingyi-boards-hub", daemon=True
                )
                self._thread.start()
        self._wake.set()
        return feed

    def unsubscribe(self, feed: _Feed) -> None:
        with self._cond:
            feed.subscribers -= 1
            if feed.subscribers <= 0 and self._feeds.get((feed.key, feed.language)) is feed:
                del self._feeds[(feed.key, feed.language)]

    def versions(self, feeds: list[_Feed]) -> tuple[int, ...]:
        with self._cond:
            return tuple(f.version for f in feeds)

    def wait(self, feeds: list[_Feed], seen: tuple[int, ...], timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(
                lambda: tuple(f.version for f in feeds) != seen, timeout=max(timeout, 0)
            )

    async def wait_async(self, feeds: list[_Feed], seen: tuple[int, ...], timeout: float) -> None:
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._cond:
            if tuple(f.version for f in feeds) != seen:
                return
            for f in feeds:
                f.waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter[1].wait(), max(timeout, 0))
        finally:
            with self._cond:
                for f in feeds:
                    f.waiters.discard(waiter)

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if not self._feeds:
                        self._thread = None
                        return
                    now = time.monotonic()
                    due = [
                        f
                        for f in self._feeds.values()
                        if f.last_read + INTERVALS.get(f.key, 2.0) <= now
                    ]
                    next_at = min(
                        f.last_read + INTERVALS.get(f.key, 2.0) for f in self._feeds.values()
                    )
                if due:
                    self._read(due)
                    continue
                self._wake.wait(timeout=max(next_at - time.monotonic(), 0.01))
                self._wake.clear()
        except BaseException:  # pragma: no cover - never leave the hub without its thread
            with self._cond:
                self._thread = None
            raise

    def _read(self, feeds: list[_Feed]) -> None:
        try:
            for feed in feeds:
                snapshot: dict[str, Any] | None
                try:
                    snapshot = snapshot_of(feed.key, feed.language)
                except Exception as exc:
                    # Said once per failure spell, not every second.
                    (logger.debug if feed.failing else logger.warning)(
                        "boards: computing %s failed: %s", feed.key, exc
                    )
                    feed.failing = True
                    snapshot = feed.snapshot
                    with contextlib.suppress(Exception):
                        connection.close()
                else:
                    feed.failing = False
                with self._cond:
                    self.reads += 1
                    feed.last_read = time.monotonic()
                    if snapshot != feed.snapshot or feed.version == 0:
                        feed.snapshot = snapshot
                        feed.version += 1
                        self._cond.notify_all()
                        for loop, event in feed.waiters:
                            with contextlib.suppress(RuntimeError):  # a closed loop
                                loop.call_soon_threadsafe(event.set)
        finally:
            connection.close()  # no database connection held while it sleeps


_HUB: Hub | None = None
_HUB_LOCK = threading.Lock()


def hub() -> Hub:
    global _HUB
    if _HUB is None:
        with _HUB_LOCK:
            if _HUB is None:
                _HUB = Hub()
    return _HUB


def sse_message(event: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {text}\n\n"


class _StreamState:
    def __init__(self, audience: str, feeds: list[_Feed]) -> None:
        self.audience = audience
        self.feeds = feeds
        self.start = self.last_beat = time.monotonic()
        self.seen: tuple[int, ...] = tuple(0 for _ in feeds)
        self.sent: dict[str, Any] = {}
        self.done = False

    def opening(self) -> str:
        return f"retry: {RETRY_MS}\n: pingyi boards\n\n"

    def timeout(self) -> float:
        now = time.monotonic()
        return min(HEARTBEAT_SECONDS - (now - self.last_beat), STREAM_SECONDS - (now - self.start))

    def advance(self, versions: tuple[int, ...]) -> list[str]:
        out: list[str] = []
        if time.monotonic() - self.start >= STREAM_SECONDS:
            self.done = True
            return [sse_message("bye", {"reconnect": True})]
        if versions != self.seen:
            self.seen = versions
            for feed in self.feeds:
                snapshot = feed.snapshot
                if snapshot is None:
                    continue
                if self.audience == PUBLIC and not snapshot["public"]:
                    message: tuple[str, Any] = ("withdrawn", {"key": feed.key})
                else:
                    message = ("board", {"data": snapshot["data"], "text": snapshot["text"]})
                if self.sent.get(feed.key) != message:
                    self.sent[feed.key] = message
                    out.append(sse_message(*message))
        if time.monotonic() - self.last_beat >= HEARTBEAT_SECONDS:
            self.last_beat = time.monotonic()
            out.append(f": heartbeat\nevent: ping\ndata: {int(time.time())}\n\n")
        return out


def sse_stream(arg: str) -> Iterator[str]:
    """The stream on a thread (the test server, ``runserver``); ``pingyi serve`` streams
    :func:`sse_stream_async` on its event loop instead."""
    if not connection.in_atomic_block:
        connection.close()
    audience, language, keys = parse_arg(arg)
    the_hub = hub()
    feeds = [the_hub.subscribe(key, language) for key in keys]
    state = _StreamState(audience, feeds)
    try:
        yield state.opening()
        while not state.done:
            the_hub.wait(feeds, state.seen, state.timeout())
            yield from state.advance(the_hub.versions(feeds))
    finally:
        for feed in feeds:
            the_hub.unsubscribe(feed)


async def sse_stream_async(arg: str) -> AsyncIterator[str]:
    """Server-Sent Events of the boards named in ``arg`` (:func:`stream_arg`), holding no thread
    and no database connection while it waits."""
    audience, language, keys = parse_arg(arg)
    the_hub = hub()
    feeds = [the_hub.subscribe(key, language) for key in keys]
    state = _StreamState(audience, feeds)
    try:
        yield state.opening()
        while not state.done:
            await the_hub.wait_async(feeds, state.seen, state.timeout())
            for message in state.advance(the_hub.versions(feeds)):
                yield message
    finally:
        for feed in feeds:
            the_hub.unsubscribe(feed)
