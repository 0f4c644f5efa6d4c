"""Unit pages: the list (filtered by role), one unit, its edit form, and the Excel import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from pingyi.accounts.rules import reads_all_units
from pingyi.orgs.forms import UnitForm, UnitImportForm
from pingyi.orgs.models import Unit, UnitKind
from pingyi.orgs.selectors import units_visible_to
from pingyi.orgs.services import UnitImportError, read_unit_workbook, unit_save, units_import


@login_required
@permission_required("orgs.list_units", raise_exception=True)
def unit_list(request: HttpRequest) -> HttpResponse:
    units = units_visible_to(user=request.user).prefetch_related("groups")
    return render(request, "orgs/unit_list.html", {"units": units})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit, code=code)
    if not request.user.has_perm("orgs.view_unit", unit):
        raise PermissionDenied(_("You can only see your own unit."))
    return render(
        request,
        "orgs/unit_detail.html",
        {"unit": unit, "groups": unit.groups.all(), "liaisons": unit.liaisons.all()},
    )


@login_required
@permission_required("orgs.manage_units", raise_exception=True)
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The office edits a unit: name, short name, aliases, kind, order, active."""
    unit = get_object_or_404(Unit, code=code)
    if request.method == "POST":
        form = UnitForm(request.POST, instance=unit)
        if form.is_valid():
            try:
                unit_save(unit=form.instance)
            except ValidationError as exc:  # a clash that appeared since the form was checked
                form.add_error(None, exc)
            else:
                messages.success(request, _("The unit was saved."))
                return redirect("orgs:unit_detail", code=unit.code)
    else:
        form = UnitForm(instance=unit)
    return render(request, "orgs/unit_edit.html", {"unit": unit, "form": form})


@login_required
@permission_required("orgs.manage_units", raise_exception=True)
def unit_import(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        form = UnitImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = read_unit_workbook(form.cleaned_data["file"])
                summary = units_import(rows=rows)
            except UnitImportError as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(
                    request,
                    _("Imported: %(created)d new units, %(updated)d updated, %(groups)d new groups.")  # noqa: E501
                    % {
                        "created": summary.created,
                        "updated": summary.updated,
                        "groups": summary.groups_created,
                    },
                )
                return redirect("orgs:unit_list")
    else:
        form = UnitImportForm()
    return render(request, "orgs/unit_import.html", {"form": form, "errors": errors})


def home_context(request: HttpRequest) -> dict[str, object]:
    """The home page's units part (``OrgsConfig.home_context``): counts per kind."""
    units = units_visible_to(user=request.user)
    counts = dict.fromkeys(UnitKind, 0)
    for kind in units.values_list("kind", flat=True):
        counts[UnitKind(kind)] += 1
    return {
        "unit_counts": [(kind.label, n) for kind, n in counts.items() if n],
        "unit_total": sum(counts.values()),
        "reads_all": reads_all_units(request.user),
        "own_unit": request.user.unit,  # type: ignore[union-attr]
    }
