"""The year targets' refusals (core/errors.Refusal: message, status, code)."""

from __future__ import annotations

from pingyi.core.errors import Refusal


class TargetsError(Refusal):
    """A refusal of the targets app."""


class ImportRefused(TargetsError):
    """A sheet that cannot be imported: every problem, each naming its row and cell; nothing
    was imported."""

    status = 422
    code = "import_refused"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) if errors else "nothing imported")
        self.errors = errors
