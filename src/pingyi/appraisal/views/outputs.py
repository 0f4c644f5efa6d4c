"""Office downloads of an event's outputs: the results workbook, the PDF report, and the
ballot cards (issued as they are printed).

Only the office may use these pages (``appraisal.print_cards`` / ``appraisal.download_outputs``,
both :func:`pingyi.accounts.rules.is_office`). The workbook and the report exist once voting
has closed — never running scores. A cards PDF carries the cards' only copy of their secrets,
so it is never cached.
"""

from __future__ import annotations

from typing import Any

import rules
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from pingyi.accounts.rules import is_office
from pingyi.appraisal import errors, selectors
from pingyi.appraisal.models import Event
from pingyi.appraisal.outputs.printing import issue_cards_pdf
from pingyi.appraisal.outputs.report import build_report, event_diagnostics
from pingyi.appraisal.outputs.workbook import build_workbook
from pingyi.core.pdf_font import PdfFontMissing

rules.set_perm("appraisal.download_outputs", is_office)
rules.set_perm("appraisal.print_cards", is_office)

#: A browser download is kept to a size that renders in seconds; the CLI allows more.
MAX_CARDS_PER_DOWNLOAD = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _closed_event(key: str) -> Event:
    event = get_object_or_404(Event, key=key)
    if not event.has_results:
        raise PermissionDenied(_("Results are available once voting has closed."))
    return event


def _attachment(data: bytes, content_type: str, filename: str, *, secret: bool = False) -> Any:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if secret:
        response["Cache-Control"] = "no-store, private"
    return response


def _font_problem(request: HttpRequest, exc: PdfFontMissing) -> HttpResponse:
    return render(request, "appraisal/outputs_problem.html", {"problem": str(exc)}, status=503)


@login_required
@permission_required("appraisal.download_outputs", raise_exception=True)
@require_GET
def event_outputs(request: HttpRequest, key: str) -> HttpResponse:
    """The event's outputs page: what can be downloaded now, and the cards form's link."""
    event = get_object_or_404(Event, key=key)

    return render(
        request,
        "appraisal/outputs_event.html",
        {
            "event": event,
            "counts": selectors.panel_counts(event=event),
            "can_issue": event.before_close,
        },
    )


@login_required
@permission_required("appraisal.download_outputs", raise_exception=True)
@require_GET
def workbook_download(request: HttpRequest, key: str) -> HttpResponse:
    event = _closed_event(key)
    data = build_workbook(event=event)
    return _attachment(data, XLSX, f"results-{event.key}.xlsx")


@login_required
@permission_required("appraisal.download_outputs", raise_exception=True)
@require_GET
def report_download(request: HttpRequest, key: str) -> HttpResponse:
    event = _closed_event(key)
    try:
        intro, sections = event_diagnostics(event)
        data = build_report(event=event, diagnostics=sections, diagnostics_intro=intro)
    except PdfFontMissing as exc:
        return _font_problem(request, exc)
    return _attachment(data, "application/pdf", f"report-{event.key}.pdf")


class CardsForm(forms.Form):
    panel = forms.ChoiceField(label=gettext_lazy("Panel"))
    count = forms.IntegerField(
        label=gettext_lazy("Number of cards"),
        min_value=1,
        max_value=MAX_CARDS_PER_DOWNLOAD,
        initial=8,
        help_text=gettext_lazy("8 cards fit on one A4 page. Print a few spare cards."),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Bound to unit"),
        required=False,
        help_text=gettext_lazy(
            "For holders who belong to an appraised unit: that unit is left out of their "
            "ballot (no self-appraisal)."
        ),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = event.spec
        panel = self.fields["panel"]
        assert isinstance(panel, forms.ChoiceField)  # nosec B101 # type narrowing
        panel.choices = [(p.key, p.name) for p in spec.panels]
        units: list[Any] = [("", _("— none —"))]
        for track in spec.tracks:
            units.append((track.name, [(u.key, u.name) for u in track.units]))
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ChoiceField)  # nosec B101 # type narrowing
        unit.choices = units


def _public_url(request: HttpRequest) -> str:
    return (settings.PUBLIC_URL or request.build_absolute_uri("/")).rstrip("/")


@never_cache
@login_required
@permission_required("appraisal.print_cards", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cards_form(request: HttpRequest, key: str) -> HttpResponse:
    """GET: the form. POST: issue the cards and answer their PDF (nothing kept on the server)."""
    event = get_object_or_404(Event, key=key)
    can_issue = event.before_close
    problem = ""
    status = 200
    if request.method == "POST":
        form = CardsForm(request.POST, event=event)
        if not can_issue:
            problem = _("Voting has closed: no more cards can be issued.")
            status = 409
        elif form.is_valid():
            data = form.cleaned_data
            try:
                printed = issue_cards_pdf(
                    event=event,
                    panel=data["panel"],
                    count=data["count"],
                    unit=data["unit"] or None,
                    public_url=_public_url(request),
                )
            except errors.AppraisalError as exc:
                problem, status = exc.message, exc.status
            except PdfFontMissing as exc:
                return _font_problem(request, exc)
            else:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                name = f"cards-{event.key}-{data['panel']}-{printed.count}-{stamp}.pdf"
                return _attachment(printed.pdf, "application/pdf", name, secret=True)
        else:
            status = 400
    else:
        form = CardsForm(event=event)
    return render(
        request,
        "appraisal/outputs_cards.html",
        {"event": event, "form": form, "can_issue": can_issue, "problem": problem},
        status=status,
    )
