"""The arena's pages: the office defines an arena and its indicators, imports a month's values,
freezes and publishes it; anyone reads a published month (no sign-in), with its bundle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from pingyi.accounts.rules import reads_all_units
from pingyi.core.pure.officesheet import MAX_BYTES
from pingyi.orgs.models import UnitGroup
from pingyi.scoreboard import selectors, services
from pingyi.scoreboard.errors import ScoreboardError
from pingyi.scoreboard.models import Arena, Direction, Method, MonthState, Source


class ArenaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    key = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=40,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, e.g. counties."),
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Units (a unit group)"),
        queryset=UnitGroup.objects.order_by("order", "code"),
        to_field_name="code",
    )
    decimals = forms.IntegerField(
        label=gettext_lazy("Decimals"), min_value=0, max_value=6, initial=2
    )
    red_top = forms.IntegerField(
        label=gettext_lazy("Red list: top"), min_value=0, max_value=999, initial=3
    )
    black_bottom = forms.IntegerField(
        label=gettext_lazy("Black list: bottom"), min_value=0, max_value=999, initial=3
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    key = forms.SlugField(label=gettext_lazy("Key"), max_length=40)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"), min_value=0, max_digits=9, decimal_places=3
    )
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Direction.choices)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=Method.choices)
    target = forms.DecimalField(
        label=gettext_lazy("Target (method: against a target)"),
        required=False,
        max_digits=18,
        decimal_places=6,
    )
    rank_step = forms.DecimalField(
        label=gettext_lazy("Rank step (method: by rank)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=3,
        initial=5,
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Source.choices)
    event_key = forms.CharField(
        label=gettext_lazy("Appraisal event key (source: appraisal)"), required=False, max_length=64
    )


class MonthForm(forms.Form):
    period = forms.RegexField(
        label=gettext_lazy("Month (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": gettext_lazy("Write the month as YYYY-MM, e.g. 2026-11.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Values workbook (.xlsx)"),
        help_text=gettext_lazy(
            "First column 单位 (a unit's code, name or alias), then one column per entered "
            "indicator (its name or key), optionally 免于黑榜 (是). All or nothing."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _refused(request: HttpRequest, exc: ScoreboardError) -> None:
    messages.error(request, exc.message)


# --------------------------------------------------------------------------- office


@login_required
@permission_required("scoreboard.view", raise_exception=True)
@require_http_methods(["GET", "POST"])
def office_index(request: HttpRequest) -> HttpResponse:
    form = ArenaForm(request.POST or None)
    may_manage = request.user.has_perm("scoreboard.manage")
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                arena = services.create_arena(
                    key=data["key"],
                    name=data["name"],
                    group=data["group"].code,
                    decimals=data["decimals"],
                    red_top=data["red_top"],
                    black_bottom=data["black_bottom"],
                    actor=_actor(request),
                )
            except ScoreboardError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("scoreboard:arena", arena.key)
    rows = [(a, selectors.months(a).first()) for a in selectors.arenas()]
    return render(
        request,
        "scoreboard/office_index.html",
        {"rows": rows, "form": form, "may_manage": may_manage},
    )


@login_required
@permission_required("scoreboard.view", raise_exception=True)
@require_http_methods(["GET", "POST"])
def arena_detail(request: HttpRequest, key: str) -> HttpResponse:
    arena = get_object_or_404(Arena.objects.select_related("group"), key=key)
    may_manage = request.user.has_perm("scoreboard.manage")
    indicator_form = IndicatorForm(
        request.POST if request.POST.get("action") == "indicator" else None
    )
    month_form = MonthForm(request.POST if request.POST.get("action") == "month" else None)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        try:
            if request.POST.get("action") == "indicator" and indicator_form.is_valid():
                d = indicator_form.cleaned_data
                services.add_indicator(
                    arena=arena,
                    key=d["key"],
                    name=d["name"],
                    weight=d["weight"],
                    direction=d["direction"],
                    method_name=d["method"],
                    target=d["target"],
                    rank_step=d["rank_step"],
                    source=d["source"],
                    event_key=d["event_key"] or "",
                    actor=_actor(request),
                )
                messages.success(request, _("Indicator %(name)s added.") % {"name": d["name"]})
                return redirect("scoreboard:arena", arena.key)
            if request.POST.get("action") == "remove":
                services.remove_indicator(
                    arena=arena, key=request.POST.get("key", ""), actor=_actor(request)
                )
                messages.success(request, _("The indicator is removed."))
                return redirect("scoreboard:arena", arena.key)
            if request.POST.get("action") == "month" and month_form.is_valid():
                month = services.open_month(
                    arena=arena, period=month_form.cleaned_data["period"], actor=_actor(request)
                )
                return redirect("scoreboard:month", arena.key, month.period)
        except ScoreboardError as exc:
            if request.POST.get("action") == "remove":
                messages.error(request, exc.message)
            else:
                form = indicator_form if request.POST.get("action") == "indicator" else month_form
                form.add_error(None, exc.message)
    return render(
        request,
        "scoreboard/arena.html",
        {
            "arena": arena,
            "indicators": selectors.indicators(arena),
            "units": selectors.arena_units(arena),
            "months": selectors.months(arena),
            "indicator_form": indicator_form,
            "month_form": month_form,
            "may_manage": may_manage,
        },
    )


@login_required
@permission_required("scoreboard.view", raise_exception=True)
@require_http_methods(["GET", "POST"])
def month_detail(request: HttpRequest, key: str, period: str) -> HttpResponse:
    month = selectors.month_of(key, period)
    if month is None:
        raise Http404(_("No such month of this arena."))
    may_manage = request.user.has_perm("scoreboard.manage")
    import_form = ImportForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES if request.POST.get("action") == "import" else None,
    )
    if request.method == "POST":
        if not may_manage:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "import" and import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                if upload.size > MAX_BYTES:
                    raise services.InvalidInput(
                        _("The file is too large: a workbook may be at most %(max)d MB.")
                        % {"max": MAX_BYTES >> 20}
                    )
                count = services.import_values(
                    month=month, data=upload.read(), file_name=upload.name, actor=_actor(request)
                )
                messages.success(request, _("%(count)d values imported.") % {"count": count})
                return redirect("scoreboard:month", key, period)
            if action == "freeze":
                services.freeze_month(month=month, actor=_actor(request))
                messages.success(request, _("The month is frozen: its bundle is written."))
                return redirect("scoreboard:month", key, period)
            if action == "publish":
                services.publish_month(month=month, actor=_actor(request))
                messages.success(request, _("The month is published."))
                return redirect("scoreboard:month", key, period)
        except ScoreboardError as exc:
            if action == "import":
                import_form.add_error(None, exc.message)
            else:
                _refused(request, exc)
    arena = month.arena
    items = selectors.indicators(arena)
    grid = selectors.value_grid(month)
    exempt = {u.pk for u in month.exempt.all()}
    table = [
        (unit, [grid.get((unit.pk, x.pk)) for x in items], unit.pk in exempt)
        for unit in selectors.arena_units(arena)
    ]
    return render(
        request,
        "scoreboard/month.html",
        {
            "arena": arena,
            "month": month,
            "indicators": items,
            "table": table,
            "board": selectors.board(month),
            "import_form": import_form,
            "may_manage": may_manage,
            "is_open": month.state == MonthState.OPEN,
            "is_frozen": month.state == MonthState.FROZEN,
            "is_published": month.state == MonthState.PUBLISHED,
        },
    )


# --------------------------------------------------------------------------- public


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "scoreboard/public_index.html", {"months": selectors.published_months()})


def _visible_month(request: HttpRequest, key: str, period: str) -> Any:
    """Published: everyone. Frozen: the office, leaders and viewers (a preview)."""
    month = selectors.month_of(key, period)
    if month is None or month.state == MonthState.OPEN:
        raise Http404(_("No published ranking for this month."))
    if month.state != MonthState.PUBLISHED and not reads_all_units(request.user):
        raise Http404(_("No published ranking for this month."))
    return month


@require_GET
def public_month(request: HttpRequest, key: str, period: str) -> HttpResponse:
    month = _visible_month(request, key, period)
    return render(
        request,
        "scoreboard/public_month.html",
        {
            "month": month,
            "board": selectors.board(month),
            "preview": month.state != MonthState.PUBLISHED,
        },
    )


@require_GET
def bundle(request: HttpRequest, key: str, period: str) -> HttpResponse:
    month = _visible_month(request, key, period)
    response = HttpResponse(services.bundle_zip(month), content_type="application/zip")
    disposition = content_disposition_header(True, f"pingyi-arena-{month.bundle_key}.zip")
    response["Content-Disposition"] = disposition or "attachment"
    return response


def home_context(request: HttpRequest) -> dict[str, object]:
    """The home page's arena part (``ScoreboardConfig.home_context``): the latest published
    month's red and black lists."""
    month = selectors.latest_published()
    if month is None:
        return {}
    return {"arena_home": {"month": month, "board": selectors.board(month)}}
