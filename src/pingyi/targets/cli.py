"""``pingyi targets import FILE.xlsx --year Y [--month M]`` and ``pingyi targets list
[--year Y] [--month M] [--json]`` (docs/scoreboard-data.md)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from pingyi.core.commandline import CliError, DjangoSetup, print_refused, read_import_file
from pingyi.core.pure.officesheet import show_exact

_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None],
) -> None:
    _setup.bind(django_setup)
    targets = verbs.add_parser("targets", help="year targets (全年红)").add_subparsers(
        dest="targets_verb", metavar="VERB", required=True
    )
    p = targets.add_parser(
        "import",
        help="the office's target sheet: annual targets and the month's cumulative actuals",
        description=(
            "Reads the office's sheet (title row, 县（区）, 指标名称, 单位, 全年目标, 1-9月累计 …) "
            "and imports all rows or none; a bad row is named by row and cell."
        ),
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--year", type=int, required=True, help="the targets' year")
    p.add_argument(
        "--month", type=int, help="the month of the actuals (default: from the column's header)"
    )
    p.set_defaults(func=cmd_targets_import)
    p = targets.add_parser("list", help="every unit's targets with 序时进度 and status")
    p.add_argument("--year", type=int, help="the year (default: the latest with targets)")
    p.add_argument("--month", type=int, help="the month (default: the latest with actuals)")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.set_defaults(func=cmd_targets_list)


def cmd_targets_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.targets.errors import ImportRefused  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.targets.method.sheet import read_target_sheet  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.targets.services import targets_import  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    data = read_import_file("targets import", args.file)
    if data is None:
        return 2
    sheet = read_target_sheet(data, Path(args.file).name)
    try:
        summary = targets_import(sheet, year=args.year, month=args.month)
    except ImportRefused as exc:
        return print_refused("targets import", args.file, exc.errors)
    print(
        _(
            "imported the targets of %(year)s: %(created)d new, %(updated)d updated, "
            "%(actuals)d actuals of month %(month)s"
        )
        % {
            "year": summary.year,
            "created": summary.created,
            "updated": summary.updated,
            "actuals": summary.actuals,
            "month": summary.month or "-",
        }
    )
    return 0


def cmd_targets_list(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.targets import selectors  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.targets.labels import STATUS_LABELS  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    if args.month is not None and not 1 <= args.month <= 12:
        raise CliError(_("the month %(month)s is not 1-12") % {"month": args.month})
    if args.json:
        print(
            json.dumps(
                selectors.targets_document(args.year, args.month), ensure_ascii=False, indent=1
            )
        )
        return 0
    known = selectors.years()
    year = args.year or (known[0] if known else None)
    if year is None:
        print(
            _("no year targets yet; import them with `pingyi targets import FILE.xlsx --year Y`.")
        )
        return 0
    month, rows = selectors.unit_targets(year, args.month)
    print(_("year targets %(year)s, month %(month)s") % {"year": year, "month": month or "-"})
    for row in rows:
        red = " " + _("all on schedule (全年红)") if row.share.all_red else ""
        print(
            f"{row.unit.name}: "
            + _("%(good)d of %(total)d on schedule")
            % {"good": row.share.on_schedule, "total": row.share.total}
            + red
        )
        for line in row.lines:
            print(
                f"  {line.target.indicator}: {show_exact(line.actual, 8) or '-'} / "
                f"{show_exact(line.target.target, 8)} {line.target.measure} · "
                f"{show_exact(line.progress.percent, 2) or '-'}% / "
                f"{show_exact(line.progress.expected_percent, 2)}% · "
                f"{STATUS_LABELS[line.progress.status]}"
            )
    return 0
