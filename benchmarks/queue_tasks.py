"""The tasks of ``benchmarks/queue_bench.py`` (a consumer loads them through
``PINGYI_TASK_MODULES=benchmarks.queue_tasks``)."""

from __future__ import annotations

import os
import time

from huey.contrib.djhuey import task


@task()
def stamp(path: str, key: str, sent: float) -> None:
    """Append ``key sent ran`` to ``path`` (one O_APPEND write: atomic, no lock)."""
    line = f"{key} {sent:.6f} {time.time():.6f}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


@task()
def busy() -> None:
    """Nothing: the queue's own writes (enqueue, dequeue) are the load."""
