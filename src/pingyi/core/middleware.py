"""Headers every response carries."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from pingyi.core.audit import current_actor

#: Everything is served by pingyi itself (no CDN); inline scripts are not allowed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class ActorMiddleware:
    """Names the signed-in account as the actor of audited actions in this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = current_actor.set(
            user.get_username() if user is not None and user.is_authenticated else "anonymous"
        )
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)


class ApiRefusalMiddleware:
    """Under ``/api/``, a refusal made outside the API's own handlers (Django's 404 for an
    unknown address or 400 for a bad Host, django-ninja's 405, a 500 page) answers the
    API's shape ``{"detail": ..., "code": ...}`` instead of HTML or plain text."""

    CODES = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        500: "server_error",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response

        details = {
            404: _("There is no such address in the API."),
            405: _("This method is not allowed here."),
            500: _("The server failed to answer; the error has been logged."),
        }
        status = response.status_code
        detail = details.get(status) or response.reason_phrase
        refusal = JsonResponse(
            {"detail": detail, "code": self.CODES.get(status, "error")},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        for header, value in response.headers.items():  # Allow, security headers, cookies
            if header.lower() not in ("content-type", "content-length"):
                refusal[header] = value
        refusal.cookies = response.cookies
        return refusal


class NulGuardMiddleware:
    """A NUL character in the address or its query answers 400 before any view runs.

    No name, key or filter of pingyi may hold one, and PostgreSQL cannot even compare text
    with a NUL (a filter ``?list=%00`` reached the database and answered 500). Forms refuse
    NULs in their fields (Django's CharField); JSON bodies are refused by the strict parser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The API checks its own parameters and answers 422 naming the one at fault.
        if not request.path_info.startswith("/api/") and (
            "\x00" in request.path
            or any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            )
        ):
            return HttpResponseBadRequest(_("The address holds a NUL character."))
        return self.get_response(request)
