"""Read a pingyi database from outside (SQLite file of a data folder, or ``DATABASE_URL``).

Shared by the backup drill (``tests/core/test_backup_drill.py``) and the backup benchmark
(``benchmarks/backup_bench.py``): both compare a source and its restored copy without
Django, so that a server may run on either while they read. Standard library (and psycopg
for PostgreSQL) only.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any


def _postgres_url(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL", "")
    return url if url and not url.startswith("sqlite") else ""


def rows(env: dict[str, str], sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (``%s`` placeholders) on the database of ``env``."""
    url = _postgres_url(env)
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            return [tuple(r) for r in conn.execute(sql, params)]  # type: ignore[arg-type]
    path = Path(env["PINGYI_DATA_DIR"]) / "pingyi.sqlite3"
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    lite = sqlite3.connect(path, timeout=30)
    try:
        return [tuple(r) for r in lite.execute(sql.replace("%s", "?"), params)]
    finally:
        lite.close()


def table_names(env: dict[str, str]) -> list[str]:
    if _postgres_url(env):
        found = rows(
            env,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
    else:
        found = rows(
            env, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(str(r[0]) for r in found)


def table_counts(env: dict[str, str]) -> dict[str, int]:
    """Every table of the database and its number of rows."""
    return {t: int(rows(env, f'SELECT count(*) FROM "{t}"')[0][0]) for t in table_names(env)}


def receipts(env: dict[str, str], key: str) -> list[str]:
    """The receipts of the ballots stored for event ``key`` (one per ballot, duplicates kept)."""
    return [
        str(r[0])
        for r in rows(
            env,
            "SELECT b.receipt FROM appraisal_ballot b JOIN appraisal_event e ON e.id = b.event_id "
            "WHERE e.key = %s",
            (key,),
        )
    ]


def cards_used(env: dict[str, str], key: str) -> int:
    return int(
        rows(
            env,
            "SELECT count(*) FROM appraisal_ballotcard c JOIN appraisal_event e "
            "ON e.id = c.event_id WHERE e.key = %s AND c.used",
            (key,),
        )[0][0]
    )


def supervision_items(env: dict[str, str]) -> list[tuple[Any, ...]]:
    """Every supervision item by its key: (list key, item number, title, lead unit code)."""
    return sorted(
        rows(
            env,
            "SELECT l.key, i.number, i.title, u.code FROM supervision_item i "
            "JOIN supervision_supervisionlist l ON l.id = i.supervision_list_id "
            "JOIN orgs_unit u ON u.id = i.lead_unit_id",
        )
    )


def supervision_notices(env: dict[str, str]) -> list[tuple[Any, ...]]:
    """Every notice by its key: (list key, item number, colour, issued on, 督〔year〕serial号,
    closed on, close reason, acknowledged by), dates as text."""
    found = rows(
        env,
        "SELECT l.key, i.number, n.colour, n.issued_on, n.year, n.serial, n.closed_on, "
        "n.close_reason, n.acknowledged_by FROM supervision_notice n "
        "JOIN supervision_item i ON i.id = n.item_id "
        "JOIN supervision_supervisionlist l ON l.id = i.supervision_list_id",
    )
    return sorted(tuple("" if v is None else str(v) for v in r) for r in found)


def folder_files(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path -> SHA-256); {} when there is no such folder."""
    if not root.is_dir():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0
