"""What every app's command-line verbs share (no Django import): the language of the
messages and the one-line refusal. ``pingyi/cli.py`` assembles the verbs; the apps'
``cli.py`` modules import these from here, never from ``pingyi.cli`` (which imports them)."""

from __future__ import annotations

import os


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
