"""What every app's command-line verbs share (no Django import): the language of the
messages and the one-line refusal. ``pingyi/cli.py`` assembles the verbs; the apps'
``cli.py`` modules import these from here, never from ``pingyi.cli`` (which imports them)."""

from __future__ import annotations

import os
import sys


def cli_language() -> str:
    """Messages follow ``PINGYI_LANGUAGE``, else the locale (``LANG``): Chinese on a Chinese
    system, English elsewhere."""
    chosen = (
        os.environ.get("PINGYI_LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG", "")
    )
    return "zh-hans" if chosen.lower().startswith("zh") else "en"


class CliError(Exception):
    """A refusal the command prints as one line (``pingyi: …``), exiting with ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


#: How many problems a refused import prints (the rest are counted).
SHOWN_PROBLEMS = 100


def print_refused(verb: str, path: str, errors: list[str]) -> int:
    """A refused import on stderr — ``pingyi VERB: PATH: nothing imported``, then its first
    :data:`SHOWN_PROBLEMS` problems, one a line, and how many more — and the exit code 2.
    For verbs that have set Django up (the messages are translated)."""
    from django.utils.translation import gettext as _  # noqa: PLC0415 (only verbs that set Django up import sheets)

    print(f"pingyi {verb}: {path}: " + _("nothing imported"), file=sys.stderr)
    for error in errors[:SHOWN_PROBLEMS]:
        print(f"  {error}", file=sys.stderr)
    if len(errors) > SHOWN_PROBLEMS:
        more = len(errors) - SHOWN_PROBLEMS
        print("  " + _("… and %(count)s more problems") % {"count": more}, file=sys.stderr)
    return 2
