"""The physical order of stored ballots says nothing about the order they were cast.

An adversary with the database files and an access log (the k-th ``POST /api/v1/ballots``
names the k-th phone) reads the ballot table in every physical order it has: SQLite's
rowid, a scan with no ORDER BY, byte offsets in the database file and in its WAL;
PostgreSQL's ``ctid``, a plain scan and ``xmin`` (the writing transaction). In each, the
rank correlation (Spearman's rho) with the casting order of 100 ballots, cast one by one
through the real API and the real ballot writer, must be small: |rho| < 0.35. For a
random order of 100 that bound is exceeded with probability about 0.0005; the order of
casting gives rho = 1. See docs/anonymity.md, "Physical order".
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.casting import storage
from pingyi.appraisal.models import Ballot, Event, random_ballot_id

from .factories import event_json, full_scores

pytestmark = pytest.mark.django_db(transaction=True)

N = 100
BOUND = 0.35


def spearman(order: list[int]) -> float:
    """Spearman's rho between position and value of a permutation of 0..n-1 (no ties)."""
    n = len(order)
    assert sorted(order) == list(range(n))
    d2 = sum((position - value) ** 2 for position, value in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_spearman_by_hand() -> None:
    assert spearman(list(range(10))) == 1
    assert spearman(list(range(9, -1, -1))) == -1
    assert abs(spearman([1, 3, 0, 2]) - 0.0) < 1e-9  # d2 = 1+4+4+1 = 10 → 1 - 60/60


def cast_one_by_one(base_url: str, event: Event, n: int = N) -> list[str]:
    """Cast n ballots over HTTP, each after the previous answered; their receipts in order."""
    tokens = [c.token for c in services.tokens_issue(event=event, panel="attendees", count=n)]
    receipts = []
    for i, token in enumerate(tokens):
        body = json.dumps({"token": token, "scores": full_scores(base=30 + i % 30)}).encode()
        request = urllib.request.Request(
            f"{base_url}/api/v1/ballots",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 201
            receipts.append(json.loads(answer.read())["receipt"])
    return receipts


def ranks(receipts: list[str], physical: list[str]) -> list[int]:
    cast = {receipt: i for i, receipt in enumerate(receipts)}
    assert sorted(physical) == sorted(receipts)
    return [cast[r] for r in physical]


def query(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [str(row[0]) for row in cursor.fetchall()]


def physical_orders() -> dict[str, list[str]]:
    """Receipts in each physical order the database offers."""
    if connection.vendor == "sqlite":
        return {
            "rowid": query("SELECT receipt FROM appraisal_ballot ORDER BY rowid"),
            "no order": query("SELECT receipt FROM appraisal_ballot"),
            "table scan": query("SELECT receipt FROM appraisal_ballot NOT INDEXED"),
        }
    return {
        "ctid": query("SELECT receipt FROM appraisal_ballot ORDER BY ctid"),
        "no order": query("SELECT receipt FROM appraisal_ballot"),
        # xmin: the transaction that wrote the row; ties (one transaction) by ctid
        "xmin": query("SELECT receipt FROM appraisal_ballot ORDER BY xmin::text::bigint, ctid"),
    }


def in_pages(path: Path, receipts: list[str], ids: dict[str, int]) -> dict[str, list[str]]:
    """Receipts in the order their bytes appear in each B-tree of a SQLite file, as a
    forensic reader would see them: each receipt (the table's rows, the receipt index) and
    each id stored as an index key (8-byte big-endian; both indexes end with the id)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        owner = dict(db.execute("SELECT pageno, name FROM dbstat"))
    data = path.read_bytes()
    found: dict[str, list[tuple[int, str]]] = {}
    needles = [(r.encode(), r, "receipt") for r in receipts]
    needles += [(ids[r].to_bytes(8, "big"), r, "id") for r in receipts]
    for needle, receipt, what in needles:
        at = data.find(needle)
        while at >= 0:
            tree = owner.get(at // page_size + 1, "free or other")
            found.setdefault(f"{what} in {tree}", []).append((at, receipt))
            at = data.find(needle, at + 1)
    orders = {}
    for name, hits in found.items():
        first: dict[str, int] = {}
        for at, receipt in sorted(hits):
            first.setdefault(receipt, at)  # (event_id, id) on a rowid table holds the id twice
        orders[name] = sorted(first, key=first.__getitem__)
    return orders


@pytest.fixture
def event() -> Event:
    event = services.event_import(data=event_json())
    return services.event_open(key=event.key)


def test_physical_order_is_unrelated_to_casting_order(live_server: Any, event: Event) -> None:
    receipts = cast_one_by_one(live_server.url, event)
    for name, physical in physical_orders().items():
        rho = spearman(ranks(receipts, physical))
        assert abs(rho) < BOUND, f"{connection.vendor} {name}: rho = {rho:.3f}"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_files_hold_no_casting_order(live_server: Any, event: Event) -> None:
    """The rows' bytes in the database file are not in casting order, and once the writer
    is idle the WAL (pages in commit order) is empty."""
    receipts = cast_one_by_one(live_server.url, event)
    database = Path(connection.settings_dict["TEST"]["NAME"] or connection.settings_dict["NAME"])
    wal = database.with_name(database.name + "-wal")
    deadline = time.monotonic() + 10
    while wal.exists() and wal.stat().st_size and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL still holds ballots"
    ids = dict(Ballot.objects.values_list("receipt", "id"))
    orders = in_pages(database, receipts, ids)
    # each receipt once in the table and once in the receipt index, each id in both indexes;
    # nowhere else (no stale copies in free pages)
    receipt_index = "sqlite_autoindex_appraisal_ballot_1"
    assert set(orders) == {
        "receipt in appraisal_ballot",
        f"receipt in {receipt_index}",
        f"id in {receipt_index}",
        "id in ballot_event_id",
    }, set(orders)
    for name, physical in orders.items():
        rho = spearman(ranks(receipts, physical))
        assert abs(rho) < BOUND, f"{name} of the database file: rho = {rho:.3f}"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_closing_rewrites_the_heap_in_random_order(live_server: Any, event: Event) -> None:
    receipts = cast_one_by_one(live_server.url, event, n=60)
    before = dict(Ballot.objects.values_list("receipt", "payload"))
    services.event_close(key=event.key)
    after = dict(Ballot.objects.values_list("receipt", "payload"))
    assert {k: bytes(v) for k, v in after.items()} == {k: bytes(v) for k, v in before.items()}
    # one transaction wrote them all: xmin says nothing, and ctid order is random
    assert len(set(query("SELECT xmin::text FROM appraisal_ballot"))) == 1
    rho = spearman(ranks(receipts, physical_orders()["ctid"]))
    assert abs(rho) < BOUND, f"ctid after close: rho = {rho:.3f}"
    assert Event.objects.get(pk=event.pk).results_json


def test_moved_ballots_keep_their_content(event: Event) -> None:
    """The writer's moves (PostgreSQL) re-store older ballots unchanged; counting and the
    one-receipt rule still hold afterwards."""
    tokens = [c.token for c in services.tokens_issue(event=event, panel="leaders", count=40)]
    for i, token in enumerate(tokens):
        casting.ballot_cast(token=token, scores=full_scores(base=20 + i))
    stored = {r: bytes(p) for r, p in Ballot.objects.values_list("receipt", "payload")}
    assert len(stored) == 40
    for i, token in enumerate(tokens[:5]):  # identical retries answer the same receipt
        assert not casting.ballot_cast(token=token, scores=full_scores(base=20 + i)).created
    again = {r: bytes(p) for r, p in Ballot.objects.values_list("receipt", "payload")}
    assert again == stored
    assert storage.MIX_PER_BALLOT >= 16  # the measured setting (docs/anonymity.md)


def test_migration_keeps_ballots_and_stores_them_by_id() -> None:
    """Migration 0002 keeps every ballot (id, receipt, payload) of an existing database and,
    on SQLite, re-stores them by id: rowid = id, no more rowid counting up."""
    executor = MigrationExecutor(connection)
    executor.migrate([("appraisal", "0001_initial")])
    old = executor.loader.project_state([("appraisal", "0001_initial")]).apps
    old_event = old.get_model("appraisal", "Event").objects.create(
        key="old", name="旧活动", spec_json="{}"
    )
    old_ballot = old.get_model("appraisal", "Ballot")
    rows = [(random_ballot_id(), f"R{i:09d}", bytes([i % 256]) * 8) for i in range(60)]
    for pk, receipt, payload in rows:  # one by one: the old rowid counts up
        old_ballot.objects.create(
            id=pk, event=old_event, panel="attendees", receipt=receipt, payload=payload
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = {
        (pk, receipt, bytes(payload))
        for pk, receipt, payload in Ballot.objects.values_list("id", "receipt", "payload")
    }
    assert kept == set(rows)
    if connection.vendor == "sqlite":
        pairs = [(int(a), int(b)) for a, b in query_rows("SELECT rowid, id FROM appraisal_ballot")]
        assert all(a == b for a, b in pairs) and len(pairs) == 60
        by_rowid = query("SELECT receipt FROM appraisal_ballot ORDER BY rowid")
        assert by_rowid == [r for _pk, r, _p in sorted(rows)]  # id order, not insertion order


def query_rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def test_exported_bundle_rows_have_fresh_ids_in_random_order(
    event: Event, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even from ballots read in casting order, ballots.csv gets fresh random ids and its
    own random order (docs/anonymity.md)."""
    from pingyi.appraisal.method.packing import BallotMatrixBuilder
    from pingyi.appraisal.outputs import exports

    tokens = [c.token for c in services.tokens_issue(event=event, panel="leaders", count=N)]
    receipts = [  # ballot i scores hualong's results i/2: its value names it in the CSV
        casting.ballot_cast(token=t, scores=full_scores(base=i / 2)).receipt
        for i, t in enumerate(tokens)
    ]
    services.event_close(key=event.key)
    stored = dict(Ballot.objects.values_list("receipt", "payload"))

    def in_casting_order(*, event: Event, chunk_size: int = 0) -> Any:
        builder = BallotMatrixBuilder(event.spec)
        for receipt in receipts:
            builder.add("leaders", bytes(stored[receipt]))
        return builder.build()

    monkeypatch.setattr(exports.selectors, "ballot_matrix", in_casting_order)
    folder = exports.event_export(key=event.key, directory=tmp_path / "bundle")
    order: list[int] = []
    ids: list[str] = []
    with (folder / "ballots.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["unit"], row["item"]) == ("hualong", "results"):
                ids.append(row["ballot"])
                order.append(round(float(row["value"]) * 2))
    assert len(set(ids)) == N
    assert not set(ids) & {str(pk) for pk in Ballot.objects.values_list("id", flat=True)}
    rho = spearman(order)
    assert abs(rho) < BOUND, f"ballots.csv rows against casting order: rho = {rho:.3f}"
