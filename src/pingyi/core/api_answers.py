"""What every REST API route reads and answers alike (``/api/v1/``, any app's router).

- :func:`parse_json_body`: the request body as JSON with exact decimals, bounded depth and
  numbers, no lone surrogate or NUL (:func:`pingyi.core.pure.strict_json.loads`);
- :func:`problem`: a refusal, ``{"detail": ..., "code": ...}``;
- :func:`json_refusal`: the 400 for a body the strict parser refused, naming where and why.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from pingyi.core.pure import strict_json


class Problem(Schema):
    """Every refusal of the REST API, as documented in its schema: ``{"detail", "code"}``."""

    detail: str
    code: str


def problem(status: int, detail: str, code: str, **extra: Any) -> HttpResponse:
    body = {"detail": detail, "code": code, **{k: v for k, v in extra.items() if v is not None}}
    # A lone surrogate (never expected: inputs holding one are refused) is written as its
    # JSON escape instead of failing the answer.
    content = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")
    return HttpResponse(content, status=status, content_type="application/json; charset=utf-8")


def parse_json_body(request: HttpRequest, *, bound_numbers: bool = True) -> Any:
    """The request body as JSON with exact decimals (:func:`strict_json.loads`).

    Not UTF-8, not JSON, NaN, nested too deep, a lone surrogate, a number out of bounds:
    :class:`strict_json.JsonInputError`, answered 400 by :func:`json_refusal`. Without
    ``bound_numbers``, out-of-bounds numbers are handed over as Decimals for a validator
    that names where they are (and answers 422).
    """
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, _("The body is not UTF-8 text.")) from exc
    return strict_json.loads(text, bound_numbers=bound_numbers)


def json_refusal(exc: strict_json.JsonInputError) -> HttpResponse:
    """400 for a body :func:`strict_json.loads` refused, naming where and why."""
    if exc.kind == "syntax":
        detail = _("The body is not valid JSON: %(error)s") % {"error": exc}
    else:
        detail = _("The body cannot be accepted: %(error)s") % {"error": exc}
    return problem(400, detail, "bad_request")
