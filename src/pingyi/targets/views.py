"""The year targets' pages: the table per unit (every signed-in account; a liaison its own
unit), and the office's import."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from pingyi.core.pure.officesheet import MAX_BYTES
from pingyi.targets import selectors, services
from pingyi.targets.errors import ImportRefused
from pingyi.targets.labels import STATUS_CLASSES, STATUS_LABELS
from pingyi.targets.method.sheet import read_target_sheet


class TargetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Target workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(
        label=_("Month of the actuals"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("Empty: the month in the actuals' header (1-9月累计 → 9)."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is over 10 MB."))
        return upload


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 4 else None


@login_required
@permission_required("targets.view", raise_exception=True)
def table(request: HttpRequest) -> HttpResponse:
    years = selectors.years()
    year = _int(request.GET.get("year")) or (years[0] if years else None)
    month = _int(request.GET.get("month"))
    if month is not None and not 1 <= month <= 12:
        month = None
    rows: list[selectors.UnitTargets] = []
    if year is not None:
        month, rows = selectors.unit_targets_for(request.user, year, month)
    shown = [
        {
            "unit": row.unit,
            "share": row.share,
            "percent": None if row.share.share is None else round(row.share.share * 100),
            "lines": [
                {
                    "line": line,
                    "label": STATUS_LABELS[line.progress.status],
                    "css": STATUS_CLASSES[line.progress.status],
                }
                for line in row.lines
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "targets/table.html",
        {
            "years": years,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "rows": shown,
            "labels": STATUS_LABELS,
            "classes": STATUS_CLASSES,
            "can_import": request.user.has_perm("targets.manage"),
        },
    )


@login_required
@permission_required("targets.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_sheet(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    form = TargetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        sheet = read_target_sheet(upload.read(MAX_BYTES + 1), upload.name or "")
        try:
            summary = services.targets_import(
                sheet, year=form.cleaned_data["year"], month=form.cleaned_data["month"]
            )
        except ImportRefused as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _(
                    "Imported the targets of %(year)s: %(created)d new, %(updated)d updated, "
                    "%(actuals)d actuals of month %(month)s."
                )
                % {
                    "year": summary.year,
                    "created": summary.created,
                    "updated": summary.updated,
                    "actuals": summary.actuals,
                    "month": summary.month or "-",
                },
            )
            url = f"{request.path.rsplit('import/', 1)[0]}?year={summary.year}"
            if summary.month:
                url += f"&month={summary.month}"
            return redirect(url)
    return render(request, "targets/import.html", {"form": form, "errors": errors})
