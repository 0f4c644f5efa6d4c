"""The wall boards' pages (docs/scoreboard.md, "Boards"): the rotating wall at 1920×1080, the
public page of published boards, the office's page to choose, preview and publish them, and
each board's JSON and live stream.

Who sees what: the office, leaders and viewers every board; anyone else — no sign-in, or a
unit's liaison, whose account reads its own unit only — the public boards alone
(:func:`pingyi.scoreboard.boards.public_keys`). A board that is not public answers 404 to
them on every route (page, JSON, stream), the same as a board that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pingyi.accounts.rules import reads_all_units
from pingyi.core import front
from pingyi.scoreboard import boards, boards_live, services_boards
from pingyi.scoreboard.errors import ScoreboardError

#: The wall's interval between two boards (seconds): default and bounds.
SECONDS_DEFAULT = 20
SECONDS_MIN = 5
SECONDS_MAX = 600


class BadChoice(Exception):
    """The query string names no board or an unreadable interval: said on a 400 page."""


def _staff(request: HttpRequest) -> bool:
    return bool(reads_all_units(request.user))


def _allowed(request: HttpRequest) -> set[str]:
    return set(boards.BOARDS) if _staff(request) else boards.public_keys()


def _chosen(request: HttpRequest, allowed: set[str]) -> list[str]:
    """The boards named by ``?boards=a,b`` (default: every allowed one, in order). A name that
    is no board is a 400 (:class:`BadChoice`); a board the viewer may not see is a 404."""
    raw = ",".join(request.GET.getlist("boards")).strip(" ,")
    if not raw:
        return [key for key in boards.BOARDS if key in allowed]
    keys: list[str] = []
    for part in raw.split(","):
        key = part.strip()
        if not key or key in keys:
            continue
        if key not in boards.BOARDS:
            raise BadChoice(
                _("There is no board “%(key)s” (in ?boards=). The boards are: %(boards)s.")
                % {"key": key[:40], "boards": ", ".join(boards.BOARDS)}
            )
        if key not in allowed:
            raise Http404(_("No such public board."))
        keys.append(key)
    return keys


def _seconds(request: HttpRequest) -> int:
    raw = request.GET.get("seconds", "").strip()
    if not raw:
        return SECONDS_DEFAULT
    if not raw.isdigit() or not SECONDS_MIN <= int(raw) <= SECONDS_MAX:
        raise BadChoice(
            _("?seconds= must be a whole number of seconds from %(min)d to %(max)d, not “%(raw)s”.")
            % {"min": SECONDS_MIN, "max": SECONDS_MAX, "raw": raw[:20]}
        )
    return int(raw)


def _problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "scoreboard/boards/problem.html", {"message": message}, status=400)


def _boards(keys: list[str]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    out = []
    for key in keys:
        data = boards.board_data(key, today)
        out.append({"data": data, "text": boards_live.board_text(data)})
    return out


def _config(shown: list[dict[str, Any]], seconds: int, *, live: bool = True) -> dict[str, Any]:
    """The page's JSON island: each board's data (the charts), the interval, the stream."""
    keys = [entry["data"]["key"] for entry in shown]
    query = "?boards=" + ",".join(keys)
    return {
        "boards": {entry["data"]["key"]: entry["data"] for entry in shown},
        "seconds": seconds,
        "words": {
            "running": _("Next board every %(seconds)d s · any key pauses") % {"seconds": seconds},
            "paused": _("Paused · any key resumes"),
            # the units a long board leaves out of its chart (they are all in its text)
            "more": _("%(n)s more units not drawn"),
        },
        "stream": reverse("boards:stream") + query if keys and live else None,
    }


# --------------------------------------------------------------------------- the wall


@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """The rotating boards at 1920×1080: ``?boards=arena,notices&seconds=20``."""
    try:
        keys = _chosen(request, _allowed(request))
        seconds = _seconds(request)
    except BadChoice as exc:
        return _problem(request, str(exc))
    shown = _boards(keys)
    return render(
        request,
        "scoreboard/boards/wall.html",
        {
            "boards": shown,
            "seconds": seconds,
            "config": _config(shown, seconds),
            "staff": _staff(request),
        },
    )


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The published boards, for anyone (no sign-in), readable on a phone."""
    keys = [key for key in boards.BOARDS if key in boards.public_keys()]
    shown = _boards(keys)
    return render(
        request,
        "scoreboard/boards/public.html",
        {"boards": shown, "config": _config(shown, SECONDS_DEFAULT)},
    )


@never_cache
@require_GET
def data(request: HttpRequest, key: str) -> JsonResponse:
    """One board's data as JSON (what the chart and the text show)."""
    if key not in boards.BOARDS or key not in _allowed(request):
        raise Http404(_("No such public board."))
    return JsonResponse(
        boards.board_data(key, timezone.localdate()), json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def stream(request: HttpRequest) -> HttpResponseBase:
    """Server-Sent Events of the chosen boards (:mod:`pingyi.scoreboard.boards_live`)."""
    try:
        keys = _chosen(request, _allowed(request))
    except BadChoice as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if not keys:
        raise Http404(_("No such public board."))
    audience = boards_live.STAFF if _staff(request) else boards_live.PUBLIC
    arg = boards_live.stream_arg(audience, get_language() or settings.LANGUAGE_CODE, keys)
    content_type = "text/event-stream; charset=utf-8"
    response: HttpResponseBase
    if request.META.get(front.ENVIRON_KEY):
        # Behind ``pingyi serve`` the front streams it on its event loop (no thread held).
        response = HttpResponse(content_type=content_type)
        response[front.STREAM_HEADER] = front.stream_header(boards_live.STREAM_NAME, arg)
    else:
        response = StreamingHttpResponse(boards_live.sse_stream(arg), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# --------------------------------------------------------------------------- the office


@login_required
@permission_required("scoreboard.view", raise_exception=True)
@require_http_methods(["GET", "POST"])
def office(request: HttpRequest) -> HttpResponse:
    """Choose the wall's boards and interval, preview each board, switch boards public."""
    may_manage = request.user.has_perm("scoreboard.manage")
    problem = ""
    if request.method == "POST":
        if not may_manage:
            raise Http404
        key = request.POST.get("board", "")
        public = request.POST.get("public") == "1"
        try:
            services_boards.set_public(
                key=key, public=public, actor=f"user:{request.user.get_username()}"
            )
        except ScoreboardError as exc:
            problem = exc.message  # said on the page, nothing stored
        else:
            said = _("%(title)s is now public.") if public else _("%(title)s is office-only now.")
            messages.success(request, said % {"title": boards.TITLES[key]})
            return redirect("boards:office")
    switches = boards.public_switches()
    arena_public = "arena" in boards.public_keys()
    shown = _boards(list(boards.BOARDS))
    for entry in shown:
        key = entry["data"]["key"]
        entry["public"] = arena_public if key == "arena" else switches[key]
        entry["switchable"] = key in boards.SWITCHABLE
    return render(
        request,
        "scoreboard/boards/office.html",
        {
            "boards": shown,
            "may_manage": may_manage,
            "problem": problem,
            "seconds": SECONDS_DEFAULT,
            "seconds_min": SECONDS_MIN,
            "seconds_max": SECONDS_MAX,
            "config": _config(shown, SECONDS_DEFAULT, live=False),
        },
    )
