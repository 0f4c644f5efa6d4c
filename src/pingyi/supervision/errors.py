"""The supervision app's refusals, in one place.

:class:`SupervisionError` and its subclasses carry an HTTP status and a code (for the pages
and the API to come) and a message that says what and where, already translated.
"""

from __future__ import annotations

from pingyi.core.errors import Refusal


class SupervisionError(Refusal):
    """A refusal of the supervision app (status 400, code ``error`` unless a subclass says)."""


class NotFound(SupervisionError):
    status = 404
    code = "not_found"


class StateError(SupervisionError):
    """The action does not fit the object's state (a report already decided, …)."""

    status = 409
    code = "wrong_state"


class InvalidInput(SupervisionError):
    status = 422
    code = "invalid"


class ImportRefused(SupervisionError):
    """A sheet that cannot be imported: every problem, each naming its row and cell; nothing
    was imported."""

    status = 422
    code = "import_refused"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) if errors else "nothing imported")
        self.errors = errors
