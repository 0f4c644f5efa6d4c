"""Real consumers for the task-queue tests: ``pingyi worker`` (or ``pingyi serve``) in a
subprocess on a data folder of the test's own, and the test process pointed at the same
queue (huey's store of ``huey.contrib.djhuey.HUEY`` swapped; ``tests/conftest.py`` puts the
session's own back after each test)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

TASKS = "tests.core.queue_tasks"
ROOT = Path(__file__).resolve().parents[2]  # the checkout: ``tests`` importable anywhere


def worker_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment of a consumer on ``data`` (embedded queue unless ``REDIS_URL`` is
    given): no developer's or session's queue, database or Redis settings leak in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PINGYI_QUEUE") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        PINGYI_DATA_DIR=str(data),
        PINGYI_TASK_MODULES=TASKS,
        PINGYI_LANGUAGE="en",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def migrated_folder(template: Path, data: Path) -> Path:
    """``data`` with a copy of ``template``'s migrated database (saves each consumer the
    migrations)."""
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in ("pingyi.sqlite3", "secret_key"):
        if (template / name).exists():
            shutil.copy2(template / name, data / name)
    return data


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "pingyi", *args],
            env=env,
            cwd=str(log.parent),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    finally:
        out.close()


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def wait_for(check: Callable[[], Any], seconds: float, every: float = 0.02) -> Any:
    """``check()``'s first true value within ``seconds``; else its last value."""
    deadline = time.monotonic() + seconds
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = check()
    return value


def wait_for_line(log: Path, text: str, seconds: float) -> bool:
    return bool(
        wait_for(lambda: log.exists() and text in log.read_text(errors="replace"), seconds, 0.1)
    )


@contextmanager
def queue_file(path: Path) -> Iterator[None]:
    """The test process enqueues into the embedded queue file ``path``."""
    from huey.contrib.djhuey import HUEY

    from pingyi.core.queue import PrivateSqliteStorage

    saved = HUEY.storage
    HUEY.storage = PrivateSqliteStorage(name=HUEY.name, filename=str(path), timeout=30)
    try:
        yield
    finally:
        HUEY.storage.close()
        HUEY.storage = saved


@contextmanager
def redis_queue(url: str, name: str) -> Iterator[None]:
    """The test process enqueues into the Redis queue ``name``."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage

    saved = HUEY.storage
    HUEY.storage = RedisStorage(name=name, url=url)
    try:
        yield
    finally:
        HUEY.storage.flush_all()
        HUEY.storage = saved


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def consumer_of(serve_pid: int) -> int | None:
    for pid in children(serve_pid):
        if "worker --embedded" in cmdline(pid):
            return pid
    return None


def session_template() -> Path:
    """A data folder migrated once per session (``pingyi migrate``), to copy."""
    template = Path(settings.DATA_DIR) / "queue-template"
    if not (template / "pingyi.sqlite3").exists():
        template.mkdir(mode=0o700, exist_ok=True)
        env = worker_env(template)
        subprocess.run(
            [sys.executable, "-m", "pingyi", "migrate"],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return template
