"""``pingyi backup`` / ``pingyi restore`` (core/backup.py, core/pure/archive.py, docs/backup.md).

Both sessions run these: on SQLite the archive holds an online copy of the database file, on
PostgreSQL a ``pg_dump``; the restore goes into a new data folder (SQLite) or a new, empty
database made for the test with ``CREATE DATABASE`` (the test user may create databases:
pytest-django needs it too), by the real ``pingyi restore`` in a subprocess.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from pingyi.core import backup
from pingyi.core.audit import audit_log
from pingyi.core.backup import BackupError, make_backup, restore_archive, verify_archive
from pingyi.core.demo import load_demo_data
from pingyi.core.pure.archive import KEY_MEMBER, MANIFEST, MANIFEST_SUM
from tests.scratch_postgres import scratch_databases
from tests.test_cli import fresh_env, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are asserted in English (the subprocesses get ``PINGYI_LANGUAGE=en``)."""
    with translation.override("en"):
        yield


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    """An uploads folder of the test's own, with two files (one in a sub-folder)."""
    root = tmp_path / "media"
    (root / "supervision" / "k1").mkdir(parents=True)
    (root / "supervision" / "k1" / "证据.pdf").write_bytes(b"%PDF-1.4 evidence " * 100)
    (root / "slide.png").write_bytes(os.urandom(5000))
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def restore_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a ``pingyi`` process whose installation is new and empty: a new
    data folder, and on PostgreSQL a new database on the test server (dropped after)."""
    data = tmp_path / "restored"
    if connection.vendor == "sqlite":
        yield fresh_env(data)
        return
    with scratch_databases("restore") as (url,):
        yield fresh_env(data, DATABASE_URL=url)


def restore(archive: Path, env: dict[str, str], tmp_path: Path, *extra: str) -> Any:
    return run(["restore", str(archive), *extra], env, tmp_path)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the round trip -------------------------------------------------------------------------


def test_round_trip_restores_every_row_upload_and_the_audit_chain(
    uploads: Path, restore_env: dict[str, str], tmp_path: Path
) -> None:
    load_demo_data()
    before = table_counts()
    assert before["core_auditentry"] > 0 and before["appraisal_ballot"] > 0

    result = make_backup(tmp_path)
    assert result.path.parent == tmp_path and result.path.name.startswith("pingyi-backup-")
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.bytes == result.path.stat().st_size
    assert result.mode == ("embedded" if connection.vendor == "sqlite" else "scaled")
    assert mode(result.path) == 0o600  # it holds the secret key
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work left

    done = restore(result.path, restore_env, tmp_path, "--json", "--sha256", result.sha256)
    assert done.returncode == 0, done.stderr
    restored = json.loads(done.stdout)
    assert restored["restored"] == before  # every table, every row
    assert restored["uploads"] == 2 and restored["secret_key"] == "file"

    verified = run(["audit", "verify"], restore_env, tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert f"intact: {before['core_auditentry']} rows" in verified.stdout

    data = Path(restore_env["PINGYI_DATA_DIR"])
    assert (data / "secret_key").read_text() == (
        Path(os.environ["PINGYI_DATA_DIR"]) / "secret_key"
    ).read_text()
    pdf = data / "uploads" / "supervision" / "k1" / "证据.pdf"
    assert pdf.read_bytes() == (uploads / "supervision" / "k1" / "证据.pdf").read_bytes()
    # owner-only, as core/datafolder.py makes them
    assert mode(data) == 0o700 and mode(data / "secret_key") == 0o600
    assert mode(data / "uploads") == 0o700 and mode(data / "uploads" / "supervision") == 0o700
    assert mode(pdf) == 0o600
    if connection.vendor == "sqlite":
        assert mode(data / "pingyi.sqlite3") == 0o600
    assert not [p for p in data.iterdir() if p.name.startswith(".pingyi-restore")]


# --- a damaged, truncated or tampered archive ---------------------------------------------


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar]  # type: ignore[union-attr]


def _rewrite(archive: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _flip_member(members: list[tuple[tarfile.TarInfo, bytes]], name: str) -> None:
    for i, (info, data) in enumerate(members):
        if info.name == name:
            middle = len(data) // 2
            members[i] = (info, data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])


def _database_member(members: list[tuple[tarfile.TarInfo, bytes]]) -> str:
    return next(m.name for m, _ in members if m.name.startswith("database/"))


def _edit_manifest(members: list[tuple[tarfile.TarInfo, bytes]], *, reseal: bool) -> None:
    """Count one ballot more in the manifest; ``reseal``: and its sha256 recomputed too."""
    raw = next(d for m, d in members if m.name == MANIFEST)
    manifest = json.loads(raw)
    manifest["rows"]["appraisal_ballot"] += 1
    edited = json.dumps(manifest).encode()
    out = []
    for info, data in members:
        if info.name == MANIFEST:
            data = edited
        elif info.name == MANIFEST_SUM and reseal:
            data = f"{hashlib.sha256(edited).hexdigest()}  {MANIFEST}\n".encode()
        out.append((info, data))
    members[:] = out


def _corrupt(kind: str, archive: Path) -> None:
    if kind == "byte flipped in the file":
        raw = bytearray(archive.read_bytes())
        raw[len(raw) // 2] ^= 0x40
        archive.write_bytes(bytes(raw))
        return
    if kind == "truncated":
        archive.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
        return
    members = _members(archive)
    if kind == "byte flipped in the database member":
        _flip_member(members, _database_member(members))
    elif kind == "byte flipped in an upload":
        _flip_member(members, "uploads/slide.png")
    elif kind == "member added":
        members.insert(1, _file("uploads/planted.html", b"<script>alert(1)</script>"))
    elif kind == "member outside the folder":
        members.insert(1, _file("uploads/../../secret_key", b"attacker"))
    elif kind == "member of another name":
        members.insert(1, _file("pingyi.sqlite3", b"x"))
    elif kind == "symlink member":
        link = tarfile.TarInfo("uploads/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        members.insert(1, (link, b""))
    elif kind == "member removed":
        members = [(m, d) for m, d in members if m.name != KEY_MEMBER]
    elif kind == "file and folder":
        members.insert(1, _file("uploads/supervision", b"a file where a folder is"))
    elif kind == "manifest checksum twice":
        members.append(next((m, d) for m, d in members if m.name == MANIFEST_SUM))
    elif kind == "member twice":
        members.insert(1, members[0])
    elif kind == "manifest edited":
        _edit_manifest(members, reseal=False)
    elif kind == "manifest removed":
        members = [(m, d) for m, d in members if m.name != MANIFEST]
    elif kind == "not a backup":
        members = [_file("uploads/a.txt", b"a")]
    else:  # pragma: no cover
        raise AssertionError(kind)
    _rewrite(archive, members)


CORRUPTIONS = {
    "byte flipped in the file": "damaged or truncated",
    "truncated": "damaged or truncated",
    "byte flipped in the database member": "its sha256 is not the manifest's",
    "byte flipped in an upload": "member uploads/slide.png: its sha256 is not the manifest's",
    "member added": "member uploads/planted.html is not in the manifest",
    "member outside the folder": "member uploads/../../secret_key: not a safe path",
    "member of another name": "member pingyi.sqlite3: not a member of a pingyi backup",
    "symlink member": "member uploads/link: not a regular file",
    "member removed": "member secret_key is missing",
    "member twice": "appears twice",
    "file and folder": "member uploads/supervision/k1/证据.pdf: a file and a folder at once",
    "manifest checksum twice": "member manifest.sha256 appears twice",
    "manifest edited": "member manifest.json: its sha256 is not the one recorded",
    "manifest removed": "member manifest.json is missing",
    "not a backup": "is missing",
}


@pytest.fixture
def archive(uploads: Path, tmp_path: Path) -> Path:
    audit_log(actor="test", action="backup.test", data={"n": 1})
    return make_backup(tmp_path / "good.tar.gz").path


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_a_corrupt_archive_is_refused_naming_what_is_wrong(kind: str, archive: Path) -> None:
    _corrupt(kind, archive)
    with pytest.raises(BackupError) as refused:
        verify_archive(archive)
    assert CORRUPTIONS[kind] in str(refused.value), str(refused.value)


def test_a_resealed_manifest_is_caught_by_the_printed_sha256_and_the_row_counts(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    """Whoever edits the manifest *and* recomputes ``manifest.sha256`` passes the archive's
    own checks; the sha256 printed at backup time refuses it, and (SQLite) so do the rows
    counted in the extracted database before anything is moved into place."""
    printed = hashlib.sha256(archive.read_bytes()).hexdigest()
    members = _members(archive)
    _edit_manifest(members, reseal=True)
    _rewrite(archive, members)
    verify_archive(archive)  # consistent in itself
    with pytest.raises(BackupError, match="its sha256 is .*, not " + printed):
        verify_archive(archive, sha256=printed)
    if connection.vendor == "sqlite":
        done = restore(archive, restore_env, tmp_path)
        assert done.returncode == 1 and "does not hold the rows its manifest counted" in done.stderr
        assert_nothing_restored(Path(restore_env["PINGYI_DATA_DIR"]))


def assert_nothing_restored(data: Path) -> None:
    """The folder as `pingyi` sets a new one up (an empty database file, a key), no more."""
    db = data / "pingyi.sqlite3"
    assert not db.exists() or db.stat().st_size == 0
    assert not (data / "uploads").exists()
    assert not [p.name for p in data.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("kind", ["byte flipped in an upload", "truncated", "member added"])
def test_restore_of_a_corrupt_archive_writes_nothing(
    kind: str, archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    _corrupt(kind, archive)
    done = restore(archive, restore_env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and CORRUPTIONS[kind] in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert_nothing_restored(Path(restore_env["PINGYI_DATA_DIR"]))
    if connection.vendor != "sqlite":
        empty = run(["restore", str(archive), "--check"], restore_env, tmp_path)
        assert empty.returncode == 1  # and the database still has no table:
        assert "holds" not in run(["restore", "/nothing.tar.gz"], restore_env, tmp_path).stderr


# --- refusals of the installation ------------------------------------------------------------


def test_restore_into_an_installation_with_data_is_refused(archive: Path) -> None:
    with pytest.raises(BackupError, match=r"not empty: .*holds \d+ tables"):
        restore_archive(archive)


def test_restore_into_a_folder_with_uploads_is_refused(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    data = Path(restore_env["PINGYI_DATA_DIR"])
    (data / "uploads").mkdir(parents=True)
    (data / "uploads" / "old.pdf").write_bytes(b"old")
    done = restore(archive, restore_env, tmp_path)
    assert done.returncode == 1 and "the uploads folder" in done.stderr, done.stderr
    assert (data / "uploads" / "old.pdf").read_bytes() == b"old"


def test_restore_twice_is_refused_the_second_time(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    assert restore(archive, restore_env, tmp_path).returncode == 0
    again = restore(archive, restore_env, tmp_path)
    assert again.returncode == 1 and "holds" in again.stderr, again.stderr


def test_backup_into_a_missing_folder_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no folder"):
        make_backup(tmp_path / "missing" / "b.tar.gz")
    assert not (tmp_path / "missing").exists()
    with pytest.raises(BackupError, match="letters, digits"):
        make_backup(tmp_path, reason="../x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0500 folder")
def test_backup_into_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(BackupError, match="is not writable"):
        make_backup(folder)


def test_an_interrupted_backup_leaves_nothing(
    uploads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle of writing the archive: no archive, no partial file, no copy."""
    real = backup._add_file
    calls = []

    def interrupted(*args: Any) -> bool:
        calls.append(args[1])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(backup, "_add_file", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KeyboardInterrupt):
        make_backup(out)
    assert list(out.iterdir()) == []


def test_default_place_and_reason(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    result = make_backup(reason="pre-upgrade")
    assert result.path.parent == tmp_path / "data" / "backups"
    assert result.path.name.endswith("-pre-upgrade.tar.gz")
    assert mode(result.path.parent) == 0o700 and mode(result.path) == 0o600


def test_a_key_from_the_environment_is_named_not_archived(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "another-key-from-the-environment-" + "x" * 20)
    result = make_backup(tmp_path)
    assert any("SECRET_KEY" in w for w in result.warnings)
    manifest = verify_archive(result.path).data
    assert manifest["secret_key"] == "environment" and KEY_MEMBER not in manifest["members"]


# --- online: a backup while others write ---------------------------------------------------


def test_backup_while_another_thread_writes_is_consistent(
    tmp_path: Path, restore_env: dict[str, str]
) -> None:
    """A writer appends to the audit chain (one transaction a row) while three backups are
    taken: each archive's database is intact (SQLite: PRAGMA integrity_check, checked by
    make_backup and again by restore), its rows are the ones its manifest counted, and the
    restored chain verifies: a snapshot, never a torn copy."""
    stop = threading.Event()
    written = []

    def writer() -> None:
        try:
            while not stop.is_set():
                audit_log(actor="writer", action="backup.probe", data={"n": len(written)})
                written.append(1)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        results = [make_backup(tmp_path / f"b{i}.tar.gz") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    counts = [verify_archive(r.path).data["rows"]["core_auditentry"] for r in results]
    assert counts == sorted(counts) and counts[-1] < len(written) + 1, (counts, len(written))
    assert counts[0] < counts[-1], counts  # the writer did write while the backups ran
    if connection.vendor == "sqlite":  # each copy checked here too, on its own
        for result, count in zip(results, counts, strict=True):
            copy = tmp_path / f"{result.path.name}.sqlite3"
            members = _members(result.path)
            copy.write_bytes(next(d for m, d in members if m.name.startswith("database/")))
            db = sqlite3.connect(copy)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("SELECT count(*) FROM core_auditentry").fetchone() == (count,)
            db.close()
    done = restore(results[1].path, restore_env, tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["restored"]["core_auditentry"] == counts[1]
    verified = run(["audit", "verify"], restore_env, tmp_path)
    assert verified.returncode == 0 and f"intact: {counts[1]} rows" in verified.stdout, verified


def test_the_refusal_is_one_line_in_chinese_on_a_chinese_system(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    _corrupt("member added", archive)
    done = restore(archive, {**restore_env, "PINGYI_LANGUAGE": "zh"}, tmp_path)
    assert done.returncode == 1
    assert "成员 uploads/planted.html 不在清单中" in done.stderr, done.stderr


def test_an_archive_of_a_newer_pingyi_is_refused(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    """Its tables are not the ones this code reads: a migration it does not know is named."""
    members = _members(archive)
    raw = next(d for m, d in members if m.name == MANIFEST)
    manifest = json.loads(raw)
    manifest["migrations"]["core"].append("0999_from_the_future")
    edited = json.dumps(manifest).encode()
    members = [
        (m, edited if m.name == MANIFEST else d) for m, d in members if m.name != MANIFEST_SUM
    ]
    members.append(
        _file(MANIFEST_SUM, f"{hashlib.sha256(edited).hexdigest()}  {MANIFEST}\n".encode())
    )
    _rewrite(archive, members)
    done = restore(archive, restore_env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "was made by a newer pingyi" in done.stderr
    assert "core.0999_from_the_future" in done.stderr, done.stderr
    assert_nothing_restored(Path(restore_env["PINGYI_DATA_DIR"]))


def test_a_full_disk_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "addfile", full)
    with pytest.raises(BackupError, match=r"cannot write .*: No space left on device"):
        make_backup(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_backup_takes_the_database_as_it_is_and_never_migrates(tmp_path: Path) -> None:
    """Before an upgrade's migrations, and on a fresh folder (an empty database: backed up
    empty, not migrated first)."""
    data = tmp_path / "fresh"
    done = run(["backup", str(tmp_path), "--json"], fresh_env(data), tmp_path)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert set(made) == {"archive", "bytes", "sha256", "seconds", "mode"}
    db = sqlite3.connect(f"file:{data / 'pingyi.sqlite3'}?mode=ro", uri=True)
    assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)  # no table
    db.close()
    checked = run(["restore", made["archive"], "--check", "--json"], fresh_env(data), tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["manifest"]["rows"] == {}


# --- PostgreSQL only ---------------------------------------------------------------------------


def _pg(env: dict[str, str]) -> Any:
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(env["DATABASE_URL"])
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
        dbname=db["NAME"], autocommit=True,
    )  # fmt: skip


@pytest.mark.postgres
def test_pg_dump_gets_the_password_from_the_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = connection.settings_dict["PASSWORD"]
    assert password
    real = backup.subprocess.run
    calls: list[tuple[list[str], dict[str, str]]] = []

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append((args, kwargs["env"]))
        return real(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    make_backup(tmp_path)
    [(args, env)] = calls
    assert Path(args[0]).name == "pg_dump" and "--format=custom" in args
    assert not [a for a in args if password in a]
    assert env["PGPASSWORD"] == password


@pytest.mark.postgres
def test_a_failed_pg_restore_leaves_the_database_without_a_table(
    archive: Path, tmp_path: Path, restore_env: dict[str, str]
) -> None:
    """``pg_restore --single-transaction``: a view in the way of one table (a view is not a
    table, so the database counts as empty) makes it fail, and nothing it created stays."""
    with _pg(restore_env) as db:
        db.execute("CREATE VIEW core_auditentry AS SELECT 1 AS id")
    done = restore(archive, restore_env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "pg_restore failed, nothing restored" in done.stderr, done.stderr
    with _pg(restore_env) as db:
        tables = db.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()
    assert tables == (0,)
    assert_nothing_restored(Path(restore_env["PINGYI_DATA_DIR"]))


def test_two_backups_in_one_second_keep_both(tmp_path: Path) -> None:
    first, second = make_backup(tmp_path), make_backup(tmp_path)
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_a_database_on_another_disk_is_copied_beside_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``DATABASE_URL=sqlite:///…`` on another file system: a rename across disks fails
    (EXDEV); the file is copied beside its place, then renamed, never half written."""
    source, target = tmp_path / "work.sqlite3", tmp_path / "elsewhere" / "pingyi.sqlite3"
    target.parent.mkdir()
    source.write_bytes(b"database" * 1000)
    real = os.replace
    calls = []

    def across_disks(a: Any, b: Any) -> None:
        calls.append((a, b))
        if len(calls) == 1:
            raise OSError(18, "Invalid cross-device link")
        real(a, b)

    monkeypatch.setattr(backup.os, "replace", across_disks)
    backup._move_into_place(source, target)
    assert target.read_bytes() == b"database" * 1000 and mode(target) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["pingyi.sqlite3"]
