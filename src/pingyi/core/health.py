"""The health checks behind ``/healthz`` and ``pingyi health`` (docs/deploy.md).

Three checks, each a dict with ``ok`` (the verdict's rules: ``core/pure/health.py``):

- **database**: a committed write, not a ``SELECT 1``: one row of ``HealthProbe`` upserted
  in a transaction of its own. A read-only database (SQLite ``query_only``, a PostgreSQL
  ``default_transaction_read_only`` or standby), a locked one or a full disk fails it. It
  waits at most :data:`LOCK_WAIT_SECONDS` for the write lock (SQLite's busy timeout,
  PostgreSQL's ``lock_timeout``), so a monitor polling every few seconds never queues up
  behind a long writer, and holds the lock only for its one-row commit (a ballot burst
  polled throughout loses nothing: ``tests/core/test_health.py``). Not audited: it is no
  office action.
- **queue**: :func:`pingyi.core.tasks.consumer_alive` (a consumer beat within 90 s).
- **disk**: free space of the data folder and of the uploads folder against
  ``PINGYI_HEALTH_MIN_FREE_MB`` (default 500).

:func:`health_report` answers ``{"status", "checks", "version"}``. ``detail=False`` (the
web answer, unauthenticated) gives each failure's short reason only, never an error's
text, a path, a host or a secret; ``detail=True`` (the command line, run by the operator)
adds the error's first line.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import pingyi
from pingyi.core.pure import health as rules

LOCK_WAIT_SECONDS = 2.0
PROBE_ID = 1


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _failure(exc: BaseException, *, detail: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"ok": False, "reason": rules.reason(str(exc))}
    if detail:
        answer["detail"] = f"{type(exc).__name__}: {_first_line(exc)}"
    return answer


@contextlib.contextmanager
def _short_lock_wait() -> Iterator[None]:
    """SQLite: the connection's busy timeout is :data:`LOCK_WAIT_SECONDS` for the probe,
    then what it was. PostgreSQL: ``SET LOCAL`` inside the probe's transaction instead."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_SECONDS * 1000)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before}")


def check_database(*, detail: bool = False) -> dict[str, Any]:
    """Upsert the probe row in a transaction of its own (see the module)."""
    from pingyi.core.models import HealthProbe  # noqa: PLC0415 (models need the app registry)

    started = time.monotonic()
    try:
        with _short_lock_wait(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    wait = f"{int(LOCK_WAIT_SECONDS * 1000)}ms"
                    cursor.execute(f"SET LOCAL lock_timeout = '{wait}'")
                    cursor.execute("SET LOCAL statement_timeout = '5s'")
            HealthProbe.objects.bulk_create(
                [HealthProbe(id=PROBE_ID, at=timezone.now())],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["at"],
            )
    except DatabaseError as exc:
        answer = _failure(exc, detail=detail)
    else:
        answer = {"ok": True}
    answer["vendor"] = connection.vendor
    answer["ms"] = round((time.monotonic() - started) * 1000, 1)
    return answer


def check_queue(*, detail: bool = False) -> dict[str, Any]:
    """Whether a task consumer beat lately (``core/tasks.py``)."""
    from pingyi.core.queue import is_embedded  # noqa: PLC0415 (the queue's settings are Django's)
    from pingyi.core.tasks import ALIVE_SECONDS, consumer_alive, last_beat  # noqa: PLC0415

    mode = "sqlite" if is_embedded(settings.HUEY) else "redis"
    try:
        alive = consumer_alive()
        mark = last_beat() if not alive else None
    except Exception as exc:  # the store is down or damaged: the queue is not working
        return {**_failure(exc, detail=detail), "mode": mode}
    answer: dict[str, Any] = {"ok": alive, "mode": mode}
    if not alive:
        answer["reason"] = "no consumer" if mark is None else "stale heartbeat"
        if detail:
            answer["detail"] = (
                _("no task consumer has beaten in the last %(seconds)d s: run `pingyi worker`")
                if mode == "redis"
                else _(
                    "no task consumer has beaten in the last %(seconds)d s: "
                    "is `pingyi serve` running?"
                )
            ) % {"seconds": ALIVE_SECONDS}
    return answer


def _free_bytes(folder: Path) -> int:
    """Free bytes for an unprivileged writer of ``folder`` (or of its nearest existing
    parent: the uploads folder appears with the first upload)."""
    place = folder
    while not place.exists() and place != place.parent:
        place = place.parent
    return shutil.disk_usage(place).free


def check_disk(*, detail: bool = False) -> dict[str, Any]:
    """Free space of the data and uploads folders (names only: never their paths)."""
    try:
        minimum = rules.min_free_mb(getattr(settings, "PINGYI_HEALTH_MIN_FREE_MB", None))
    except ValueError as exc:
        answer: dict[str, Any] = {"ok": False, "reason": "bad setting"}
        if detail:
            answer["detail"] = str(exc)
        return answer
    try:
        free = {
            "data": _free_bytes(Path(settings.DATA_DIR)),
            "uploads": _free_bytes(Path(settings.MEDIA_ROOT)),
        }
    except OSError as exc:
        return _failure(exc, detail=detail)
    return rules.disk_check(free, minimum)


def health_report(*, detail: bool = False) -> dict[str, Any]:
    """Every check, the verdict and the version (see the module)."""
    checks = {
        "database": check_database(detail=detail),
        "queue": check_queue(detail=detail),
        "disk": check_disk(detail=detail),
    }
    return {"status": rules.verdict(checks), "checks": checks, "version": pingyi.__version__}


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report for a person (``pingyi health``): a verdict line, then one per check."""
    checks = report["checks"]
    db, queue, disk = checks["database"], checks["queue"], checks["disk"]
    lines = [
        (_("healthy") if report["status"] == "ok" else _("NOT healthy"))
        + f" (pingyi {report['version']})"
    ]
    if db["ok"]:
        lines.append(_("database: writable (%(vendor)s, %(ms)s ms)") % db)
    else:
        lines.append(_("database: NOT writable (%(vendor)s): %(reason)s") % db)
    if queue["ok"]:
        lines.append(_("task queue: a consumer is alive (%(mode)s)") % queue)
    else:
        lines.append(_("task queue: NO consumer alive (%(mode)s): %(reason)s") % queue)
    if "free_mb" in disk:
        free = ", ".join(f"{name} {mb} MB" for name, mb in disk["free_mb"].items())
        values = {"free": free, "min": disk["min_free_mb"]}
        if disk["ok"]:
            lines.append(_("disk: free %(free)s (at least %(min)s MB wanted)") % values)
        else:
            lines.append(_("disk: LOW, free %(free)s (at least %(min)s MB wanted)") % values)
    else:
        lines.append(_("disk: cannot tell: %(reason)s") % disk)
    for name, check in checks.items():
        if check.get("detail"):
            lines.append(f"  {name}: {check['detail']}")
    return lines
