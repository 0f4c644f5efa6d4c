"""The data folder is its owner's alone: folder 0700, database files and secret key 0600.

The SQLite database holds the ballots, the cards' hashes and the accounts; the secret key
derives the receipts. Created with the process's umask they were world-readable (0644),
so any local account could copy them. No Django import: ``pingyi.settings`` calls this
while it is being read.

SQLite creates ``-wal`` and ``-shm`` with the permissions of the database file, so making
that file 0600 before SQLite first opens it is enough for new files; files of an older
installation are narrowed here too (docs/anonymity.md, tests/core/test_data_folder.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


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
