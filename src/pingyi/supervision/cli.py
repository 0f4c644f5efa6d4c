"""Supervision verbs of the ``pingyi`` command.

``pingyi deadline TEXT… [--year Y] [--assigned YYYY-MM-DD]``: what each deadline means, one
JSON line per text (the parser's output plus ``"text"``). It needs no database and never
sets Django up, like ``pingyi tally``; its messages follow the command line's language
(``PINGYI_LANGUAGE``, else ``LANG``), read from the compiled catalogue with the standard
library.
"""

from __future__ import annotations

import argparse
import gettext as stdlib_gettext
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pingyi.core.commandline import CliError, DjangoSetup, cli_language, print_refused

LOCALE = Path(__file__).resolve().parent.parent / "locale"
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None] | None = None,
) -> None:
    """Registers the supervision verbs; ``django_setup`` prepares Django and the tables for
    the verbs that need the database (``deadline`` needs neither)."""
    if django_setup is not None:
        _setup.bind(django_setup)
    p = verbs.add_parser(
        "deadline",
        help="what deadlines written in Chinese mean (完成时限): one JSON line per text",
        description=(
            "Reads each TEXT as the deadline cell of a list item (2026年9月底前, 每月5日前, "
            "10个工作日内, ①6月底前…；②9月底前…) and prints one JSON line per text: "
            '{"text", "kind", "due", "every", "milestones", "warnings"} '
            "(docs/supervision.md, Deadlines). Needs no database."
        ),
    )
    p.add_argument("texts", nargs="+", metavar="TEXT", help="a deadline as written, e.g. 9月底前")
    p.add_argument("--year", help="the list's year Y (default: this year)")
    p.add_argument(
        "--assigned",
        metavar="YYYY-MM-DD",
        help="the assignment date A, for 10个工作日内, 每周 … (default: 1 January of Y)",
    )
    p.set_defaults(func=cmd_deadline)
    add_list_verbs(verbs)


def _translator() -> Callable[[str], str]:
    """gettext for the command line's language, without Django."""
    if cli_language() != "zh-hans":
        return lambda message: message
    catalogue = stdlib_gettext.translation(
        "django", localedir=LOCALE, languages=["zh_Hans"], fallback=True
    )
    return catalogue.gettext


def _fail(message: str) -> int:
    print(f"pingyi deadline: {message}", file=sys.stderr)
    return 2


def cmd_deadline(args: argparse.Namespace) -> int:
    from pingyi.supervision.method.deadline import parse_deadline  # noqa: PLC0415 (the parser is built without loading the rules)

    _ = _translator()
    if args.year is None:
        year = date.today().year
    elif re.fullmatch(r"\d{4}", args.year.strip()) and int(args.year) >= 1:
        year = int(args.year)
    else:
        return _fail(
            _("--year %(value)s is not a year: write four digits, e.g. 2026.")
            % {"value": json.dumps(args.year, ensure_ascii=False)}
        )
    assigned = date(year, 1, 1)
    if args.assigned is not None:
        try:
            if not _ISO_DAY.fullmatch(args.assigned.strip()):
                raise ValueError(args.assigned)
            y, m, d = (int(part) for part in args.assigned.strip().split("-"))
            assigned = date(y, m, d)
        except ValueError:
            return _fail(
                _("--assigned %(value)s is not a date: write YYYY-MM-DD, e.g. %(example)s.")
                % {
                    "value": json.dumps(args.assigned, ensure_ascii=False),
                    "example": f"{year:04d}-03-01",
                }
            )
    out = sys.stdout.buffer
    for text in args.texts:
        meaning = parse_deadline(text, year=year, assigned=assigned).to_json()
        line = json.dumps({"text": text, **meaning}, ensure_ascii=False)
        if not line.isprintable() or any("\ud800" <= ch <= "\udfff" for ch in line):
            # bytes that are no UTF-8 on the command line: escaped, the line stays JSON
            line = json.dumps({"text": text, **meaning})
        out.write(line.encode("utf-8") + b"\n")
    out.flush()
    return 0


# --- lists and reports (Django, the data folder) ---------------------------------------------

_KINDS = ("tasks", "problems", "reforms", "custom")
_CADENCES = ("week", "month", "quarter", "none")


def add_list_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``pingyi lists import|export`` and ``pingyi reports import`` (SUPERVISION.md,
    "Contracts")."""
    lists = verbs.add_parser("lists", help="supervision lists (三个清单)").add_subparsers(
        dest="lists_verb", metavar="VERB", required=True
    )
    p = lists.add_parser(
        "import",
        help="import a list from the office's Excel sheet (all or nothing; by item number)",
        description=(
            "Reads the office's sheet as it is (title row, two-row headers, merged cells, "
            "category rows, notes), resolves unit names and aliases, parses each deadline. "
            "Prints the list key last. --dry-run shows what was understood, row by row, and "
            "imports nothing."
        ),
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--kind", choices=_KINDS, default="tasks")
    p.add_argument("--year", type=int, help="the list's year (default: from the title, else now)")
    p.add_argument("--assigned", metavar="YYYY-MM-DD", help="assignment date (default: 1 Jan)")
    p.add_argument("--cadence", choices=_CADENCES, default="week", help="report cadence")
    p.add_argument("--key", help="the list key (default: YEAR-KIND)")
    p.add_argument("--name", help="the list name (default: the sheet's title)")
    p.add_argument("--sheet", help="the sheet to read (default: the first)")
    p.add_argument(
        "--dry-run", action="store_true", help="show what was understood; import nothing"
    )
    p.set_defaults(func=cmd_lists_import)

    p = lists.add_parser("export", help="a list as pingyi-list/1 JSON or in the office's .xlsx")
    p.add_argument("key", help="the list key")
    p.add_argument("--out", required=True, help="FILE.json or FILE.xlsx")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="statuses as of this day (default today)")
    p.set_defaults(func=cmd_lists_export)

    reports = verbs.add_parser("reports", help="progress reports (进展报告)").add_subparsers(
        dest="reports_verb", metavar="VERB", required=True
    )
    p = reports.add_parser(
        "import",
        help="the units' filled-in sheets: one accepted report per row",
        description="Columns 序号, 完成进度（%）/进度, 进展情况, 报送日期 (default: today).",
    )
    p.add_argument("file", help=".xlsx file")
    p.add_argument("--list", required=True, dest="list_key", help="the list key")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the date of rows without one")
    p.add_argument(
        "--dry-run", action="store_true", help="show what each row would change; file nothing"
    )
    p.set_defaults(func=cmd_reports_import)
    add_notice_verbs(verbs)


def add_notice_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``pingyi supervision sweep`` and ``pingyi notices list`` (SUPERVISION.md,
    "Notices and escalation", "Contracts")."""
    supervision = verbs.add_parser(
        "supervision", help="the daily sweep of statuses and notices (督办)"
    ).add_subparsers(dest="supervision_verb", metavar="VERB", required=True)
    p = supervision.add_parser(
        "sweep",
        help="statuses of the day, then notices: blue 提醒, yellow 催办, red 督办单, 通报",
        description=(
            "Judges every item's status on the day and issues, reminds, escalates, censures "
            "(通报) and closes notices by the rules of SUPERVISION.md. Idempotent: a second "
            "sweep of the same day changes and sends nothing. The task queue runs it at 08:30 "
            "on working days."
        ),
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the day to judge (default: today)")
    p.add_argument("--json", action="store_true", help="the summary as JSON")
    p.set_defaults(func=cmd_supervision_sweep)

    notices = verbs.add_parser("notices", help="supervision notices (督办单)").add_subparsers(
        dest="notices_verb", metavar="VERB", required=True
    )
    p = notices.add_parser(
        "list",
        help="every notice in order of issue",
        description=(
            'With --json: a list of {"colour", "number", "list", "item", "units", '
            '"issued_on", "closed_on", "censure"} in order of issue.'
        ),
    )
    p.add_argument("--json", action="store_true", help="JSON, as SUPERVISION.md's contract")
    p.set_defaults(func=cmd_notices_list)


#: Sets Django up on a migrated database: handed over by ``pingyi/cli.py`` (see add_verbs).
_setup = DjangoSetup()


def _iso_day(value: str | None, option: str, default: date) -> date:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)


    if value is None:
        return default
    try:
        if not _ISO_DAY.fullmatch(value.strip()):
            raise ValueError(value)
        return date.fromisoformat("-".join(p.zfill(2) for p in value.strip().split("-")))
    except ValueError:
        raise CliError(
            _("%(option)s %(value)s is not a date: write YYYY-MM-DD, e.g. 2026-03-01.")
            % {"option": option, "value": json.dumps(value, ensure_ascii=False)}
        ) from None


def _read_file(path: str, verb: str) -> bytes | None:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        with open(path, "rb") as fh:
            return fh.read(30 * 2**20 + 1)
    except OSError as exc:
        message = _("cannot read: %(error)s") % {"error": exc.strerror}
        print(f"pingyi {verb}: {path}: {message}", file=sys.stderr)
        return None


def cmd_lists_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision.errors import ImportRefused  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.method.sheet import read_list_sheet  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.services import list_import, list_spec_for, sheet_rows  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    if not Path(args.file).is_file():
        message = _("cannot read: %(error)s") % {"error": _("no such file")}
        print(f"pingyi lists import: {args.file}: {message}", file=sys.stderr)
        return 2
    # the reader refuses an oversized, macro-enabled, encrypted or bomb file unread
    sheet = read_list_sheet(Path(args.file), sheet=args.sheet)
    assigned = None
    if args.assigned is not None:
        assigned = _iso_day(args.assigned, "--assigned", date.today())
    spec = list_spec_for(
        sheet,
        kind=args.kind,
        cadence=args.cadence,
        year=args.year,
        assigned_on=assigned,
        key=args.key,
        name=args.name,
        file_name=Path(args.file).name,
    )
    rows, problems = sheet_rows(sheet)
    try:
        summary = list_import(spec, rows, dry_run=args.dry_run, problems=problems)
    except ImportRefused as exc:
        return print_refused("lists import", args.file, exc.errors)
    for u in summary.items:
        meaning = u.deadline
        parts = [
            _("row %(row)s") % {"row": u.row.row},
            u.row.number,
            u.row.title.splitlines()[0][:40] if u.row.title else "",
            _("lead: %(unit)s") % {"unit": u.lead_unit.name},
        ]
        if u.co_units:
            names = "、".join(x.name for x in u.co_units)
            parts.append(_("co-units: %(units)s") % {"units": names})
        parts.append(
            _("deadline: %(kind)s %(due)s")
            % {"kind": meaning["kind"], "due": meaning["due"] or "-"}
        )
        for m in meaning["milestones"]:
            parts.append(_("milestone %(due)s %(text)s") % {"due": m["due"], "text": m["text"]})
        if meaning["warnings"]:
            parts.append(_("warnings: %(w)s") % {"w": ", ".join(meaning["warnings"])})
        if args.dry_run:
            print("  " + " | ".join(parts))
    if args.dry_run:
        print(
            _("dry run: %(created)d new, %(updated)d updated, nothing imported; list key:")
            % {"created": summary.created, "updated": summary.updated},
            summary.key,
        )
    else:
        print(
            _("imported %(created)d new, %(updated)d updated items; list key:")
            % {"created": summary.created, "updated": summary.updated},
            summary.key,
        )
    return 0


def _the_list(key: str) -> Any:
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision.models import SupervisionList  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    found = SupervisionList.objects.filter(key=key).first()
    if found is None:
        known = list(SupervisionList.objects.values_list("key", flat=True)[:10])
        raise CliError(
            _("no list %(key)s (known: %(known)s)")
            % {"key": json.dumps(key, ensure_ascii=False), "known": ", ".join(known) or "-"}
        )
    return found


def cmd_lists_export(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision.roundtrip import list_workbook  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.selectors import export_list  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise CliError(_("--out %(file)s: write FILE.json or FILE.xlsx") % {"file": args.out})
    today = _iso_day(args.today, "--today", date.today())
    the_list = _the_list(args.key)
    if suffix == ".json":
        data = json.dumps(export_list(the_list, today), ensure_ascii=False, indent=1) + "\n"
        payload = data.encode("utf-8")
    else:
        payload = list_workbook(the_list, today)
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise CliError(f"{args.out}: {exc.strerror}") from None
    print(
        _("exported %(count)d items of %(key)s to %(file)s")
        % {"count": the_list.items.count(), "key": the_list.key, "file": args.out}
    )
    return 0


def cmd_reports_import(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision.errors import ImportRefused  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.roundtrip import read_report_rows, report_differences, reports_import  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    today = _iso_day(args.today, "--today", date.today())
    the_list = _the_list(args.list_key)
    data = _read_file(args.file, "reports import")
    if data is None:
        return 2
    rows, problems = read_report_rows(data, today=today)
    try:
        reports_import(the_list, rows, problems=problems, dry_run=True)
    except ImportRefused as exc:
        return print_refused("reports import", args.file, exc.errors)
    # the differences first: what each row changes, as the office's page shows them
    for change in report_differences(the_list, rows, today=today):
        print(
            _("row %(row)s, item %(number)s: progress %(old)s%% → %(new)s%% on %(day)s")
            % {
                "row": change.row.row,
                "number": change.row.number,
                "old": change.old_percent,
                "new": change.row.percent,
                "day": change.row.reported_on.isoformat(),
            }
        )
        if change.row.done_text and change.row.done_text != change.old_text:
            print("    " + change.row.done_text.replace("\n", "\n    "))
    if args.dry_run:
        print(_("dry run: nothing filed"))
        return 0
    summary = reports_import(the_list, rows, problems=problems)
    print(
        _("imported %(count)d accepted reports into %(key)s")
        % {"count": summary.created, "key": the_list.key}
    )
    return 0


def cmd_supervision_sweep(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision.errors import SupervisionError  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.notices import sweep  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    day = _iso_day(args.today, "--today", date.today())
    try:
        summary = sweep(day, actor="cli")
    except SupervisionError as exc:
        print(f"pingyi supervision sweep: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
        return 0
    issued = summary.issued
    print(
        _("%(day)s: %(items)d items; issued %(blue)d blue, %(yellow)d yellow, %(red)d red; "
          "escalated %(escalated)d, resolved %(resolved)d, censured %(censured)d, "
          "reminded %(reminded)d; %(messages)d messages")
        % {
            "day": day.isoformat(),
            "items": summary.items,
            "blue": issued["blue"],
            "yellow": issued["yellow"],
            "red": issued["red"],
            "escalated": summary.escalated,
            "resolved": summary.resolved,
            "censured": summary.censured,
            "reminded": summary.reminded,
            "messages": summary.messages,
        }
    )
    if summary.numbers:
        print(" ".join(summary.numbers))
    if summary.repeated and not summary.changed:
        print(_("already swept on this day: nothing changed, nothing sent"))
    return 0


def cmd_notices_list(args: argparse.Namespace) -> int:
    _setup()
    from pingyi.supervision.selectors_notices import notices_json  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    rows = notices_json()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        print(
            "\t".join(
                [
                    row["issued_on"],
                    row["colour"],
                    row["number"] or "-",
                    f"{row['list']}/{row['item']}",
                    ",".join(row["units"]),
                    row["closed_on"] or "open",
                    "通报" if row["censure"] else "",
                ]
            ).rstrip()
        )
    return 0
