"""The phone ballot page (``/b/``) and the running order it shows.

The page is generic and public: the card's secret arrives in the address's fragment, which is
never sent to the server, and ``pingyi/ballot.js`` posts it to ``/api/v1/cards/lookup`` and
``/api/v1/ballots`` in request bodies. The page carries two JSON data islands (allowed by the
``script-src 'self'`` policy, which executes no inline script): the translated strings of the
script (``ballot-i18n``) and its configuration (``ballot-config``).
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
from django.utils.translation import get_language, get_language_info, gettext, gettext_noop
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe
from django.views.decorators.vary import vary_on_headers

from pingyi.appraisal import selectors_public

#: Every string ballot.js shows, by its English msgid (the script falls back to the key).
#: ``gettext_noop`` marks them for ``makemessages``; they are translated per request.
#: A test checks that each ``t('…')`` in ballot.js has its entry here.
JS_MESSAGES = [
    gettext_noop("%(count)s units still to score, starting with %(unit)s."),
    gettext_noop("%(grade)s given %(count)s times, at most %(limit)s"),
    gettext_noop("%(unit)s, %(item)s, 0 to %(max)s"),
    gettext_noop("1 unit still to score: %(unit)s."),
    gettext_noop("A card code has 10 letters and digits, like ABCDE-FGHJK. Please check it."),
    gettext_noop("All units are scored. Check, then submit."),
    gettext_noop("Appraisal ballot"),
    gettext_noop(
        "At most %(limit)s units here may be given %(grade)s (%(share)s of the units graded). "
        "Choose another grade for %(unit)s, or change one already given."
    ),
    gettext_noop("At most %(share)s of the units graded may be given %(grade)s."),
    gettext_noop("Cannot reach the server. Check the network, then try again."),
    gettext_noop("Check %(unit)s, %(item)s: %(problem)s"),
    gettext_noop("Choose one grade for every unit."),
    gettext_noop("Choose “Don’t know” for a unit you cannot judge."),
    gettext_noop("Decrease %(item)s of %(unit)s"),
    gettext_noop("Don’t know"),
    gettext_noop(
        "Each ballot card votes once. If you voted with it on another phone, the receipt was "
        "shown there."
    ),
    gettext_noop("Enter a number."),
    gettext_noop("Increase %(item)s of %(unit)s"),
    gettext_noop("Must be a multiple of %(step)s."),
    gettext_noop("Must be between 0 and %(max)s."),
    gettext_noop("No connection. Trying again in %(seconds)s s…"),
    gettext_noop("No connection. Trying again…"),
    gettext_noop("Not sent yet: no connection. Retrying in %(seconds)s s (attempt %(attempt)s)…"),
    gettext_noop(
        "Not sent: no connection. Your scores are kept on this phone. Try again when the "
        "network is back."
    ),
    gettext_noop("Opening your ballot…"),
    gettext_noop("Presenter: %(name)s"),
    gettext_noop("Saved on this phone at %(time)s"),
    gettext_noop("Score every criterion; steps of %(step)s."),
    gettext_noop("Scored %(done)s/%(total)s"),
    gettext_noop("Sending again…"),
    gettext_noop("Sending your ballot…"),
    gettext_noop("Slides"),
    gettext_noop("Slides of %(unit)s"),
    gettext_noop("The ballot was not accepted: %(reason)s"),
    gettext_noop("This appraisal no longer takes ballots. Thank you."),
    gettext_noop("This ballot card is not valid. Check the code and try again."),
    gettext_noop("This browser cannot keep a draft: do not close the page before you submit."),
    gettext_noop("This card has already been used"),
    gettext_noop(
        "This card was used for another ballot, so this one was not accepted. Each ballot "
        "card votes once."
    ),
    gettext_noop("Too many %(grade)s in %(track)s: at most %(limit)s."),
    gettext_noop("Total %(total)s of %(max)s"),
    gettext_noop("Use another card"),
    gettext_noop("Voting has closed"),
    gettext_noop(
        "Voting has not opened yet. You can fill in your scores now: they are kept on this "
        "phone, and you can submit once voting opens."
    ),
    gettext_noop(
        "Voting is not open at the moment. Your scores are kept on this phone: submit again "
        "when voting opens."
    ),
    gettext_noop("You are offline. Your scores are kept on this phone."),
    gettext_noop(
        "You are offline: your ballot is queued on this phone and will be sent when the "
        "network is back."
    ),
    gettext_noop("Your earlier scores on this phone were restored."),
    gettext_noop("Your own unit (not appraised)"),
    gettext_noop("a rule was broken."),
    gettext_noop("max %(max)s"),
    gettext_noop("pingyi"),
]


def js_catalogue() -> dict[str, str]:
    """{English msgid: text in the active language} for the script's strings."""
    return {message: gettext(message) for message in JS_MESSAGES}


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
        {"i18n": js_catalogue(), "config": ballot_config()},
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


#: The static files the ballot page loads, kept by its service worker (see ballot_sw.js).
OFFLINE_FILES = ("pingyi/ballot.js", "pingyi/ballot.css", "pingyi/favicon.svg")
SW_TEMPLATE = "appraisal/ballot_sw.js"
SW_PLACEHOLDER = "{{ config }}"


def _offline_version(source: str) -> str:
    """A hash of the worker and of the files it keeps: a new release installs a new worker,
    which refetches them and drops the old cache."""
    digest = hashlib.sha256(source.encode())
    for name in OFFLINE_FILES:
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
        "precache": [page, *(static(name) for name in OFFLINE_FILES)],
    }
    # Plain JSON in place of the one placeholder (the worker is JavaScript, not HTML: no
    # template engine, no HTML escaping); <, > and & escaped all the same.
    text = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e")
    body = raw.replace(SW_PLACEHOLDER, text.replace("&", "\\u0026"), 1)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = page
    return response
