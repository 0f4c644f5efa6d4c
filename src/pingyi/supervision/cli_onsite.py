"""The on-site office's verbs of the ``pingyi`` command (现场办公会):

- ``pingyi onsite import FILE.xlsx --place P --leader L [--date YYYY-MM-DD] [--title T]
  [--attendees A]``: a meeting and its problems from the office's sheet (a header with
  提出单位, 类别, 问题, 责任单位, and optionally 办理意见 and 完成时限), all or nothing; each
  problem becomes an item of the year's important-problems list. The date is the sheet
  title's (2026年11月18日现场办公会…) unless given. Prints the meeting's id last.
- ``pingyi onsite similar PROBLEM_ID [--json]``: the similar open problems of a problem
  (same category, across all units), "similar" and "maybe" tiers, best first.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date

from pingyi.core.commandline import CliError, DjangoSetup, print_refused

#: Sets Django up on a migrated database (handed over by ``pingyi/cli.py``).
_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None],
) -> None:
    _setup.bind(django_setup)
    onsite = verbs.add_parser(
        "onsite", help="the on-site office (现场办公会): problems, batch resolution"
    ).add_subparsers(dest="onsite_verb", metavar="VERB", required=True)
    p = onsite.add_parser(
        "import",
        help="a meeting's problems from the office's sheet (all or nothing)",
        description=(
            "Reads the sheet's header (提出单位, 类别, 问题, 责任单位; 办理意见 and 完成时限 if "
            "present) and records the meeting with one item of the year's important-problems "
            "list per problem. Prints the meeting's id last."
        ),
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--place", required=True, help="where the meeting was held")
    p.add_argument("--leader", required=True, help="who chaired it")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: the sheet title's)")
    p.add_argument("--title", help="the meeting's title (default: the sheet title's)")
    p.add_argument("--attendees", default="", help="the attendees, separated by spaces")
    p.set_defaults(func=cmd_import)
    p = onsite.add_parser(
        "similar",
        help="the similar open problems of a problem (same category, all units)",
        description=(
            'With --json: a list of {"id", "item", "unit", "category", "description", '
            '"score", "tier", "pickable"}, best first.'
        ),
    )
    p.add_argument("problem", metavar="PROBLEM_ID", help="the problem's id (its page's number)")
    p.add_argument("--json", action="store_true", help="JSON")
    p.set_defaults(func=cmd_similar)


def cmd_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import onsite  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.cli import _iso_day, _read_file  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.errors import ImportRefused  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    data = _read_file(args.file, "onsite import")
    if data is None:
        return 2
    sheet = onsite.read_problem_sheet(data, args.file)
    errors = list(sheet.errors)
    held_on = _iso_day(args.date, "--date", date.min) if args.date else sheet.held_on
    if held_on is None:
        errors.append(_("no date: give --date YYYY-MM-DD (the sheet's title writes none)"))
    title = args.title or (sheet.title.removesuffix("问题交办清单") if sheet.title else "")
    if not title and held_on is not None:
        title = f"{held_on.year}年{held_on.month}月现场办公会"
    meeting = None
    if not errors and held_on is not None:
        spec = onsite.MeetingSpec(
            title=title, held_on=held_on, place=args.place, leader=args.leader,
            attendees=args.attendees,
        )  # fmt: skip
        try:
            meeting = onsite.meeting_record(spec, sheet.rows, actor="cli")
        except ImportRefused as exc:
            errors = exc.errors
    if meeting is None:
        return print_refused("onsite import", args.file, errors)
    problems = list(meeting.problems.select_related("item__supervision_list").order_by("number"))
    for p in problems:
        assert p.item is not None  # nosec B101 # type narrowing: recording makes the item
        print(f"  {p.item.number}\t{p.item.supervision_list.key}\t{p.description[:40]}")
    print(
        _("recorded %(title)s (%(day)s): %(count)d problems; meeting:")
        % {"title": meeting.title, "day": meeting.held_on.isoformat(), "count": len(problems)},
        meeting.pk,
    )
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import selectors_onsite  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    problem = None
    if args.problem.strip().isdigit() and len(args.problem.strip()) < 12:
        problem = selectors_onsite.problems().filter(pk=int(args.problem)).first()
    if problem is None:
        raise CliError(
            _("no problem %(id)s") % {"id": json.dumps(args.problem, ensure_ascii=False)}
        )
    found = selectors_onsite.similar_problems(problem)
    rows = [
        {
            "id": s.problem.pk,
            "item": s.problem.item.number if s.problem.item else None,
            "unit": s.problem.unit.code,
            "category": s.problem.category,
            "description": s.problem.description,
            "score": s.score,
            "tier": s.tier,
            "pickable": s.pickable,
        }
        for s in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"{problem.pk}\t{problem.unit.name}\t{problem.category}\t{problem.description}")
    for s in found:
        shown = [s.tier, f"{s.score:.2f}", str(s.problem.pk), s.problem.unit.name]
        print("  " + "\t".join([*shown, s.problem.description]))
    if not rows:
        print(_("no similar open problem"))
    return 0
