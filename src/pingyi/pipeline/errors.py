"""The project pipeline' refusals (core/errors.Refusal: message, status, code)."""

from __future__ import annotations

from pingyi.core.errors import Refusal, SheetRefused


class PipelineError(Refusal):
    """A refusal of the pipeline app."""


class ImportRefused(SheetRefused, PipelineError):
    """A sheet that cannot be imported: every problem, each naming its row and cell; nothing
    was imported (``errors``: :class:`pingyi.core.errors.SheetRefused`)."""
