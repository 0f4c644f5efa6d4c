"""The office's supervision pages (issue 11): importing a list sheet (upload → a row-by-row
preview → confirm), the deadlines to confirm, the working-day overrides, and a unit's page.

The import page calls exactly what ``pingyi lists import`` calls (``read_list_sheet``,
``services.list_spec_for``, ``services.sheet_rows``, ``services.list_import``). The uploaded
file is kept between the preview and the confirmation in the data folder
(``DATA_DIR/supervision-uploads/<id>.xlsx``, the folder 0700, the file 0600) under a random id
that only the session that uploaded it knows, for at most :data:`UPLOAD_TTL` seconds; the
confirmation re-reads that very file (its SHA-256 checked) with the options of the preview,
so it imports what was previewed or nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from pingyi.core.exports import export_request, job_url
from pingyi.orgs.models import Unit
from pingyi.supervision import roundtrip, selectors, services
from pingyi.supervision.errors import ImportRefused
from pingyi.supervision.method.deadline import parse_deadline
from pingyi.supervision.method.sheet import MAX_BYTES, read_list_sheet
from pingyi.supervision.models import (
    Cadence,
    DeadlineKind,
    Every,
    Item,
    ListKind,
    SupervisionList,
)
from pingyi.supervision.views import STATUS_LABELS, _row

#: how long an uploaded sheet waits for its confirmation (seconds)
UPLOAD_TTL = 3600
#: uploads a session may hold at once (older ones are dropped)
MAX_UPLOADS = 5
_SESSION_KEY = "supervision_uploads"
_ID = re.compile(r"[A-Za-z0-9_-]{32}")

WARNING_LABELS = {
    "not_understood": gettext_lazy("not understood"),
    "ambiguous": gettext_lazy("ambiguous"),
    "before_list_year": gettext_lazy("before the list's year"),
}


def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "supervision-uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


# --- 1. importing a list sheet ---------------------------------------------------------------


class ListImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of list"), choices=ListKind.choices)
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Empty: the year in the sheet's title."),
    )
    assigned_on = forms.DateField(
        label=gettext_lazy("Assigned on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: 1 January of the year."),
    )
    cadence = forms.ChoiceField(
        label=gettext_lazy("Reporting cadence"), choices=Cadence.choices, initial=Cadence.WEEK
    )
    name = forms.CharField(
        label=gettext_lazy("List name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Empty: the sheet's title."),
    )
    key = forms.SlugField(
        label=gettext_lazy("List key"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("Empty: YEAR-KIND, e.g. 2026-tasks. An existing key is updated."),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Empty: the first sheet with a header."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is over 30 MB."))
        return upload


@dataclass(frozen=True)
class NameShown:
    """A unit name as written in a cell: the unit it resolved to, or the closest known."""

    text: str
    unit: Unit | None
    closest: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviewRow:
    row: services.ItemRow
    lead: tuple[NameShown, ...]
    co: tuple[NameShown, ...]
    deadline: dict[str, Any]
    deadline_text: str
    warnings: tuple[str, ...]
    exists: bool
    bad: bool
    kind_label: str = ""
    every_label: str = ""


def _names(index: selectors.UnitNameIndex, text: str) -> list[NameShown]:
    found = index.resolve(text)
    shown = [NameShown(u.name, u) for u in found.units]
    shown += [NameShown(u.name, None, tuple(s.name for s in u.suggestions)) for u in found.unknown]
    return shown


def _preview(spec: services.ListSpec, rows: list[services.ItemRow]) -> list[PreviewRow]:
    """Each row as understood: names resolved (unknown ones with the closest known units),
    the deadline's meaning."""
    index = selectors.unit_names()
    calendar = selectors.working_days()
    existing = set(
        Item.objects.filter(supervision_list__key=spec.key).values_list("number", flat=True)
    )
    shown = []
    for row in rows:
        lead = _names(index, row.lead_unit) if row.lead_unit.strip() else []
        co = [name for text in row.co_units for name in _names(index, text)]
        meaning = parse_deadline(
            row.deadline, year=spec.year, assigned=spec.assigned_on, calendar=calendar
        ).to_json()
        bad = (
            not row.number.strip()
            or not row.title.strip()
            or not lead
            or any(n.unit is None for n in (*lead, *co))
        )
        shown.append(
            PreviewRow(
                row=row,
                lead=tuple(lead),
                co=tuple(co),
                deadline=meaning,
                deadline_text=services._deadline_text(row.deadline),
                warnings=tuple(str(WARNING_LABELS.get(w, w)) for w in meaning["warnings"]),
                exists=row.number.strip() in existing,
                bad=bad,
                kind_label=str(dict(DeadlineKind.choices).get(meaning["kind"], meaning["kind"])),
                every_label=str(dict(Every.choices).get(meaning["every"] or "", "")),
            )
        )
    return shown


def _options(data: dict[str, Any]) -> dict[str, Any]:
    """The form's options as kept in the session (JSON)."""
    assigned = data.get("assigned_on")
    return {
        "kind": data["kind"],
        "cadence": data["cadence"],
        "year": data.get("year"),
        "assigned_on": assigned.isoformat() if assigned else None,
        "name": data.get("name") or None,
        "key": data.get("key") or None,
        "sheet": data.get("sheet") or None,
    }


def _read(path: Path, file_name: str, options: dict[str, Any]) -> tuple[Any, ...]:
    """The one import path (as ``pingyi lists import``): the sheet, the list's fields, the
    rows and every problem found before the import itself."""
    sheet = read_list_sheet(path, sheet=options["sheet"])
    assigned = options["assigned_on"]
    spec = services.list_spec_for(
        sheet,
        kind=options["kind"],
        cadence=options["cadence"],
        year=options["year"],
        assigned_on=date.fromisoformat(assigned) if assigned else None,
        key=options["key"],
        name=options["name"],
        file_name=file_name,
    )
    rows, problems = services.sheet_rows(sheet)
    return sheet, spec, rows, problems


def _uploads(request: HttpRequest) -> dict[str, Any]:
    """The session's uploads, the expired ones (and their files) dropped."""
    kept = request.session.get(_SESSION_KEY) or {}
    now = time.time()
    fresh = {}
    for upload_id, entry in kept.items():
        if now - entry.get("at", 0) <= UPLOAD_TTL and _ID.fullmatch(upload_id):
            fresh[upload_id] = entry
        elif _ID.fullmatch(upload_id):
            (upload_dir() / f"{upload_id}.xlsx").unlink(missing_ok=True)
    if fresh != kept:
        request.session[_SESSION_KEY] = fresh
    return fresh


def _forget(request: HttpRequest, upload_id: str) -> None:
    uploads = _uploads(request)
    uploads.pop(upload_id, None)
    request.session[_SESSION_KEY] = uploads
    (upload_dir() / f"{upload_id}.xlsx").unlink(missing_ok=True)


def _keep(request: HttpRequest, data: bytes, file_name: str, options: dict[str, Any]) -> str:
    now = time.time()
    for stale in upload_dir().glob("*.xlsx"):  # any session's, never confirmed
        try:
            if now - stale.stat().st_mtime > UPLOAD_TTL:
                stale.unlink()
        except OSError:  # removed meanwhile by its own session
            pass
    upload_id = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]
    path = upload_dir() / f"{upload_id}.xlsx"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    uploads = _uploads(request)
    for old in sorted(uploads, key=lambda k: uploads[k]["at"])[
        : max(0, len(uploads) - MAX_UPLOADS + 1)
    ]:
        uploads.pop(old)
        (upload_dir() / f"{old}.xlsx").unlink(missing_ok=True)
    uploads[upload_id] = {
        "at": time.time(),
        "file": file_name[:255],
        "sha256": hashlib.sha256(data).hexdigest(),
        "options": options,
    }
    request.session[_SESSION_KEY] = uploads
    return upload_id


@login_required
@permission_required("supervision.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def list_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (all or nothing)."""
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm(request, request.POST["confirm"])
    context: dict[str, Any] = {"errors": [], "preview": None, "upload_id": None}
    if request.method == "POST":
        form = ListImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_BYTES + 1)
            file_name = Path(upload.name or "list.xlsx").name
            options = _options(form.cleaned_data)
            upload_id = _keep(request, data, file_name, options)
            path = upload_dir() / f"{upload_id}.xlsx"
            sheet, spec, rows, problems = _read(path, file_name, options)
            _understood, errors = services.list_understand(spec, rows)
            errors = [*problems, *errors]
            context.update(
                preview=_preview(spec, rows),
                spec=spec,
                sheet=sheet,
                errors=errors,
                file_name=file_name,
            )
            if errors:
                _forget(request, upload_id)  # nothing to confirm
            else:
                context["upload_id"] = upload_id
    else:
        form = ListImportForm()
    context["form"] = form
    return render(request, "supervision/office/list_import.html", context)


def _confirm(request: HttpRequest, upload_id: str) -> HttpResponse:
    entry = _uploads(request).get(upload_id) if _ID.fullmatch(upload_id) else None
    path = upload_dir() / f"{upload_id}.xlsx"
    if entry is None or entry["options"].get("purpose") or not path.is_file():
        messages.error(
            request,
            _(
                "That upload is unknown or has expired (an upload waits one hour): "
                "upload the sheet again."
            ),
        )
        return redirect("supervision:office_list_import")
    if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
        _forget(request, upload_id)
        raise PermissionDenied(_("The uploaded file changed after the preview."))
    sheet, spec, rows, problems = _read(path, entry["file"], entry["options"])
    try:
        summary = services.list_import(
            spec, rows, actor=request.user.get_username(), problems=problems
        )
    except ImportRefused as exc:
        _forget(request, upload_id)
        form = ListImportForm(initial=entry["options"])
        return render(
            request,
            "supervision/office/list_import.html",
            {
                "form": form,
                "errors": exc.errors,
                "preview": _preview(spec, rows),
                "spec": spec,
                "sheet": sheet,
                "file_name": entry["file"],
                "upload_id": None,
            },
            status=422,
        )
    _forget(request, upload_id)
    messages.success(
        request,
        _("Imported %(created)d new and %(updated)d updated items into %(name)s.")
        % {"created": summary.created, "updated": summary.updated, "name": spec.name},
    )
    return redirect(reverse("supervision:item_list") + f"?list={summary.key}")


# --- 2. the Excel round trip ------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit_or_404(code: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(_("No unit “%(code)s”.") % {"code": code[:40]})
    return unit


@login_required
@permission_required("supervision.manage", raise_exception=True)
def list_export(request: HttpRequest, key: str) -> HttpResponse:
    """The list in the office's layout with empty progress columns (roundtrip.list_workbook);
    ``?unit=CODE``: only that unit's items (lead or co-unit), for the unit to fill."""
    the_list = get_object_or_404(SupervisionList, key=key)
    unit = _unit_or_404(request.GET.get("unit", ""))
    today = timezone.localdate()
    if the_list.items.count() > roundtrip.EXPORT_INLINE_ITEMS:
        # seconds of work: the queue makes it, the job's page shows it when it is ready
        job = export_request(
            kind="supervision.list_xlsx",
            params={"list": the_list.key, "day": today.isoformat(),
                    "unit": unit.code if unit else ""},
            title=_("%(list)s (.xlsx)") % {"list": the_list.name},
            user=request.user,
        )
        return redirect(job_url(job))
    data = roundtrip.list_workbook(the_list, today, unit)
    name = f"{the_list.name}-{unit.name}.xlsx" if unit else f"{the_list.name}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


class ReportsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in sheet (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > roundtrip.MAX_BYTES:
            raise forms.ValidationError(_("The file is over 30 MB."))
        return upload


@login_required
@permission_required("supervision.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def list_roundtrip(request: HttpRequest, key: str) -> HttpResponse:
    """Export for a unit; import its filled sheet: the differences first, then confirm (the
    same ``roundtrip.reports_import`` as ``pingyi reports import``)."""
    the_list = get_object_or_404(SupervisionList, key=key)
    context: dict[str, Any] = {"the_list": the_list, "errors": [], "differences": None}
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm_reports(request, the_list, request.POST["confirm"])
    if request.method == "POST":
        form = ReportsUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(roundtrip.MAX_BYTES + 1)
            today = timezone.localdate()
            rows, problems = roundtrip.read_report_rows(data, today=today)
            try:
                roundtrip.reports_import(the_list, rows, problems=problems, dry_run=True)
            except ImportRefused as exc:
                context["errors"] = exc.errors
            context["differences"] = roundtrip.report_differences(the_list, rows, today=today)
            if not context["errors"]:
                options = {"purpose": "reports", "list": the_list.key, "today": today.isoformat()}
                file_name = Path(upload.name or "reports.xlsx").name
                context["upload_id"] = _keep(request, data, file_name, options)
    else:
        form = ReportsUploadForm()
    context["form"] = form
    context["units"] = Unit.objects.filter(active=True)
    return render(request, "supervision/office/roundtrip.html", context)


def _confirm_reports(
    request: HttpRequest, the_list: SupervisionList, upload_id: str
) -> HttpResponse:
    entry = _uploads(request).get(upload_id) if _ID.fullmatch(upload_id) else None
    path = upload_dir() / f"{upload_id}.xlsx"
    here = reverse("supervision:office_roundtrip", kwargs={"key": the_list.key})
    options = entry["options"] if entry else {}
    if (
        entry is None
        or options.get("purpose") != "reports"
        or options.get("list") != the_list.key
        or not path.is_file()
    ):
        messages.error(
            request,
            _(
                "That upload is unknown or has expired (an upload waits one hour): "
                "upload the sheet again."
            ),
        )
        return redirect(here)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        _forget(request, upload_id)
        raise PermissionDenied(_("The uploaded file changed after the preview."))
    rows, problems = roundtrip.read_report_rows(data, today=date.fromisoformat(options["today"]))
    try:
        summary = roundtrip.reports_import(
            the_list, rows, problems=problems, actor=request.user.get_username()
        )
    except ImportRefused as exc:
        _forget(request, upload_id)
        for error in exc.errors:
            messages.error(request, error)
        return redirect(here)
    _forget(request, upload_id)
    messages.success(
        request,
        _("%(count)d accepted reports were filed in %(name)s.")
        % {"count": summary.created, "name": the_list.name},
    )
    return redirect(reverse("supervision:item_list") + f"?list={the_list.key}")


# --- 3. deadlines to confirm -----------------------------------------------------------------


def deadline_queue() -> list[Item]:
    """Items whose deadline the office must confirm: kind unknown, or the parser warned
    (ambiguous, before the list's year), and not confirmed since."""
    items = Item.objects.select_related("supervision_list", "lead_unit").order_by(
        "supervision_list__key", "position", "id"
    )
    return [
        item
        for item in items
        if not item.deadline.get("confirmed")
        and (item.kind == DeadlineKind.UNKNOWN or item.deadline.get("warnings"))
    ]


class DeadlineForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    due = forms.DateField(
        label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[(k, label) for k, label in DeadlineKind.choices if k in ("date", "recurring")],
        initial="date",
    )
    every = forms.ChoiceField(
        label=gettext_lazy("Every"), choices=[("", "—"), *Every.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "recurring" and not data.get("every"):
            self.add_error("every", _("A recurring deadline needs its period (every …)."))
        return data


@login_required
@permission_required("supervision.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def deadlines(request: HttpRequest) -> HttpResponse:
    errors: dict[int, DeadlineForm] = {}
    if request.method == "POST":
        form = DeadlineForm(request.POST)
        item_id = request.POST.get("item", "")
        item = Item.objects.filter(pk=int(item_id)).first() if item_id.isdigit() else None
        if item is None:
            raise Http404(_("No such item."))
        if form.is_valid():
            data = form.cleaned_data
            services.deadline_confirm(
                item,
                due=data["due"],
                kind=data["kind"],
                every=data["every"] if data["kind"] == "recurring" else "",
                actor=request.user.get_username(),
            )
            messages.success(
                request,
                _("Item %(number)s is due %(due)s.")
                % {"number": item.number, "due": data["due"].isoformat()},
            )
            return redirect("supervision:office_deadlines")
        errors[item.pk] = form
    queue = deadline_queue()
    for item in queue:  # why it waits: each reason once, in words
        codes = (["not_understood"] if item.kind == DeadlineKind.UNKNOWN else []) + list(
            item.deadline.get("warnings") or []
        )
        item.why = [str(WARNING_LABELS.get(c, c)) for c in dict.fromkeys(codes)]  # type: ignore[attr-defined]
    rows = [
        (item, errors.get(item.pk) or DeadlineForm(initial={"item": item.pk})) for item in queue
    ]
    return render(request, "supervision/office/deadlines.html", {"rows": rows})


# --- 4. working-day overrides ----------------------------------------------------------------


class WorkdayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    working = forms.TypedChoiceField(
        label=gettext_lazy("The day is"),
        choices=[("1", gettext_lazy("a working day")), ("0", gettext_lazy("a day off"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)


@login_required
@permission_required("supervision.manage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def workdays(request: HttpRequest) -> HttpResponse:
    from pingyi.supervision.models import WorkdayOverride  # noqa: PLC0415

    form = WorkdayForm()
    if request.method == "POST":
        if "delete" in request.POST:
            raw = request.POST.get("delete", "")
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                day = None
            if day is None or not WorkdayOverride.objects.filter(day=day).exists():
                messages.error(request, _("No override for the day “%(day)s”.") % {"day": raw[:20]})
            else:
                services.workday_override_delete(day, actor=request.user.get_username())
                messages.success(request, _("The override of %(day)s was deleted.") % {"day": raw})
            return redirect("supervision:office_workdays")
        form = WorkdayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.workday_override_set(
                data["day"],
                working=data["working"],
                note=data["note"],
                actor=request.user.get_username(),
            )
            messages.success(request, _("%(day)s was saved.") % {"day": data["day"].isoformat()})
            return redirect("supervision:office_workdays")
    overrides = WorkdayOverride.objects.order_by("day")
    return render(
        request, "supervision/office/workdays.html", {"form": form, "overrides": overrides}
    )


# --- 5. a unit's page --------------------------------------------------------------------------


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit, code=code)
    user: Any = request.user
    if not (user.has_perm("supervision.view_lists") or getattr(user, "unit_id", None) == unit.pk):
        raise PermissionDenied(_("You can only see your own unit's items."))
    today = timezone.localdate()
    items = selectors.unit_items(unit)
    rows = [_row(item, status) for item, status in selectors.statuses(items, today)]
    on_time = selectors.unit_on_time(unit, today)
    return render(
        request,
        "supervision/office/unit.html",
        {
            "unit": unit,
            "lead_rows": [r for r in rows if r.item.lead_unit_id == unit.pk],
            "co_rows": [r for r in rows if r.item.lead_unit_id != unit.pk],
            "on_time": on_time,
            "today": today,
            "lists": sorted({row.item.supervision_list for row in rows}, key=lambda x: x.key)
            if user.has_perm("supervision.manage")
            else [],
            "status_labels": STATUS_LABELS,
        },
    )
