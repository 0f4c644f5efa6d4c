"""Uploading and downloading the work-report slides of an event's units."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingyi.accounts.rules import is_office, is_unit_liaison, reads_all_units
from pingyi.appraisal.errors import SlidesError, StateError
from pingyi.appraisal.models import Event, EventState, Presentation
from pingyi.appraisal.slides import PDF, PPTX, SLIDES_CLOSED, slides_upload


def _may_upload(user: object, unit_key: str) -> bool:
    if is_office(user):
        return True
    return bool(is_unit_liaison(user) and user.unit and user.unit.code == unit_key)  # type: ignore[attr-defined]


@login_required
def slides_list(request: HttpRequest, key: str) -> HttpResponse:
    event = get_object_or_404(Event, key=key)
    user = request.user
    if not (reads_all_units(user) or is_unit_liaison(user)):
        raise PermissionDenied
    existing = {(p.track, p.unit): p for p in Presentation.objects.filter(event=event)}
    tracks = []
    for track in event.spec.tracks:
        rows = []
        for unit in track.units:
            if not reads_all_units(user) and not _may_upload(user, unit.key):
                continue
            rows.append(
                {
                    "unit": unit,
                    "presentation": existing.get((track.key, unit.key)),
                    "may_upload": _may_upload(user, unit.key) and event.before_close,
                }
            )
        if rows:
            tracks.append({"track": track, "rows": rows})
    return render(request, "appraisal/slides.html", {"event": event, "tracks": tracks})


@login_required
@require_POST
def slides_upload_view(request: HttpRequest, key: str, track: str, unit: str) -> HttpResponse:
    event = get_object_or_404(Event, key=key)
    if not _may_upload(request.user, unit):
        raise PermissionDenied(_("You can only upload your own unit's slides."))
    if not event.before_close:
        raise PermissionDenied(SLIDES_CLOSED)
    upload = request.FILES.get("slides")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            slides_upload(event=event, track=track, unit=unit, upload=upload)
        except (SlidesError, StateError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Slides uploaded."))
    return redirect("slides:list", key=key)


def slides_file(request: HttpRequest, key: str, track: str, unit: str) -> HttpResponseBase:
    """Slides are given to evaluators during the meeting, and to signed-in readers.

    Always as a download (``Content-Disposition: attachment``), never shown by the browser
    inside pingyi's pages: a liaison's upload is checked only to be a PDF or .pptx, and a
    PDF rendered on pingyi's own address could run its scripts or links there. Nothing
    embeds them (the big screen shows no slides; the phone and console link to them), so
    no page needs them inline. ``nosniff`` and a sandboxing CSP stand behind that."""
    event = get_object_or_404(Event, key=key)
    user = request.user
    allowed = event.state == EventState.OPEN or reads_all_units(user) or _may_upload(user, unit)
    presentation = Presentation.objects.filter(event=event, track=track, unit=unit).first()
    if not allowed or presentation is None or not presentation.slides:
        raise Http404
    name = presentation.slides.name.rsplit("/", 1)[-1]
    content_type = PDF if name.endswith(".pdf") else PPTX
    response = FileResponse(
        presentation.slides.open("rb"), content_type=content_type, as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
