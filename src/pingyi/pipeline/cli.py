"""``pingyi pipeline import FILE.xlsx [--batch B]`` and ``pingyi pipeline list [--batch B]
[--today YYYY-MM-DD] [--json]`` (docs/scoreboard-data.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pingyi.core.commandline import CliError, DjangoSetup, print_refused, read_import_file
from pingyi.core.pure.officesheet import show_exact

_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None],
) -> None:
    _setup.bind(django_setup)
    pipeline = verbs.add_parser("pipeline", help="the project pipeline (三个一批)").add_subparsers(
        dest="pipeline_verb", metavar="VERB", required=True
    )
    p = pipeline.add_parser(
        "import",
        help="the office's project sheet (all or nothing; by batch and project name)",
        description=(
            "Reads 项目名称, 责任单位, 所属行业, 总投资 (亿元 or 万元), 批次 and the planned and "
            "actual dates of 签约, 开工, 投产; a bad row is named by row and cell."
        ),
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--batch", help="the batch of rows without one (default: from the title)")
    p.set_defaults(func=cmd_pipeline_import)
    p = pipeline.add_parser("list", help="per unit the funnel and rates; the lagging projects")
    p.add_argument("--batch", help="one batch (default: all)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="as of this day (default: today)")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.set_defaults(func=cmd_pipeline_list)


def cmd_pipeline_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.pipeline.errors import ImportRefused  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.pipeline.method.sheet import read_project_sheet  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.pipeline.services import projects_import  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    data = read_import_file("pipeline import", args.file)
    if data is None:
        return 2
    sheet = read_project_sheet(data, Path(args.file).name, batch=args.batch)
    try:
        summary = projects_import(sheet)
    except ImportRefused as exc:
        return print_refused("pipeline import", args.file, exc.errors)
    print(
        _("imported %(created)d new and %(updated)d updated projects of %(batches)s")
        % {
            "created": summary.created,
            "updated": summary.updated,
            "batches": "、".join(summary.batches),
        }
    )
    return 0


def _rate(value: Any) -> str | None:
    return show_exact(value, 4)


def cmd_pipeline_list(args: argparse.Namespace) -> int:
    _setup()
    from django.utils import timezone  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.pipeline import selectors  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.pipeline.labels import LAG_LABELS  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.pipeline.method.funnel import STAGES  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    day = timezone.localdate()
    if args.today:
        try:
            day = dt.date.fromisoformat(args.today.strip())
        except ValueError:
            raise CliError(
                _("%(option)s %(value)s is not a date: write YYYY-MM-DD, e.g. 2026-03-01.")
                % {"option": "--today", "value": json.dumps(args.today, ensure_ascii=False)}
            ) from None
    if args.json:
        document = selectors.pipeline_document(day, batch=args.batch)
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return 0
    rows = selectors.funnel_by_unit(day, batch=args.batch)
    if not rows:
        print(_("no projects yet; import them with `pingyi pipeline import FILE.xlsx`."))
        return 0
    print(_("the pipeline as of %(day)s") % {"day": day.isoformat()})
    for unit, f in rows:
        print(
            f"{unit.name}: "
            + _(
                "%(projects)d projects, %(investment)s 亿元; signed %(signed)d, started "
                "%(started)d, producing %(producing)d; 履约率 %(performance)s, 开工率 %(start)s, "
                "投产率 %(production)s; lagging %(lagging)d"
            )
            % {
                "projects": f.projects,
                "investment": show_exact(f.investment, 8),
                "signed": f.count[STAGES[0]],
                "started": f.count[STAGES[1]],
                "producing": f.count[STAGES[2]],
                "performance": _rate(f.performance_rate) or "-",
                "start": _rate(f.start_rate) or "-",
                "production": _rate(f.production_rate) or "-",
                "lagging": f.lagging,
            }
        )
    for item in selectors.lagging_projects(day):
        if args.batch and item.project.batch != args.batch:
            continue
        print(
            f"  {item.project.batch} {item.project.name} ({item.unit.name}): "
            f"{LAG_LABELS[item.reason]} {item.planned.isoformat()}"
        )
    return 0
