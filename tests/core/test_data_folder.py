"""The data folder is its owner's alone: folder 0700; database, -wal, -shm, secret key 0600.

Each case starts a real process on the production settings (``pingyi.settings``) with the
most permissive umask (000) and a data folder that does not exist yet (or one left by an
older version with world-readable files), takes the entry points' first step
(``datafolder.prepare()``), applies the migrations, writes through an open connection so
that SQLite's ``-wal`` and ``-shm`` exist, and reports every mode.

Importing the settings alone (what mypy's Django plugin and other tools do, Django set up
included) creates nothing; the first real command creates the folder, privately.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from pingyi.core.datafolder import private_folder, private_sqlite

PROBE = """
import json, os, stat, django
from pathlib import Path
from pingyi.core.datafolder import prepare
prepare()
django.setup()
from django.core.management import call_command
from django.db import connection
from django.conf import settings
call_command("migrate", verbosity=0)
with connection.cursor() as cursor:  # an open connection with a write: -wal and -shm exist
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    data = Path(settings.DATA_DIR)
    print(json.dumps({p.name: stat.S_IMODE(p.stat().st_mode) for p in [data, *data.iterdir()]}))
"""


def probe(data: Path) -> dict[str, int]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(PINGYI_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="pingyi.settings")
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0),  # the most permissive umask
    )
    assert done.returncode == 0, done.stderr
    modes: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return modes


def test_a_new_data_folder_is_private_whatever_the_umask(tmp_path: Path) -> None:
    data = tmp_path / "new" / "pingyi-data"
    modes = probe(data)
    assert modes.pop("pingyi-data") == 0o700
    for name in ("pingyi.sqlite3", "pingyi.sqlite3-wal", "pingyi.sqlite3-shm", "secret_key"):
        assert modes.pop(name) == 0o600, name
    # what is left are folders (static, uploads) inside the private folder
    assert all(stat.S_ISDIR((data / name).stat().st_mode) for name in modes), modes


def test_an_older_world_readable_data_folder_is_narrowed(tmp_path: Path) -> None:
    data = tmp_path / "pingyi-data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "secret_key").write_text("k" * 60 + "\n")
    with sqlite3.connect(data / "pingyi.sqlite3") as db:  # as an older version left it
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE old (x integer)")
    for name in ("secret_key", "pingyi.sqlite3"):
        (data / name).chmod(0o644)
    modes = probe(data)
    assert modes["pingyi-data"] == 0o700
    for name in ("pingyi.sqlite3", "pingyi.sqlite3-wal", "pingyi.sqlite3-shm", "secret_key"):
        assert modes[name] == 0o600, name


def test_in_memory_and_uri_databases_are_left_alone(tmp_path: Path) -> None:
    private_sqlite(":memory:")
    private_sqlite(f"file:{tmp_path}/x.sqlite3?mode=memory")
    private_sqlite(str(tmp_path / "missing" / "x.sqlite3"))  # SQLite will say what is wrong
    assert list(tmp_path.iterdir()) == []


def test_a_shared_folder_is_not_narrowed(tmp_path: Path) -> None:
    """PINGYI_DATA_DIR=/tmp must not make /tmp private (a sticky, shared folder)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    private_folder(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def _clean_env(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(PINGYI_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="pingyi.settings")
    return env


READ_ONLY = """
import django
from django.conf import settings
import pingyi.settings
assert settings.DATA_DIR  # the settings are read ...
django.setup()  # ... and Django set up over them, as mypy's Django plugin does
print(repr(settings.DATA_DIR))
"""


def test_importing_the_settings_creates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "absent" / "pingyi-data"
    done = subprocess.run(
        [sys.executable, "-c", READ_ONLY],
        env=_clean_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert str(data) in done.stdout
    assert list(tmp_path.iterdir()) == [], "importing the settings created files"


def test_the_first_command_creates_the_folder_privately(tmp_path: Path) -> None:
    data = tmp_path / "new" / "pingyi-data"
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", "migrate"],
        env=_clean_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=lambda: os.umask(0),  # the most permissive umask
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("pingyi.sqlite3", "secret_key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    key = (data / "secret_key").read_text().strip()
    assert len(key) >= 50
    # A second command uses that key, and the settings read it without writing.
    again = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=_clean_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.stdout.strip() == key, again.stderr


def test_without_the_first_step_django_names_the_missing_key(tmp_path: Path) -> None:
    """A process that sets Django up without ``prepare()`` fails clearly, never with a key
    nobody else has (receipts derive from it)."""
    data = tmp_path / "pingyi-data"
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        env=_clean_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "SECRET_KEY setting must not be empty" in done.stderr
    assert not data.exists()
