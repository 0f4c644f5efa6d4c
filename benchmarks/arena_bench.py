"""Time the monthly arena over a large track: 100 units, 12 indicators (docs/performance.md).

A scratch data folder (``pingyi migrate``: embedded SQLite, or PostgreSQL with
``--database-url``) with N units (default 100) in one group and an arena of 12 entered
indicators (every method, both directions, one value in 50 missing). Each step is timed with
its number of SQL queries:

1. the month's values imported from an office sheet (.xlsx, N rows × 12 columns);
2. freezing the previous month, then this month (the bundle written, previous ranks read);
3. the published board read (what the pages and the big screens show);
4. the same tally recomputed from the downloaded bundle by ``pingyi arena tally``
   (a fresh process: interpreter start included), and the pure tally alone in-process.

    .venv/bin/python -m benchmarks.arena_bench [--units N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.sweep_bench import setup_django

METHODS = [
    ("minmax", "higher"), ("minmax", "lower"), ("target", "higher"), ("target", "lower"),
    ("rank", "higher"), ("rank", "lower"), ("raw", "higher"), ("raw", "lower"),
    ("minmax", "higher"), ("target", "higher"), ("rank", "lower"), ("raw", "higher"),
]  # fmt: skip


def build(units: int) -> Any:
    from pingyi.orgs.models import Unit, UnitGroup
    from pingyi.scoreboard import services

    group = UnitGroup.objects.create(code="bench", name="擂台单位")
    made = Unit.objects.bulk_create(
        Unit(code=f"u{n:03d}", name=f"单位{n:03d}", kind="county", order=n) for n in range(units)
    )
    group.units.add(*made)
    arena = services.create_arena(
        key="bench", name="擂台", group="bench", red_top=10, black_bottom=10
    )
    for i, (method, direction) in enumerate(METHODS):
        services.add_indicator(
            arena=arena,
            key=f"i{i:02d}",
            name=f"指标{i:02d}",
            weight=Decimal(5 + i),
            direction=direction,
            method_name=method,
            target=Decimal(80) if method == "target" else None,
        )
    return arena


def sheet(units: int, seed: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook()
    ws = book.active
    ws.append(["单位", *[f"指标{i:02d}" for i in range(len(METHODS))]])
    for n in range(units):
        row: list[Any] = [f"单位{n:03d}"]
        for _ in METHODS:
            row.append(None if rng.random() < 0.02 else round(rng.uniform(0, 120), 2))
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(label: str, fn: Any) -> tuple[dict[str, Any], Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
    return {"step": label, "seconds": round(seconds, 3), "queries": len(queries)}, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--database-url", help="PostgreSQL (an empty database); default SQLite")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="pingyi-arena-"))
    env = {**os.environ, "PINGYI_DATA_DIR": str(scratch)}
    env.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    subprocess.run(
        [sys.executable, "-m", "pingyi.cli", "migrate"], env=env, check=True, capture_output=True
    )
    setup_django(scratch, database_url=args.database_url)
    from pingyi.scoreboard import selectors, services
    from pingyi.scoreboard.method.arena import read_bundle, tally

    arena = build(args.units)
    rows = []
    october = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=october, data=sheet(args.units, 10), file_name="10.xlsx")
    row, _ = timed("freeze 2026-10", lambda: services.freeze_month(month=october))
    rows.append(row)
    november = services.open_month(arena=arena, period="2026-11")
    data = sheet(args.units, 11)
    row, count = timed(
        f"import {args.units}×12 sheet",
        lambda: services.import_values(month=november, data=data, file_name="11.xlsx"),
    )
    rows.append({**row, "values": count, "bytes": len(data)})
    row, november = timed("freeze 2026-11", lambda: services.freeze_month(month=november))
    rows.append(row)
    services.publish_month(month=november)
    row, board = timed("board (the published ranking)", lambda: selectors.board(november))
    rows.append({**row, "rows": len(board.rows)})
    bundle = scratch / "bundle.zip"
    bundle.write_bytes(services.bundle_zip(november))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pingyi.cli", "arena", "tally", str(bundle)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    rows.append(
        {"step": "pingyi arena tally (process)", "seconds": round(time.perf_counter() - start, 3)}
    )
    assert json.loads(done.stdout) == json.loads(november.results_json)
    spec, values = read_bundle(bundle)
    start = time.perf_counter()
    for _ in range(10):
        tally(spec, values)
    rows.append(
        {"step": "pure tally (mean of 10)", "seconds": round((time.perf_counter() - start) / 10, 4)}
    )
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
