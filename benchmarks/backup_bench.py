"""Time ``pingyi backup`` and ``pingyi restore`` on a data folder of a realistic year.

The data folder (embedded SQLite, or PostgreSQL with ``--database-url``) is built the way
an office fills it, through the real entry points, audit trail included:

1. the demo's units (``pingyi.orgs.demo``);
2. an appraisal meeting of ``--ballots`` (2,000) ballots: ``pingyi event import`` /
   ``pingyi tokens`` / ``pingyi event open`` (``benchmarks.harness.prepare_event``), the
   ballots posted over HTTP to a real ``pingyi serve`` by 32 threads, then ``pingyi event
   close`` and ``publish``;
3. a year of supervision: a key-task list of ``--items`` (400) items imported from an
   office's messy sheet (``pingyi lists import``, the workbook of ``benchmarks/sheet_bench``);
   every Friday of the year each open item's lead unit files its weekly progress report
   (``services.report_file``), a few with attachments (JPEG photos and PDFs of realistic
   sizes, in ``uploads/``); an item at 100 % applies for closure and the office verifies it
   (``closure_apply`` / ``closure_verify``: 办结销号); the daily sweep (``notices.sweep``)
   on every working day, so that notices are issued, escalate and close; each red notice
   acknowledged (签收) by its unit.

Then it measures: the data folder's size, ``pingyi backup OUT --json`` (wall time of the
process, and the archive's size), ``pingyi restore ARCHIVE --json`` into an empty folder
(and, on PostgreSQL, an empty second database: ``--restore-database-url``), and the check
after the restore (every table's row count equal, ``pingyi audit verify``).

    .venv/bin/python -m benchmarks.backup_bench [--items 400] [--ballots 2000] [--json]
        [--database-url URL --restore-database-url URL2] [--keep]

The figures are in docs/performance.md, "Backup and restore".
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks import backup_rows as db
from benchmarks.crash import _Burst
from benchmarks.harness import (
    ballot_bodies,
    base_url,
    pingyi_cli,
    pingyi_env,
    pingyi_server,
    prepare_event,
)

YEAR = 2026
EVENT = "bench-2000"
LIST_KEY = "bench-tasks"


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


def _timed_cli(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    out = pingyi_cli(env, *args, timeout=3600)
    return time.perf_counter() - started, out


# --- building the data folder -------------------------------------------------------------


def build_meeting(env: dict[str, str], workdir: Path, ballots: int) -> dict[str, Any]:
    started = time.perf_counter()
    cards = prepare_event(env, EVENT, ballots, workdir=workdir)
    bodies = ballot_bodies(cards)
    server = pingyi_server(env, workers=2, log_path=workdir / "serve.log").start()
    try:
        burst = _Burst(base_url(server) + "/api/v1/ballots", bodies, list(range(len(bodies))), 32)
        burst.run(kill_after=None, kill=None, deadline=600)
    finally:
        server.stop()
    acked = sum(1 for kind, _v in burst.results.values() if kind == "ok")
    if acked != ballots:
        raise SystemExit(f"only {acked} of {ballots} ballots were acknowledged")
    pingyi_cli(env, "event", "close", EVENT)
    pingyi_cli(env, "event", "publish", EVENT)
    return {"ballots": acked, "seconds": round(time.perf_counter() - started, 1)}


def import_list(env: dict[str, str], workdir: Path, items: int) -> None:
    from benchmarks.sheet_bench import messy_entries
    from tests.supervision.workbooks import ListBook

    book = workdir / "list.xlsx"
    book.write_bytes(ListBook(entries=messy_entries(items)).bytes())
    pingyi_cli(
        env, "lists", "import", str(book), "--year", str(YEAR), "--key", LIST_KEY,
        "--assigned", f"{YEAR}-01-05", "--cadence", "week",
    )  # fmt: skip


def _photo(rng: random.Random, side: int) -> bytes:
    """A JPEG of a site photo's weight (noise does not compress: ~side² / 3 bytes)."""
    from PIL import Image

    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _pdf(rng: random.Random, pages: int) -> bytes:
    """A scanned-looking PDF: one photo per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(io.BytesIO(_photo(rng, 700))), 40, 200, 500, 500)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def supervision_year(attachments: int, seed: int = 2026) -> dict[str, Any]:
    """Weekly reports, the daily sweep, red notices acknowledged: the year ``YEAR``."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from pingyi.supervision import selectors
    from pingyi.supervision.models import Item, Notice, NoticeColour, VerifyMethod
    from pingyi.supervision.notices import notice_acknowledge, sweep
    from pingyi.supervision.services import closure_apply, closure_verify, report_file

    rng = random.Random(seed)
    items = list(Item.objects.select_related("lead_unit").order_by("position"))
    # the week each item reaches 100 % (some late, a few never within the year)
    finish = {item.pk: rng.choice([*range(8, 50), *range(40, 70)]) for item in items}
    calendar = selectors.working_days()
    fridays = [d for d in _days() if d.weekday() == 4]
    # in the first 8 weeks, when every item is still open
    with_files = set(rng.sample(range(1, 8 * len(items) + 1), attachments))
    counts = {"reports": 0, "closed": 0, "attachments": 0, "sweeps": 0, "acknowledged": 0}
    n = 0
    for day in _days():
        if day.weekday() == 4:
            week = fridays.index(day) + 1
            with transaction.atomic():
                for item in items:
                    n += 1
                    if week > finish[item.pk]:  # reported 100 % already: no more reports
                        continue
                    percent = min(100, round(100 * week / finish[item.pk]))
                    files = []
                    if n in with_files:
                        counts["attachments"] += 1
                        if n % 2:
                            data = _photo(rng, rng.choice([900, 1200, 1600]))
                            files = [SimpleUploadedFile("现场照片.jpg", data, "image/jpeg")]
                        else:
                            data = _pdf(rng, rng.choice([1, 2, 3]))
                            files = [SimpleUploadedFile("进展材料.pdf", data, "application/pdf")]
                    report_file(
                        item, unit=item.lead_unit, reported_on=day, percent=percent,
                        done_text=f"第{week}周：按计划推进，完成{percent}%。",
                        problems="" if percent > 50 else "要素保障仍需协调。",
                        next_steps="下周继续推进。", period=f"{YEAR}-W{week:02d}",
                        accepted=True, attachments=files, actor="bench",
                    )  # fmt: skip
                    counts["reports"] += 1
                    if percent == 100:  # 申请办结, verified by the office: 办结销号
                        closure = closure_apply(
                            item, evidence="已按要求完成，附验收材料。", applied_on=day,
                            actor="bench",
                        )  # fmt: skip
                        closure_verify(
                            closure, passed=True, method=VerifyMethod.DOCUMENTS,
                            decided_on=day, actor="bench",
                        )  # fmt: skip
                        counts["closed"] += 1
        if calendar.is_working_day(day):
            sweep(day, actor="bench")
            counts["sweeps"] += 1
            for notice in Notice.objects.filter(
                colour=NoticeColour.RED, issued_on=day, acknowledged_at__isnull=True
            ):
                notice_acknowledge(notice, by="联络员", actor="bench")
                counts["acknowledged"] += 1
    return counts


def _days() -> list[date]:
    start = date(YEAR, 1, 1)
    return [start + timedelta(days=i) for i in range((date(YEAR + 1, 1, 1) - start).days)]


def build(env: dict[str, str], workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.sweep_bench import setup_django

    started = time.perf_counter()
    pingyi_cli(env, "migrate")
    data_dir = Path(env["PINGYI_DATA_DIR"])
    setup_django(data_dir, database_url=env.get("DATABASE_URL") or None)
    from django.db import connections, transaction

    from pingyi.orgs.demo import load_demo_units

    with transaction.atomic():
        load_demo_units()
    connections.close_all()
    steps: dict[str, Any] = {"meeting": build_meeting(env, workdir, args.ballots)}
    t = time.perf_counter()
    import_list(env, workdir, args.items)
    steps["list_import_seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    steps["year"] = supervision_year(args.attachments)
    steps["year"]["seconds"] = round(time.perf_counter() - t, 1)
    connections.close_all()
    steps["seconds"] = round(time.perf_counter() - started, 1)
    return steps


# --- measuring ----------------------------------------------------------------------------


def measure(source: dict[str, str], target: dict[str, str], workdir: Path) -> dict[str, Any]:
    data_dir = Path(source["PINGYI_DATA_DIR"])
    counts = db.table_counts(source)
    out: dict[str, Any] = {
        "data_folder_bytes": db.folder_bytes(data_dir) - db.folder_bytes(data_dir / "static"),
        "database_bytes": _database_bytes(source),
        "uploads_bytes": db.folder_bytes(data_dir / "uploads"),
        "uploads_files": len(db.folder_files(data_dir / "uploads")),
        "rows": sum(counts.values()),
        "ballots": counts.get("appraisal_ballot", 0),
        "items": counts.get("supervision_item", 0),
        "reports": counts.get("supervision_report", 0),
        "notices": counts.get("supervision_notice", 0),
        "audit_rows": counts.get("core_auditentry", 0),
    }
    seconds, answer = _timed_cli(source, "backup", str(workdir / "backup.tar.gz"), "--json")
    backup = json.loads(answer)
    out["backup_seconds"] = round(seconds, 2)
    out["backup_reported_seconds"] = backup.get("seconds")
    out["archive_bytes"] = backup["bytes"]
    out["mode"] = backup.get("mode")
    seconds, answer = _timed_cli(target, "restore", backup["archive"], "--json")
    out["restore_seconds"] = round(seconds, 2)
    started = time.perf_counter()
    restored = db.table_counts(target)
    differ = {t: (c, restored.get(t)) for t, c in counts.items() if restored.get(t) != c}
    seconds, verdict = _timed_cli(target, "audit", "verify")
    out["check_seconds"] = round(time.perf_counter() - started, 2)
    out["audit_verify_seconds"] = round(seconds, 2)
    out["rows_equal"] = not differ
    out["tables_differing"] = differ
    same_files = db.folder_files(data_dir / "uploads") == db.folder_files(
        Path(target["PINGYI_DATA_DIR"]) / "uploads"
    )
    out["uploads_equal"] = same_files
    out["audit_verify"] = verdict.strip()
    return out


def _database_bytes(env: dict[str, str]) -> int:
    if env.get("DATABASE_URL"):
        return int(db.rows(env, "SELECT pg_database_size(current_database())")[0][0])
    folder = Path(env["PINGYI_DATA_DIR"])
    return sum(p.stat().st_size for p in folder.glob("pingyi.sqlite3*"))


def table(report: dict[str, Any]) -> str:
    m, b = report["measured"], report["built"]
    mib = 2**20
    lines = [
        "| what | figure |",
        "|---|---|",
        f"| data folder built | {b['meeting']['ballots']} ballots, {m['items']} items, "
        f"{m['reports']} reports, {m['notices']} notices, {m['uploads_files']} attachments, "
        f"{m['audit_rows']} audit rows ({m['rows']} rows in all) in {b['seconds']} s |",
        f"| data folder (without static/) | {m['data_folder_bytes'] / mib:.1f} MiB "
        f"(database {m['database_bytes'] / mib:.1f} MiB, uploads "
        f"{m['uploads_bytes'] / mib:.1f} MiB) |",
        f"| `pingyi backup` ({m['mode']}) | {m['backup_seconds']} s, archive "
        f"{m['archive_bytes'] / mib:.1f} MiB |",
        f"| `pingyi restore` into an empty place | {m['restore_seconds']} s |",
        f"| check after restore | rows equal: {m['rows_equal']}, uploads equal: "
        f"{m['uploads_equal']}, `audit verify` {m['audit_verify_seconds']} s: "
        f"{m['audit_verify']} |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.backup_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--attachments", type=int, default=24)
    parser.add_argument("--database-url", help="PostgreSQL (an empty database); default SQLite")
    parser.add_argument(
        "--restore-database-url", help="the empty database to restore into (with --database-url)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders")
    args = parser.parse_args(argv)
    if bool(args.database_url) != bool(args.restore_database_url):
        parser.error("--database-url and --restore-database-url go together")
    workdir = Path(tempfile.mkdtemp(prefix="pingyi-backup-bench-"))
    try:
        source = pingyi_env(workdir / "source", database_url=args.database_url or "")
        target = pingyi_env(workdir / "restored", database_url=args.restore_database_url or "")
        log(f"building in {workdir} ...")
        built = build(source, workdir, args)
        log(f"built in {built['seconds']} s: {json.dumps(built, ensure_ascii=False)}")
        report: dict[str, Any] = {
            "command": " ".join(["python -m benchmarks.backup_bench", *(argv or sys.argv[1:])]),
            "machine": {"nproc": os.cpu_count()},
            "built": built,
            "measured": measure(source, target, workdir),
        }
        print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else table(report))
        ok = report["measured"]["rows_equal"] and report["measured"]["uploads_equal"]
        return 0 if ok else 1
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
