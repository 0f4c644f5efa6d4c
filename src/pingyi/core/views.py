"""The home page (assembled from each app's part), the health check and the favicon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from pingyi.accounts.rules import is_office


def home_parts() -> list[str]:
    """The dotted paths of the installed apps' parts of the home page (``home_context``)."""
    return [
        c.home_context  # type: ignore[attr-defined]
        for c in apps.get_app_configs()
        if getattr(c, "home_context", None)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page. Core imports no domain app: each app that shows something here names
    a function in its ``AppConfig.home_context`` that takes the request and returns the
    template variables it fills in ``core/home.html``."""
    context: dict[str, object] = {"is_office": is_office(request.user)}
    for path in home_parts():
        context.update(import_string(path)(request))
    return render(request, "core/home.html", context)


@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """``/healthz`` for systemd, nginx and monitors: no sign-in, GET or HEAD; 200 when every
    check passes (database writable, queue consumer alive, disk space), else 503, with what
    failed and a short reason, never a path or an error's text (``core/health.py``)."""
    from pingyi.core.health import health_report  # noqa: PLC0415 (models need the app registry)

    report = health_report()
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    # A 503 here is the monitor's answer, not a server error: no "Service Unavailable"
    # line in the log at every poll (Django logs 5xx unless told it was logged).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


_FAVICON = Path(__file__).resolve().parent / "static" / "pingyi" / "favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    return _FAVICON.read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for by themselves (pages also link the SVG icon)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


@login_required
@never_cache
@require_safe
def export(request: HttpRequest, pk: str) -> HttpResponseBase:
    """A long export's page (``core/exports.py``): its state, refreshed by the page itself
    until the file is ready; ``?download=1`` the file; ``?format=json`` the state. Only the
    account that asked (or the office) sees it; another answers 404, as a missing one."""
    from pingyi.core.models import ExportJob  # noqa: PLC0415 (models need the app registry)

    job = ExportJob.objects.filter(pk=pk).first() if _is_uuid(pk) else None
    if job is None or (job.requested_by_id != request.user.pk and not is_office(request.user)):
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse({"state": job.state, "error": job.error})
    if request.GET.get("download") and job.state == ExportJob.State.DONE and job.file:
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename,
            content_type=job.content_type,
        )
    return render(request, "core/export.html", {"job": job})


def _is_uuid(value: str) -> bool:
    import uuid  # noqa: PLC0415 (only this check needs it)

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
