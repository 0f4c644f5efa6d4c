"""Upgrades from the previous releases (docs/upgrade.md): a data folder made by a tagged
version, then this code upgrades it.

The fixtures ``tests/fixtures/upgrade/vX.Y.Z.tar.gz`` are what ``scripts/upgrade-fixture
TAG`` writes: the data folder after ``pingyi demo --no-serve`` run by that tag's code (the
database, the secret key, the uploads) and a manifest (tag, commit, when, and the row count
of every table and the receipts of every event, read with sqlite3). Each test runs the real
``pingyi`` in subprocesses on an extracted copy, as an office's IT person would:

- ``pingyi migrate`` takes a backup before migrating (an archive ``pingyi restore --check``
  finds intact, holding the old database), then ``pingyi audit verify`` passes and every
  meeting, ballot (count and receipts), card, item, report and notice is still there;
  ``pingyi serve`` starts on it, ``/healthz`` answers 200 and the office signs in to its
  home page; ``pingyi migrate`` again takes no second backup;
- ``pingyi serve`` alone (embedded: the office just starts the new version) does the same;
- a backup that cannot be written migrates nothing, unless ``--no-backup``;
- a new, empty data folder is migrated with no backup;
- the pre-upgrade backup restores into an empty folder and the previous version's own code
  reads it (the way back), when the tags are in the clone;
- the newest tag older than this version has a fixture, made from that tag's commit.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pingyi
from pingyi.core.upgrade import MigrationState
from tests.scratch_postgres import scratch_databases
from tests.test_cli import _free_port, fresh_env, run

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "upgrade"
RELEASES = sorted(p.name.removesuffix(".tar.gz") for p in FIXTURES.glob("v*.tar.gz"))
DEMO_PASSWORD = "Pingyi-demo-2026"
# The embedded upgrades run their own subprocesses on SQLite data folders whatever the
# session's database: once, in the SQLite session, is enough.
embedded = pytest.mark.skipif(
    os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres",
    reason="an embedded data folder's upgrade: run in the SQLite session",
)  # the published demo sign-in of every release

# Tables whose rows an upgrade may add to: Django's bookkeeping (every new model adds its
# content type and permissions, every migration a row) and the audit trail (appended to).
GROWING = {"django_migrations", "django_content_type", "auth_permission", "core_auditentry"}
# What an office would miss first: each must keep exactly its rows.
KEPT = (
    "appraisal_event",
    "appraisal_ballot",
    "appraisal_ballotcard",
    "supervision_item",
    "supervision_report",
    "supervision_notice",
    "orgs_unit",
    "accounts_user",
)


# --- helpers -----------------------------------------------------------------------------


def _version_key(tag: str) -> tuple[int, ...]:
    return tuple(int(part) for part in tag.removeprefix("v").split("."))


def _git(*args: str) -> str | None:
    """git's answer in the checkout, or None (no git, no such tag: a plain copy of the tree)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def old_code(commit: str, folder: Path) -> Path:
    """``src/`` of ``commit`` (a previous release) extracted into ``folder``, to be run with
    ``PYTHONPATH=folder/src`` and this virtualenv."""
    folder.mkdir()
    code = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(code)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _tag_commit(tag: str) -> str | None:
    return _git("rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}")


def extract(tag: str, where: Path) -> tuple[Path, dict[str, Any]]:
    """The fixture's data folder (0700, files 0600 as pingyi keeps them) and its manifest."""
    data = where / "data"
    data.mkdir(mode=0o700)
    with tarfile.open(FIXTURES / f"{tag}.tar.gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        for member in tar.getmembers():
            if member.name != "manifest.json":
                tar.extract(member, data, filter="data")
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name
    return data, manifest


def counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def receipts_now(env: dict[str, str], cwd: Path) -> dict[str, dict[str, Any]]:
    """Per event, read by the current code (appraisal.selectors.receipts): its ballots and
    the SHA-256 of its sorted receipts, as the fixture's manifest writes them."""
    code = (
        "import hashlib, json\n"
        "from pingyi.appraisal.models import Event\n"
        "from pingyi.appraisal.selectors import receipts\n"
        "out = {}\n"
        "for e in Event.objects.order_by('key'):\n"
        "    r = receipts(event=e)\n"
        "    out[e.key] = {'ballots': len(r),\n"
        "        'receipts_sha256': hashlib.sha256('\\n'.join(r).encode()).hexdigest()}\n"
        "print('RECEIPTS=' + json.dumps(out))\n"
    )
    done = run(["manage", "shell", "-c", code], env, cwd)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RECEIPTS="))
    return json.loads(line.removeprefix("RECEIPTS="))


def backups(data: Path) -> list[Path]:
    folder = data / "backups"
    return sorted(folder.glob("*.tar.gz")) if folder.is_dir() else []


def pending_for(data: Path) -> int:
    """How many of this code's migrations the extracted database lacks."""
    from django.db.migrations.loader import MigrationLoader

    con = sqlite3.connect(f"file:{data / 'pingyi.sqlite3'}?mode=ro", uri=True)
    try:
        applied = set(con.execute("SELECT app, name FROM django_migrations"))
    finally:
        con.close()
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return len(on_disk - applied)


def check_backup(archive: Path, printed: str, manifest: dict[str, Any], env, cwd) -> None:
    """The pre-upgrade backup is an intact archive (every checksum, the one printed) of the
    database as the old version left it."""
    sha = re.search(r"SHA-256 ([0-9a-f]{64})", printed)
    assert sha, printed
    done = run(["restore", "--check", "--json", "--sha256", sha.group(1), str(archive)], env, cwd)
    assert done.returncode == 0, done.stderr
    held = json.loads(done.stdout)["manifest"]
    assert archive.name.endswith("-pre-upgrade.tar.gz"), archive.name
    assert held["pingyi"] == pingyi.__version__
    assert held["rows"] == manifest["tables"]  # every table, every row, as the old version left it


class Served:
    """``pingyi serve`` on a data folder, until :meth:`stop`."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.port = _free_port()
        self.log_path = cwd / f"serve-{self.port}.log"
        self.log = self.log_path.open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pingyi", "serve", "--port", str(self.port)],
            env={**env, "PINGYI_WORKERS": "1"},
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def health(self, timeout: float = 90) -> dict[str, Any]:
        """/healthz once it answers 200 (the queue's consumer takes a moment to beat)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=10) as r:
                    return {"status_code": r.status, **json.loads(r.read())}
            except urllib.error.HTTPError as exc:
                last = (exc.code, exc.read()[:300])
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last = exc
            time.sleep(0.5)
        raise AssertionError(f"/healthz never answered 200: {last}\n{self.output()}")

    def office_home(self) -> str:
        """Sign in as the demo's office and read the home page."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.base}/accounts/login/", timeout=30) as r:
            page = r.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": "office",
                "password": DEMO_PASSWORD,
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/accounts/login/", data=form, headers={"Referer": self.base + "/"}
        )
        with opener.open(request, timeout=30) as r:
            assert r.status == 200 and not r.url.rstrip("/").endswith("/accounts/login"), r.url
        with opener.open(f"{self.base}/", timeout=30) as r:
            assert r.status == 200
            return r.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tables", "pending", "backup"),
    [
        (0, 0, False),  # nothing at all
        (0, 60, False),  # a new database: nothing to lose
        (57, 0, False),  # up to date: nothing changes
        (57, 1, True),  # one migration on a database with data
        (1, 60, True),  # any table (even with no migration recorded) may hold data
    ],
)
def test_a_backup_only_before_migrating_a_database_with_data(
    tables: int, pending: int, backup: bool
) -> None:
    assert MigrationState(tables=tables, pending=pending).needs_backup is backup


def test_the_version_is_pyprojects() -> None:
    """``pingyi --version`` and ``pingyi.__version__`` (the backup's manifest, the API) say
    the version of pyproject.toml (a stale install says another: reinstall with -e .)."""
    declared = re.search(
        r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.MULTILINE
    )
    assert declared and pingyi.__version__ == declared.group(1)
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == f"pingyi {declared.group(1)}"


# --- the fixtures --------------------------------------------------------------------------


def test_the_previous_release_has_a_fixture() -> None:
    """The newest tag older than this version (the release an office upgrades from) has its
    data folder here, so a new release cannot skip the upgrade test."""
    assert RELEASES, f"no fixtures in {FIXTURES}"
    tags = _git("tag", "--list", "v*")
    if tags is None:
        pytest.skip("not a git checkout: the tags cannot be read")
    current = _version_key(pingyi.__version__.split("+")[0].split(".dev")[0])
    older = [t for t in tags.split() if re.fullmatch(r"v\d+\.\d+\.\d+", t)]
    older = [t for t in older if _version_key(t) < current]
    if not older:
        pytest.skip("no release tag in this clone (git clone --no-tags?)")
    previous = max(older, key=_version_key)
    assert previous in RELEASES, (
        f"{previous} has no fixture: run scripts/upgrade-fixture {previous} and commit it"
    )


@pytest.mark.parametrize("tag", RELEASES)
def test_the_fixture_is_the_tags(tag: str, tmp_path: Path) -> None:
    """Its manifest names its tag and, when the tag is in the clone, that tag's commit (a
    fixture made from another commit, or a moved tag, is seen); its files are the ones it
    lists."""
    _data, manifest = extract(tag, tmp_path)
    assert manifest["format"] == "pingyi-upgrade-fixture/1"
    assert manifest["tag"] == tag
    assert re.fullmatch(r"[0-9a-f]{40}", manifest["commit"])
    commit = _tag_commit(tag)
    if commit is None:
        pytest.skip(f"{tag} is not in this clone: the commit cannot be compared")
    assert manifest["commit"] == commit, (
        f"{tag}.tar.gz was made from {manifest['commit'][:9]}, the tag is {commit[:9]}: "
        f"run scripts/upgrade-fixture {tag}"
    )


# --- upgrading -----------------------------------------------------------------------------


@embedded
@pytest.mark.parametrize(
    ("tag", "first"),
    [(tag, "migrate") for tag in RELEASES] + [(RELEASES[0], "serve")],
)
def test_the_previous_release_is_upgraded(tag: str, first: str, tmp_path: Path) -> None:
    data, manifest = extract(tag, tmp_path)
    env = fresh_env(data)
    pending = pending_for(data)
    server = None
    try:
        if first == "migrate":
            done = run(["migrate"], env, tmp_path)
            assert done.returncode == 0, done.stderr
            said = done.stderr
        else:  # embedded: the office just starts the new version
            server = Served(env, tmp_path)
            server.health()
            said = server.output()
        assert "Traceback" not in said, said
        taken = backups(data)
        if pending:
            assert len(taken) == 1, (taken, said)
            assert f"{pending} migrations to apply: taking a backup first" in said, said
            assert str(taken[0]) in said, said
            # it holds the secret key: the owner's alone, like the data folder
            assert stat.S_IMODE(taken[0].stat().st_mode) == 0o600
            assert stat.S_IMODE(taken[0].parent.stat().st_mode) == 0o700
            check_backup(taken[0], said, manifest, env, tmp_path)
        else:
            assert taken == [] and "backup" not in said, said

        verified = run(["audit", "verify"], env, tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert "audit trail intact" in verified.stdout

        now = counts(data / "pingyi.sqlite3")
        before = manifest["tables"]
        for table, rows in before.items():
            assert table in now, f"{table} is gone"
            if table in GROWING:
                assert now[table] >= rows, (table, rows, now[table])
            else:
                assert now[table] == rows, (table, rows, now[table])
        assert all(table in before for table in KEPT if table != "supervision_notice")
        assert before["appraisal_ballot"] > 100 and before["supervision_item"] > 10
        assert receipts_now(env, tmp_path) == manifest["events"]

        again = run(["migrate"], env, tmp_path)
        assert again.returncode == 0, again.stderr
        assert "No migrations to apply" in again.stdout
        assert "backup" not in again.stderr
        assert backups(data) == taken  # no second backup

        if server is None:
            server = Served(env, tmp_path)
        report = server.health()
        assert report["status_code"] == 200 and report["status"] == "ok", report
        home = server.office_home()
        assert "王晓" in home  # the office's own page, signed in
    finally:
        if server is not None:
            server.stop()


@embedded
def test_a_failed_backup_migrates_nothing(tmp_path: Path) -> None:
    """A backup that cannot be written (``backups`` is a file) stops the upgrade in one
    line, the database untouched; ``--no-backup`` migrates without one, saying so."""
    tag = RELEASES[0]
    data, manifest = extract(tag, tmp_path)
    env = fresh_env(data)
    (data / "backups").write_text("not a folder")
    for verb in (["migrate"], ["audit", "verify"], ["demo", "--no-serve"]):
        done = run(verb, env, tmp_path)
        assert done.returncode == 1, (verb, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert "the backup before the upgrade failed, nothing was migrated" in done.stderr
        assert "--no-backup" in done.stderr
        assert counts(data / "pingyi.sqlite3") == manifest["tables"], verb

    done = run(["migrate", "--no-backup"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no backup taken (--no-backup)" in done.stderr
    assert (data / "backups").read_text() == "not a folder"
    assert (
        counts(data / "pingyi.sqlite3")["django_migrations"]
        > (manifest["tables"]["django_migrations"])
    )


@embedded
def test_a_new_data_folder_is_migrated_without_a_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = fresh_env(data)
    done = run(["migrate"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "backup" not in done.stderr and backups(data) == []
    assert "Applying" in done.stdout


@embedded
def test_the_way_back_the_pre_upgrade_backup_runs_on_the_previous_version(
    tmp_path: Path,
) -> None:
    """Roll back: the pre-upgrade backup restored (by this version's ``pingyi restore``) into
    an empty data folder is read by the previous version's own code: its audit trail intact."""
    tag = RELEASES[0]  # the oldest: the most migrations to go back over
    commit = _tag_commit(tag)
    if commit is None:
        pytest.skip(f"{tag} is not in this clone: its code cannot be run")
    data, manifest = extract(tag, tmp_path)
    assert pending_for(data)
    env = fresh_env(data)
    done = run(["migrate"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    (archive,) = backups(data)

    back = tmp_path / "back"
    restored = run(["restore", str(archive)], fresh_env(back), tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert (
        counts(back / "pingyi.sqlite3")["django_migrations"]
        == (manifest["tables"]["django_migrations"])
    )

    old = old_code(commit, tmp_path / "old")
    old_env = {**fresh_env(back), "PYTHONPATH": str(old / "src")}
    verified = run(["audit", "verify"], old_env, tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "audit trail intact" in verified.stdout
    assert "migrations" not in verified.stderr  # the old code found its own schema


# --- scaled mode: PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def new_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards); its URL."""
    with scratch_databases("upgrade") as (url,):
        yield url


def pg_counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            n: con.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(n))).fetchone()[
                0
            ]  # type: ignore[index]
            for n in names
        }


@pytest.mark.postgres
def test_scaled_the_previous_release_is_upgraded(new_postgres: str, tmp_path: Path) -> None:
    """Scaled mode: a PostgreSQL database migrated and filled by the previous release's own
    code (its ``pingyi migrate`` and ``demo``), then this version's ``pingyi migrate`` dumps
    it first (``pg_dump``, an intact archive of every row) and keeps every row; ``audit
    verify`` passes; ``migrate`` again dumps nothing."""
    tag = RELEASES[0]
    commit = _tag_commit(tag)
    if commit is None:
        pytest.skip(f"{tag} is not in this clone: its code cannot be run")
    old = old_code(commit, tmp_path / "old")
    data = tmp_path / "data"
    # as deploy/ sets a scaled installation up: the key in the environment, not the folder
    env = fresh_env(data, DATABASE_URL=new_postgres, SECRET_KEY="upgrade-test-" + "k" * 50)
    old_env = {**env, "PYTHONPATH": str(old / "src")}
    for verb in (["migrate"], ["demo", "--no-serve"]):
        done = run(verb, old_env, tmp_path, timeout=300)
        assert done.returncode == 0, (verb, done.stderr)
        assert "backup" not in done.stderr  # the old code has none, the new database needs none
    before = pg_counts(new_postgres)
    assert before["appraisal_ballot"] > 100 and before["supervision_item"] > 10

    done = run(["migrate"], env, tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "taking a backup first" in done.stderr, done.stderr
    assert "SECRET_KEY" in done.stderr, done.stderr  # said: the key is not in the archive
    (archive,) = backups(data)
    sha = re.search(r"SHA-256 ([0-9a-f]{64})", done.stderr)
    assert sha, done.stderr
    checked = run(
        ["restore", "--check", "--json", "--sha256", sha.group(1), str(archive)], env, tmp_path
    )
    assert checked.returncode == 0, checked.stderr
    held = json.loads(checked.stdout)["manifest"]
    assert held["mode"] == "scaled" and held["rows"] == before

    after = pg_counts(new_postgres)
    for table, rows in before.items():
        assert table in after, f"{table} is gone"
        assert after[table] >= rows if table in GROWING else after[table] == rows, table
    verified = run(["audit", "verify"], env, tmp_path)
    assert verified.returncode == 0, verified.stderr

    again = run(["migrate"], env, tmp_path)
    assert again.returncode == 0 and "No migrations to apply" in again.stdout, again.stderr
    assert "backup" not in again.stderr and backups(data) == [archive]
