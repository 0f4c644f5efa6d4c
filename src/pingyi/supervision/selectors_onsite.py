"""Reads of the on-site office (现场办公会): meetings and problems as an account may see them
(office, leaders and viewers all; a unit liaison the problems its unit raised or answers for,
and the meetings that hold one), a problem's similar open problems (``method/similar.py``),
and the counts of problems solved one by one and by batch (点办理 / 批处理)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from pingyi.accounts.rules import is_unit_liaison, reads_all_units
from pingyi.orgs.models import Unit
from pingyi.supervision.method import similar
from pingyi.supervision.models import OnsiteMeeting, Problem


def problems() -> QuerySet[Problem]:
    return Problem.objects.select_related(
        "meeting", "unit", "responsible_unit", "item__supervision_list", "batch"
    ).order_by("-meeting__held_on", "meeting_id", "number")


def problems_for_user(user: Any) -> QuerySet[Problem]:
    """All problems for the office, leaders and viewers; a liaison's unit's (raised or
    responsible); none for anyone else."""
    if reads_all_units(user):
        return problems()
    if is_unit_liaison(user) and user.unit_id is not None:
        return problems().filter(Q(unit_id=user.unit_id) | Q(responsible_unit_id=user.unit_id))
    return Problem.objects.none()


def meetings_for_user(user: Any) -> QuerySet[OnsiteMeeting]:
    meetings = OnsiteMeeting.objects.order_by("-held_on", "-id")
    if reads_all_units(user):
        return meetings
    mine = problems_for_user(user).values("meeting_id")
    return meetings.filter(pk__in=mine)


def is_open(problem: Problem) -> bool:
    return problem.item is not None and problem.item.closed_on is None


def unit_names() -> list[str]:
    """Every unit's name, short name and aliases: dropped from the texts compared."""
    names: list[str] = []
    for name, short, aliases in Unit.objects.values_list("name", "short_name", "aliases"):
        names += [name, short, *(aliases or [])]
    return [n for n in names if n]


@dataclass(frozen=True)
class SimilarProblem:
    problem: Problem
    score: float
    #: "similar" (at least similar.THRESHOLD: offered checked) or "maybe" (at least NEARBY)
    tier: str
    #: may join a batch now: open and not yet in one
    pickable: bool


def similar_problems(problem: Problem) -> list[SimilarProblem]:
    """The open problems of ``problem``'s category, across all units, that say the same (the
    "similar" tier) or may (the "maybe" tier), best first. The weights are learnt from every
    problem recorded."""
    pool = list(problems())
    by_pk = {p.pk: p for p in pool}
    candidates = [similar.Candidate(p.pk, p.category, p.description) for p in pool]
    query = similar.Candidate(problem.pk, problem.category, problem.description)
    matches = similar.similar(query, candidates, names=unit_names(), threshold=similar.NEARBY)
    out = []
    for m in matches:
        p = by_pk[m.key]
        if not is_open(p):
            continue
        tier = "similar" if m.score >= similar.THRESHOLD else "maybe"
        out.append(SimilarProblem(p, m.score, tier, pickable=p.batch_id is None))
    return out


def counts(meeting: OnsiteMeeting | None = None) -> dict[str, int]:
    """Problems recorded, open, solved one by one (closed, never in a batch), solved by batch
    (closed, in a batch), and the batches decided — of one meeting, or of all."""
    rows = Problem.objects.all() if meeting is None else meeting.problems.all()
    closed = rows.filter(item__closed_on__isnull=False)
    batches = rows.exclude(batch=None).values("batch").distinct().count()
    return {
        "problems": rows.count(),
        "open": rows.filter(item__closed_on__isnull=True).count(),
        "solved_single": closed.filter(batch=None).count(),
        "solved_batch": closed.exclude(batch=None).count(),
        "batched": rows.exclude(batch=None).count(),
        "batches": batches,
    }


def problem_json(problem: Problem) -> dict[str, Any]:
    item = problem.item
    return {
        "id": problem.pk,
        "meeting": problem.meeting_id,
        "number": problem.number,
        "item": item.number if item else None,
        "list": item.supervision_list.key if item else None,
        "unit": problem.unit.code,
        "category": problem.category,
        "description": problem.description,
        "decision": problem.batch.decision if problem.batch else problem.decision,
        "responsible_unit": problem.responsible_unit.code,
        "deadline_text": problem.deadline_text,
        "due": item.due.isoformat() if item and item.due else None,
        "closed_on": item.closed_on.isoformat() if item and item.closed_on else None,
        "batch": problem.batch_id,
    }
