"""The appraisal app's refusals, in one place.

:class:`AppraisalError` and its subclasses carry the HTTP status and the code the API answers
(``pingyi.appraisal.api``); the others are refusals of the outputs and the slides. The
method's own errors (``SpecError``, ``BallotError``, ``BundleError``) stay in the pure
package :mod:`pingyi.appraisal.method`, which imports nothing of Django or of this app.
"""

from __future__ import annotations

from pingyi.appraisal.method.ballots import BallotError
from pingyi.core.errors import Refusal


class AppraisalError(Refusal):
    """A refusal of the appraisal app (status 400, code ``error`` unless a subclass says)."""


class CardNotValid(AppraisalError):
    status = 403
    code = "card_not_valid"


class VotingNotOpen(AppraisalError):
    status = 403
    code = "voting_not_open"


class CardUsed(AppraisalError):
    status = 409
    code = "card_used"


class BallotRefused(AppraisalError):
    status = 422

    def __init__(self, error: BallotError) -> None:
        super().__init__(str(error), code=error.code)
        self.error = error


class StateError(AppraisalError):
    status = 409
    code = "wrong_state"


class EventInvalid(AppraisalError):
    status = 422
    code = "invalid_event"


class ExportError(ValueError):
    pass


class SlidesError(ValueError):
    pass


class OutputsNotReady(Exception):
    """Results outputs exist only once voting has closed (never running scores)."""
