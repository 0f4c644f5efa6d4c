"""What every app's command-line verbs share (no Django import): the language of the
messages, the one-line refusal, the Django set-up a verb calls first and the import file
read. ``pingyi/cli.py`` assembles the verbs; the apps' ``cli.py`` modules import these from
here, never from ``pingyi.cli`` (which imports them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


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


class DjangoSetup:
    """The Django set-up ``pingyi/cli.py`` hands an app's ``add_verbs(…, django_setup=…)``:
    the module keeps one (``_setup = DjangoSetup()``), ``add_verbs`` binds it, and each verb
    that needs Django calls it first (the others start without Django)."""

    def __init__(self) -> None:
        self._setup: Callable[[], None] | None = None

    def bind(self, setup: Callable[[], None]) -> None:
        self._setup = setup

    def __call__(self) -> None:
        if self._setup is None:
            raise RuntimeError("add_verbs() was not called with django_setup")
        self._setup()


def read_import_file(verb: str, path: str) -> bytes | None:
    """An import verb's workbook (:func:`pingyi.core.pure.officesheet.read_file`: at most
    one byte past its cap), or ``None`` once ``pingyi VERB: PATH: cannot read: …`` is on
    stderr (the caller exits 2). For verbs that have set Django up."""
    from django.utils.translation import gettext as _  # noqa: PLC0415 (only verbs that set Django up import sheets)

    from pingyi.core.pure.officesheet import read_file  # noqa: PLC0415 (the pure reader, with its cap)

    try:
        return read_file(path)
    except OSError as exc:
        message = _("cannot read: %(error)s") % {"error": exc.strerror}
        print(f"pingyi {verb}: {path}: {message}", file=sys.stderr)
        return None
