"""The home page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

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
