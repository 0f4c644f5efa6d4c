"""``pingyi bench``: the benchmark command of a source checkout (``benchmarks/run.py``).

The benchmarks (load generator, baseline project, crash loops) live in the repository's
``benchmarks/`` folder, not in the installed package; this verb finds them beside an
editable install (or in the current folder) and runs them with the same options as
``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path


def _checkout() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (candidate / "benchmarks" / "run.py").is_file():
            return candidate
    return None


def cmd_bench(args: argparse.Namespace) -> int:
    root = _checkout()
    if root is None:
        print(
            "pingyi bench: no benchmarks/ folder found; run it from a source checkout "
            "(git clone, then pip install -e '.[test]').",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(root))
    os.chdir(root)
    run = importlib.import_module("benchmarks.run")
    return int(run.main(list(args.bench_args)))


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = verbs.add_parser(
        "bench",
        help="benchmarks on real servers on 127.0.0.1 (burst, baseline, tally, crash loops)",
        description=(
            "Runs benchmarks/run.py of the source checkout: pingyi bench [--phones 2000] "
            "[--window 10] [--modes embedded,scaled] [--repeat 3] [--crash-loops 20] "
            "[--quick]. See docs/performance.md."
        ),
        add_help=False,
    )
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)
