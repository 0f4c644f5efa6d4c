"""Every verb of ``pingyi --help`` on a fresh, empty data folder, as a newcomer runs it.

Each case runs the real ``pingyi`` command in a subprocess on a new ``PINGYI_DATA_DIR`` (no
database file yet) with no ``DATABASE_URL``: no traceback, a sensible exit code and a clear
message. Verbs that need tables apply the migrations themselves in embedded mode. In scaled
mode (PostgreSQL) on an empty database they refuse and say to run ``pingyi migrate``.

A verb added to the parser without a case here fails :func:`test_every_verb_has_a_case`.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pingyi.cli import build_parser
from tests.appraisal.factories import event_json
from tests.conftest import STRONG_PASSWORD
from tests.orgs.workbooks import GOOD_ROWS, workbook_bytes
from tests.pipeline.workbooks import project_book
from tests.scratch_postgres import scratch_databases
from tests.supervision.onsite_workbooks import problems_book
from tests.supervision.workbooks import messy_book
from tests.targets.workbooks import target_book

MIGRATED = "database migrations to"


def fresh_env(data: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(PINGYI_DATA_DIR=str(data), PINGYI_LANGUAGE="en")
    env.update(extra)
    return env


def run(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pingyi", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def leaf_verbs(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """``event import``, ``user add``, ``tally``, …: every command a user can type."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield " ".join(prefix)
        return
    for action in subparsers:
        for name, sub in action.choices.items():
            yield from leaf_verbs(sub, (*prefix, name))


@dataclass
class Case:
    verb: str
    args: list[str]
    code: int
    says: list[str] = field(default_factory=list)
    migrates: bool = True  # a verb that reads or writes data sets the database up itself


def _event_json(tmp: Path) -> str:
    path = tmp / "event.json"
    path.write_text(event_json(), encoding="utf-8")
    return str(path)


def _units(tmp: Path) -> str:
    path = tmp / "units.xlsx"
    path.write_bytes(workbook_bytes(GOOD_ROWS))
    return str(path)


def _list_sheet(tmp: Path) -> str:
    path = tmp / "list.xlsx"
    path.write_bytes(messy_book().bytes())
    return str(path)


def _sheet(tmp: Path, name: str, data: bytes) -> str:
    path = tmp / name
    path.write_bytes(data)
    return str(path)


NO_EVENT = ["no event", "k1"]
WECOM_HOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
NO_LIST = ["no list", "k1"]
CASES = {
    "demo": Case("demo", ["demo", "--no-serve"], 0, ["pingyi demo", "office"]),
    "migrate": Case("migrate", ["migrate"], 0, ["Applying"], migrates=False),
    "tally": Case("tally", ["tally", "{tmp}/missing"], 2, ["no such folder"], migrates=False),
    "deadline": Case(
        "deadline", ["deadline", "9月底前", "--year", "2026"], 0, ['"due": "2026-09-30"'], False
    ),
    # a fresh folder has no units: every unit of the sheet is unknown, nothing is imported
    "lists import": Case(
        "lists import", ["lists", "import", "{list}"], 2, ["nothing imported", "unknown unit"]
    ),
    "lists export": Case(
        "lists export", ["lists", "export", "k1", "--out", "{tmp}/l.json"], 2, NO_LIST
    ),
    "reports import": Case(
        "reports import", ["reports", "import", "{list}", "--list", "k1"], 2, NO_LIST
    ),
    # a fresh folder has no items: the sweep judges none, issues none; no notices to list
    "supervision sweep": Case(
        "supervision sweep",
        ["supervision", "sweep", "--today", "2026-10-10"],
        0,
        ["2026-10-10: 0 items; issued 0 blue, 0 yellow, 0 red"],
    ),
    "notices list": Case("notices list", ["notices", "list", "--json"], 0, ["[]"]),
    # the weekly cycle: no sheet to issue, an empty bulletin compiles, none to export yet
    "week issue": Case(
        "week issue", ["week", "issue", "--week", "2026-W41"], 2, ["no sheet for 2026-W41"]
    ),
    "bulletin compile": Case(
        "bulletin compile",
        ["bulletin", "compile", "--week", "2026-W41"],
        0,
        ["bulletin 2026-W41 compiled: 0 units rated"],
    ),
    "bulletin export": Case(
        "bulletin export",
        ["bulletin", "export", "--week", "2026-W41", "--out", "{tmp}/b.docx"],
        2,
        ["no bulletin for 2026-W41"],
    ),
    "units import": Case("units import", ["units", "import", "{units}"], 0, ["created 5"]),
    "user add": Case("user add", ["user", "add", "wang", "--role", "office"], 0, ["created wang"]),
    "audit verify": Case("audit verify", ["audit", "verify"], 0, ["intact: 0 rows"]),
    # a fresh folder has no task consumer running: not healthy, and says which check failed
    "health": Case(
        "health", ["health"], 1, ["NOT healthy", "database: writable", "NO consumer alive"]
    ),
    "event import": Case("event import", ["event", "import", "{event}"], 0, ["t1"]),
    "event open": Case("event open", ["event", "open", "k1"], 2, NO_EVENT),
    "event close": Case("event close", ["event", "close", "k1"], 2, NO_EVENT),
    "event publish": Case("event publish", ["event", "publish", "k1"], 2, NO_EVENT),
    "event purge": Case("event purge", ["event", "purge", "k1"], 2, NO_EVENT),
    "event list": Case("event list", ["event", "list"], 0, ["no events yet"]),
    "event export": Case("event export", ["event", "export", "k1", "{tmp}/out"], 2, NO_EVENT),
    "tokens": Case("tokens", ["tokens", "k1", "--panel", "p", "--count", "1"], 2, NO_EVENT),
    "cards": Case(
        "cards",
        ["cards", "k1", "--panel", "p", "--count", "1", "--out", "{tmp}/c.pdf", "--language", "en"],
        2,
        NO_EVENT,
    ),
    "workbook": Case(
        "workbook", ["workbook", "k1", "--out", "{tmp}/w.xlsx", "--language", "en"], 2, NO_EVENT
    ),
    "report": Case(
        "report", ["report", "k1", "--out", "{tmp}/r.pdf", "--language", "en"], 2, NO_EVENT
    ),
    "channel add": Case(
        "channel add",
        ["channel", "add", "wecom", "--office", "--url", f"{WECOM_HOOK}?key=693a91f6-7xxx"],
        0,
        ["key=693a****", "\n1\n"],
    ),
    "channel test": Case("channel test", ["channel", "test", "1"], 2, ["no channel 1"]),
    "channel list": Case("channel list", ["channel", "list"], 0, ["no channel yet"]),
    "bench": Case("bench", ["bench", "--help"], 0, ["usage"], migrates=False),
    # year targets and projects (issue 14): a fresh folder has no units, nothing is imported
    "targets import": Case(
        "targets import",
        ["targets", "import", "{targets}", "--year", "2026"],
        2,
        ["nothing imported", "row 3, cell B3: unknown unit “华龙区”"],
    ),
    "targets list": Case("targets list", ["targets", "list"], 0, ["no year targets yet"]),
    "pipeline import": Case(
        "pipeline import",
        ["pipeline", "import", "{projects}"],
        2,
        ["nothing imported", "row 4, cell C4: unknown unit “华龙区”"],
    ),
    "pipeline list": Case("pipeline list", ["pipeline", "list", "--json"], 0, ['"units": []']),
    # the monthly arena: tally needs no database; a fresh folder has no arena and no month
    "arena tally": Case(
        "arena tally", ["arena", "tally", "{tmp}/nothing"], 2, ["no such folder"], migrates=False
    ),
    "arena import": Case(
        "arena import",
        ["arena", "import", "{units}", "--arena", "counties", "--month", "2026-11"],
        2,
        ["no arena counties"],
    ),
    "arena freeze": Case(
        "arena freeze", ["arena", "freeze", "counties", "2026-11"], 2, ["no month 2026-11"]
    ),
    "arena publish": Case(
        "arena publish", ["arena", "publish", "counties", "2026-11"], 2, ["no month 2026-11"]
    ),
    "arena export": Case(
        "arena export",
        ["arena", "export", "counties", "2026-11", "--out", "{tmp}/a.zip"],
        2,
        ["no month 2026-11"],
    ),
    # the on-site office: a fresh folder has no units (nothing imported) and no problem
    "onsite import": Case(
        "onsite import",
        ["onsite", "import", "{problems}", "--place", "华龙区", "--leader", "李明"],
        2,
        ["nothing imported", "row 3, cell B3 (提出单位): unknown unit “华龙区”"],
    ),
    "onsite similar": Case("onsite similar", ["onsite", "similar", "1"], 2, ['no problem "1"']),
    "manage": Case("manage", ["manage", "check"], 0, ["no issues"], migrates=False),
    # backup and restore (docs/backup.md): a backup takes the database as it is (never
    # migrates: an empty one here); a restore of no archive is refused, nothing written
    "backup": Case("backup", ["backup", "{tmp}"], 0, ["pingyi-backup-", "sha256"], False),
    "restore": Case(
        "restore", ["restore", "{tmp}/none.tar.gz"], 1, ["cannot read"], migrates=False
    ),
    # runs until SIGTERM: the run is test_worker_on_a_fresh_data_folder_stops_on_sigterm
    "worker": Case("worker", ["worker", "--help"], 0, ["usage", "--threads"], migrates=False),
}


def test_every_verb_has_a_case() -> None:
    verbs = set(leaf_verbs(build_parser())) | {"serve"}
    assert verbs == set(CASES) | {"serve"}, (
        f"verbs without a case: {sorted(verbs - set(CASES))}; "
        f"cases of no verb: {sorted(set(CASES) - verbs)}"
    )


@pytest.mark.parametrize("verb", sorted(CASES))
def test_verb_on_a_fresh_data_folder(verb: str, tmp_path: Path) -> None:
    case = CASES[verb]
    data = tmp_path / "data"
    data.mkdir()
    places = {
        "tmp": str(tmp_path),
        "event": _event_json(tmp_path),
        "units": _units(tmp_path),
        "list": _list_sheet(tmp_path),
        "targets": _sheet(tmp_path, "targets.xlsx", target_book()),
        "projects": _sheet(tmp_path, "projects.xlsx", project_book()),
        "problems": _sheet(tmp_path, "problems.xlsx", problems_book()),
    }
    args = [a.format(**places) for a in case.args]
    result = run(args, fresh_env(data, PINGYI_PASSWORD=STRONG_PASSWORD), tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == case.code, output
    for text in case.says:
        assert text.lower() in output.lower(), output
    if case.migrates:
        # The database was set up (and said where), and is complete: a second run is silent.
        assert f"{MIGRATED} {data / 'pingyi.sqlite3'}" in result.stderr, output
        again = run(args if case.code else ["event", "list"], fresh_env(data), tmp_path)
        assert MIGRATED not in again.stderr and "Traceback" not in again.stderr, again.stderr


def test_messages_follow_the_language(tmp_path: Path) -> None:
    result = run(["event", "list"], fresh_env(tmp_path / "data", PINGYI_LANGUAGE="zh"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "数据库" in result.stderr and "尚无评议活动" in result.stderr, result.stderr


def test_manage_on_missing_tables_says_what_to_run(tmp_path: Path) -> None:
    """``pingyi manage`` passes any Django command through and migrates nothing; a database
    error is one line that names the missing migrations."""
    result = run(["manage", "changepassword", "nobody"], fresh_env(tmp_path / "data"), tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert result.stderr.startswith("pingyi: database error: no such table"), result.stderr
    assert "run `pingyi migrate`" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_worker_on_a_fresh_data_folder_stops_on_sigterm(tmp_path: Path) -> None:
    """``pingyi worker`` sets the database up, runs its consumer, and exits 0 on SIGTERM."""
    data = tmp_path / "data"
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen(
        [sys.executable, "-m", "pingyi", "worker"],
        env=fresh_env(data),
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            log.seek(0)
            if "pingyi worker: pid" in log.read():
                break
            time.sleep(0.2)
        worker.terminate()
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    log.seek(0)
    output = log.read()
    log.close()
    assert "Traceback" not in output, output
    assert MIGRATED in output and f"queue sqlite {data / 'queue.sqlite3'}" in output, output
    assert (data / "queue.sqlite3").stat().st_mode & 0o777 == 0o600


def test_serve_on_a_fresh_data_folder(tmp_path: Path) -> None:
    """``serve`` sets the database up and answers the sign-in page."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w+")
    env = fresh_env(tmp_path / "data", PINGYI_WORKERS="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "pingyi", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
                    status = r.status
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        log.seek(0)
        output = log.read()
        assert status == 200, output
        assert "Traceback" not in output, output
        assert MIGRATED in output, output
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# --- scaled mode: PostgreSQL with an empty database --------------------------------------


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards); its URL."""
    with scratch_databases("cli") as (url,):
        yield url


@pytest.mark.postgres
def test_scaled_mode_on_an_empty_database_says_to_migrate(
    empty_postgres: str, tmp_path: Path
) -> None:
    env = fresh_env(tmp_path / "data", DATABASE_URL=empty_postgres, PINGYI_PASSWORD=STRONG_PASSWORD)
    for args in (
        ["event", "list"],
        ["user", "add", "wang", "--role", "office"],
        ["tokens", "k1", "--panel", "p", "--count", "1"],
        ["serve", "--port", str(_free_port())],  # refuses before it listens
    ):
        result = run(args, env, tmp_path, timeout=60)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == 2, (args, result.stderr)
        assert "is not ready" in result.stderr and "Run `pingyi migrate`" in result.stderr
        assert empty_postgres.rsplit("/", 1)[1] in result.stderr  # names the database
        assert "@" not in result.stderr  # and never its password
    manage = run(["manage", "changepassword", "nobody"], env, tmp_path)
    assert manage.returncode == 1 and "run `pingyi migrate`" in manage.stderr, manage.stderr
    assert run(["migrate"], env, tmp_path).returncode == 0
    listed = run(["event", "list"], env, tmp_path)
    assert listed.returncode == 0 and "no events yet" in listed.stderr, listed.stderr


@pytest.mark.postgres
def test_scaled_mode_migrates_when_told_to(empty_postgres: str, tmp_path: Path) -> None:
    env = fresh_env(tmp_path / "data", DATABASE_URL=empty_postgres, PINGYI_MIGRATE_ON_START="1")
    result = run(["event", "list"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert MIGRATED in result.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = fresh_env(tmp_path / "data", DATABASE_URL="postgres://pingyi:secret@127.0.0.1:9/none")
    result = run(["event", "list"], env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("pingyi: cannot open the database postgresql 127.0.0.1:9/none")
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
