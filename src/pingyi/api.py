"""The REST API under /api/v1/ with its OpenAPI schema at /api/v1/openapi.json."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from pingyi import __version__
from pingyi.appraisal.api import router as appraisal_router

api = NinjaAPI(
    title="pingyi API",
    version=__version__,
    description="Appraisal events, ballot cards, ballots and results. See DESIGN.md, Contracts.",
    urls_namespace="api",
)
api.add_router("/", appraisal_router)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Every refusal has the same shape: ``{"detail": ..., "code": ...}``."""
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}
    return api.create_response(
        request,
        {"detail": str(exc), "code": codes.get(exc.status_code, "error")},
        status=exc.status_code,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """A missing object answers in the same shape (django-ninja's default has no ``code``)."""
    return api.create_response(request, {"detail": "Not Found", "code": "not_found"}, status=404)
