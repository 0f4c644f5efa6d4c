"""The shape every app's refusals share: a message that says what and where (already
translated), an HTTP status and a short code, which pages, the API (``{"detail", "code"}``)
and the command line all show the same way. Each app keeps its own subclasses in its
``errors.py`` (``AppraisalError``, ``SupervisionError``)."""

from __future__ import annotations


class Refusal(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
