"""The year targets' refusals (core/errors.Refusal: message, status, code)."""

from __future__ import annotations

from pingyi.core.errors import Refusal, SheetRefused


class TargetsError(Refusal):
    """A refusal of the targets app."""


class ImportRefused(SheetRefused, TargetsError):
    """A sheet that cannot be imported: every problem, each naming its row and cell; nothing
    was imported (``errors``: :class:`pingyi.core.errors.SheetRefused`)."""
