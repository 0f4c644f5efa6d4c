"""The on-site office's REST API (``/api/v1/onsite/…``, issue 13), with the auth and the
refusals of ``api.py``: by session or HTTP Basic; a meeting or problem an account may not read
answers 404 exactly like a missing one; an account that reads it but may not act gets 403; a
refusal is ``{"detail": ..., "code": ...}``; nothing is written by a refused request.

- ``GET /onsite/meetings``: the meetings the account may read (a liaison: those with a problem
  of its unit), newest first, each with its counts.
- ``POST /onsite/meetings`` (office): ``{"title", "held_on", "place", "leader", "attendees",
  "summary", "problems": [{"unit", "category", "description", "decision",
  "responsible_unit", "deadline"}]}`` (units by code or name) — all or nothing, 422 naming
  every bad problem and field.
- ``GET /onsite/meetings/{id}``: a meeting and its problems (a liaison: its unit's only).
- ``GET /onsite/problems/{id}``; ``GET /onsite/problems/{id}/similar`` (readers): the
  similar open problems, best first.
- ``POST /onsite/problems/{id}/batch`` (office): ``{"members": [ids], "decision",
  "decided_by"}`` — one decision for the problem and the members.
- ``GET /onsite/counts``: problems solved one by one and by batch (readers).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pingyi.accounts.rules import reads_all_units
from pingyi.core.api_answers import Problem
from pingyi.core.api_auth import AccountAuth
from pingyi.supervision import onsite, selectors_onsite
from pingyi.supervision.api import (
    LONG_TEXT,
    WRITE_422,
    _actor,
    _answer,
    _body,
    _forbidden,
    _invalid,
    _not_found,
    _request_body,
    _today,
)
from pingyi.supervision.errors import ImportRefused
from pingyi.supervision.models import OnsiteMeeting
from pingyi.supervision.models import Problem as ProblemModel

router = Router(tags=["supervision on-site office"], auth=AccountAuth())
READ = {401: Problem, 404: Problem, 422: Problem}
#: the fields of a problem in a request, with their bounds
PROBLEM_FIELDS = {
    "unit": (True, 200),
    "category": (True, 100),
    "description": (True, LONG_TEXT),
    "decision": (False, LONG_TEXT),
    "responsible_unit": (True, 200),
    "deadline": (False, 200),
}


class CountsOut(Schema):
    problems: int
    open: int
    solved_single: int
    solved_batch: int
    batched: int
    batches: int


class ProblemOut(Schema):
    id: int
    meeting: int
    number: int
    item: str | None
    list: str | None
    unit: str
    category: str
    description: str
    decision: str
    responsible_unit: str
    deadline_text: str
    due: str | None
    closed_on: str | None
    batch: int | None


class MeetingOut(Schema):
    id: int
    title: str
    held_on: str
    place: str
    leader: str
    attendees: str
    summary: str
    counts: CountsOut | None
    problems: list[ProblemOut]


class SimilarOut(Schema):
    problem: ProblemOut
    score: float
    tier: str
    pickable: bool


class ProblemIn(Schema):
    unit: str
    category: str
    description: str
    decision: str = ""
    responsible_unit: str
    deadline: str = ""


class MeetingIn(Schema):
    title: str
    held_on: str
    place: str
    leader: str
    attendees: str = ""
    summary: str = ""
    problems: list[ProblemIn]


class BatchIn(Schema):
    members: list[int]
    decision: str
    decided_by: str


def _meeting_json(request: HttpRequest, meeting: OnsiteMeeting, *, full: bool) -> dict[str, Any]:
    problems = (
        [
            selectors_onsite.problem_json(p)
            for p in selectors_onsite.problems_for_user(request.user).filter(meeting=meeting)
        ]
        if full
        else []
    )
    problems.sort(key=lambda p: p["number"])
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "leader": meeting.leader,
        "attendees": meeting.attendees,
        "summary": meeting.summary,
        "counts": selectors_onsite.counts(meeting) if reads_all_units(request.user) else None,
        "problems": problems,
    }


def _visible_meeting(request: HttpRequest, pk: int) -> OnsiteMeeting:
    meeting = selectors_onsite.meetings_for_user(request.user).filter(pk=pk).first()
    if meeting is None:
        raise _not_found(_("No such meeting."))
    return meeting


def _visible_problem(request: HttpRequest, pk: int) -> ProblemModel:
    problem = selectors_onsite.problems_for_user(request.user).filter(pk=pk).first()
    if problem is None:
        raise _not_found(_("No such problem."))
    return problem


@router.get(
    "/onsite/meetings",
    response={200: list[MeetingOut], 401: Problem},
    summary="On-site office meetings you may read",
)
@_answer
def onsite_meetings(request: HttpRequest) -> Any:
    return [
        _meeting_json(request, m, full=False)
        for m in selectors_onsite.meetings_for_user(request.user)
    ]


def _problem_rows(value: Any) -> list[onsite.ProblemRow]:
    if not isinstance(value, list) or not value:
        raise _invalid(_("“%(field)s”: a list of problems") % {"field": "problems"})
    if len(value) > onsite.MAX_PROBLEMS:
        raise _invalid(
            _("“%(field)s”: at most %(max)s") % {"field": "problems", "max": onsite.MAX_PROBLEMS}
        )
    rows = []
    for n, entry in enumerate(value, start=1):
        where = f"problems[{n - 1}]"
        if not isinstance(entry, dict):
            raise _invalid(_("“%(field)s”: an object expected") % {"field": where})
        unknown = sorted(set(entry) - set(PROBLEM_FIELDS))
        if unknown:
            raise _invalid(
                _("“%(field)s”: unknown field (expected: %(fields)s)")
                % {"field": f"{where}.{unknown[0]}", "fields": ", ".join(PROBLEM_FIELDS)},
                "unknown_field",
            )
        out: dict[str, str] = {}
        for name, (required, bound) in PROBLEM_FIELDS.items():
            text = entry.get(name)
            if text is None:
                if required:
                    raise _invalid(
                        _("“%(field)s” is missing") % {"field": f"{where}.{name}"}, "missing"
                    )
                text = ""
            if not isinstance(text, str):
                raise _invalid(_("“%(field)s”: text expected") % {"field": f"{where}.{name}"})
            if len(text) > bound:
                raise _invalid(
                    _("“%(field)s”: at most %(max)s characters (got %(count)s)")
                    % {"field": f"{where}.{name}", "max": bound, "count": len(text)},
                    "too_long",
                )
            out[name] = text
        rows.append(
            onsite.ProblemRow(
                unit=out["unit"],
                category=out["category"],
                description=out["description"],
                decision=out["decision"],
                responsible=out["responsible_unit"],
                deadline=out["deadline"],
            )
        )
    return rows


@router.post(
    "/onsite/meetings",
    response={201: MeetingOut, **WRITE_422},
    openapi_extra=_request_body(MeetingIn),
    summary="Record a meeting and its problems (office; all or nothing)",
)
@_answer
def onsite_record(request: HttpRequest) -> Any:
    if not request.user.has_perm("supervision.manage"):
        raise _forbidden(_("Only the office records an on-site office meeting."))
    data = _body(
        request,
        {
            "title": ("text", True, 200),
            "held_on": ("day", True, None),
            "place": ("text", True, 200),
            "leader": ("text", True, 100),
            "attendees": ("text", False, LONG_TEXT),
            "summary": ("text", False, LONG_TEXT),
            "problems": ("any", True, None),
        },
    )
    rows = _problem_rows(data["problems"])
    spec = onsite.MeetingSpec(
        title=data["title"],
        held_on=data["held_on"],
        place=data["place"],
        leader=data["leader"],
        attendees=data.get("attendees", ""),
        summary=data.get("summary", ""),
    )
    try:
        meeting = onsite.meeting_record(spec, rows, actor=_actor(request))
    except ImportRefused as exc:
        raise _invalid("; ".join(exc.errors), "refused") from None
    return Status(201, _meeting_json(request, meeting, full=True))


@router.get("/onsite/meetings/{int:meeting_id}", response={200: MeetingOut, **READ})
@_answer
def onsite_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _meeting_json(request, _visible_meeting(request, meeting_id), full=True)


@router.get("/onsite/problems/{int:problem_id}", response={200: ProblemOut, **READ})
@_answer
def onsite_problem(request: HttpRequest, problem_id: int) -> Any:
    return selectors_onsite.problem_json(_visible_problem(request, problem_id))


@router.get(
    "/onsite/problems/{int:problem_id}/similar",
    response={200: list[SimilarOut], 403: Problem, **READ},
    summary="The similar open problems (same category, all units), best first (readers)",
)
@_answer
def onsite_similar(request: HttpRequest, problem_id: int) -> Any:
    problem = _visible_problem(request, problem_id)
    if not reads_all_units(request.user):
        raise _forbidden(_("The similar problems are other units': the office's to read."))
    return [
        {
            "problem": selectors_onsite.problem_json(s.problem),
            "score": s.score,
            "tier": s.tier,
            "pickable": s.pickable,
        }
        for s in selectors_onsite.similar_problems(problem)
    ]


@router.post(
    "/onsite/problems/{int:problem_id}/batch",
    response={201: list[ProblemOut], **WRITE_422},
    openapi_extra=_request_body(BatchIn),
    summary="One decision for the problem and the members (批处理; office)",
)
@_answer
def onsite_batch(request: HttpRequest, problem_id: int) -> Any:
    problem = _visible_problem(request, problem_id)
    if not request.user.has_perm("supervision.manage"):
        raise _forbidden(_("Only the office decides a batch."))
    data = _body(
        request,
        {
            "members": ("any", True, None),
            "decision": ("text", True, LONG_TEXT),
            "decided_by": ("text", True, 100),
        },
    )
    ids = data["members"]
    if (
        not isinstance(ids, list)
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        or len(ids) > onsite.MAX_BATCH
    ):
        raise _invalid(
            _("“%(field)s”: a list of at most %(max)s problem ids")
            % {"field": "members", "max": onsite.MAX_BATCH},
            "bad_members",
        )
    members = list(ProblemModel.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {m.pk for m in members})
    if missing:
        raise _invalid(_("“%(field)s”: no problem %(id)s") % {"field": "members", "id": missing[0]})
    made = onsite.batch_decide(
        problem,
        members,
        decision=data["decision"],
        decided_by=data["decided_by"],
        decided_on=_today(),
        actor=_actor(request),
    )
    return Status(
        201,
        [
            selectors_onsite.problem_json(p)
            for p in selectors_onsite.problems().filter(batch=made).order_by("pk")
        ],
    )


@router.get("/onsite/counts", response={200: CountsOut, 401: Problem, 403: Problem})
@_answer
def onsite_counts(request: HttpRequest) -> Any:
    if not reads_all_units(request.user):
        raise _forbidden(_("The counts are the office's."))
    return selectors_onsite.counts()
