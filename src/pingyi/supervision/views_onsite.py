"""The on-site office's pages (现场办公会, 点办理、批处理), thin: permission, a form, one service
call of ``onsite.py``, a template.

- ``onsite/``: the meetings (a liaison: those with a problem of its unit) and the counts of
  problems solved one by one and by batch;
- ``onsite/new/``: the office records a meeting and its problems (``?rows=N``: more rows);
- ``onsite/<id>/``: a meeting, its problems (a liaison: its unit's only), each linked to its
  item; ``onsite/<id>/minutes.docx``: the minutes (纪要) for readers;
- ``onsite/problems/<id>/``: a problem, its item and — for readers — the similar open problems
  of its category across all units, "similar" ones offered checked, "maybe" ones below; the
  office picks a batch and records one decision for all (``onsite/problems/<id>/batch/``).

A liaison sees only its unit's problems (raised or responsible): any other answers 403. Bad
input is a form error saying what, and nothing is written (the services are atomic).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi.accounts.rules import reads_all_units
from pingyi.orgs.models import Unit
from pingyi.supervision import onsite, selectors, selectors_onsite
from pingyi.supervision.errors import ImportRefused, SupervisionError
from pingyi.supervision.minutes_docx import decision_of, minutes_docx
from pingyi.supervision.models import OnsiteMeeting, Problem

#: problem rows on the new-meeting form, and the most ``?rows=`` gives
ROWS, MAX_ROWS = 3, 30


def _today() -> date:
    return timezone.localdate()


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _units() -> Any:
    return Unit.objects.filter(active=True).order_by("order", "code")


class MeetingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    held_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=gettext_lazy("Meeting place"), max_length=200)
    leader = forms.CharField(label=gettext_lazy("Chaired by"), max_length=100)
    attendees = forms.CharField(
        label=gettext_lazy("Attendees"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=gettext_lazy("Names or units, separated by spaces or new lines."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def clean_held_on(self) -> date:
        day: date = self.cleaned_data["held_on"]
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(_("A date from 2000 to 2100."))
        return day


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ProblemForm(forms.Form):
    unit = UnitChoice(
        label=gettext_lazy("Raised by"), queryset=Unit.objects.none(), to_field_name="code"
    )
    category = forms.CharField(
        label=gettext_lazy("Category"),
        max_length=100,
        help_text=gettext_lazy("As the office writes it: 基础设施, 要素保障, 政务服务 …"),
    )
    description = forms.CharField(
        label=gettext_lazy("Problem"), max_length=5000, widget=forms.Textarea({"rows": 2})
    )
    decision = forms.CharField(
        label=gettext_lazy("Decision (if decided at the meeting)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    responsible = UnitChoice(
        label=gettext_lazy("Responsible unit"), queryset=Unit.objects.none(), to_field_name="code"
    )
    deadline = forms.CharField(
        label=gettext_lazy("Deadline"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("As written: 12月底前, 10个工作日内 …"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units()
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = units  # type: ignore[attr-defined]


ProblemFormSet = forms.formset_factory(
    ProblemForm, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


# --- the meetings ------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    meetings = list(selectors_onsite.meetings_for_user(user))
    rows = [(m, selectors_onsite.counts(m)) for m in meetings]
    return render(
        request,
        "supervision/onsite/index.html",
        {
            "rows": rows,
            "counts": selectors_onsite.counts() if reads_all_units(user) else None,
            "may_manage": user.has_perm("supervision.manage"),
        },
    )


def _rows_wanted(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("rows", ROWS)), MAX_ROWS))
    except ValueError:
        return ROWS


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supervision.manage"):
        raise PermissionDenied(_("Only the office records an on-site office meeting."))
    refusals: list[str] = []
    if request.method == "POST":
        form = MeetingForm(request.POST)
        problems = ProblemFormSet(request.POST, prefix="p")
        if form.is_valid() and problems.is_valid():
            rows = [
                onsite.ProblemRow(
                    unit=f.cleaned_data["unit"].code,
                    category=f.cleaned_data["category"],
                    description=f.cleaned_data["description"],
                    responsible=f.cleaned_data["responsible"].code,
                    decision=f.cleaned_data.get("decision", ""),
                    deadline=f.cleaned_data.get("deadline", ""),
                )
                for f in problems.forms
                if f.has_changed() and f.cleaned_data
            ]
            spec = onsite.MeetingSpec(**form.cleaned_data)
            try:
                meeting = onsite.meeting_record(spec, rows, actor=_actor(request))
            except ImportRefused as exc:
                refusals = exc.errors
            else:
                messages.success(
                    request,
                    _("Recorded: %(count)d problems, each an item of the important-problems list.")
                    % {"count": len(rows)},
                )
                return redirect(reverse("supervision:onsite_meeting", args=[meeting.pk]))
    else:
        form = MeetingForm(initial={"held_on": _today()})
        problems = ProblemFormSet(prefix="p", initial=[{}] * _rows_wanted(request))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "supervision/onsite/new.html",
        {
            "form": form,
            "problems": problems,
            "refusals": refusals,
            "more": min(len(problems.forms) + 3, MAX_ROWS),
        },
        status=status,
    )


def _meeting(request: HttpRequest, pk: int) -> OnsiteMeeting:
    meeting = OnsiteMeeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    if not selectors_onsite.meetings_for_user(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You can only see the meetings that hold your unit's problems."))
    return meeting


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    problems = list(selectors_onsite.problems_for_user(request.user).filter(meeting=meeting))
    problems.sort(key=lambda p: p.number)
    today = _today()
    rows = [
        (p, decision_of(p, mark=False), selectors.item_status(p.item, today) if p.item else None)
        for p in problems
    ]
    reader = reads_all_units(request.user)
    return render(
        request,
        "supervision/onsite/meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "counts": selectors_onsite.counts(meeting) if reader else None,
            "attendees": meeting.attendees.split(),
            "reader": reader,
        },
    )


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes (纪要) as .docx: every problem of the meeting, so readers only."""
    meeting = _meeting(request, pk)
    if not reads_all_units(request.user):
        raise PermissionDenied(_("The minutes hold every unit's problems."))
    name = f"{meeting.title}纪要.docx"
    response = HttpResponse(
        minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"minutes-{meeting.pk}.docx\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- a problem and its batch -------------------------------------------------------------------


class BatchForm(forms.Form):
    decision = forms.CharField(
        label=gettext_lazy("The decision for the whole batch"),
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": gettext_lazy("Write the decision: it is empty.")},
    )
    decided_by = forms.CharField(label=gettext_lazy("Decided by"), max_length=100)


def _problem(request: HttpRequest, pk: int) -> Problem:
    problem = selectors_onsite.problems().filter(pk=pk).first()
    if problem is None:
        raise Http404(_("No such problem."))
    if not selectors_onsite.problems_for_user(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You can only see your unit's problems."))
    return problem


def _render_problem(
    request: HttpRequest,
    problem: Problem,
    form: BatchForm | None = None,
    picked: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    reader = reads_all_units(user)
    found = selectors_onsite.similar_problems(problem) if reader else []
    if picked is None:
        picked = {s.problem.pk for s in found if s.tier == "similar" and s.pickable}
    may_batch = (
        user.has_perm("supervision.manage")
        and selectors_onsite.is_open(problem)
        and problem.batch_id is None
    )
    return render(
        request,
        "supervision/onsite/problem.html",
        {
            "problem": problem,
            "decision": decision_of(problem, mark=False),
            "status": selectors.item_status(problem.item, _today()) if problem.item else None,
            "similar": [s for s in found if s.tier == "similar"],
            "maybe": [s for s in found if s.tier == "maybe"],
            "picked": picked,
            "reader": reader,
            "may_batch": may_batch,
            "form": form or BatchForm(initial={"decided_by": problem.meeting.leader}),
        },
        status=status,
    )


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_problem(request, _problem(request, pk))


@login_required
@require_POST
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """批处理: the picked problems and this one get one decision; each then goes on alone."""
    if not request.user.has_perm("supervision.manage"):
        raise PermissionDenied(_("Only the office decides a batch."))
    problem = _problem(request, pk)
    form = BatchForm(request.POST)
    try:
        picked = {int(v) for v in request.POST.getlist("member")}
    except ValueError:
        picked = set()
    if not form.is_valid():
        return _render_problem(request, problem, form, picked, status=422)
    members = list(Problem.objects.filter(pk__in=picked))
    try:
        made = onsite.batch_decide(
            problem,
            members,
            decision=form.cleaned_data["decision"],
            decided_by=form.cleaned_data["decided_by"],
            decided_on=_today(),
            actor=_actor(request),
        )
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_problem(request, problem, form, picked, status=422)
    messages.success(
        request,
        _("One decision for %(count)d problems: each item's first step is done.")
        % {"count": made.problems.count()},
    )
    return redirect(reverse("supervision:onsite_problem", args=[problem.pk]))
