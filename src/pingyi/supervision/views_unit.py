"""The unit liaison's and the leader's pages (issue 11), thin like ``views.py``: permission,
a form, one service call, a template.

- ``mine/``: what waits for the account — a liaison: its unit's items by status, reports due,
  reports and closures returned; a leader: reports to comment on; the office: reports,
  extensions and closures to decide.
- ``<list>/<number>/report/``: the liaison's progress report, phone first, with attachments
  checked by content (``pingyi.core.uploads``).
- ``<list>/<number>/extension/`` (延期申请) and ``<list>/<number>/closure/`` (申请办结): the
  lead unit's liaison (and the office).
- ``<list>/<number>/decide/`` (POST): the office accepts or returns a report, approves or
  refuses an extension, verifies a closure (done or 退办).
- ``<list>/<number>/comment/`` (POST): a leader's 点评 on a report.
- ``<list>/<number>/files/<id>/``: an attachment, always as a download with ``nosniff``.

A liaison of another unit gets 403 on every one of an item's pages; bad input is a form error
saying what and where, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi.accounts.rules import is_leader, is_office, is_unit_liaison
from pingyi.supervision import selectors, selectors_notices, services
from pingyi.supervision.errors import InvalidInput, SupervisionError
from pingyi.supervision.method.status import STATUSES
from pingyi.supervision.models import (
    Attachment,
    Closure,
    ClosureState,
    DecisionState,
    Extension,
    Item,
    Report,
    ReportState,
)
from pingyi.supervision.views import REASON_LABELS, STATUS_LABELS

#: the longest text a decision's reason or a comment may hold
MAX_TEXT = 5000


def _today() -> date:
    return timezone.localdate()


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _name(request: HttpRequest) -> str:
    user: Any = request.user
    return str(getattr(user, "display_name", "") or user.get_username())


def _item(request: HttpRequest, key: str, number: str, perm: str | None = None) -> Item:
    """The item, 404 when unknown; 403 when the account may not see it or do ``perm``."""
    item = (
        selectors.items_with_facts(Item.objects.filter(supervision_list__key=key, number=number))
        .prefetch_related("closures", "attachments")
        .first()
    )
    if item is None:
        raise Http404(_("No such item."))
    if not request.user.has_perm("supervision.view_item", item):
        raise PermissionDenied(_("You can only see your own unit's items."))
    if perm is not None and not request.user.has_perm(perm, item):
        raise PermissionDenied(_("You may not do this on this item."))
    return item


def _item_url(item: Item) -> str:
    return reverse(
        "supervision:item_detail", kwargs={"key": item.supervision_list.key, "number": item.number}
    )


@dataclass(frozen=True)
class Head:
    """What every page of an item shows on top: title, due, status with word and colour."""

    item: Item
    status: str
    label: str
    due: date | None
    reported: int
    expected: int | None
    reasons: list[str]
    last_report: Report | None


def _head(item: Item, today: date) -> Head:
    status = selectors.item_status(item, today)
    reports = sorted(item.reports.all(), key=lambda r: (r.reported_on, r.pk))
    return Head(
        item=item,
        status=status.status,
        label=str(STATUS_LABELS[status.status]),
        due=status.due,
        reported=int(status.reported),
        expected=status.expected_shown,
        reasons=[str(REASON_LABELS.get(r, r)) for r in status.reasons],
        last_report=reports[-1] if reports else None,
    )


def _files(request: HttpRequest) -> list[Any]:
    return [f for f in request.FILES.getlist("attachments") if f.name or f.size]


def _not_after_today(value: date) -> date:
    if value > _today():
        raise forms.ValidationError(_("a date in the future: today at the latest"))
    return value


# --- the liaison's report ------------------------------------------------------------------


class ReportForm(forms.Form):
    reported_on = forms.DateField(
        label=gettext_lazy("Report date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("e.g. 第23周 or 2026年6月"),
    )
    percent = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    done_text = forms.CharField(
        label=gettext_lazy("What was done"), max_length=5000, widget=forms.Textarea({"rows": 4})
    )
    problems = forms.CharField(
        label=gettext_lazy("Problems"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("Next steps"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )

    def clean_reported_on(self) -> date:
        return _not_after_today(self.cleaned_data["reported_on"])


def _render_form(
    request: HttpRequest,
    template: str,
    item: Item,
    form: forms.Form,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "head": _head(item, _today()),
            "form": form,
            "max_mb": settings.PINGYI_ATTACHMENT_MAX_BYTES // 2**20,
            "max_files": services.MAX_ATTACHMENTS,
            **extra,
        },
        status=status,
    )


@login_required
def report_new(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """A progress report on the phone: the item's head, the last report (and why it was
    returned), the form with attachments."""
    item = _item(request, key, number, "supervision.report")
    template = "supervision/unit/report_form.html"
    if request.method != "POST":
        form = ReportForm(initial={"reported_on": _today()})
        return _render_form(request, template, item, form)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _render_form(request, template, item, form, status=422)
    # a liaison reports for its unit; the office enters a report for the lead unit
    unit = item.lead_unit
    liaison_unit = getattr(request.user, "unit", None)
    if is_unit_liaison(request.user) and liaison_unit is not None:
        unit = liaison_unit
    data = form.cleaned_data
    try:
        with transaction.atomic():
            services.report_file(
                item,
                unit=unit,
                reported_on=data["reported_on"],
                percent=data["percent"],
                done_text=data["done_text"].strip(),
                problems=data["problems"].strip(),
                next_steps=data["next_steps"].strip(),
                period=data["period"].strip(),
                created_by=request.user,
                attachments=_files(request),
                actor=_actor(request),
            )
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, template, item, form, status=422)
    messages.success(request, _("Report filed: it awaits the office."))
    return redirect(_item_url(item))


# --- extension and closure -----------------------------------------------------------------


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=5000, widget=forms.Textarea({"rows": 4})
    )
    progress = forms.CharField(
        label=gettext_lazy("Progress so far"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    proposed_due = forms.DateField(
        label=gettext_lazy("Proposed date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


@login_required
def extension_new(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """延期申请: by the lead unit's liaison, before the due date."""
    item = _item(request, key, number, "supervision.request")
    template = "supervision/unit/extension_form.html"
    if request.method != "POST":
        return _render_form(request, template, item, ExtensionForm())
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _render_form(request, template, item, form, status=422)
    try:
        with transaction.atomic():
            services.extension_request(
                item,
                reason=form.cleaned_data["reason"],
                progress=form.cleaned_data["progress"],
                proposed_due=form.cleaned_data["proposed_due"],
                requested_on=_today(),
                actor=_actor(request),
            )
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, template, item, form, status=422)
    messages.success(request, _("Extension requested: it awaits the office."))
    return redirect(_item_url(item))


class ClosureForm(forms.Form):
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        max_length=10000,
        widget=forms.Textarea({"rows": 5}),
        help_text=gettext_lazy("What shows the item is done: documents, figures, acceptance."),
    )


@login_required
def closure_new(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """申请办结 with evidence (text and attachments): by the lead unit's liaison."""
    item = _item(request, key, number, "supervision.request")
    template = "supervision/unit/closure_form.html"
    if request.method != "POST":
        return _render_form(request, template, item, ClosureForm())
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return _render_form(request, template, item, form, status=422)
    try:
        with transaction.atomic():
            services.closure_apply(
                item,
                evidence=form.cleaned_data["evidence"],
                applied_on=_today(),
                attachments=_files(request),
                actor=_actor(request),
            )
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_form(request, template, item, form, status=422)
    messages.success(request, _("Closure applied for: the office will verify it."))
    return redirect(_item_url(item))


# --- the office's decisions, the leader's comment ------------------------------------------


def _post_date(request: HttpRequest, name: str) -> date | None:
    text = request.POST.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": text[:40]}, code="bad_date"
        ) from None


def _one(queryset: Any, pk: str) -> Any:
    obj = queryset.filter(pk=pk).first() if pk.isdigit() else None
    if obj is None:
        raise Http404
    return obj


@login_required
@require_POST
def decide(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """The office's decision on one of the item's reports, extensions or closures:
    ``what`` = report (accept / return + reason), extension (approve [+ date] / refuse),
    closure (pass / return + method + reason). An error is a message; nothing is written."""
    item = _item(request, key, number, "supervision.manage")
    what, action = request.POST.get("what", ""), request.POST.get("action", "")
    pk, reason = request.POST.get("id", ""), request.POST.get("reason", "")
    actor = _actor(request)
    try:
        _decide(request, item, what, action, pk, reason, actor)
    except SupervisionError as exc:
        messages.error(request, exc.message)
    return redirect(_item_url(item))


@transaction.atomic
def _decide(
    request: HttpRequest, item: Item, what: str, action: str, pk: str, reason: str, actor: str
) -> None:
    """One decision, its object's row locked: two at once cannot both decide it."""
    if len(reason) > MAX_TEXT:
        raise InvalidInput(
            _("the reason is %(length)d characters long; at most %(limit)d")
            % {"length": len(reason), "limit": MAX_TEXT},
            code="too_long",
        )
    if what == "report" and action in ("accept", "return"):
        report = _one(Report.objects.filter(item=item), pk)
        if action == "accept":
            services.report_accept(report, actor=actor)
            messages.success(request, _("Report accepted."))
        else:
            services.report_return(report, reason=reason, actor=actor)
            messages.success(request, _("Report returned to the unit."))
    elif what == "extension" and action in ("approve", "refuse"):
        extension = _one(Extension.objects.filter(item=item), pk)
        services.extension_decide(
            extension,
            approve=action == "approve",
            decided_on=_today(),
            approved_due=_post_date(request, "approved_due"),
            actor=actor,
        )
        messages.success(
            request,
            _("Extension approved.") if action == "approve" else _("Extension refused."),
        )
    elif what == "closure" and action in ("pass", "return"):
        closure = _one(Closure.objects.filter(item=item), pk)
        services.closure_verify(
            closure,
            passed=action == "pass",
            method=request.POST.get("method", ""),
            decided_on=_today(),
            reason=reason,
            actor=actor,
        )
        messages.success(
            request,
            _("Closure verified: the item is done.")
            if action == "pass"
            else _("Closure returned to the unit (退办)."),
        )
    else:
        messages.error(request, _("Unknown decision."))


@login_required
@require_POST
def comment(request: HttpRequest, key: str, number: str) -> HttpResponse:
    """A leader's 点评 on one of the item's reports: 好 / 较好 / 一般 / 差 and text."""
    item = _item(request, key, number)
    if not request.user.has_perm("supervision.comment"):
        raise PermissionDenied(_("Only leaders comment on reports."))
    text = request.POST.get("comment", "")
    try:
        if len(text) > MAX_TEXT:
            raise InvalidInput(
                _("the comment is %(length)d characters long; at most %(limit)d")
                % {"length": len(text), "limit": MAX_TEXT},
                code="too_long",
            )
        with transaction.atomic():
            report = _one(
                Report.objects.filter(item=item), request.POST.get("id", "")
            )
            services.report_comment(
                report,
                rating=request.POST.get("rating", ""),
                comment=text,
                leader=_name(request),
                actor=_actor(request),
            )
    except SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Comment saved."))
    return redirect(_item_url(item))


def attachment(request: HttpRequest, key: str, number: str, pk: int) -> HttpResponseBase:
    """An attachment, to whoever may see the item: always a download (never shown inside
    pingyi's pages), ``nosniff`` and a sandboxing CSP behind it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    item = _item(request, key, number)
    # a reply to a notice is served by the notice's page, to those who may read the notice
    file = Attachment.objects.filter(item=item, pk=pk, reply__isnull=True).first()
    if file is None:
        raise Http404
    response = FileResponse(
        file.file.open("rb"), content_type=file.content_type, as_attachment=True, filename=file.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- what waits for the account ------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    item: Item
    what: str
    text: str = ""
    status: str = ""
    label: str = ""


def _what_waits(user: Any, today: date) -> tuple[list[tuple[Item, Any]], list[Waiting]]:
    """The account's items with their statuses on ``today``, and what waits for it."""
    items = selectors.items_for_user(user)
    if is_unit_liaison(user):
        items = items.prefetch_related("closures")
    rows = selectors.statuses(items, today)
    waiting: list[Waiting] = []
    for item, status in rows:
        reports = sorted(item.reports.all(), key=lambda r: (r.reported_on, r.pk))
        last = reports[-1] if reports else None
        if is_unit_liaison(user):
            if last is not None and last.state == ReportState.RETURNED:
                waiting.append(Waiting(item, _("Report returned"), last.return_reason))
            elif status.status != "done" and (
                status.status in ("due_soon", "overdue")
                or {"no_report_since", "occurrence_not_reported"} & set(status.reasons)
            ):
                label = str(STATUS_LABELS[status.status])
                waiting.append(Waiting(item, _("Report due"), "", status.status, label))
            closures = list(item.closures.all())
            if closures and closures[-1].state == ClosureState.RETURNED:
                waiting.append(Waiting(item, _("Closure returned (退办)"), closures[-1].reason))
        elif is_leader(user):
            if last is not None and last.state != ReportState.RETURNED and not last.rating:
                waiting.append(Waiting(item, _("Report to comment on"), last.done_text))
        elif is_office(user):
            waiting.extend(
                Waiting(item, _("Report to accept or return"), r.done_text)
                for r in reports
                if r.state == ReportState.PENDING
            )
            waiting.extend(
                Waiting(item, _("Extension to decide"), e.reason)
                for e in item.extensions.all()
                if e.state == DecisionState.PENDING
            )
    if is_office(user):
        waiting.extend(
            Waiting(c.item, _("Closure to verify"), c.evidence)
            for c in Closure.objects.filter(state=ClosureState.PENDING).select_related(
                "item__supervision_list"
            )
        )
    # notices (issue 12): the office decides the replies; a liaison answers its red notices
    if is_office(user):
        waiting.extend(
            Waiting(r.notice.item, _("Reply to a notice to decide"), r.text)
            for r in selectors_notices.pending_replies()
        )
    elif is_unit_liaison(user) and getattr(user, "unit", None) is not None:
        waiting.extend(
            Waiting(n.item, _("Supervision notice to answer"), n.number or "")
            for n in selectors_notices.to_answer(user.unit)
        )
    return rows, waiting


@login_required
def unit_home(request: HttpRequest) -> HttpResponse:
    """My items: a liaison's unit's items by status and what waits for it; a leader's reports
    to comment on; the office's decisions to take."""
    today = _today()
    user: Any = request.user
    rows, waiting = _what_waits(user, today)
    groups = [
        (name, STATUS_LABELS[name], [(i, s) for i, s in rows if s.status == name])
        for name in STATUSES
    ]
    return render(
        request,
        "supervision/unit/home.html",
        {
            "today": today,
            "groups": groups,
            "total": len(rows),
            "waiting": waiting,
            "unit": getattr(user, "unit", None) if is_unit_liaison(user) else None,
        },
    )


def home_context(request: HttpRequest) -> dict[str, object]:
    """The home page's supervision part (``SupervisionConfig.home_context``): the account's
    items by status (colour and word) and how many things wait for it."""
    rows, waiting = _what_waits(request.user, _today())
    counts = dict.fromkeys(STATUSES, 0)
    for _item, status in rows:
        counts[status.status] += 1
    return {
        "supervision_home": {
            "total": len(rows),
            "waiting": len(waiting),
            "statuses": [(name, STATUS_LABELS[name], counts[name]) for name in STATUSES],
            # open notices by colour (the board for readers, the inbox for a liaison)
            "notices": selectors_notices.open_counts(
                selectors_notices.notices_for_user(request.user)
            ),
            "notices_board": request.user.has_perm("supervision.view_notices"),
        }
    }
