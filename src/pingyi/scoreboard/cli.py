"""``pingyi arena …``: the monthly arena on the command line (docs/scoreboard.md).

``arena tally DIR`` needs no database and never imports Django (the pure
:mod:`pingyi.scoreboard.cli_tally`); the other verbs set Django up first.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

_django_setup: Callable[[], None] | None = None


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None] | None = None,
) -> None:
    """Registers ``pingyi arena``; ``django_setup`` prepares Django and the tables for the
    verbs that need the database (``tally`` needs neither)."""
    global _django_setup
    _django_setup = django_setup
    arena = verbs.add_parser("arena", help="the monthly arena (月打擂)").add_subparsers(
        dest="arena_verb", metavar="VERB", required=True
    )
    p = arena.add_parser(
        "tally",
        help="recompute results.json from an arena bundle (DIR or ZIP); no database",
        description=(
            "Reads arena.json and values.csv (a folder or a .zip) and prints results.json "
            "(pingyi-arena-results/1). A broken bundle: the file, the JSON path or row, "
            "and exit status 2."
        ),
    )
    p.add_argument("bundle", help="folder or .zip holding arena.json and values.csv")
    p.set_defaults(func=cmd_arena_tally)


def cmd_arena_tally(args: argparse.Namespace) -> int:
    from pingyi.scoreboard.cli_tally import main_arena_tally  # noqa: PLC0415 (no Django for the tally)

    return main_arena_tally(args.bundle)
