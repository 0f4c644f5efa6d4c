"""The weekly cycle's verbs of the ``pingyi`` command (docs/supervision.md, "The weekly
cycle"):

- ``pingyi week issue [--week 2026-W41]``: issues the week's sheet (交办单) the office built
  on the page ``/supervision/weekly/<week>/`` (default: this week); the units are told once;
- ``pingyi bulletin compile [--week W]``: compiles the week's bulletin (周通报) draft and prints
  its on-time table;
- ``pingyi bulletin export [--week W] --out FILE.docx|FILE.pdf``: writes it.

A refusal is one line and exit 2, in the command line's language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pingyi.core.commandline import DjangoSetup

_setup = DjangoSetup()


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None],
) -> None:
    _setup.bind(django_setup)
    week = verbs.add_parser("week", help="the weekly assignment sheet (周交办单)").add_subparsers(
        dest="week_verb", metavar="VERB", required=True
    )
    p = week.add_parser(
        "issue",
        help="issue the week's sheet built on its page; each unit is told once",
        description="Issues the draft sheet of the week (built on /supervision/weekly/WEEK/).",
    )
    p.add_argument("--week", metavar="YYYY-Www", help="the ISO week (default: this week)")
    p.set_defaults(func=cmd_week_issue)

    bulletin = verbs.add_parser("bulletin", help="the weekly bulletin (周通报)").add_subparsers(
        dest="bulletin_verb", metavar="VERB", required=True
    )
    p = bulletin.add_parser("compile", help="compile the week's bulletin (a draft)")
    p.add_argument("--week", metavar="YYYY-Www", help="the ISO week (default: this week)")
    p.set_defaults(func=cmd_bulletin_compile)
    p = bulletin.add_parser("export", help="write the week's bulletin as .docx or .pdf")
    p.add_argument("--week", metavar="YYYY-Www", help="the ISO week (default: this week)")
    p.add_argument("--out", required=True, help="FILE.docx or FILE.pdf")
    p.set_defaults(func=cmd_bulletin_export)


def _fail(verb: str, message: str) -> int:
    print(f"pingyi {verb}: {message}", file=sys.stderr)
    return 2


def _the_week(text: str | None):  # type: ignore[no-untyped-def]
    from django.utils import timezone  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import weekly  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.method.week import Week  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    if text is None:
        return Week.of(timezone.localdate())
    return weekly.parse_week(text)


def cmd_week_issue(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import selectors_weekly, weekly  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.errors import SupervisionError  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        week = _the_week(args.week)
        sheet = selectors_weekly.sheet_of(week)
        if sheet is None:
            return _fail(
                "week issue",
                _("no sheet for %(week)s: build it first on /supervision/weekly/%(week)s/")
                % {"week": week},
            )
        already = sheet.issued_at is not None
        sent = weekly.sheet_issue(sheet, actor="cli")
    except SupervisionError as exc:
        return _fail("week issue", exc.message)
    print(
        _("%(week)s: %(items)d items issued; %(count)d messages to the units")
        % {"week": week, "items": sheet.entries.count(), "count": sent}
    )
    if already:
        print(_("already issued: nothing changed, nobody told twice"))
    return 0


def cmd_bulletin_compile(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import weekly  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.errors import SupervisionError  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        week = _the_week(args.week)
        bulletin = weekly.bulletin_compile(week, actor="cli")
    except SupervisionError as exc:
        return _fail("bulletin compile", exc.message)
    data = bulletin.data
    print(
        _("bulletin %(week)s compiled: %(units)d units rated, figures as of %(day)s")
        % {"week": week, "units": len(data["units"]), "day": data["as_of"]}
    )
    for u in data["units"]:
        print(f"{u['rank']}\t{u['name']}\t{u['on_time']}/{u['owed']}\t{u['percent']}%")
    return 0


def cmd_bulletin_export(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.supervision import selectors_weekly, weekly  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.bulletin_docx import bulletin_docx  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.bulletin_pdf import PdfFontMissing, bulletin_pdf  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.supervision.errors import SupervisionError  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        return _fail(
            "bulletin export", _("%(file)s: write FILE.docx or FILE.pdf") % {"file": args.out}
        )
    try:
        week = _the_week(args.week)
    except SupervisionError as exc:
        return _fail("bulletin export", exc.message)
    found = selectors_weekly.bulletin_of(week)
    if found is None:
        return _fail(
            "bulletin export",
            _("no bulletin for %(week)s: run pingyi bulletin compile --week %(week)s first")
            % {"week": week},
        )
    data = weekly.data_of(found)
    try:
        body = bulletin_docx(data) if suffix == ".docx" else bulletin_pdf(data)
    except PdfFontMissing as exc:
        return _fail("bulletin export", str(exc))
    try:
        out.write_bytes(body)
    except OSError as exc:
        return _fail(
            "bulletin export",
            _("%(file)s: cannot write: %(error)s") % {"file": args.out, "error": exc.strerror},
        )
    print(_("wrote %(file)s (%(size)d bytes)") % {"file": args.out, "size": len(body)})
    return 0
