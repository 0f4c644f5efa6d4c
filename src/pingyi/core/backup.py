"""Backup and restore of a pingyi installation: ``pingyi backup OUT``, ``pingyi restore ARCHIVE``.

One ``.tar.gz`` holds the database, the uploads and (when it is the data folder's) the secret
key, with a manifest of sha256 checksums (the rules: :mod:`pingyi.core.pure.archive`; the
handbook for the IT person: docs/backup.md).

- Embedded (SQLite): an *online* copy with SQLite's backup API through the process's own
  connection (the server keeps taking ballots; the file is never copied nor opened by
  anything but SQLite, whose POSIX locks a stray ``open()``/``close()`` would drop).
- Scaled (PostgreSQL): ``pg_dump --format=custom`` of a snapshot exported by a repeatable-read
  transaction, in which the rows are also counted (the counts are the dump's); the password
  goes to ``pg_dump`` through ``PGPASSWORD``, never on its command line.

The archive is written under a temporary name (0600) and renamed when complete: a failure
or Ctrl-C leaves nothing. A restore reads the whole archive and checks every member's
checksum before it writes anything, extracts into temporary names (checking again), checks
the database it extracted, and renames last.

Nothing here writes the audit trail: a backup is taken before an upgrade's migrations, when
the tables may be older than the code; and the restored database must be the archived one.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, found by path, no shell
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from glob import glob
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import pingyi
from pingyi.core.datafolder import FILE_MODE, FOLDER_MODE, KEY_FILE, private_folder, read_secret_key
from pingyi.core.pure.archive import (
    FORMAT,
    KEY_MEMBER,
    MANIFEST,
    MANIFEST_SUM,
    MAX_MANIFEST_BYTES,
    PGDUMP_MEMBER,
    SQLITE_MEMBER,
    UPLOADS,
    ArchiveProblem,
    member_name_problem,
    members_problems,
    read_manifest,
)

CHUNK = 1024 * 1024
_REASON = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,40}")
_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


def _count(table: str) -> str:
    """``SELECT count(*)`` of a table named by the database's own catalogue, quoted."""
    quoted = '"' + table.replace('"', '""') + '"'
    return f"SELECT count(*) FROM {quoted}"  # noqa: S608  # nosec B608 # a quoted catalogue name


class BackupError(Exception):
    """A refusal, as one line (the command prints ``pingyi: …`` and exits 1)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    sha256: str
    seconds: float
    mode: str  # "embedded" (SQLite) or "scaled" (PostgreSQL)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    restored: dict[str, int]  # rows of every table, as restored
    uploads: int
    secret_key: str  # "file" (restored into the data folder) or "environment"
    seconds: float
    mode: str
    warnings: tuple[str, ...] = ()


@dataclass
class Manifest:
    """An archive that passed every check (:func:`verify_archive`)."""

    data: dict[str, Any]
    sha256: str  # of the whole archive
    digests: dict[str, tuple[str, int]] = field(default_factory=dict)


def _mode() -> str:
    return "embedded" if connection.vendor == "sqlite" else "scaled"


def _key_source() -> str:
    """``file`` when the secret key is the data folder's ``secret_key`` (it goes into the
    archive); ``environment`` when ``SECRET_KEY`` is set and is another key."""
    folder_key = read_secret_key(Path(settings.DATA_DIR))
    env_key = os.environ.get("SECRET_KEY", "")
    if env_key and env_key != folder_key:
        return "environment"
    return "file" if folder_key else "environment"


# --- backup --------------------------------------------------------------------------------


def _target(out: Path | None, reason: str) -> Path:
    if reason and not _REASON.fullmatch(reason):
        raise BackupError(
            _("reason %(reason)r: letters, digits, '-', '_' and '.' only") % {"reason": reason}
        )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"pingyi-backup-{stamp}{'-' + reason if reason else ''}.tar.gz"
    if out is None:
        return _unused(private_folder(Path(settings.DATA_DIR) / "backups") / name)
    out = Path(out)
    if out.is_dir():
        out = _unused(out / name)
    folder = out.parent
    if not folder.is_dir():
        raise BackupError(
            _("cannot write %(path)s: no folder %(folder)s") % {"path": out, "folder": folder}
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(
            _("cannot write %(path)s: the folder %(folder)s is not writable")
            % {"path": out, "folder": folder}
        )
    return out.absolute()


def _unused(path: Path) -> Path:
    """A generated name that no archive has yet (two backups in one second: ``-2``…)."""
    stem = path.name.removesuffix(".tar.gz")
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{stem}-{n}.tar.gz")
    return path


def _sqlite_snapshot(dest: Path) -> dict[str, Any]:
    """An online copy of the live database into ``dest`` (SQLite's backup API, in one step:
    one read transaction, a consistent snapshot while writers go on), checked, counted."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(dest)
    try:
        source.backup(copy)  # pages=-1: all in one step, one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise BackupError(
                _("the database copy fails its integrity check: %(error)s") % {"error": integrity}
            )
        tables = [row[0] for row in copy.execute(_SQLITE_TABLES)]
        rows = {t: copy.execute(_count(t)).fetchone()[0] for t in tables}
        migrations = _migrations(
            copy.execute("SELECT app, name FROM django_migrations")
            if "django_migrations" in tables
            else []
        )
    finally:
        copy.close()
    return {"rows": rows, "migrations": migrations, "integrity": integrity}


def _migrations(pairs: Any) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in pairs:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _pg_tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore``: Debian's versioned folders first, then PATH."""
    versions = sorted(
        glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
        reverse=True,
    )
    found = versions[0] if versions else shutil.which(name)
    if not found:
        raise BackupError(
            _("%(tool)s not found: install the PostgreSQL client (postgresql-client)")
            % {"tool": name}
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq's variables for the tools: the password in ``PGPASSWORD``, never an argument."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_dump(dest: Path) -> dict[str, Any]:
    """``pg_dump`` of a snapshot that this transaction exports, and the rows counted in it."""
    tool = _pg_tool("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int")
        snapshot, server = cursor.fetchone()
        rows = _pg_counts(cursor)
        migrations: dict[str, list[str]] = {}
        if "django_migrations" in rows:
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations(cursor.fetchall())
        done = subprocess.run(  # noqa: S603  # nosec B603 # the tool found above, no shell
            [
                tool,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dest}",
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": _first_line(done.stderr)})
    return {"rows": rows, "migrations": migrations, "server_version_num": server}


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["?"])[0]


class _HashingWriter(io.RawIOBase):
    """The archive file, hashed and counted as tarfile writes it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.fh.write(data)
        self.sha.update(data)
        self.size += len(data)
        return len(data)


class _HashingReader:
    """At most ``size`` bytes of ``fh``, hashed as tarfile reads them."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _info(name: str, size: int, mode: int = FILE_MODE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = mode
    info.mtime = int(time.time())
    info.uname = info.gname = "pingyi"
    return info


def _add_file(
    tar: tarfile.TarFile, name: str, path: Path, members: dict[str, dict[str, Any]]
) -> bool:
    """Add ``path`` as ``name``, hashed while read. ``False`` when it vanished meanwhile."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below)  # never the database file
    except FileNotFoundError:
        return False
    with fh:
        size = os.fstat(fh.fileno()).st_size
        reader = _HashingReader(fh)
        tar.addfile(_info(name, size), reader)  # type: ignore[arg-type]
    members[name] = {"sha256": reader.sha.hexdigest(), "bytes": size}
    return True


def _uploads() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield UPLOADS + path.relative_to(root).as_posix(), path


def make_backup(out: Path | None = None, *, reason: str = "") -> BackupResult:
    """Back the installation up into one archive (see the module's docstring).

    ``out``: the archive's path, or a folder to write ``pingyi-backup-STAMP.tar.gz`` in;
    ``None``: ``DATA_DIR/backups``. ``reason`` (``pre-upgrade``) ends the generated name."""
    started = time.monotonic()
    target = _target(out, reason)
    mode = _mode()
    warnings: list[str] = []
    key_source = _key_source()
    if key_source == "environment":
        warnings.append(
            _(
                "the secret key comes from the environment (SECRET_KEY) and is not in the "
                "archive: keep it elsewhere; without it the receipts cannot be checked"
            )
        )
    work = Path(tempfile.mkdtemp(prefix=".pingyi-backup-", dir=target.parent))
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        if mode == "embedded":
            database, member = work / "pingyi.sqlite3", SQLITE_MEMBER
            facts = _sqlite_snapshot(database)
        else:
            database, member = work / "pingyi.pgdump", PGDUMP_MEMBER
            facts = _pg_dump(database)
        members: dict[str, dict[str, Any]] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            with tarfile.open(
                fileobj=writer, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar:  # type: ignore[call-overload]
                _add_file(tar, member, database, members)
                if key_source == "file":
                    _add_file(tar, KEY_MEMBER, Path(settings.DATA_DIR) / KEY_FILE, members)
                uploads = 0
                for name, path in _uploads():
                    uploads += _add_file(tar, name, path, members)
                manifest = {
                    "format": FORMAT,
                    "pingyi": pingyi.__version__,
                    "created": timezone.now().isoformat(timespec="seconds"),
                    "mode": mode,
                    "database": connection.vendor,
                    "secret_key": key_source,
                    "uploads": uploads,
                    **facts,
                    "members": members,
                }
                raw_manifest = json.dumps(
                    manifest, ensure_ascii=False, indent=1, sort_keys=True
                ).encode()
                digest = hashlib.sha256(raw_manifest).hexdigest()
                tar.addfile(_info(MANIFEST, len(raw_manifest)), io.BytesIO(raw_manifest))
                line = f"{digest}  {MANIFEST}\n".encode()
                tar.addfile(_info(MANIFEST_SUM, len(line)), io.BytesIO(line))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except OSError as exc:  # a full disk, a folder gone: one line, nothing left
        partial.unlink(missing_ok=True)
        raise BackupError(
            _("cannot write %(path)s: %(error)s") % {"path": target, "error": exc.strerror or exc}
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(
        path=target,
        bytes=writer.size,
        sha256=writer.sha.hexdigest(),
        seconds=round(time.monotonic() - started, 3),
        mode=mode,
        warnings=tuple(warnings),
    )


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- verify --------------------------------------------------------------------------------


class _WriteFailed(Exception):
    """Writing a member failed (a full disk): not the archive's fault."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _HashingFile(io.RawIOBase):
    """The archive as read, hashed (the sha256 ``pingyi backup`` printed)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.fh.read(len(buffer))
        buffer[: len(data)] = data
        self.sha.update(data)
        return len(data)


def _read_members(
    archive: Path, sink: Any = None
) -> tuple[dict[str, tuple[str, int]], bytes | None, bytes | None, str]:
    """Read every member of ``archive`` once, in order, hashing it; ``sink(name, chunks)``
    may store it. Refuses (naming the member) an archive that is damaged, truncated, holds
    a member of another kind or name, or the same name twice."""
    seen: dict[str, tuple[str, int]] = {}
    read: set[str] = set()  # every name, the manifest's too
    folders: set[str] = set()  # every folder an upload is in
    manifest: bytes | None = None
    manifest_sum: bytes | None = None
    current = _("before the first member")
    try:
        fh = open(archive, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise BackupError(
            _("cannot read %(path)s: %(error)s") % {"path": archive, "error": exc.strerror}
        ) from exc
    with fh:
        hashing = _HashingFile(fh)
        try:
            # gzip itself, not tarfile's "r|gz": tarfile stops at the first header it cannot
            # read as if the archive ended there, and never reaches gzip's CRC at the end.
            gz = gzip.GzipFile(fileobj=io.BufferedReader(hashing, CHUNK), mode="rb")
            with tarfile.open(fileobj=gz, mode="r|") as tar:  # type: ignore[call-overload]
                for info in tar:
                    current = _("member %(member)s") % {"member": info.name}
                    problem = member_name_problem(info.name)
                    if problem:
                        raise ArchiveProblem(problem)
                    if not info.isfile():
                        raise ArchiveProblem(
                            _("member %(member)s: not a regular file") % {"member": info.name}
                        )
                    if info.name in read:
                        raise ArchiveProblem(
                            _("member %(member)s appears twice") % {"member": info.name}
                        )
                    parents = {p.as_posix() for p in PurePosixPath(info.name).parents}
                    if info.name in folders or parents & read:
                        raise ArchiveProblem(
                            _("member %(member)s: a file and a folder at once")
                            % {"member": info.name}
                        )
                    read.add(info.name)
                    folders |= parents
                    data = tar.extractfile(info)
                    if data is None:  # checked to be a regular file above; never None
                        raise ArchiveProblem(
                            _("member %(member)s: not a regular file") % {"member": info.name}
                        )
                    if info.name in {MANIFEST, MANIFEST_SUM}:
                        if info.size > MAX_MANIFEST_BYTES:
                            raise ArchiveProblem(
                                _("member %(member)s: too large") % {"member": info.name}
                            )
                        content = data.read()
                        if info.name == MANIFEST:
                            manifest = content
                        else:
                            manifest_sum = content
                        continue
                    sha = hashlib.sha256()
                    size = 0
                    chunks = _chunks(data, sha)
                    if sink is not None:
                        size = sink(info.name, chunks)
                    else:
                        for chunk in chunks:
                            size += len(chunk)
                    seen[info.name] = (sha.hexdigest(), size)
                current = _("after the last member")
                # The rest: tar's zero blocks only, to gzip's end (its CRC and length checked).
                while rest := gz.read(CHUNK):
                    if rest.count(0) != len(rest):
                        raise tarfile.ReadError(_("unreadable data after the last member"))
                while hashing.readinto(bytearray(CHUNK)):  # anything after gzip's end
                    raise tarfile.ReadError(_("data after the end of the compressed archive"))
        except ArchiveProblem as exc:
            raise BackupError(
                _("%(path)s is refused: %(problem)s") % {"path": archive, "problem": exc}
            ) from exc
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupError(
                _("%(path)s is damaged or truncated (%(where)s): %(error)s")
                % {"path": archive, "where": current, "error": str(exc) or type(exc).__name__}
            ) from exc
    return seen, manifest, manifest_sum, hashing.sha.hexdigest()


def _chunks(data: IO[bytes], sha: Any) -> Iterator[bytes]:
    while chunk := data.read(CHUNK):
        sha.update(chunk)
        yield chunk


def verify_archive(archive: Path, *, sha256: str = "") -> Manifest:
    """Check ``archive`` completely and write nothing: every member's sha256 and size
    against the manifest, the manifest against ``manifest.sha256``, and (``sha256``) the
    whole archive against the sha256 ``pingyi backup`` printed. :class:`BackupError`
    names what is wrong."""
    archive = Path(archive)
    seen, raw, raw_sum, whole = _read_members(archive)
    if sha256 and sha256.strip().lower() != whole:
        raise BackupError(
            _("%(path)s is refused: its sha256 is %(actual)s, not %(expected)s")
            % {"path": archive, "actual": whole, "expected": sha256.strip().lower()}
        )
    try:
        if raw is None:
            raise ArchiveProblem(_("member %(member)s is missing") % {"member": MANIFEST})
        data = read_manifest(raw, raw_sum, hashlib.sha256(raw).hexdigest())
    except ArchiveProblem as exc:
        raise BackupError(
            _("%(path)s is refused: %(problem)s") % {"path": archive, "problem": exc}
        ) from exc
    problems = members_problems(data, seen)
    if problems:
        raise BackupError(
            _("%(path)s is refused: %(problem)s")
            % {"path": archive, "problem": "; ".join(problems)}
        )
    return Manifest(data=data, sha256=whole, digests=seen)


# --- restore -------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _database_in_place() -> str:
    """What is already in the database (a refusal's words), or "" when it is empty."""
    if connection.vendor == "sqlite":
        path = _sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return ""
        try:
            probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [r[0] for r in probe.execute(_SQLITE_TABLES)]
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            return _("%(path)s is there and is not an empty database (%(error)s)") % {
                "path": path,
                "error": exc,
            }
        if not tables:
            return ""
        return _("%(path)s holds %(count)d tables (%(names)s)") % {
            "path": path,
            "count": len(tables),
            "names": ", ".join(tables[:4]) + (", …" if len(tables) > 4 else ""),
        }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        tables = [r[0] for r in cursor.fetchall()]
    if not tables:
        return ""
    db = connection.settings_dict
    return _("the database %(name)s on %(host)s holds %(count)d tables (%(names)s)") % {
        "name": db["NAME"],
        "host": db.get("HOST") or "localhost",
        "count": len(tables),
        "names": ", ".join(tables[:4]) + (", …" if len(tables) > 4 else ""),
    }


def _uploads_in_place() -> str:
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        return _("the uploads folder %(path)s is not empty") % {"path": root}
    return ""


def restore_archive(archive: Path, *, sha256: str = "") -> RestoreResult:
    """Restore ``archive`` into this installation, whose database must be empty (no tables)
    and whose uploads folder must be empty. Every checksum is checked before anything is
    written; the files land under temporary names and are renamed last."""
    started = time.monotonic()
    archive = Path(archive)
    mode = _mode()
    there = [t for t in (_database_in_place(), _uploads_in_place()) if t]
    if there:
        raise BackupError(
            _(
                "restore refused: the installation is not empty: %(what)s. Restore into a new "
                "data folder (PINGYI_DATA_DIR) or an empty database"
            )
            % {"what": "; ".join(there)}
        )
    manifest = verify_archive(archive, sha256=sha256)
    data = manifest.data
    if data.get("mode") != mode:
        raise BackupError(
            _("%(path)s is a backup of %(archived)s mode; this installation is in %(mode)s mode")
            % {"path": archive, "archived": data.get("mode"), "mode": mode}
        )
    database_member = SQLITE_MEMBER if mode == "embedded" else PGDUMP_MEMBER
    if database_member not in data["members"]:
        raise BackupError(
            _("%(path)s is refused: member %(member)s is missing")
            % {"path": archive, "member": database_member}
        )
    _refuse_newer_migrations(archive, data)
    folder = private_folder(Path(settings.DATA_DIR))
    work = Path(tempfile.mkdtemp(prefix=".pingyi-restore-", dir=folder))
    warnings: list[str] = []
    try:
        try:
            written = _extract(archive, work, manifest)
        except _WriteFailed as exc:  # a full disk: one line, nothing restored
            raise BackupError(
                _("cannot restore into %(path)s: %(error)s; nothing restored")
                % {"path": folder, "error": exc.error.strerror or exc.error}
            ) from exc
        if mode == "embedded":
            restored = _check_sqlite(work / SQLITE_MEMBER, data, archive)
        else:  # one transaction: all or nothing, before any file is moved into place
            _pg_restore(work / PGDUMP_MEMBER)
            with connection.cursor() as cursor:
                restored = _pg_counts(cursor)
            if restored != data.get("rows"):
                warnings.append(
                    _("the restored database does not hold the rows the manifest counted")
                )
        uploads = sum(1 for name in written if name.startswith(UPLOADS))
        # Into place: the key and the uploads first, the database last (its presence is
        # what says "restored").
        key_source = str(data.get("secret_key", "environment"))
        if KEY_MEMBER in written:
            os.replace(work / KEY_MEMBER, folder / KEY_FILE)
            env_key = os.environ.get("SECRET_KEY", "")
            if env_key and env_key != read_secret_key(folder):
                warnings.append(
                    _(
                        "SECRET_KEY is set in the environment and is not the archive's key: "
                        "unset it, or the receipts will not check"
                    )
                )
        elif key_source == "environment":
            warnings.append(
                _(
                    "the archive holds no secret key (it came from the environment): "
                    "set the same SECRET_KEY before `pingyi serve`"
                )
            )
        if (work / "uploads").is_dir():
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                shutil.rmtree(media)  # empty (checked above)
            os.replace(work / "uploads", media)
        if mode == "embedded":
            target = _sqlite_path()
            connection.close()
            for suffix in ("-wal", "-shm", "-journal"):  # of the empty file only (checked)
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            _move_into_place(work / SQLITE_MEMBER, target)
        _fsync_folder(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return RestoreResult(
        restored=restored,
        uploads=uploads,
        secret_key=key_source,
        seconds=round(time.monotonic() - started, 3),
        mode=mode,
        warnings=tuple(warnings),
    )


def _move_into_place(source: Path, target: Path) -> None:
    """Rename; a database elsewhere (``DATABASE_URL=sqlite:///…`` on another disk) is first
    copied beside its place (0600), then renamed: never half a file under its name."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        beside = target.with_name(f".{target.name}.restoring-{os.getpid()}")
        try:
            fd = os.open(beside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(beside, target)
        finally:
            beside.unlink(missing_ok=True)


def _refuse_newer_migrations(archive: Path, data: dict[str, Any]) -> None:
    """An archive of a newer pingyi (a migration this code does not know) is refused: its
    tables are not the ones this code reads. Older archives are fine: ``pingyi migrate``."""
    from django.db.migrations.loader import MigrationLoader  # noqa: PLC0415 (only a restore loads the migration files)

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    ours = {app for app, _name in known}
    unknown = [
        f"{app}.{name}"
        for app, names in sorted((data.get("migrations") or {}).items())
        if app in ours
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            _(
                "%(path)s was made by a newer pingyi (%(version)s): this one does not know "
                "the migration %(migration)s. Install that version (or newer), then restore"
            )
            % {"path": archive, "version": data.get("pingyi", "?"), "migration": unknown[0]}
        )


def _extract(archive: Path, work: Path, manifest: Manifest) -> list[str]:
    """Write every member under ``work`` (folders 0700, files 0600), checking each against
    the digests of the first reading: the archive must not change in between."""
    names: list[str] = []

    def sink(name: str, chunks: Iterator[bytes]) -> int:
        path = work / name
        for parent in reversed(path.relative_to(work).parents):
            (work / parent).mkdir(mode=FOLDER_MODE, exist_ok=True)
        size = 0
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    size += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:  # not the archive: the disk (reported as such by the caller)
            raise _WriteFailed(exc) from exc
        names.append(name)
        return size

    seen, _raw, _sum, whole = _read_members(archive, sink)
    if whole != manifest.sha256 or seen != manifest.digests:
        raise BackupError(
            _("%(path)s changed while it was being restored: nothing restored") % {"path": archive}
        )
    return names


def _check_sqlite(path: Path, data: dict[str, Any], archive: Path) -> dict[str, int]:
    """The extracted database: intact, and holding the rows the manifest counted."""
    db = sqlite3.connect(path)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [r[0] for r in db.execute(_SQLITE_TABLES)]
        rows = {t: db.execute(_count(t)).fetchone()[0] for t in tables}
    except sqlite3.DatabaseError as exc:
        integrity, rows = str(exc), {}
    finally:
        db.close()
    if integrity != "ok":
        raise BackupError(
            _("%(path)s: the database in it fails its integrity check: %(error)s")
            % {"path": archive, "error": integrity}
        )
    if rows != data.get("rows"):
        raise BackupError(
            _("%(path)s: the database in it does not hold the rows its manifest counted")
            % {"path": archive}
        )
    return rows


def _pg_restore(dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    connection.close()
    done = subprocess.run(  # noqa: S603  # nosec B603 # the tool found above, no shell
        [
            tool,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _("pg_restore failed, nothing restored: %(error)s")
            % {"error": _first_line(done.stderr)}
        )


def _pg_counts(cursor: Any) -> dict[str, int]:
    """Every table of the schema and its rows, as ``cursor`` sees them (its snapshot)."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [r[0] for r in cursor.fetchall()]
    rows = {}
    for table in tables:
        cursor.execute(_count(table))
        rows[table] = cursor.fetchone()[0]
    return rows
