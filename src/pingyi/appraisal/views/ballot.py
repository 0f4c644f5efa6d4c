"""The phone ballot page (``/b/``) and the running order it shows.

The page is generic and public: the card's secret arrives in the address's fragment, which is
never sent to the server, and ``pingyi/ballot.js`` posts it to ``/api/v1/cards/lookup`` and
``/api/v1/ballots`` in request bodies. The page carries two JSON data islands (allowed by the
``script-src 'self'`` policy, which executes no inline script): the translated strings of its
modules (``i18n``, written by ``{% js_module %}``, see ``pingyi/core/js.py``) and its
configuration (``ballot-config``).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, get_language_info
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe
from django.views.decorators.vary import vary_on_headers

from pingyi.appraisal import selectors_public
from pingyi.core import js


def _api_url(name: str, fallback: str) -> str:
    try:
        return reverse(f"api:{name}")
    except NoReverseMatch:
        return fallback


def ballot_config() -> dict[str, object]:
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "language": language,
        "languageCookie": settings.LANGUAGE_COOKIE_NAME,
        "languages": [
            [code, get_language_info(code)["name_local"]] for code, _name in settings.LANGUAGES
        ],
        "urls": {
            "lookup": _api_url("lookup_card", "/api/v1/cards/lookup"),
            "ballots": _api_url("cast_ballot", "/api/v1/ballots"),
            "presentations": reverse("ballot") + "presentations/",
            "sw": reverse("ballot-sw"),
        },
    }


@require_GET
@vary_on_headers("Cookie", "Accept-Language")
@cache_control(private=True, max_age=0, must_revalidate=True)
def ballot(request: HttpRequest) -> HttpResponse:
    """The phone ballot: one generic page; the card's secret stays in the fragment."""
    response = render(
        request,
        "appraisal/ballot.html",
        {"config": ballot_config()},
    )
    # The fragment never leaves the browser, and no link on the page may carry the address.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@cache_control(public=True, max_age=60)
def presentations(request: HttpRequest, event_key: str) -> JsonResponse:
    """The running order of an event whose voting is open: per unit its place, presenter and
    slides. Public meeting information; 404 for any event not open."""
    event = selectors_public.open_event(key=event_key)
    if event is None:
        raise Http404("No open event with this key.")
    return JsonResponse(
        {"event": event.key, "presentations": selectors_public.presentations(event=event)},
        json_dumps_params={"ensure_ascii": False},
    )


#: The entry module of the ballot page; it and every module it imports are kept by the
#: service worker (see ballot_sw.js), with the page's style and icon.
BALLOT_MODULE = "pingyi/ballot.js"
OFFLINE_EXTRAS = ("pingyi/ballot.css", "pingyi/favicon.svg")


def offline_files() -> list[str]:
    """The static files the ballot page loads: its modules (the entry first), style, icon."""
    return [*js.module_files(BALLOT_MODULE), *OFFLINE_EXTRAS]
SW_TEMPLATE = "appraisal/ballot_sw.js"
SW_PLACEHOLDER = "{{ config }}"


def _offline_version(source: str) -> str:
    """A hash of the worker and of the files it keeps: a new release installs a new worker,
    which refetches them and drops the old cache."""
    digest = hashlib.sha256(source.encode())
    for name in offline_files():
        found = finders.find(name)
        path = found[0] if isinstance(found, list) else found
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/b/sw.js``: the phone ballot's service worker (its scope is ``/b/``, the page).

    It keeps the ballot page, script, style and icon for a reload without network; it never
    touches a POST (card lookup, ballot) nor any other address.
    """
    page = reverse("ballot")
    template = loader.get_template(SW_TEMPLATE)
    raw = template.template.source  # type: ignore[attr-defined]
    config = {
        "version": _offline_version(raw),
        "page": page,
        "precache": [page, *(static(name) for name in offline_files())],
    }
    # Plain JSON in place of the one placeholder (the worker is JavaScript, not HTML: no
    # template engine, no HTML escaping); <, > and & escaped all the same.
    text = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e")
    body = raw.replace(SW_PLACEHOLDER, text.replace("&", "\\u0026"), 1)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = page
    return response
