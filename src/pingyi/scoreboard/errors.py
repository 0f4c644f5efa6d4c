"""The scoreboard's refusals: a translated message saying what and where (core.errors)."""

from __future__ import annotations

from pingyi.core.errors import Refusal


class ScoreboardError(Refusal):
    """A refusal of the scoreboard (status 400 unless a subclass says)."""


class StateError(ScoreboardError):
    """The action does not fit the month's state (a frozen month takes no values, …)."""

    status = 409
    code = "wrong_state"


class InvalidInput(ScoreboardError):
    status = 422
    code = "invalid"
