"""The meeting console (office), the big screen (office, leaders, viewers) and their live stream.

Permissions (``pingyi/appraisal/rules.py``): the console and its actions need
``appraisal.run_meeting`` (office; everyone else 403); the list, the screen, the stream and
``live.json`` need ``appraisal.view_screen`` (office, leaders, viewers; liaisons 403).
Anonymous visitors are sent to sign in, except on the stream and ``live.json`` (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pingyi.appraisal import live, meeting
from pingyi.appraisal.errors import AppraisalError
from pingyi.appraisal.models import Event, EventState
from pingyi.appraisal.selectors import cards_summary
from pingyi.core import front

RUN = "appraisal.run_meeting"
VIEW = "appraisal.view_screen"


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("You may not see this page."))


def _join_url(request: HttpRequest) -> str:
    base = getattr(settings, "PUBLIC_URL", "") or request.build_absolute_uri("/").rstrip("/")
    return f"{base}/b/"


def _short_url(url: str) -> str:
    """The join address as people type it: no scheme."""
    return url.split("://", 1)[-1]


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW)
    events = Event.objects.select_related("previous").order_by("-held_on", "-created_at")
    return render(
        request,
        "appraisal/meeting/list.html",
        {"events": events, "can_run": request.user.has_perm(RUN)},
    )


@login_required
@require_GET
def console(request: HttpRequest, key: str) -> HttpResponse:
    _require(request, RUN)
    event = get_object_or_404(Event.objects.select_related("previous"), key=key)
    snapshot = live.screen_view(live.read_snapshot(key))
    order = meeting.running_order(event=event)
    revealed = list(event.revealed_tracks or [])
    tracks = [
        {
            "spec": track,
            "rows": order[track.key],
            "revealed": track.key in revealed,
            "on_screen": bool(revealed) and revealed[-1] == track.key,
        }
        for track in event.spec.tracks
    ]
    cards = cards_summary(event=event)
    return render(
        request,
        "appraisal/meeting/console.html",
        {
            "event": event,
            "snapshot": snapshot,
            "tracks": tracks,
            "cards": cards,
            "has_results": event.has_results,
            "can_toggle_rehearsal": event.state == EventState.DRAFT and not cards["issued"],
            "previous_choices": Event.objects.exclude(pk=event.pk).order_by("-held_on"),
            "join_url": _join_url(request),
            "live_config": {
                "stream": reverse("meeting:stream", args=[key]),
                "poll": reverse("meeting:live_json", args=[key]),
                "state": event.state,
                "rehearsal": event.rehearsal,
                "snapshot": snapshot,
            },
        },
    )


def _open(request: HttpRequest, key: str) -> str:
    meeting.event_open(key=key)
    return _("Voting is open.")


def _close(request: HttpRequest, key: str) -> str:
    meeting.event_close(key=key)
    return _("Voting is closed and the results are fixed. Reveal the tracks one by one.")


def _publish(request: HttpRequest, key: str) -> str:
    meeting.event_publish(key=key)
    return _("The results are published.")


def _purge(request: HttpRequest, key: str) -> str:
    deleted = meeting.rehearsal_purge(key=key)
    return _(
        "Rehearsal purged: %(n)d ballots and every card deleted; the event is a draft again."
    ) % {"n": deleted}


def _rehearsal(request: HttpRequest, key: str) -> str:
    on = request.POST.get("on") == "1"
    meeting.rehearsal_set(key=key, on=on)
    return _("Rehearsal mode is on.") if on else _("Rehearsal mode is off.")


def _reveal(request: HttpRequest, key: str) -> str:
    track = request.POST.get("track", "")
    meeting.track_reveal(key=key, track=track)
    return _("The ranking of “%(track)s” is on the big screen.") % {"track": track}


def _clear(request: HttpRequest, key: str) -> str:
    meeting.screen_clear(key=key)
    return _("The big screen shows the title and counts again.")


def _previous(request: HttpRequest, key: str) -> str:
    meeting.previous_set(key=key, previous=request.POST.get("previous") or None)
    return _("The event compared with is saved.")


def _order(request: HttpRequest, key: str) -> str:
    track = request.POST.get("track", "")
    units = request.POST.getlist("unit")
    orders = request.POST.getlist("order")
    presenters = request.POST.getlist("presenter")
    notes = request.POST.getlist("comment_notes")
    if not (len(units) == len(orders) == len(presenters) == len(notes)):
        raise AppraisalError(_("The running order form is incomplete."), code="bad_form")
    rows = [
        {"unit": u, "order": o, "presenter": p, "comment_notes": n}
        for u, o, p, n in zip(units, orders, presenters, notes, strict=True)
    ]
    meeting.running_order_save(key=key, track=track, rows=rows)
    return _("The running order and comment notes are saved.")


ACTIONS: dict[str, tuple[Callable[[HttpRequest, str], str], str]] = {
    # action: (handler, anchor on the console to come back to; none: the top)
    "open": (_open, ""),
    "close": (_close, ""),
    "publish": (_publish, ""),
    "purge": (_purge, ""),
    "rehearsal": (_rehearsal, ""),
    "reveal": (_reveal, "reveal"),
    "clear": (_clear, "reveal"),
    "previous": (_previous, "reveal"),
    "order": (_order, "order"),
}


@login_required
@require_POST
def console_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    _require(request, RUN)
    if action not in ACTIONS:
        raise Http404(action)
    get_object_or_404(Event, key=key)
    handler, anchor = ACTIONS[action]
    try:
        done = handler(request, key)
    except AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    url = reverse("meeting:console", args=[key])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_GET
def screen(request: HttpRequest, key: str) -> HttpResponse:
    _require(request, VIEW)
    event = get_object_or_404(Event, key=key)
    snapshot = live.screen_view(live.read_snapshot(key))
    join_url = _join_url(request)
    return render(
        request,
        "appraisal/meeting/screen.html",
        {
            "event": event,
            "join_url": join_url,
            "join_text": _short_url(join_url),
            "snapshot": snapshot,
            "live_config": {
                "stream": reverse("meeting:stream", args=[key]),
                "poll": reverse("meeting:live_json", args=[key]),
                "snapshot": snapshot,
            },
        },
    )


def _may_watch(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.has_perm(VIEW))


@require_GET
def stream(request: HttpRequest, key: str) -> HttpResponseBase:
    """Server-Sent Events of the event (see :func:`pingyi.appraisal.live.sse_stream`)."""
    if not _may_watch(request):
        return HttpResponseForbidden(_("Sign in as office, leader or viewer to watch the meeting."))
    if not Event.objects.filter(key=key).exists():
        raise Http404(key)
    content_type = "text/event-stream; charset=utf-8"
    response: HttpResponseBase
    if request.META.get(front.ENVIRON_KEY):
        # Behind ``pingyi serve`` the front streams it on its event loop (no thread held).
        response = HttpResponse(content_type=content_type)
        response[front.STREAM_HEADER] = front.stream_header(live.STREAM_NAME, key)
    else:
        response = StreamingHttpResponse(live.sse_stream(event_key=key), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@never_cache
@require_GET
def live_json(request: HttpRequest, key: str) -> HttpResponse:
    """The same figures as the stream, once (for scripts and for polling)."""
    if not _may_watch(request):
        return HttpResponseForbidden(_("Sign in as office, leader or viewer to watch the meeting."))
    snapshot: Any = live.screen_view(live.read_snapshot(key))
    if snapshot is None:
        raise Http404(key)
    return JsonResponse(live.messages_of(snapshot), json_dumps_params={"ensure_ascii": False})
