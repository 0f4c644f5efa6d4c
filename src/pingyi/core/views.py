"""The home page, the health check and the favicon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from pingyi.accounts.rules import is_office, reads_all_units
from pingyi.orgs.models import UnitKind
from pingyi.orgs.selectors import units_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = units_visible_to(user=request.user)
    counts = dict.fromkeys(UnitKind, 0)
    for kind in units.values_list("kind", flat=True):
        counts[UnitKind(kind)] += 1
    from pingyi.appraisal.selectors import events_visible_to

    return render(
        request,
        "core/home.html",
        {
            "events": events_visible_to(user=request.user).select_related("previous")[:6],
            "is_office": is_office(request.user),
            "unit_counts": [(kind.label, n) for kind, n in counts.items() if n],
            "unit_total": sum(counts.values()),
            "reads_all": reads_all_units(request.user),
            "own_unit": request.user.unit,  # type: ignore[union-attr]
        },
    )


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


_FAVICON = Path(__file__).resolve().parent / "static" / "pingyi" / "favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    return _FAVICON.read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for by themselves (pages also link the SVG icon)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")
