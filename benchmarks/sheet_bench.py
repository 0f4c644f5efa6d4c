"""Time the reading of a large messy list sheet (supervision/method/sheet.py).

Default: 2,000 items as offices print them (tests/supervision/workbooks.py): a title row, the
two-row header under 责任分工, a category row merged across every 25 items, the lead unit merged
down over 3 items, multi-line co-units, staged deadlines ①②, a real date cell every 7th item,
a requirement of about 120 characters, a spacer row every 10 items, notes below. Prints the
file size, the read time (best of --repeat, without tracing) and the peak memory
(tracemalloc's peak of one read, and the process's maximum resident size).

    .venv/bin/python -m benchmarks.sheet_bench [--items N] [--repeat R] [--import]

With ``--import`` it also imports the workbook for real, the way an office does: a scratch
data folder with the demo units (``pingyi demo --no-serve``), then ``pingyi lists import``
(a new list), the same again (every item updated by its number) and ``pingyi lists export``
to JSON, each in its own process: wall time and the process's maximum resident size.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime

from pingyi.supervision.method.sheet import read_list_sheet
from tests.supervision.workbooks import Category, Entry, Item, ListBook, Note, Spacer

UNITS = ["市发展改革委", "市财政局", "市工业和信息化局", "市住房城乡建设局", "市交通运输局"]
CO_UNITS = "市自然资源和规划局\n市生态环境局、市农业农村局\n各县（区）人民政府"
REQUIREMENT = (
    "加快推进项目前期工作，确保按期开工建设；强化要素保障，协调解决用地、资金、环评等问题；"
    "建立周调度、月通报工作机制，按时报送进展情况，确保年度投资目标全面完成。"
)


def messy_entries(items: int) -> list[Entry]:
    entries: list[Entry] = []
    for n in range(1, items + 1):
        if n % 25 == 1:
            numeral = "一二三四五六七八九十"[(n // 25) % 10]
            entries.append(Category(f"{numeral}、第{n // 25 + 1}类重点工作"))
        deadline: object = "①6月底前完成前期手续\n②12月底前建成投用"
        if n % 7 == 0:
            deadline = datetime(2026, 1 + n % 12, 15)
        entries.append(
            Item(
                number=float(n) if n % 2 else str(n),
                title=f"{'【难点】' if n % 50 == 0 else ''}推进第{n}项重点工作任务落实见效",
                requirement=REQUIREMENT,
                leader="张副市长",
                lead=UNITS[n % len(UNITS)] if n % 3 == 1 else None,
                co=CO_UNITS,
                deadline=deadline,
                note="痛点" if n % 40 == 0 else "",
            )
        )
        if n % 10 == 0:
            entries.append(Spacer())
    entries.append(Note("备注：1.牵头单位为第一责任单位；2.完成时限以市政府通知为准。"))
    entries.append(Note("制表：市政府督查室"))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import", dest="real_import", action="store_true",
                        help="also import it with pingyi lists import on the demo units")
    args = parser.parse_args()

    started = time.perf_counter()
    data = ListBook(entries=messy_entries(args.items)).bytes()
    built = time.perf_counter() - started
    print(f"workbook: {args.items} items, {len(data) / 2**20:.2f} MB (built in {built:.1f} s)")
    rss_built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = read_list_sheet(io.BytesIO(data))
        best = min(best, time.perf_counter() - started)
    assert not result.problems, result.problems[:5]
    assert len(result.rows) == args.items, len(result.rows)
    print(f"read: {best:.2f} s (best of {args.repeat}), {len(result.rows)} items, no problem")

    tracemalloc.start()
    read_list_sheet(io.BytesIO(data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"memory: peak {peak / 2**20:.1f} MB traced in one read; process max RSS {maxrss:.0f} MB"
        f" ({rss_built:.0f} MB once the workbook was built)"
    )
    if args.real_import:
        import_for_real(data, args.items)


def _timed(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Run ``pingyi ARGS`` in a child: (seconds, max RSS in MB of that child, stdout)."""
    code = (
        "import resource, sys; from pingyi.cli import main; rc = main(sys.argv[1:]); "
        "sys.stderr.write('MAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss);"
        " sys.exit(rc)"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pingyi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    rss = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS")),
        0,
    )
    return seconds, rss / 1024, done.stdout


def import_for_real(data: bytes, items: int) -> None:
    with tempfile.TemporaryDirectory(prefix="pingyi-sheet-bench-") as tmp:
        folder = os.path.join(tmp, "data")
        env = {**os.environ, "PINGYI_DATA_DIR": folder, "PINGYI_LANGUAGE": "en"}
        env.pop("DATABASE_URL", None)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        book = os.path.join(tmp, "list.xlsx")
        with open(book, "wb") as fh:
            fh.write(data)
        _timed(env, "demo", "--no-serve")
        for label in ("import (new list)", "import again (updates)"):
            seconds, rss, out = _timed(
                env, "lists", "import", book, "--year", "2026", "--key", "bench"
            )
            print(f"{label}: {seconds:.2f} s, max RSS {rss:.0f} MB; last word {out.split()[-1]}")
        out_json = os.path.join(tmp, "list.json")
        seconds, rss, _ = _timed(env, "lists", "export", "bench", "--out", out_json)
        with open(out_json, encoding="utf-8") as fh:
            exported = json.load(fh)
        assert len(exported["items"]) == items, len(exported["items"])
        print(f"export to JSON: {seconds:.2f} s, max RSS {rss:.0f} MB, {items} items")


if __name__ == "__main__":
    main()
