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


class SheetRefused(Refusal):
    """A sheet that cannot be imported: every problem (``errors``), each naming its row and
    cell; nothing was imported. An app's own ``ImportRefused`` subclasses its app's refusal
    and this (the year targets', the pipeline's)."""

    status = 422
    code = "import_refused"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors) if errors else "nothing imported")
        self.errors = errors
