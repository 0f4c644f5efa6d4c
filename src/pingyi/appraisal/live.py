"""Live updates for the meeting console and the big screen, across server processes.

What a screen may see of an event (:func:`read_snapshot`): its state, the rehearsal flag,
cards issued and ballots cast per panel, and — only once voting has closed and the office
has revealed a track — that track's ranking from ``results.json``. Never a running score.

How it moves (docs: the "live" section of the meeting console notes):

* Every server process has one :class:`Hub`. While at least one stream of an event is
  connected to the process, the hub's thread re-reads that event's snapshot from the
  database — at most every ``MIN_INTERVAL`` seconds when woken, and at least every
  ``POLL_INTERVAL`` seconds anyway — and wakes the streams when it changed. One read per
  event per process, however many screens are connected; no read when none is.
* A ballot accepted (or a console action) in this process wakes the local hub at once.
* Embedded mode (SQLite, no Redis): other processes see the change on their next poll,
  within ``POLL_INTERVAL`` (0.25 s) — the database is what every process shares.
* Scaled mode (``REDIS_URL``): the change is also published on the event's Redis channel
  ``pingyi:live:<event key>``; every process's listener thread wakes its hub immediately.
  The slower fallback poll (1 s) still catches changes made where nobody published
  (the REST API's state changes, the command line).

The streams (:func:`sse_stream`) are Server-Sent Events: they hold no database connection
while they wait, send a heartbeat every ``HEARTBEAT_SECONDS`` and end after
``STREAM_SECONDS`` (the browser reconnects).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from pingyi.appraisal.models import Event
from pingyi.appraisal.selectors import panel_counts, rank_changes, stored_results

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "pingyi:live:"
#: Embedded mode: how often a process re-reads a watched event (nothing else tells it).
EMBEDDED_POLL_INTERVAL = 0.25
#: Scaled mode: Redis wakes the hub; this poll only catches unpublished changes.
SCALED_POLL_INTERVAL = 1.0
#: The fastest a woken hub re-reads one event (a burst of ballots costs ≤ 10 reads/s).
MIN_INTERVAL = 0.1
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 300.0
#: What EventSource waits before reconnecting (ms), sent at the start of every stream.
RETRY_MS = 1000

RESULT_STATES = ("closed", "published")
#: The name under which the front streams an event (``X-Pingyi-Stream: meeting KEY``).
STREAM_NAME = "meeting"


def channel(event_key: str) -> str:
    return f"{CHANNEL_PREFIX}{event_key}"


def _redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


def _setting(name: str, default: float) -> float:
    """A tuning knob: Django setting ``name``, else the environment variable, else default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return float(value)


# --- notifications (called on commit) -----------------------------------------------------


def ballot_accepted(*, event_key: str, panel: str) -> None:
    """A ballot was stored (called on commit by ``casting.ballot.store_ballots``)."""
    notify(event_key=event_key)


def event_changed(*, event_key: str) -> None:
    """The event's state, rehearsal flag, reveals or cards changed."""
    notify(event_key=event_key)


def notify(*, event_key: str) -> None:
    """Wake this process's streams of the event, and every other process's through Redis.

    Never raises: the change is committed already, and a screen catches up on its next poll
    if Redis is away.
    """
    hub = _HUB
    if hub is not None:
        hub.wake(event_key)
    url = _redis_url()
    if not url:
        return
    try:
        _publisher(url).publish(channel(event_key), b"1")
    except Exception as exc:  # Redis down: the fallback poll still delivers
        logger.warning("live: could not publish to Redis: %s", exc)


_PUBLISHERS: dict[str, Any] = {}
_PUBLISHER_LOCK = threading.Lock()


def _publisher(url: str) -> Any:
    client = _PUBLISHERS.get(url)
    if client is None:
        import redis  # noqa: PLC0415 (redis: scaled mode only)

        with _PUBLISHER_LOCK:
            client = _PUBLISHERS.get(url)
            if client is None:
                client = redis.Redis.from_url(
                    url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30
                )
                _PUBLISHERS[url] = client
    return client


# --- what a screen may see ------------------------------------------------------------------


@dataclass
class _Cache:
    """Parsed pieces kept between reads of one event (parsing is the costly part)."""

    spec_text: str = ""
    spec: Any = None
    results_key: tuple[str, Any] | None = None
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_snapshot(event_key: str, cache: _Cache | None = None) -> dict[str, Any] | None:
    """What screens of ``event_key`` may show now (None: no such event). Reads the database."""

    cache = cache or _Cache()
    event = Event.objects.filter(key=event_key).first()
    if event is None:
        return None
    if cache.spec_text == event.spec_json:
        event.keep_spec(cache.spec)  # the text is unchanged: no parse
    else:
        cache.spec_text, cache.spec = event.spec_json, event.spec
    counts = panel_counts(event=event)
    # A total expected (应到) only when every panel declares one: "6 / 3" would mislead.
    expected = [c.expected for c in counts]
    snapshot: dict[str, Any] = {
        "event": event.key,
        "name": event.name,
        "state": event.state,
        "rehearsal": event.rehearsal,
        "counts": {
            "panels": [
                {
                    "key": c.key,
                    "name": c.name,
                    "expected": c.expected,
                    "issued": c.issued,
                    "cast": c.cast,
                    "quorum_met": c.quorum_met,
                }
                for c in counts
            ],
            "issued": sum(c.issued for c in counts),
            "cast": sum(c.cast for c in counts),
            "expected": sum(expected) if expected and all(expected) else None,
        },
        "revealed": [],
        "current": None,
    }
    if event.state in RESULT_STATES and event.revealed_tracks and event.results_json:
        tracks = _revealable_tracks(event, cache)
        shown = [key for key in event.revealed_tracks if key in tracks]
        snapshot["revealed"] = [tracks[key] for key in shown]
        snapshot["current"] = shown[-1] if shown else None
    return snapshot


def _revealable_tracks(event: Any, cache: _Cache) -> dict[str, dict[str, Any]]:
    """Every track's ranking as the screen draws it, from results.json (strings, as stored)."""

    key = (event.results_json, event.previous_id)
    if cache.results_key == key:
        return cache.tracks
    results = stored_results(event=event) or {"tracks": []}
    changes = rank_changes(event=event) if event.previous_id else {}
    spec = event.spec
    panels = [{"key": p.key, "name": p.name} for p in spec.panels]
    decimals = spec.method.decimals
    tracks: dict[str, dict[str, Any]] = {}
    for track in results.get("tracks", []):
        track_spec = spec.track(track["key"])
        moves = changes.get(track["key"], {})
        tracks[track["key"]] = {
            "key": track["key"],
            "name": track_spec.name if track_spec else track["key"],
            "decimals": decimals,
            "panels": panels,
            "compared": bool(event.previous_id),
            "ranking": [
                {
                    "rank": entry.get("rank"),
                    "unit": entry["unit"],
                    "name": entry.get("name", entry["unit"]),
                    "score": entry.get("score"),
                    "ballots": entry.get("ballots", 0),
                    "change": moves.get(entry["unit"]),
                    "panels": entry.get("panels", {}),
                }
                for entry in track["ranking"]
            ],
        }
    cache.results_key, cache.tracks = key, tracks
    return tracks


def screen_view(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """The snapshot as it may leave the server: no ranking unless voting has closed."""
    if snapshot is None:
        return None
    if snapshot["state"] not in RESULT_STATES:
        return {**snapshot, "revealed": [], "current": None}
    return snapshot


# --- the hub: one per process ----------------------------------------------------------------


@dataclass
class _Feed:
    key: str
    subscribers: int = 0
    version: int = 0
    snapshot: dict[str, Any] | None = None
    due: bool = True
    last_read: float = 0.0
    failing: bool = False
    cache: _Cache = field(default_factory=_Cache)
    #: async streams waiting for the next version: (their event loop, their event)
    waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=set)


class Hub:
    """Re-reads watched events for this process's streams and wakes them on a change."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._feeds: dict[str, _Feed] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        #: reads done, for tests and the benchmark
        self.reads = 0

    @property
    def poll_interval(self) -> float:
        if _redis_url():
            return _setting("PINGYI_LIVE_SCALED_POLL", SCALED_POLL_INTERVAL)
        return _setting("PINGYI_LIVE_POLL", EMBEDDED_POLL_INTERVAL)

    # streams

    def subscribe(self, event_key: str) -> _Feed:
        with self._cond:
            feed = self._feeds.get(event_key)
            if feed is None:
                feed = self._feeds[event_key] = _Feed(event_key)
            feed.subscribers += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="pingyi-live-hub", daemon=True
                )
                self._thread.start()
            if _redis_url() and (self._listener is None or not self._listener.is_alive()):
                self._listener = threading.Thread(
                    target=self._listen,
                    args=(_redis_url(),),
                    name="pingyi-live-redis",
                    daemon=True,
                )
                self._listener.start()
        self._wake.set()
        return feed

    def unsubscribe(self, feed: _Feed) -> None:
        with self._cond:
            feed.subscribers -= 1
            if feed.subscribers <= 0 and self._feeds.get(feed.key) is feed:
                del self._feeds[feed.key]
        self._wake.set()

    def wait(self, feed: _Feed, seen: int, timeout: float) -> tuple[int, dict[str, Any] | None]:
        """Block until the feed moves past version ``seen`` (or ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: feed.version != seen, timeout=max(timeout, 0))
            return feed.version, feed.snapshot

    async def wait_async(
        self, feed: _Feed, seen: int, timeout: float
    ) -> tuple[int, dict[str, Any] | None]:
        """:meth:`wait` for a stream on an event loop: it holds no thread while it waits."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._cond:
            if feed.version != seen:
                return feed.version, feed.snapshot
            feed.waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter[1].wait(), max(timeout, 0))
        finally:
            with self._cond:
                feed.waiters.discard(waiter)
        with self._cond:
            return feed.version, feed.snapshot

    def wake(self, event_key: str) -> None:
        with self._cond:
            feed = self._feeds.get(event_key)
            if feed is None:
                return
            feed.due = True
        self._wake.set()

    def wake_all(self) -> None:
        with self._cond:
            for feed in self._feeds.values():
                feed.due = True
        self._wake.set()

    @property
    def watching(self) -> list[str]:
        with self._cond:
            return sorted(self._feeds)

    # the reader thread

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if not self._feeds:
                        self._thread = None
                        return
                    now = time.monotonic()
                    interval = self.poll_interval
                    todo: list[_Feed] = []
                    next_at = now + interval
                    for feed in self._feeds.values():
                        at = feed.last_read + (MIN_INTERVAL if feed.due else interval)
                        if at <= now:
                            feed.due = False
                            todo.append(feed)
                        else:
                            next_at = min(next_at, at)
                if todo:
                    self._read(todo)
                    continue
                self._wake.wait(timeout=max(next_at - time.monotonic(), 0.005))
                self._wake.clear()
        except BaseException:  # pragma: no cover - never leave the hub without its thread
            with self._cond:
                self._thread = None
            raise

    def _read(self, feeds: list[_Feed]) -> None:
        try:
            for feed in feeds:
                try:
                    snapshot = read_snapshot(feed.key, feed.cache)
                except Exception as exc:
                    # Said once per failure spell, not four times a second.
                    (logger.debug if feed.failing else logger.warning)(
                        "live: reading %s failed: %s", feed.key, exc
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
            # The hub holds no database connection while it sleeps.
            connection.close()

    # the Redis listener thread (scaled mode)

    def _listen(self, url: str) -> None:
        import redis  # noqa: PLC0415 (redis: scaled mode only)

        backoff = 0.5
        while True:
            with self._cond:
                if not self._feeds:
                    self._listener = None
                    return
            pubsub = None
            try:
                client = redis.Redis.from_url(
                    url, socket_connect_timeout=2, health_check_interval=10
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
                self.wake_all()  # anything published while we were away
                backoff = 0.5
                while True:
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "pmessage":
                        name = message["channel"]
                        if isinstance(name, bytes):
                            name = name.decode("utf-8", "replace")
                        self.wake(name[len(CHANNEL_PREFIX) :])
                    with self._cond:
                        if not self._feeds:
                            self._listener = None
                            return
            except Exception as exc:
                logger.warning("live: Redis listener: %s; retrying in %.1f s", exc, backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()


_HUB: Hub | None = None
_HUB_LOCK = threading.Lock()


def hub() -> Hub:
    global _HUB
    if _HUB is None:
        with _HUB_LOCK:
            if _HUB is None:
                _HUB = Hub()
    return _HUB


# --- the stream ------------------------------------------------------------------------------


def sse_message(event: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {text}\n\n"


def messages_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The stream's named events for a snapshot: ``state``, ``counts``, ``reveal``."""
    view = screen_view(snapshot) or {}
    return {
        "state": {
            "event": view["event"],
            "name": view["name"],
            "state": view["state"],
            "rehearsal": view["rehearsal"],
        },
        "counts": view["counts"],
        "reveal": {"current": view["current"], "tracks": view["revealed"]},
    }


class _StreamState:
    """What one stream has sent and when it must beat or end; shared by the threaded
    stream (:func:`sse_stream`) and the event loop's (:func:`sse_stream_async`)."""

    def __init__(self, event_key: str) -> None:
        self.event_key = event_key
        self.heartbeat = _setting("PINGYI_LIVE_HEARTBEAT", HEARTBEAT_SECONDS)
        self.lifetime = _setting("PINGYI_LIVE_STREAM_SECONDS", STREAM_SECONDS)
        self.start = self.last_beat = time.monotonic()
        self.seen = 0
        self.sent: dict[str, Any] = {}
        self.done = False

    def opening(self) -> str:
        return f"retry: {RETRY_MS}\n: pingyi live {self.event_key}\n\n"

    def expired(self) -> str | None:
        """The farewell once the stream has lived its time (the browser reconnects)."""
        if time.monotonic() - self.start >= self.lifetime:
            self.done = True
            return sse_message("bye", {"reconnect": True})
        return None

    def timeout(self) -> float:
        now = time.monotonic()
        return min(self.heartbeat - (now - self.last_beat), self.lifetime - (now - self.start))

    def advance(self, version: int, snapshot: dict[str, Any] | None) -> list[str]:
        """The messages to send after a wait that ended at ``version``."""
        out: list[str] = []
        if version != self.seen:
            self.seen = version
            if snapshot is None:
                self.done = True
                return [sse_message("gone", {"event": self.event_key})]
            for name, data in messages_of(snapshot).items():
                if self.sent.get(name) != data:
                    self.sent[name] = data
                    out.append(sse_message(name, data))
        if time.monotonic() - self.last_beat >= self.heartbeat:
            self.last_beat = time.monotonic()
            out.append(f": heartbeat\nevent: ping\ndata: {int(time.time())}\n\n")
        return out


def sse_stream(*, event_key: str) -> Iterator[str]:
    """Server-Sent Events for one screen or console: ``state``, ``counts``, ``reveal`` when
    they change, ``ping`` (with a comment line) as the heartbeat, ``bye`` at the end.

    This one holds its thread while it waits; ``pingyi serve`` streams
    :func:`sse_stream_async` on its event loop instead (:mod:`pingyi.core.front`)."""
    if not connection.in_atomic_block:
        connection.close()  # the stream sleeps; it must not sit on a database connection
    the_hub = hub()
    feed = the_hub.subscribe(event_key)
    state = _StreamState(event_key)
    try:
        yield state.opening()
        while not state.done:
            farewell = state.expired()
            if farewell is not None:
                yield farewell
                return
            version, snapshot = the_hub.wait(feed, state.seen, state.timeout())
            yield from state.advance(version, snapshot)
    finally:
        the_hub.unsubscribe(feed)


async def sse_stream_async(event_key: str) -> AsyncIterator[str]:
    """:func:`sse_stream` on an event loop: no thread and no database connection is held
    while it waits (the hub's one thread reads the event for every stream)."""
    the_hub = hub()
    feed = the_hub.subscribe(event_key)
    state = _StreamState(event_key)
    try:
        yield state.opening()
        while not state.done:
            farewell = state.expired()
            if farewell is not None:
                yield farewell
                return
            version, snapshot = await the_hub.wait_async(feed, state.seen, state.timeout())
            for message in state.advance(version, snapshot):
                yield message
    finally:
        the_hub.unsubscribe(feed)
