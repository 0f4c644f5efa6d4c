"""Real servers on loopback for the benchmarks and the crash tests (standard library only).

* :class:`PingyiServer` runs ``pingyi serve`` as a subprocess in its own process group
  (so ``kill -9`` of the group takes gunicorn's master and workers down together), on a
  data folder (SQLite) or a ``DATABASE_URL`` (PostgreSQL), and waits on ``/healthz``.
* :func:`pingyi_cli` runs a ``pingyi`` verb against the same data.
* :func:`prepare_event` imports the demo event (9 counties x 4 criteria + 14 lead units
  graded), issues cards through ``pingyi tokens`` and opens voting.
* :class:`PostgresCluster` / :class:`RedisServer`: throw-away services on free ports.

Every address is 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PANELS = ("leaders", "deputies", "enterprises", "attendees")
#: Environment variables of the caller that must not leak into a server under test.
_SCRUB = (
    "DATABASE_URL",
    "REDIS_URL",
    "PINGYI_DATA_DIR",
    "PINGYI_WORKERS",
    "PINGYI_THREADS",
    "PINGYI_BALLOT_WRITER",
    "DJANGO_SETTINGS_MODULE",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pingyi_env(
    data_dir: Path, *, database_url: str = "", redis_url: str = "", **extra: str
) -> dict[str, str]:
    """The environment of a ``pingyi`` child: production settings on ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env.update(
        DJANGO_SETTINGS_MODULE="pingyi.settings",
        PINGYI_DATA_DIR=str(data_dir),
        PINGYI_LANGUAGE="en",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def pingyi_command() -> list[str]:
    return [sys.executable, "-c", "import sys; from pingyi.cli import main; sys.exit(main())"]


def pingyi_cli(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 300
) -> str:
    """Run ``pingyi ARGS`` and return its stdout (raise with its stderr on failure)."""
    proc = subprocess.run(
        [*pingyi_command(), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pingyi {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def http_json(
    url: str, body: Any = None, *, timeout: float = 30, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET (or POST ``body`` as JSON): (status, parsed JSON or text)."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def wait_healthy(
    url: str, *, timeout: float = 60, proc: subprocess.Popen[Any] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            if serving(exc.code, exc.read()):
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def serving(status: int, body: bytes) -> bool:
    """Whether a ``/healthz`` answer means the server takes requests: 200, or 503 with the
    database writable (the queue's consumer, in scaled mode, is the caller's business)."""
    if status == 200:
        return True
    try:
        return status == 503 and json.loads(body)["checks"]["database"]["ok"] is True
    except (ValueError, KeyError, TypeError):
        return False


@dataclass
class Process:
    """A server subprocess in its own process group (killed as a group)."""

    argv: Sequence[str]
    env: dict[str, str]
    health_url: str
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open by the child
        self.proc = subprocess.Popen(
            list(self.argv),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        try:
            wait_healthy(self.health_url, timeout=timeout, proc=self.proc)
        except BaseException:
            self.kill()
            raise RuntimeError(f"{' '.join(self.argv)} did not start:\n{self.log_tail()}") from None
        return self

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """``kill -9`` the whole process group (master and workers), then reap the master."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self._wait_group_gone()
        self.proc = None

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the group), ``kill -9`` after 15 s."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # stragglers of the group, if any
        self._wait_group_gone()
        self.proc = None

    def _wait_group_gone(self, timeout: float = 10) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.02)


def pingyi_server(
    env: dict[str, str],
    *,
    port: int | None = None,
    workers: int = 2,
    threads: int | None = None,
    log_path: Path,
) -> Process:
    port = port or free_port()
    argv = [*pingyi_command(), "serve", "--host", HOST, "--port", str(port)]
    argv += ["--workers", str(workers)]
    if threads:
        argv += ["--threads", str(threads)]
    return Process(argv, env, f"http://{HOST}:{port}/healthz", log_path)


def base_url(server: Process) -> str:
    return server.health_url.rsplit("/", 1)[0]


# --- the event ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    token: str
    panel: str


def demo_event(key: str) -> str:
    """The realistic 23-unit demo event (needs no database: built from the demo lists)."""
    from pingyi.appraisal.demo import demo_event_json

    return demo_event_json(key, f"benchmark {key}", "2026-07-17")


def prepare_event(env: dict[str, str], key: str, cards: int, *, workdir: Path) -> list[Card]:
    """Import the demo event ``key``, issue ``cards`` cards over the 4 panels, open voting."""
    folder = workdir / f"event-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.json").write_text(demo_event(key), encoding="utf-8")
    pingyi_cli(env, "event", "import", str(folder))
    issued: list[Card] = []
    per_panel = [cards // len(PANELS) + (1 if i < cards % len(PANELS) else 0) for i in range(4)]
    for panel, count in zip(PANELS, per_panel, strict=True):
        while count > 0:
            chunk = min(count, 20_000)
            out = pingyi_cli(env, "tokens", key, "--panel", panel, "--count", str(chunk))
            issued += [Card(row["token"], panel) for row in csv.DictReader(io.StringIO(out))]
            count -= chunk
    pingyi_cli(env, "event", "open", key)
    return issued


def ballot_bodies(cards: Sequence[Card], *, seed: int = 2026) -> list[dict[str, Any]]:
    """A plausible full ballot per card (``demo.simulated_scores``), as the API takes it."""
    import random

    from pingyi.orgs.demo import COUNTIES, LEAD_UNITS

    rng = random.Random(seed)
    codes = [c for c, *_r in COUNTIES] + [c for c, *_r in LEAD_UNITS]
    strength = {code: rng.uniform(0.7, 0.95) for code in codes}
    scores = _simulated_scores()
    return [{"token": card.token, "scores": scores(rng, strength)} for card in cards]


def _simulated_scores() -> Any:
    from pingyi.appraisal.demo import simulated_scores

    return simulated_scores


# --- services -------------------------------------------------------------------------------


@dataclass
class PostgresCluster:
    """A throw-away PostgreSQL cluster on a free port (run as user ``postgres`` when root)."""

    root: Path
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    bin_dir: Path = Path("/usr/lib/postgresql/15/bin")

    def _as_server_user(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> PostgresCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        data, run = self.root / "data", self.root / "run"
        data.mkdir(exist_ok=True)
        run.mkdir(exist_ok=True)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o644)
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
            shutil.chown(run, "postgres")
        subprocess.run(
            [*self._as_server_user(), str(self.bin_dir / "initdb"), "-D", str(data), "-U",
             "pingyi", f"--pwfile={pwfile}", "--auth-host=scram-sha-256", "--auth-local=trust",
             "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True, cwd=self.root,
        )
        pwfile.unlink()
        self.port = self.port or free_port()
        subprocess.run(
            [*self._as_server_user(), str(self.bin_dir / "pg_ctl"), "-D", str(data), "-l",
             str(run / "server.log"), "-w", "-t", "60", "start", "-o",
             f"-c listen_addresses={HOST} -p {self.port} -c unix_socket_directories={run} "
             "-c fsync=on -c synchronous_commit=on -c max_connections=300"],
            check=True, capture_output=True, cwd=self.root,
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgres://pingyi:{self.password}@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self._as_server_user(), str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"),
             "-m", "fast", "-w", "stop"],
            check=False, capture_output=True, cwd=self.root,
        )

    def version(self) -> str:
        out = subprocess.run(
            [str(self.bin_dir / "postgres"), "--version"], capture_output=True, text=True,
            check=False,
        )
        return out.stdout.strip()


@dataclass
class RedisServer:
    root: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.5):
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            self.proc = None


@contextlib.contextmanager
def scratch_dir(prefix: str, keep: bool = False) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


# --- Django in the benchmark's own process, and an office session -----------------------


def setup_django(scratch: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "pingyi.settings"
    os.environ["PINGYI_DATA_DIR"] = str(scratch)
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    import django

    from pingyi.core.datafolder import prepare

    prepare()  # the scratch data folder and its secret key, as every entry point does
    django.setup()


def office_cookies(env: dict[str, str], base: str) -> Any:
    """Create an office account and sign in: a cookie jar for the meeting pages."""
    import httpx

    password = "Qv7-Harbor-lantern-91!"
    try:
        pingyi_cli({**env, "PINGYI_PASSWORD": password}, "user", "add", "bench-office",
                   "--role", "office")
    except RuntimeError as exc:
        if "exists" not in str(exc) and "already" not in str(exc):
            raise
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as http:
        page = http.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the sign-in page"
        answer = http.post(
            "/accounts/login/",
            data={"username": "bench-office", "password": password,
                  "csrfmiddlewaretoken": token[1]},
            headers={"Referer": base + "/accounts/login/"},
        )
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"sign-in failed: {answer.status_code}")
        return dict(http.cookies)
