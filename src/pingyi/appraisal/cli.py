"""Appraisal verbs of the ``pingyi`` command: events, ballot cards, export.

They talk to the same data folder (or ``DATABASE_URL``) as a running ``pingyi serve``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pingyi.appraisal import errors

SetUp = Callable[[], None]


def _fail(verb: str, message: str) -> int:
    print(f"pingyi {verb}: {message}", file=sys.stderr)
    return 2


def _add_public_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--public-url",
        help="the address phones open, e.g. https://pingyi.example.gov.cn "
        "(default: PINGYI_PUBLIC_URL, else where `pingyi serve` answers, with a warning)",
    )


def _public_url(verb: str, given: str | None) -> str | None:
    """The cards' address (``cards.command_line_public_url``), its warning printed when
    nobody chose it; None, with the refusal printed, when it is not an http(s) address."""
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only once the verb runs)

    from pingyi.appraisal.casting.cards import command_line_public_url  # noqa: PLC0415 (Django is set up only once the verb runs)

    public_url, warning = command_line_public_url(given)
    if warning:
        print(f"pingyi {verb}: {warning}", file=sys.stderr)
    if not public_url.startswith(("http://", "https://")):
        _fail(
            verb,
            _("The public address must start with http:// or https://.")
            + " "
            + _("Nothing was issued."),
        )
        return None
    return public_url


def add_verbs(verbs: argparse._SubParsersAction, *, django_setup: SetUp) -> None:  # type: ignore[type-arg]
    event = verbs.add_parser("event", help="appraisal events").add_subparsers(
        dest="event_verb", metavar="VERB", required=True
    )
    p = event.add_parser("import", help="create an event from DIR|ZIP|event.json; prints its key")
    p.add_argument("bundle")
    p.add_argument("--replace", action="store_true", help="replace a draft event's rules")
    p.set_defaults(func=lambda a: cmd_event_import(a, django_setup))

    for action, text in (
        ("open", "open voting"),
        ("close", "close voting and fix the results"),
        ("publish", "publish the results"),
        ("purge", "delete a rehearsal's ballots and cards (back to draft)"),
    ):
        p = event.add_parser(action, help=text)
        p.add_argument("key")
        p.set_defaults(func=lambda a, action=action: cmd_event_state(a, action, django_setup))

    p = event.add_parser("list", help="list events")
    p.set_defaults(func=lambda a: cmd_event_list(a, django_setup))

    p = event.add_parser(
        "export",
        help="write the anonymous bundle: event.json, ballots.csv, results.json, receipts.txt",
    )
    p.add_argument("key")
    p.add_argument("dir")
    p.set_defaults(func=lambda a: cmd_event_export(a, django_setup))

    p = verbs.add_parser("tokens", help="issue one-use ballot cards: CSV on stdout")
    p.add_argument("key", help="event key")
    p.add_argument("--panel", required=True, help="panel key")
    p.add_argument("--count", required=True, type=int)
    p.add_argument("--unit", help="bind the cards to this unit (it is left out of their ballots)")
    _add_public_url(p)
    p.set_defaults(func=lambda a: cmd_tokens(a, django_setup))

    p = verbs.add_parser(
        "cards",
        help="issue one-use ballot cards and print them: a PDF, 8 cards per A4 page",
        description=(
            "Issues COUNT new cards for the panel and writes them as a PDF of QR cards "
            "(shuffled). The secrets exist only in this PDF: printing again issues new cards, "
            "and used cards can never be printed again."
        ),
    )
    p.add_argument("key", help="event key")
    p.add_argument("--panel", required=True, help="panel key")
    p.add_argument("--count", required=True, type=int)
    p.add_argument("--unit", help="bind the cards to this unit (it is left out of their ballots)")
    p.add_argument("--out", required=True, help="the PDF to write (refused if it exists)")
    _add_public_url(p)
    p.add_argument("--language", help="language of the printed text (default: the site's)")
    p.set_defaults(func=lambda a: cmd_cards(a, django_setup))

    p = verbs.add_parser("workbook", help="write the results workbook (.xlsx) of a closed event")
    p.add_argument("key", help="event key")
    p.add_argument("--out", required=True, help="the .xlsx file to write")
    p.add_argument("--language", help="language of the headings (default: the site's)")
    p.set_defaults(func=lambda a: cmd_output(a, "workbook", django_setup))

    p = verbs.add_parser("report", help="write the PDF results report of a closed event")
    p.add_argument("key", help="event key")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--language", help="language of the report (default: the site's)")
    p.set_defaults(func=lambda a: cmd_output(a, "report", django_setup))


def cmd_event_import(args: argparse.Namespace, setup: SetUp) -> int:
    from pingyi.appraisal.method.bundle import BundleError, read_event_json  # noqa: PLC0415 (Django is set up only once the verb runs)

    try:
        data = read_event_json(args.bundle)
    except BundleError as exc:
        return _fail("event import", str(exc))
    except OSError as exc:
        return _fail("event import", f"{args.bundle}: {exc.strerror or exc}")
    setup()
    from pingyi.appraisal import errors, services  # noqa: PLC0415 (Django is set up only once the verb runs)

    try:
        event = services.event_import(data=data, replace=args.replace)
    except errors.AppraisalError as exc:
        return _fail("event import", exc.message)
    print(event.key)
    return 0


def cmd_event_state(args: argparse.Namespace, action: str, setup: SetUp) -> int:
    setup()
    from pingyi.appraisal import services  # noqa: PLC0415 (Django is set up only once the verb runs)

    try:
        if action == "purge":
            deleted = services.rehearsal_purge(key=args.key)
            print(f"{args.key}: purged {deleted} rows; back to draft")
            return 0
        event = getattr(services, f"event_{action}")(key=args.key)
    except errors.AppraisalError as exc:
        return _fail(f"event {action}", exc.message)
    except services.Event.DoesNotExist:
        return _fail(f"event {action}", f"no event {args.key!r}")
    print(f"{event.key}: {event.state}")
    return 0


def cmd_event_list(args: argparse.Namespace, setup: SetUp) -> int:
    setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only once the verb runs)

    from pingyi.appraisal.models import Event  # noqa: PLC0415 (Django is set up only once the verb runs)

    events = list(Event.objects.order_by("key"))
    if not events:
        print(
            "pingyi event list: "
            + _("no events yet; import one with `pingyi event import DIR|ZIP|event.json`."),
            file=sys.stderr,
        )
    for event in events:
        print(f"{event.key}\t{event.state}\t{event.name}")
    return 0


def cmd_event_export(args: argparse.Namespace, setup: SetUp) -> int:
    setup()
    from pingyi.appraisal.errors import ExportError  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.appraisal.outputs.exports import event_export  # noqa: PLC0415 (Django is set up only once the verb runs)

    try:
        path = event_export(key=args.key, directory=Path(args.dir))
    except ExportError as exc:
        return _fail("event export", str(exc))
    print(path)
    return 0


def cmd_tokens(args: argparse.Namespace, setup: SetUp) -> int:
    setup()
    from pingyi.appraisal import services  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.appraisal.casting.cards import ballot_url, format_code  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.appraisal.models import Event  # noqa: PLC0415 (Django is set up only once the verb runs)

    event = Event.objects.filter(key=args.key).first()
    if event is None:
        return _fail("tokens", f"no event {args.key!r}")
    public_url = _public_url("tokens", args.public_url)
    if public_url is None:
        return 2
    try:
        issued = services.tokens_issue(
            event=event, panel=args.panel, count=args.count, unit=args.unit
        )
    except errors.AppraisalError as exc:
        return _fail("tokens", exc.message)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["token", "code", "panel", "unit", "url"])
    for card in issued:
        row: list[Any] = [card.token, format_code(card.code), card.panel, card.bound_unit]
        writer.writerow([*row, ballot_url(card.token, public_url)])
    return 0


def _language(args: argparse.Namespace) -> Any:
    from django.conf import settings  # noqa: PLC0415 (Django is set up only once the verb runs)
    from django.utils import translation  # noqa: PLC0415 (Django is set up only once the verb runs)

    return translation.override(getattr(args, "language", None) or settings.LANGUAGE_CODE)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file (never over an existing one), complete or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    try:
        os.link(partial, path)  # fails if ``path`` appeared meanwhile
    finally:
        partial.unlink()


def cmd_cards(args: argparse.Namespace, setup: SetUp) -> int:
    setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only once the verb runs)

    from pingyi.appraisal.models import Event  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.appraisal.outputs.printing import issue_cards_pdf  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.core.pdf_font import PdfFontMissing  # noqa: PLC0415 (Django is set up only once the verb runs)

    nothing = _("Nothing was issued.")
    out = Path(args.out)
    with _language(args):
        if out.exists():
            return _fail(
                "cards", _("%(out)s exists; choose a new file name.") % {"out": out} + " " + nothing
            )
        event = Event.objects.filter(key=args.key).first()
        if event is None:
            return _fail("cards", _("No event “%(key)s”.") % {"key": args.key})
        if not event.before_close:
            return _fail(
                "cards",
                _(
                    "Voting for “%(key)s” has closed (%(state)s): cards can be issued only "
                    "before voting closes."
                )
                % {"key": event.key, "state": event.get_state_display()}
                + " "
                + nothing,
            )
        public_url = _public_url("cards", args.public_url)
        if public_url is None:
            return 2
        try:
            printed = issue_cards_pdf(
                event=event,
                panel=args.panel,
                count=args.count,
                unit=args.unit,
                public_url=public_url,
                before_commit=lambda pdf: _write_new(out, pdf),
            )
        except errors.AppraisalError as exc:
            return _fail("cards", f"{exc.message} {nothing}")
        except PdfFontMissing as exc:
            return _fail("cards", f"{exc} {nothing}")
        except OSError as exc:
            return _fail(
                "cards",
                _("Cannot write %(out)s: %(error)s.") % {"out": out, "error": exc} + " " + nothing,
            )
        panel = next(p.name for p in event.spec.panels if p.key == args.panel)
        print(
            _(
                "Issued %(count)d cards for %(panel)s of “%(event)s”: %(out)s (%(pages)d pages, "
                "8 cards a page, shuffled)."
            )
            % {
                "count": printed.count,
                "panel": panel,
                "event": event.name,
                "out": out,
                "pages": printed.pages,
            }
        )
        if args.unit:
            print(
                _("The cards are bound to unit %(unit)s: it is not scored on them.")
                % {"unit": args.unit}
            )
        print(
            _("The secrets exist only in this PDF: keep it safe. Printing again issues new cards.")
        )
    return 0


def cmd_output(args: argparse.Namespace, what: str, setup: SetUp) -> int:
    setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only once the verb runs)

    from pingyi.appraisal.errors import OutputsNotReady  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.appraisal.models import Event  # noqa: PLC0415 (Django is set up only once the verb runs)
    from pingyi.core.pdf_font import PdfFontMissing  # noqa: PLC0415 (Django is set up only once the verb runs)

    with _language(args):
        event = Event.objects.filter(key=args.key).first()
        if event is None:
            return _fail(what, _("No event “%(key)s”.") % {"key": args.key})
        try:
            if what == "workbook":
                from pingyi.appraisal.outputs.workbook import build_workbook  # noqa: PLC0415 (Django is set up only once the verb runs)

                data = build_workbook(event=event)
            else:
                from pingyi.appraisal.outputs.report import build_report, event_diagnostics  # noqa: PLC0415 (Django is set up only once the verb runs)

                intro, sections = event_diagnostics(event) if event.has_results else ("", [])
                data = build_report(event=event, diagnostics=sections, diagnostics_intro=intro)
        except (OutputsNotReady, PdfFontMissing) as exc:
            return _fail(what, str(exc))
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        except OSError as exc:
            return _fail(what, _("Cannot write %(out)s: %(error)s.") % {"out": out, "error": exc})
    print(out)
    return 0
