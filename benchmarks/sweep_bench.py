"""Time the daily sweep (supervision/notices.py) over a large year of supervision.

A scratch data folder (``pingyi migrate``: embedded SQLite, or PostgreSQL with
``--database-url``) with 20 units, then N items (default 10,000) over 20 lists, written
directly with the ORM: deadlines spread over the year (dates, recurring, ongoing),
milestones, co-units, and accepted reports at varied progress, so that a sweep meets every
status. Then, each timed with the number of SQL queries:

1. the first sweep (many notices issued at once);
2. the same day again (idempotent: nothing changes);
3. the next working day (few changes: reminders, escalations).

    .venv/bin/python -m benchmarks.sweep_bench [--items N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def setup_django(scratch: Path, *, database_url: str | None) -> None:
    """As benchmarks.harness.setup_django, on PostgreSQL when a URL is given."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "pingyi.settings"
    os.environ["PINGYI_DATA_DIR"] = str(scratch)
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    from pingyi.core.datafolder import prepare

    prepare()
    django.setup()

#: the day swept: a week ahead of the demo's own sweeps (a sweep never goes back)
DAY = date.today() + timedelta(days=7)


def build(items: int) -> None:
    from django.db import transaction

    from pingyi.orgs.models import Unit
    from pingyi.supervision.models import Item, Milestone, Report, ReportState, SupervisionList

    rng = random.Random(20261201)
    for n in range(20):
        Unit.objects.get_or_create(code=f"u{n:02d}", defaults={"name": f"单位{n:02d}", "order": n})
    units = list(Unit.objects.order_by("order", "code"))
    per_list = max(1, items // 20)
    with transaction.atomic():
        made = 0
        for n in range(20):
            the_list = SupervisionList.objects.create(
                key=f"bench-{n:02d}", kind="tasks", name=f"清单{n}", year=DAY.year,
                assigned_on=DAY - timedelta(days=300), cadence=["week", "month", "none"][n % 3],
            )
            batch = []
            for i in range(per_list if n < 19 else items - made):
                kind = rng.choices(["date", "recurring", "ongoing"], [8, 1, 1])[0]
                due = DAY + timedelta(days=rng.randrange(-200, 100))
                batch.append(Item(
                    supervision_list=the_list, number=str(i + 1), position=i,
                    title=f"第{i + 1}项重点工作", lead_unit=rng.choice(units),
                    leader="张副市长", deadline_text="", kind=kind,
                    due=None if kind == "ongoing" else due,
                    every="week" if kind == "recurring" else "",
                ))
            made += len(batch)
            created = Item.objects.bulk_create(batch)
            co = Item.co_units.through
            co.objects.bulk_create([
                co(item_id=item.pk, unit_id=rng.choice(units).pk) for item in created
                if rng.random() < 0.5
            ])
            Milestone.objects.bulk_create([
                Milestone(item=item, text="阶段目标", due=item.due - timedelta(days=60))
                for item in created if item.due and rng.random() < 0.3
            ])
            Report.objects.bulk_create([
                Report(item=item, unit=item.lead_unit,
                       reported_on=DAY - timedelta(days=rng.randrange(1, 40)),
                       percent=rng.randrange(0, 101), state=ReportState.ACCEPTED)
                for item in created if rng.random() < 0.8
            ])


def timed(label: str, day: date) -> dict[str, Any]:
    from django.db import connection

    from pingyi.supervision.notices import sweep

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        summary = sweep(day, actor="bench")
        seconds = time.perf_counter() - start
    row = {"step": label, "day": day.isoformat(), "seconds": round(seconds, 2),
           "queries": queries, **summary.as_json()}
    row.pop("numbers")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL (an empty database); default SQLite")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="pingyi-sweep-"))
    env = {**os.environ, "PINGYI_DATA_DIR": str(scratch)}
    env.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    subprocess.run([sys.executable, "-m", "pingyi.cli", "migrate"], env=env, check=True,
                   capture_output=True)
    setup_django(scratch, database_url=args.database_url)
    start = time.perf_counter()
    build(args.items)
    print(f"built {args.items} items in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    rows = [timed("first sweep", DAY), timed("same day again", DAY),
            timed("next working day", DAY + timedelta(days=1))]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
