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

LOCALE = Path(__file__).resolve().parent.parent / "locale"
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def add_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def _translator() -> Callable[[str], str]:
    """gettext for the command line's language, without Django."""
    from pingyi.cli import cli_language  # noqa: PLC0415 (pingyi.cli imports this module)

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
