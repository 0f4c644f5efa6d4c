"""The REST API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json.

Every refusal answers ``{"detail": ..., "code": ...}``: the handlers below turn
django-ninja's and Django's exceptions into that shape (a body that is not JSON, nested
too deep, holding a lone surrogate or an out-of-bounds number: 400; a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413), and
:class:`pingyi.core.middleware.ApiRefusalMiddleware` does the same for answers made
outside the API's views (an unknown address, a method not allowed).
"""

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from pingyi import __version__
from pingyi.appraisal.api import router as appraisal_router
from pingyi.core.api_answers import json_refusal, parse_json_body
from pingyi.core.pure.strict_json import JsonInputError
from pingyi.pipeline.api import router as pipeline_router
from pingyi.scoreboard.api import router as arena_router
from pingyi.supervision.api import router as supervision_router
from pingyi.supervision.api_notices import router as notices_router
from pingyi.supervision.api_onsite import router as onsite_router
from pingyi.supervision.api_weekly import router as weekly_router
from pingyi.targets.api import router as targets_router


class StrictParser(Parser):
    """Request bodies of the typed routes are read like the others: exact numbers within
    bounds, bounded depth, no lone surrogate (pydantic never sees ``1e999999999``)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], parse_json_body(request))


api = NinjaAPI(
    title="pingyi API",
    version=__version__,
    description=(
        "Appraisal events, ballot cards, ballots and results (DESIGN.md, Contracts); "
        "supervision lists, items, reports, extensions and closures (SUPERVISION.md)."
    ),
    urls_namespace="api",
    parser=StrictParser(),
)
api.add_router("/", appraisal_router)
api.add_router("/", supervision_router)
api.add_router("/", notices_router)
api.add_router("/", onsite_router)
api.add_router("/", weekly_router)
api.add_router("/", targets_router)
api.add_router("/", pipeline_router)
api.add_router("/", arena_router)


@api.exception_handler(JsonInputError)
def json_input_error(request: HttpRequest, exc: JsonInputError) -> HttpResponse:
    """A body that is not acceptable JSON: 400 naming where and why."""
    return json_refusal(exc)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Every refusal has the same shape: ``{"detail": ..., "code": ...}``."""
    cause = exc.__cause__
    if isinstance(cause, JsonInputError):  # django-ninja's "Cannot parse request body"
        return json_refusal(cause)
    if isinstance(cause, HttpError):
        exc = cause
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}
    return api.create_response(
        request,
        {"detail": str(exc), "code": codes.get(exc.status_code, "error")},
        status=exc.status_code,
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A query or path parameter of the wrong type (``?year=abc``): 422 in the one shape,
    naming where. A body's errors keep django-ninja's list (its endpoints document it)."""
    if any(error.get("loc", ("",))[0] == "body" for error in exc.errors):
        return api.create_response(request, {"detail": exc.errors}, status=422)
    parts = []
    for error in exc.errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    return api.create_response(request, {"detail": "; ".join(parts), "code": "invalid"}, status=422)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's own answer is an HTML page)."""

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = _("The request body is larger than %(limit)s MB.") % {"limit": limit // (1 << 20)}
    return api.create_response(request, {"detail": detail, "code": "too_large"}, status=413)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """A missing object answers in the same shape (django-ninja's default has no ``code``)."""
    return api.create_response(request, {"detail": "Not Found", "code": "not_found"}, status=404)
