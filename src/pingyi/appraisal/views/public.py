"""Public results pages (no sign-in), receipts, unit history, and the office's diagnostics.

Nothing unpublished is public: see :mod:`pingyi.appraisal.selectors_public` for the rule.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pingyi.appraisal import selectors
from pingyi.appraisal import selectors_public as ps
from pingyi.appraisal.models import Event, EventKind, EventState
from pingyi.appraisal.outputs.exports import event_export


def _event_or_404(request: HttpRequest, key: str) -> Event:
    event = ps.results_event(key=key, user=request.user)
    if event is None:
        raise Http404(_("No published results for this appraisal."))
    return event


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    return render(request, "appraisal/public/index.html", {"events": ps.public_events()})


@require_GET
def results_event(request: HttpRequest, key: str) -> HttpResponse:
    event = _event_or_404(request, key)
    page = ps.results_page(event=event, user=request.user)
    return render(
        request,
        "appraisal/public/event.html",
        {
            "page": page,
            "event": event,
            "receipts": [ps.format_receipt(r) for r in page.receipts],
            "may_diagnose": ps.may_see_diagnostics(request.user),
        },
    )


@require_GET
def receipt_search(request: HttpRequest, key: str) -> HttpResponse:
    event = _event_or_404(request, key)
    typed = request.GET.get("code", "")
    answer = ps.receipt_lookup(event=event, typed=typed) if typed.strip() else None
    context = {
        "event": event,
        "answer": answer,
        "shown": answer and answer.code and ps.format_receipt(answer.code),
    }
    template = (
        "appraisal/public/_receipt_answer.html"
        if getattr(request, "htmx", False)
        else "appraisal/public/receipt.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def bundle_zip(request: HttpRequest, key: str) -> FileResponse:
    """The anonymous bundle (event.json, ballots.csv, results.json, receipts.txt) as a .zip."""
    event = _event_or_404(request, key)
    archive = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - closed by FileResponse
    folder_name = f"pingyi-{event.key}"
    with tempfile.TemporaryDirectory(prefix="pingyi-bundle-") as tmp:
        folder = Path(tmp) / folder_name
        event_export(key=event.key, directory=folder)
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.iterdir()):
                zf.write(path, f"{folder_name}/{path.name}")
    archive.seek(0)
    response = FileResponse(
        archive, as_attachment=True, filename=f"{folder_name}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = (
        "no-store" if event.state != EventState.PUBLISHED else "public, max-age=300"
    )
    return response


@require_GET
def unit_history(request: HttpRequest, unit_key: str) -> HttpResponse:
    kind = request.GET.get("kind")
    history = ps.unit_history(unit_key=unit_key, kind=kind if kind in EventKind.values else None)
    if history is None:
        raise Http404(_("No published results for this unit."))
    return render(
        request,
        "appraisal/public/unit_history.html",
        {"history": history, "chart": history.chart()},
    )


@require_GET
def diagnostics(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not ps.may_see_diagnostics(request.user):
        raise PermissionDenied(_("Rater diagnostics are for the office and the leaders."))
    event = Event.objects.filter(key=key).first()
    if event is None or not event.has_results:
        raise Http404(_("Diagnostics are available once voting has closed."))
    return render(
        request,
        "appraisal/public/diagnostics.html",
        {"event": event, "diagnostics": ps.event_diagnostics(event=event)},
    )


def home_context(request: HttpRequest) -> dict[str, object]:
    """The home page's events part (``AppraisalConfig.home_context``): the latest six."""
    return {
        "events": selectors.events_visible_to(user=request.user).select_related("previous")[:6]
    }
