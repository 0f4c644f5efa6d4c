"""Where ballots land in the database: never in the order they were cast.

The table's physical order must say nothing about the order of voting, or anyone with
the database files and an access log (the k-th ``POST /api/v1/ballots``) could pair
ballots with phones. What each database does, and what is left (docs/anonymity.md,
"Physical order"):

- **SQLite.** The ballot id is random and *is* the rowid (``RandomRowIdField``, an
  ``INTEGER PRIMARY KEY``), so the table's B-tree keeps ballots in id order. Inside a
  page, though, entries lie in arrival order, and the WAL file holds changed pages in
  commit order: as soon as no ballot has arrived for half a second, the ballot writer
  rebuilds the file in key order and empties the WAL (:func:`forget_write_order`).
- **PostgreSQL.** The heap appends new rows at its end whatever the key, and every row
  carries the id of the transaction that wrote it (``xmin``), so ``ORDER BY ctid`` or
  ``ORDER BY xmin`` would list ballots in casting order. Each commit of the writer
  therefore also *moves* ``MIX_PER_BALLOT`` older ballots of the same event per new
  ballot (at most ``MIX_MAX``), chosen at random: they are deleted and written again
  together with the new ones, all in random (id) order. A ballot's place in the heap and
  its ``xmin`` are then those of its last move, not of its casting. Closing the event
  rewrites all its ballots in one transaction (:func:`rewrite_event`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.db import OperationalError, connection

#: Older ballots of the same event moved per new ballot, and at most per commit (PostgreSQL).
MIX_PER_BALLOT = 16
MIX_MAX = 256
_INSERT_CHUNK = 500

_COLUMNS = "id, event_id, panel, receipt, payload, rehearsal"
#: (id, event_id, panel, receipt, payload, rehearsal), as in the table
Row = tuple[int, int, str, str, bytes, bool]

# A random contiguous run of ids: ids are random, so it is a random sample of the event's
# ballots. Rows another writer is moving right now are skipped, never waited for (no
# deadlock between processes); the rows are locked in id order.
_MOVE_SQL = (
    f"DELETE FROM appraisal_ballot WHERE id IN ("  # noqa: S608  # nosec B608 # constant text
    "SELECT id FROM appraisal_ballot WHERE event_id = %s AND id {op} %s "
    "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
    f"RETURNING {_COLUMNS}"
)

_REWRITE_SQL = (
    "WITH moved AS (DELETE FROM appraisal_ballot WHERE event_id = %s "  # noqa: S608  # nosec B608 # constant text
    f"RETURNING {_COLUMNS}) "
    f"INSERT INTO appraisal_ballot ({_COLUMNS}) SELECT {_COLUMNS} FROM moved ORDER BY id"
)


def moves_heap() -> bool:
    """Whether the database appends rows in writing order whatever their key (PostgreSQL)."""
    return connection.vendor == "postgresql"


def insert_ballots(rows: Sequence[Row]) -> None:
    """Insert new ballots inside the caller's transaction, in random order.

    On PostgreSQL, older ballots of the same events are moved and written with them.
    """
    batch: list[Row] = list(rows)
    if moves_heap():
        per_event: dict[int, int] = {}
        for row in rows:
            per_event[row[1]] = per_event.get(row[1], 0) + 1
        for event_id, count in per_event.items():
            batch.extend(_take_random(event_id, min(MIX_MAX, MIX_PER_BALLOT * count)))
    # Ids are random: in id order is in random order, unrelated to arrival.
    batch.sort(key=lambda row: row[0])
    _insert(batch)


def _take_random(event_id: int, count: int) -> list[Row]:
    """Delete up to ``count`` ballots of the event, chosen at random, and return them."""
    start = secrets.randbits(63)
    taken: list[Row] = []
    with connection.cursor() as cursor:
        for op in (">=", "<"):  # from a random id to the end, then wrap around
            cursor.execute(_MOVE_SQL.format(op=op), [event_id, start, count - len(taken)])
            taken.extend(_row(r) for r in cursor.fetchall())
            if len(taken) >= count:
                break
    return taken


def _row(r: Sequence[object]) -> Row:
    payload = r[4]
    data = bytes(payload) if isinstance(payload, (bytes, bytearray, memoryview)) else b""
    return (int(str(r[0])), int(str(r[1])), str(r[2]), str(r[3]), data, bool(r[5]))


def _insert(rows: Iterable[Row]) -> None:
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = rows[start : start + _INSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(
                f"INSERT INTO appraisal_ballot ({_COLUMNS}) VALUES {values}",  # noqa: S608  # nosec B608 # placeholders only
                params,
            )


def rewrite_event(event_id: int) -> None:
    """Write all of an event's ballots again, in id order, in the caller's transaction.

    PostgreSQL only (SQLite keeps rows in id order already): afterwards the event's ballots
    lie in the heap in random order and all carry the same ``xmin``. Called when voting
    closes, under the event's exclusive lock.
    """
    if not moves_heap():
        return
    with connection.cursor() as cursor:
        cursor.execute(_REWRITE_SQL, [event_id])


def forget_write_order() -> bool:
    """SQLite: rewrite the database file in key order and empty the WAL.

    Inside a page SQLite lays out new entries in arrival order (the cell content area
    grows downwards), so the bytes of a table or index page kept the order of the ballots
    added to it since the page was last rebuilt, and the WAL holds each commit's pages in
    commit order. ``VACUUM`` rebuilds every page in key order (random ids, random
    receipts) and drops the free pages; the checkpoint then copies everything into the
    database file and truncates the WAL to zero bytes.

    Never waits: when another connection is writing, or reading an older snapshot, it
    answers False and the caller tries again later. True at once on PostgreSQL (its WAL
    and free space are the server's: docs/anonymity.md).
    """
    if connection.vendor != "sqlite":
        return True
    connection.ensure_connection()
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = cursor.fetchone()
        except OperationalError:  # locked: another connection is writing
            return False
        finally:
            timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
            cursor.execute(f"PRAGMA busy_timeout = {int(float(timeout) * 1000)}")
    return row is not None and int(row[0]) == 0
