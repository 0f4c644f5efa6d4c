"""The WSGI application behind ``pingyi serve``.

Ballots take a lean path: ``POST /api/v1/ballots`` (no account, no session, no CSRF
cookie) goes through a handler with only the middleware it needs, since a burst of two
thousand phones spends its time in the request path (docs/performance.md). Everything
else, including the same route's OpenAPI description, goes through the full stack.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

from pingyi.core.datafolder import prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
prepare()  # before Django is set up: the data folder and the secret key (settings create none)

#: The anonymous JSON endpoints that need neither sessions, accounts, messages nor lockout.
LEAN_ROUTES = frozenset({("POST", "/api/v1/ballots")})
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # a crash on the ballot path answers the API's JSON shape, not an HTML page
    "pingyi.core.middleware.ApiRefusalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Content-Length, so that keep-alive connections need no chunked encoding.
    "django.middleware.common.CommonMiddleware",
    "pingyi.core.middleware.SecurityHeadersMiddleware",
]


class LeanHandler(WSGIHandler):
    """A Django handler whose middleware is :data:`LEAN_MIDDLEWARE`."""

    def load_middleware(self, is_async: bool = False) -> None:
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = LEAN_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


full_application = get_wsgi_application()
lean_application = LeanHandler()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    route = (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
    handler = lean_application if route in LEAN_ROUTES else full_application
    return handler(environ, start_response)
