"""The task queue at run time: the consumer behind ``pingyi worker`` and its heartbeat.

Apps write their tasks in their own ``tasks.py`` with huey's Django decorators
(``from huey.contrib.djhuey import db_task, db_periodic_task``); the queue itself (SQLite
or Redis, ``settings.HUEY``) is chosen in :mod:`pingyi.core.queue`. A consumer loads every
installed app's ``tasks`` module (and ``PINGYI_TASK_MODULES``), runs its worker threads and
the scheduler, and writes a heartbeat every :data:`HEARTBEAT_SECONDS` into the queue's own
store while all its threads are alive; :func:`consumer_alive` reads it (for ``/healthz``).

- ``pingyi worker``: one consumer, in the foreground, in either mode; run any number of
  them on Redis (periodic tasks are still enqueued once a minute: ``core/queue.py``).
- ``pingyi serve`` in embedded mode runs one ``pingyi worker --embedded`` beside granian
  (``core/embedded_consumer.py``); ``--embedded`` ties the worker to that parent: it stops
  when the parent dies, however the parent died.

SIGTERM and SIGINT stop a consumer gracefully: the tasks it is running finish, queued ones
stay queued. A consumer killed outright (SIGKILL, power cut) loses nothing that was
queued: a task leaves the queue only when a worker takes it (``docs/tasks.md``).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import signal
import socket
import sys
import time
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from huey import Huey
from huey.constants import EmptyData
from huey.consumer import Consumer

from pingyi.core.commandline import CliError

HEARTBEAT_KEY = "pingyi:consumer:heartbeat"
HEARTBEAT_SECONDS = 30.0
#: A heartbeat older than this means no consumer is running (three missed beats).
ALIVE_SECONDS = 90.0
_PR_SET_PDEATHSIG = 1


def the_queue() -> Huey:
    """The project's queue (``huey.contrib.djhuey.HUEY``, built from ``settings.HUEY``)."""
    from huey.contrib.djhuey import HUEY  # noqa: PLC0415 (djhuey builds the queue from the loaded settings)

    queue: Huey = HUEY
    return queue


def beat(queue: Huey | None = None, *, now: float | None = None) -> None:
    """Record that a consumer is alive now (in the queue's own store: the SQLite file or
    Redis, so every web process of the installation reads the same mark)."""
    queue = queue or the_queue()
    mark: dict[str, Any] = {"at": time.time() if now is None else now, "pid": os.getpid()}
    mark["host"] = socket.gethostname()
    queue.storage.put_data(HEARTBEAT_KEY, json.dumps(mark).encode())


def last_beat(queue: Huey | None = None) -> dict[str, Any] | None:
    """The latest heartbeat (``at``: seconds since the epoch, ``pid``, ``host``), or None."""
    queue = queue or the_queue()
    raw = queue.storage.peek_data(HEARTBEAT_KEY)
    if raw is EmptyData or raw is None:
        return None
    try:
        mark = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(mark, dict) or not isinstance(mark.get("at"), int | float):
        return None
    return mark


def consumer_alive(queue: Huey | None = None, *, within: float = ALIVE_SECONDS) -> bool:
    """True when some consumer of this queue beat within the last ``within`` seconds."""
    mark = last_beat(queue)
    if mark is None:
        return False
    age = time.time() - float(mark["at"])
    return -5.0 <= age <= within  # a beat from the future: a clock that jumped back, not alive


class PingyiConsumer(Consumer):
    """huey's consumer with a heartbeat, a graceful SIGTERM, and (``parent_pid``) the
    parent's death as a stop signal."""

    def __init__(
        self,
        huey: Huey,
        *,
        parent_pid: int | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        **options: Any,
    ) -> None:
        super().__init__(huey, **options)
        self._parent_pid = parent_pid
        self._heartbeat_seconds = heartbeat_seconds
        self._next_beat = 0.0

    def threads_alive(self) -> bool:
        return self.environment.is_alive(self.scheduler) and all(
            self.environment.is_alive(thread) for _worker, thread in self.worker_threads
        )

    def _beat_if_due(self) -> None:
        now = time.monotonic()
        if now < self._next_beat:
            return
        self._next_beat = now + self._heartbeat_seconds
        if self.threads_alive():
            try:
                beat(self.huey)
            except Exception:  # the store is down: no beat is the right signal
                self._logger.exception("could not write the heartbeat")

    def loop(self, health_check_ts: float | None = None) -> float | None:
        if self._parent_pid is not None and os.getppid() != self._parent_pid:
            self._logger.warning("the parent process is gone: stopping")
            self._received_signal = True
            self._graceful = True
        result: float | None = super().loop(health_check_ts)
        self._beat_if_due()
        return result

    def _handle_stop_signal(self, sig_num: int, frame: Any) -> None:
        super()._handle_stop_signal(sig_num, frame)
        self._graceful = True  # finish the running tasks; queued ones stay queued


def load_task_modules() -> list[str]:
    """Import every installed app's ``tasks`` module and ``settings.PINGYI_TASK_MODULES``;
    return the names of the registered tasks."""
    autodiscover_modules("tasks")
    for name in settings.PINGYI_TASK_MODULES:
        importlib.import_module(name)
    return sorted(the_queue()._registry._registry)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM when the parent dies (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def describe(queue: Huey) -> str:
    """Where the queue is, for messages (never a password)."""
    filename = getattr(queue.storage, "filename", None)
    if filename:
        return f"sqlite {filename}"
    pool = getattr(getattr(queue.storage, "conn", None), "connection_pool", None)
    kwargs = getattr(pool, "connection_kwargs", {}) or {}
    where = f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
    return f"redis {where} name {queue.name}"


def run_worker(*, workers: int | None = None, embedded: bool = False) -> int:
    """Run one consumer in this process until SIGTERM/SIGINT (or, ``embedded``, until the
    parent process dies). Returns the exit code."""
    queue = the_queue()
    options: dict[str, Any] = dict(settings.HUEY.get("consumer", {}))
    if workers:
        options["workers"] = workers
    parent = None
    if embedded:
        # `pingyi serve` names itself (it may be pid 1 in a container); else the parent.
        parent = int(os.environ.get("PINGYI_QUEUE_PARENT") or os.getppid())
        _die_with_parent()
        if os.getppid() != parent:  # the parent died before prctl took effect
            return 0
    try:
        queue.storage.queue_size()  # reachable (Redis), or created and readable (SQLite)
    except Exception as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CliError(f"cannot reach the task queue ({describe(queue)}): {detail}", 1) from exc
    names = load_task_modules()
    heartbeat = float(os.environ.get("PINGYI_QUEUE_HEARTBEAT_SECONDS") or HEARTBEAT_SECONDS)
    consumer = PingyiConsumer(queue, parent_pid=parent, heartbeat_seconds=heartbeat, **options)
    print(
        f"pingyi worker: pid {os.getpid()}, {options.get('workers', 1)} threads, queue "
        f"{describe(queue)}, {len(names)} tasks ({', '.join(names) or 'none'})",
        file=sys.stderr,
        flush=True,
    )
    consumer.run()
    return 0
