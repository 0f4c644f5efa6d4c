"""``pingyi arena …``: the monthly arena on the command line (docs/scoreboard.md).

``arena tally DIR`` needs no database and never imports Django (the pure
:mod:`pingyi.scoreboard.cli_tally`); the other verbs set Django up first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pingyi.core.commandline import DjangoSetup

_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None] | None = None,
) -> None:
    """Registers ``pingyi arena``; ``django_setup`` prepares Django and the tables for the
    verbs that need the database (``tally`` needs neither)."""
    if django_setup is not None:
        _setup.bind(django_setup)
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

    p = arena.add_parser(
        "import",
        help="a month's entered values from the office's sheet (all or nothing)",
        description=(
            "The sheet: a header row starting with 单位 (a unit's code, name or alias), one "
            "column per entered indicator (its name or key), optionally 免于黑榜. Opens the "
            "month if needed. A bad cell is named (row, cell, unit, indicator); nothing is "
            "written then."
        ),
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--arena", required=True, help="the arena's key, e.g. counties")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, e.g. 2026-11")
    p.set_defaults(func=cmd_arena_import)

    p = arena.add_parser(
        "freeze", help="freeze a month: computed values read now, the bundle written"
    )
    p.add_argument("arena", help="the arena's key")
    p.add_argument("month", metavar="YYYY-MM")
    p.set_defaults(func=cmd_arena_freeze)

    p = arena.add_parser("publish", help="publish a frozen month (the public page)")
    p.add_argument("arena", help="the arena's key")
    p.add_argument("month", metavar="YYYY-MM")
    p.set_defaults(func=cmd_arena_publish)

    p = arena.add_parser("export", help="a frozen month's bundle as a .zip")
    p.add_argument("arena", help="the arena's key")
    p.add_argument("month", metavar="YYYY-MM")
    p.add_argument("--out", required=True, help="the .zip to write")
    p.set_defaults(func=cmd_arena_export)


def cmd_arena_tally(args: argparse.Namespace) -> int:
    from pingyi.scoreboard.cli_tally import main_arena_tally  # noqa: PLC0415 (no Django for the tally)

    return main_arena_tally(args.bundle)


def _fail(verb: str, message: str) -> int:
    print(f"pingyi arena {verb}: {message}", file=sys.stderr)
    return 2


def _month(verb: str, arena: str, period: str) -> Any:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.scoreboard import selectors  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    month = selectors.month_of(arena, period)
    if month is None:
        _fail(
            verb, _("no month %(month)s of the arena %(arena)s") % {"month": period, "arena": arena}
        )
    return month


def cmd_arena_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.scoreboard import services  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.scoreboard.errors import ScoreboardError  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.scoreboard.models import Arena  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    arena = Arena.objects.filter(key=args.arena).first()
    if arena is None:
        return _fail("import", _("no arena %(arena)s") % {"arena": args.arena})
    path = Path(args.file)
    if not path.is_file():
        return _fail("import", f"{args.file}: " + _("no such file"))
    try:
        month = services.open_month(arena=arena, period=args.month)
        count = services.import_values(month=month, data=path.read_bytes(), file_name=path.name)
    except ScoreboardError as exc:
        return _fail("import", f"{path.name}: {exc.message}")
    print(
        _("%(count)d values imported into %(month)s.") % {"count": count, "month": month.bundle_key}
    )
    return 0


def cmd_arena_freeze(args: argparse.Namespace) -> int:
    return _state_verb(args, "freeze")


def cmd_arena_publish(args: argparse.Namespace) -> int:
    return _state_verb(args, "publish")


def _state_verb(args: argparse.Namespace, verb: str) -> int:
    _setup()
    from pingyi.scoreboard import services  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.scoreboard.errors import ScoreboardError  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    month = _month(verb, args.arena, args.month)
    if month is None:
        return 2
    try:
        if verb == "freeze":
            month = services.freeze_month(month=month)
            sys.stdout.write(month.results_json)
        else:
            month = services.publish_month(month=month)
            print(month.bundle_key)
    except ScoreboardError as exc:
        return _fail(verb, exc.message)
    return 0


def cmd_arena_export(args: argparse.Namespace) -> int:
    _setup()
    from pingyi.scoreboard import services  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.scoreboard.errors import ScoreboardError  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    month = _month("export", args.arena, args.month)
    if month is None:
        return 2
    try:
        data = services.bundle_zip(month)
    except ScoreboardError as exc:
        return _fail("export", exc.message)
    Path(args.out).write_bytes(data)
    print(args.out)
    return 0
