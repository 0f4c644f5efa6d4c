"""The data folder is its owner's alone: folder 0700, database files and secret key 0600.

The SQLite database holds the ballots, the cards' hashes and the accounts; the secret key
derives the receipts. Created with the process's umask they were world-readable (0644),
so any local account could copy them.

Nothing is created by importing the settings (a tool that only reads them, such as mypy's
Django plugin, touches no folder): :func:`prepare` is the explicit first step of every
process that runs pingyi, before ``django.setup()``: the command line (``pingyi …``, so
``serve`` and ``demo``), the WSGI entry point (``pingyi.wsgi``) and the benchmark harness.
It creates the folder, the SQLite file and the static folder, and the secret key if the
settings have none (``pingyi.settings`` reads an existing key, and never writes one).

SQLite creates ``-wal`` and ``-shm`` with the permissions of the database file, so making
that file 0600 before SQLite first opens it is enough for new files; files of an older
installation are narrowed here too (docs/anonymity.md, tests/core/test_data_folder.py).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
KEY_FILE = "secret_key"  # the name of the file of the secret key


def _narrow(path: Path, mode: int) -> None:
    """chmod to ``mode`` if ``path`` is ours and allows more (never a folder we don't own)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & ~mode:
        path.chmod(mode)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) with the folder itself 0700.

    A shared folder (sticky bit, like /tmp) named as the data folder is left as it is."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if not path.stat().st_mode & stat.S_ISVTX:
        _narrow(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> None:
    """Make ``path`` an owner-only file, creating it empty if it is missing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _narrow(path, FILE_MODE)
    else:
        os.close(fd)


def private_sqlite(name: str) -> None:
    """The SQLite database at ``name`` and its side files, owner-only (an empty file is a
    valid new database). In-memory and URI names are left alone."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.parent.is_dir():
        return  # SQLite will refuse with its own clear error
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        _narrow(path.with_name(path.name + suffix), FILE_MODE)


def read_secret_key(folder: Path) -> str:
    """The data folder's secret key; "" when it has none yet (or it cannot be read). Reads
    only: ``pingyi.settings`` calls this while it is being imported."""
    try:
        return (folder / KEY_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def secret_key(folder: Path) -> str:
    """The data folder's secret key, generated once into ``secret_key`` (0600); a key an
    older version wrote world-readable is narrowed."""
    path = folder / KEY_FILE
    key = read_secret_key(folder)
    if key:
        private_file(path)
        return key
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # another process won the race; use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


def prepare() -> None:
    """The data folder ready for Django: call after the settings are chosen
    (``DJANGO_SETTINGS_MODULE``) and before ``django.setup()``. Idempotent.

    Creates ``DATA_DIR`` (0700), the SQLite database file (0600, before SQLite first opens
    it) and ``STATIC_ROOT``; when the settings have no ``SECRET_KEY`` (no ``SECRET_KEY`` in the
    environment, no key in the folder yet), generates the folder's key and sets it."""
    folder = Path(settings.DATA_DIR)
    private_folder(folder)
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        private_sqlite(str(database["NAME"]))
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    try:
        configured = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's refusal of an empty key
        configured = ""
    if not configured:
        settings.SECRET_KEY = secret_key(folder)
    elif configured == read_secret_key(folder):
        private_file(folder / KEY_FILE)  # the folder's own key: owner-only
