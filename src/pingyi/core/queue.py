"""The task queue's store and its settings: huey, embedded on SQLite or scaled on Redis.

``pingyi.settings`` calls :func:`huey_settings` (``settings.HUEY``, read by
``huey.contrib.djhuey``); nothing here imports djhuey, so the settings can import it.

- **Embedded** (no ``REDIS_URL``, or ``PINGYI_QUEUE=sqlite``): :class:`PingyiSqliteHuey`,
  its own file ``DATA_DIR/queue.sqlite3``. Never the main database: a consumer polling its
  queue takes SQLite's write lock of *that* file only, so the queue never holds up a
  ballot (``benchmarks/queue_bench.py``). The file is made 0600 before SQLite first opens
  it, like the database (``datafolder.private_sqlite``), and only when it is first used:
  loading the settings or Django creates nothing.
- **Scaled** (``REDIS_URL``): :class:`PingyiRedisHuey`, keys prefixed ``huey.redis.<name>``
  with ``<name>`` from ``PINGYI_QUEUE_NAME`` (default ``pingyi``), so two installations can
  share one Redis.

huey runs a scheduler in every consumer, so N ``pingyi worker`` processes would enqueue
each periodic task N times a minute. Both classes claim a periodic task's minute first
(:meth:`claim_minute`: Redis ``SET NX EX``, SQLite an ``INSERT`` on the primary key of
huey's own ``kv`` table): only the consumer that claims it enqueues
(``tests/core/test_tasks.py::test_two_schedulers_enqueue_a_periodic_task_once``).

Periodic tasks run on the local time of ``PINGYI_TIME_ZONE`` (``utc=False``: Django sets the
process's ``TZ`` from ``TIME_ZONE``), so ``crontab(hour=8, minute=30)`` is 08:30 in Beijing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from huey import RedisHuey, SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

from pingyi.core.commandline import CliError
from pingyi.core.datafolder import private_sqlite

QUEUE_FILE = "queue.sqlite3"
DEFAULT_NAME = "pingyi"
#: How long a claimed minute is remembered (Redis key expiry; SQLite marks are purged later).
CLAIM_SECONDS = 3600
CLAIM_PREFIX = "pingyi:periodic:"


class QueueConfigError(CliError):
    """A queue setting that cannot work, named with what to set instead (``pingyi`` prints
    it as one line: the settings raise it while Django loads them)."""


class PrivateSqliteStorage(SqliteStorage):
    """huey's SQLite store, made owner-only and created lazily.

    huey creates its tables when the storage is built, i.e. when Django loads
    ``huey.contrib.djhuey``; here the file is created (0600) and the tables made on the
    first connection, so a process that never touches the queue (mypy's Django plugin, a
    ``pingyi tally``) writes nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        super().__init__(*args, **kwargs)

    def initialize_schema(self) -> None:
        """Deferred to the first connection (see the class)."""

    def _create_connection(self) -> sqlite3.Connection:
        private_sqlite(str(self.filename))
        conn: sqlite3.Connection = super()._create_connection()
        if not self._schema_ready:
            with self._schema_lock:
                if not self._schema_ready:
                    conn.execute(self.begin_sql)
                    for statement in self.ddl:
                        conn.execute(statement)
                    conn.execute("commit")
                    self._schema_ready = True
        return conn


def _minute(timestamp: dt.datetime) -> str:
    return timestamp.strftime("%Y%m%d%H%M")


class PingyiSqliteHuey(SqliteHuey):
    """SqliteHuey in its own 0600 file, whose periodic tasks are enqueued once per minute
    however many consumers share the file."""

    storage_class = PrivateSqliteStorage

    def claim_minute(self, task_name: str, timestamp: dt.datetime) -> bool:
        """True for the first consumer to claim ``task_name`` at this minute."""
        minute = _minute(timestamp)
        key = f"{CLAIM_PREFIX}{minute}:{task_name}"
        storage = self.storage
        with storage.db(commit=True) as cursor:
            # Marks older than a day go in the same transaction (the key sorts by minute).
            old = _minute(timestamp - dt.timedelta(days=1))
            cursor.execute(
                "delete from kv where queue = ? and key >= ? and key < ?",
                (storage.name, CLAIM_PREFIX, f"{CLAIM_PREFIX}{old}"),
            )
            cursor.execute(
                "insert or ignore into kv (queue, key, value) values (?, ?, ?)",
                (storage.name, key, b"1"),
            )
            return bool(cursor.rowcount == 1)

    def read_periodic(self, timestamp: dt.datetime | None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()
        due = super().read_periodic(timestamp)
        return [task for task in due if self.claim_minute(task.name, timestamp)]


class PingyiRedisHuey(RedisHuey):
    """RedisHuey whose periodic tasks are enqueued once per minute however many ``pingyi
    worker`` processes run (``SET key NX EX``: Redis decides who was first)."""

    storage_class = RedisStorage

    def claim_minute(self, task_name: str, timestamp: dt.datetime) -> bool:
        key = f"{CLAIM_PREFIX}{self.name}:{_minute(timestamp)}:{task_name}"
        return bool(self.storage.conn.set(key, b"1", nx=True, ex=CLAIM_SECONDS))

    def read_periodic(self, timestamp: dt.datetime | None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()
        due = super().read_periodic(timestamp)
        return [task for task in due if self.claim_minute(task.name, timestamp)]


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise QueueConfigError(f"{name}={raw!r}: a whole number from 1 to 64 is needed")
    return value


#: Threads of a consumer: two, so that one long task (an export, a sweep over many items,
#: a robot that answers only at its timeout) never holds up the rest, and few enough that
#: the queue's tasks stay a small share of SQLite's one writer (docs/tasks.md).
DEFAULT_WORKERS = 2


#: Seconds to connect to Redis, and to wait for its answer (more than huey's 1 s BRPOP): a
#: Redis host that takes the connection but never answers fails a request, a health check
#: or an enqueue in seconds instead of hanging it (tests/core/test_queue_timeouts.py).
REDIS_CONNECT_SECONDS = 3
REDIS_ANSWER_SECONDS = 5


def with_timeouts(url: str) -> str:
    """``url`` with ``socket_connect_timeout`` and ``socket_timeout`` in its query (redis-py
    reads them there), unless the office set its own."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.setdefault("socket_connect_timeout", str(REDIS_CONNECT_SECONDS))
    query.setdefault("socket_timeout", str(REDIS_ANSWER_SECONDS))
    return urlunsplit(parts._replace(query=urlencode(query)))


def huey_settings(*, data_dir: Path, redis_url: str, env: Mapping[str, str]) -> dict[str, Any]:
    """``settings.HUEY`` for ``huey.contrib.djhuey``, from the environment.

    ``PINGYI_QUEUE``: ``sqlite`` or ``redis``; by default ``redis`` when ``REDIS_URL`` is set.
    ``PINGYI_QUEUE_NAME``: the queue's name (Redis key prefix), default ``pingyi``.
    ``PINGYI_QUEUE_WORKERS``: threads per consumer, default 2."""
    kind = env.get("PINGYI_QUEUE", "").strip().lower() or ("redis" if redis_url else "sqlite")
    name = env.get("PINGYI_QUEUE_NAME", "").strip() or DEFAULT_NAME
    workers = _positive_int(env, "PINGYI_QUEUE_WORKERS", DEFAULT_WORKERS)
    consumer: dict[str, Any] = {
        "workers": workers,
        "worker_type": "thread",
        "periodic": True,
        "scheduler_interval": 1,
        "check_worker_health": True,
        "health_check_interval": 10,
        "initial_delay": 0.05,
        "backoff": 1.15,
    }
    # results=False: tasks hand nothing back through the queue (a task's return value would
    # stay in the store for ever, unread: 1,440 rows a day for a task run every minute);
    # a task whose outcome matters writes it to the database.
    common: dict[str, Any] = {"name": name, "immediate": False, "utc": False, "results": False}
    if kind == "sqlite":
        # Polled: at most 1 s idle between looks at the file (Redis blocks instead).
        consumer["max_delay"] = 1.0
        return {
            **common,
            "huey_class": "pingyi.core.queue.PingyiSqliteHuey",
            "filename": str(data_dir / QUEUE_FILE),
            "fsync": True,  # synchronous=FULL: a queued notice survives a power cut
            "timeout": 30,
            "consumer": consumer,
        }
    if kind == "redis":
        if not redis_url:
            raise QueueConfigError("PINGYI_QUEUE=redis needs REDIS_URL (redis://host:6379/0)")
        consumer["max_delay"] = 1.0
        return {
            **common,
            "huey_class": "pingyi.core.queue.PingyiRedisHuey",
            "url": with_timeouts(redis_url),
            "consumer": consumer,
        }
    raise QueueConfigError(f"PINGYI_QUEUE={kind!r}: use 'sqlite' or 'redis'")


def is_embedded(config: Mapping[str, Any]) -> bool:
    """Whether ``settings.HUEY`` keeps the queue in the data folder (so ``pingyi serve``
    runs its consumer)."""
    return str(config.get("huey_class", "")).endswith("SqliteHuey")
