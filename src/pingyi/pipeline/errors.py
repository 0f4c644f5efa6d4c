"""The project pipeline' refusals (core/errors.Refusal: message, status, code)."""

from __future__ import annotations

from pingyi.core.errors import Refusal


class PipelineError(Refusal):
    """A refusal of the pipeline app."""


class ImportRefused(PipelineError):
    """A sheet that cannot be imported: every problem, each naming its row and cell; nothing
    was imported."""

    status = 422
    code = "import_refused"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) if errors else "nothing imported")
        self.errors = errors
