"""The pipeline's pages: per unit the funnel and the projects (every signed-in account; a
liaison its own unit), and the office's import."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from pingyi.core.pure.officesheet import MAX_BYTES
from pingyi.pipeline import selectors, services
from pingyi.pipeline.errors import ImportRefused
from pingyi.pipeline.labels import LAG_LABELS, STAGE_LABELS
from pingyi.pipeline.method.funnel import STAGES
from pingyi.pipeline.method.sheet import read_project_sheet


class ProjectImportForm(forms.Form):
    file = forms.FileField(
        label=_("Project workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    batch = forms.CharField(
        label=_("Batch"),
        required=False,
        max_length=20,
        help_text=_("Empty: the 批次 column, else the batch in the title (第十四期)."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is over 10 MB."))
        return upload


def _percent(rate: Fraction | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


@login_required
@permission_required("pipeline.view", raise_exception=True)
def table(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")[:10])
    except ValueError:
        day = today
    batches = selectors.batches()
    batch = request.GET.get("batch") or None
    if batch not in batches:
        batch = None
    units = selectors.visible_units(request.user)
    funnels = [
        {
            "unit": unit,
            "f": f,
            "stages": [(STAGE_LABELS[s], f.count[s], f.invested[s]) for s in STAGES],
            "rates": (
                _percent(f.performance_rate),
                _percent(f.start_rate),
                _percent(f.production_rate),
            ),
        }
        for unit, f in selectors.funnel_by_unit(day, batch=batch, units=units)
    ]
    lines = [
        {"line": line, "lag": LAG_LABELS[line.lag.reason] if line.lag else ""}
        for line in selectors.project_lines(day, user=request.user, batch=batch)
    ]
    return render(
        request,
        "pipeline/table.html",
        {
            "day": day,
            "batches": batches,
            "batch": batch,
            "funnels": funnels,
            "lines": lines,
            "stage_labels": [STAGE_LABELS[s] for s in STAGES],
            "can_import": request.user.has_perm("pipeline.manage"),
        },
    )


@login_required
@permission_required("pipeline.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_sheet(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = read_project_sheet(
            upload.read(MAX_BYTES + 1), upload.name or "", batch=form.cleaned_data["batch"] or None
        )
        try:
            summary = services.projects_import(sheet)
        except ImportRefused as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported %(created)d new and %(updated)d updated projects of %(batches)s.")
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "batches": "、".join(summary.batches),
                },
            )
            return redirect(request.path.rsplit("import/", 1)[0])
    return render(request, "pipeline/import.html", {"form": form, "errors": errors})
