"""The on-site office (现场办公会, 点办理、批处理): writes. Every change is audited in the same
transaction, and a refused call writes nothing.

- :func:`meeting_record`: a meeting (date, place, leader, attendees, summary) and its problems,
  all or nothing; every problem becomes an item of the year's important-problems list
  (:func:`problems_list`, created if missing), supervised like any item: its deadline read by
  ``method/deadline.py`` from the meeting's day, its responsible unit the lead unit, the unit
  that raised it a co-unit (its liaison follows it), and a first step (:data:`FIRST_STEP`):
  done at the meeting when the meeting decided (点办理), else due within
  :data:`FIRST_STEP_WORKING_DAYS` working days;
- :func:`problem_add`: one more problem of a meeting;
- :func:`batch_decide` (批处理): one decision of the office for a batch of open problems of one
  category (picked among the similar ones, ``selectors_onsite.similar_problems``): each
  member's item records it as its requirement and its first step is done on the day; each is
  then reported on and closed on its own (``services.closure_apply`` / ``closure_verify``);
- :func:`read_problem_sheet`: a meeting's problems sheet (.xlsx), every refusal naming its
  row and cell (``pingyi onsite import``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.core.pure.officesheet import cell_ref, header_key, open_grid, parse_day
from pingyi.orgs.models import Unit
from pingyi.supervision import selectors
from pingyi.supervision.errors import ImportRefused, InvalidInput, StateError
from pingyi.supervision.method.deadline import parse_deadline
from pingyi.supervision.models import (
    Cadence,
    Item,
    ListKind,
    Milestone,
    OnsiteMeeting,
    Problem,
    ProblemBatch,
    SupervisionList,
)

#: the first step of every problem's item: what the meeting or a batch decision settles
FIRST_STEP = "明确办理意见"
#: the first step is due this many working days after the meeting when the meeting did not
#: decide (the office decides it then, alone or by batch)
FIRST_STEP_WORKING_DAYS = 5
#: what a batch decision writes before its text, in the item's requirement
BATCH_MARK = "按批处理决定办理："
#: the longest texts
MAX_TEXT = 5000
MAX_SHORT = 200
#: the most problems one meeting records, and one batch takes
MAX_PROBLEMS = 500
MAX_BATCH = 200


@dataclass(frozen=True)
class ProblemRow:
    """A problem as written: units by code, name, short name or alias. ``row`` (a sheet's
    row) and ``cells`` (field → cell, e.g. ``{"unit": "B4"}``) name where it came from."""

    unit: str
    category: str
    description: str
    responsible: str
    decision: str = ""
    deadline: str = ""
    row: int | None = None
    cells: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingSpec:
    title: str
    held_on: date
    place: str
    leader: str
    attendees: str = ""
    summary: str = ""


#: a field's name in messages (the sheet's header word)
FIELD_WORDS = {
    "unit": "提出单位",
    "category": "类别",
    "description": "问题",
    "decision": "办理意见",
    "responsible": "责任单位",
    "deadline": "完成时限",
}


def _where(row: ProblemRow, index: int, what: str) -> str:
    word = FIELD_WORDS[what]
    if row.row is not None:
        cell = row.cells.get(what)
        place = _("row %(row)s") % {"row": row.row}
        return _("%(place)s, cell %(cell)s") % {
            "place": place,
            "cell": f"{cell} ({word})" if cell else word,
        }
    return _("problem %(n)s, %(field)s") % {"n": index, "field": word}


def _resolve(index: Any, codes: dict[str, Unit], text: str) -> tuple[Unit | None, str]:
    """One unit by code or name; else None and why."""
    text = text.strip()
    if text in codes:
        return codes[text], ""
    named = index.resolve(text)
    if named.unknown or len(named.units) != 1:
        if len(named.units) > 1 and not named.unknown:
            return None, _("names %(count)s units; write one") % {"count": len(named.units)}
        close = [s.name for u in named.unknown for s in u.suggestions]
        why = _("unknown unit “%(name)s”") % {"name": text}
        if close:
            why += _(" (closest known units: %(units)s)") % {"units": "、".join(close[:3])}
        return None, why
    return named.units[0], ""


def _check_text(value: str, limit: int, where: str, errors: list[str], *, required: bool) -> None:
    if required and not value.strip():
        errors.append(_("%(where)s: empty") % {"where": where})
    elif len(value) > limit:
        errors.append(
            _("%(where)s: at most %(max)s characters (got %(count)s)")
            % {"where": where, "max": limit, "count": len(value)}
        )


@dataclass(frozen=True)
class _Understood:
    row: ProblemRow
    unit: Unit
    responsible: Unit


def _understand(rows: Sequence[ProblemRow], *, first: int = 1) -> list[_Understood]:
    """Every row checked; any problem raises :class:`ImportRefused` naming every one."""
    errors: list[str] = []
    if not rows:
        errors.append(_("no problem to record"))
    if len(rows) > MAX_PROBLEMS:
        errors.append(_("at most %(max)s problems at a time") % {"max": MAX_PROBLEMS})
    index = selectors.unit_names()
    codes = {u.code: u for u in Unit.objects.all()}
    understood = []
    for n, row in enumerate(rows[:MAX_PROBLEMS], start=first):
        units: dict[str, Unit] = {}
        for what in ("unit", "responsible"):
            text = getattr(row, what)
            if not text.strip():
                errors.append(_("%(where)s: empty") % {"where": _where(row, n, what)})
                continue
            unit, why = _resolve(index, codes, text)
            if unit is None:
                errors.append(f"{_where(row, n, what)}: {why}")
            else:
                units[what] = unit
        _check_text(row.category, 100, _where(row, n, "category"), errors, required=True)
        _check_text(row.description, MAX_TEXT, _where(row, n, "description"), errors, required=True)
        _check_text(row.decision, MAX_TEXT, _where(row, n, "decision"), errors, required=False)
        _check_text(row.deadline, MAX_SHORT, _where(row, n, "deadline"), errors, required=False)
        if len(units) == 2:
            understood.append(_Understood(row, units["unit"], units["responsible"]))
    if errors:
        raise ImportRefused(errors)
    return understood


def _check_meeting(spec: MeetingSpec) -> None:
    errors: list[str] = []
    for name, value, limit in (
        (_("title"), spec.title, MAX_SHORT),
        (_("place"), spec.place, MAX_SHORT),
        (_("chaired by"), spec.leader, 100),
    ):
        _check_text(value, limit, str(name), errors, required=True)
    _check_text(spec.attendees, MAX_TEXT, str(_("attendees")), errors, required=False)
    _check_text(spec.summary, MAX_TEXT, str(_("summary")), errors, required=False)
    if not 2000 <= spec.held_on.year <= 2100:
        errors.append(_("date %(day)s: from 2000 to 2100") % {"day": spec.held_on.isoformat()})
    if errors:
        raise ImportRefused(errors)


def problems_list(year: int, *, actor: str | None = None) -> SupervisionList:
    """The year's important-problems list (重要问题清单, key ``YEAR-problems``, as an import of
    that kind would name it), created if missing."""
    the_list, created = SupervisionList.objects.get_or_create(
        key=f"{year}-{ListKind.PROBLEMS}",
        defaults={
            "kind": ListKind.PROBLEMS,
            "name": f"{year}年重要问题清单",
            "year": year,
            "assigned_on": date(year, 1, 1),
            "cadence": Cadence.WEEK,
        },
    )
    if created:
        audit_log(
            actor=actor,
            action="supervision.list.created",
            target=f"list:{the_list.key}",
            data={"kind": ListKind.PROBLEMS, "by": "onsite"},
        )
    return the_list


def _create(meeting: OnsiteMeeting, number: int, u: _Understood) -> Problem:
    the_list = problems_list(meeting.held_on.year)
    calendar = selectors.working_days()
    row = u.row
    meaning = parse_deadline(
        row.deadline.strip(), year=meeting.held_on.year, assigned=meeting.held_on, calendar=calendar
    ).to_json()
    position = (the_list.items.aggregate(top=Max("position"))["top"] or 0) + 1
    item = Item.objects.create(
        supervision_list=the_list,
        number=f"XC{meeting.pk}-{number}",
        position=position,
        category=row.category.strip()[:200],
        title=row.description.strip(),
        requirement=row.decision.strip(),
        lead_unit=u.responsible,
        leader=meeting.leader[:200],
        deadline_text=row.deadline.strip(),
        deadline=meaning,
        due=date.fromisoformat(meaning["due"]) if meaning["due"] else None,
        kind=meaning["kind"],
        every=meaning["every"] or "",
        start=meeting.held_on,
        sheet=str(_("on-site office")),
        row=row.row,
    )
    if u.unit != u.responsible:
        item.co_units.add(u.unit)
    decided = bool(row.decision.strip())
    Milestone.objects.create(
        item=item,
        text=FIRST_STEP,
        due=meeting.held_on
        if decided
        else calendar.add_working_days(meeting.held_on, FIRST_STEP_WORKING_DAYS),
        done_on=meeting.held_on if decided else None,
    )
    Milestone.objects.bulk_create(
        Milestone(item=item, text=m["text"], due=date.fromisoformat(m["due"]) if m["due"] else None)
        for m in meaning["milestones"]
    )
    return Problem.objects.create(
        meeting=meeting,
        number=number,
        unit=u.unit,
        category=row.category.strip(),
        description=row.description.strip(),
        decision=row.decision.strip(),
        responsible_unit=u.responsible,
        deadline_text=row.deadline.strip(),
        item=item,
    )


@transaction.atomic
def meeting_record(
    spec: MeetingSpec, rows: Sequence[ProblemRow], *, actor: str | None = None
) -> OnsiteMeeting:
    """The meeting and its problems, each an item of the year's important-problems list; all
    or nothing (:class:`ImportRefused` names every bad row and field)."""
    _check_meeting(spec)
    understood = _understand(rows)
    meeting = OnsiteMeeting.objects.create(
        title=spec.title.strip(),
        held_on=spec.held_on,
        place=spec.place.strip(),
        leader=spec.leader.strip(),
        attendees=spec.attendees.strip(),
        summary=spec.summary.strip(),
    )
    problems = [_create(meeting, n, u) for n, u in enumerate(understood, start=1)]
    audit_log(
        actor=actor,
        action="supervision.onsite.recorded",
        target=f"onsite:{meeting.pk}",
        data={
            "held_on": meeting.held_on.isoformat(),
            "problems": [p.item.number for p in problems if p.item],
        },
    )
    return meeting


@transaction.atomic
def problem_add(meeting: OnsiteMeeting, row: ProblemRow, *, actor: str | None = None) -> Problem:
    """One more problem of ``meeting`` (numbered after the last)."""
    OnsiteMeeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()
    number = (meeting.problems.aggregate(top=Max("number"))["top"] or 0) + 1
    (u,) = _understand([row], first=number)
    problem = _create(meeting, number, u)
    audit_log(
        actor=actor,
        action="supervision.onsite.problem_added",
        target=f"onsite:{meeting.pk}",
        data={"problem": problem.number, "item": problem.item.number if problem.item else None},
    )
    return problem


def _name(problem: Problem) -> str:
    number = problem.item.number if problem.item else str(problem.pk)
    return f"{number}（{problem.unit.name}）"


@transaction.atomic
def batch_decide(
    anchor: Problem,
    members: Sequence[Problem],
    *,
    decision: str,
    decided_by: str,
    decided_on: date,
    actor: str | None = None,
) -> ProblemBatch:
    """批处理: one decision for ``anchor`` and ``members``, open problems of the anchor's
    category not yet in a batch. Each member's item records the decision (its requirement)
    and its first step is done on ``decided_on``; nothing else changes: each is then reported
    on and closed on its own."""
    if not decision.strip():
        raise InvalidInput(_("write the decision: it is empty"), code="decision_required")
    if len(decision) > MAX_TEXT:
        raise InvalidInput(
            _("the decision: at most %(max)s characters (got %(count)s)")
            % {"max": MAX_TEXT, "count": len(decision)},
            code="too_long",
        )
    if not decided_by.strip():
        raise InvalidInput(_("say who decided"), code="decided_by_required")
    ids = list(dict.fromkeys([anchor.pk, *(m.pk for m in members)]))
    if len(ids) < 2:
        raise InvalidInput(
            _("a batch needs at least one problem besides this one"), code="batch_too_small"
        )
    if len(ids) > MAX_BATCH:
        raise InvalidInput(
            _("at most %(max)s problems in one batch") % {"max": MAX_BATCH}, code="batch_too_large"
        )
    # the rows locked (in one order), then read afresh with what they point to: two offices
    # batching one problem at once, the second waits and then sees the first one's batch
    list(Problem.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    locked = {
        p.pk: p for p in Problem.objects.filter(pk__in=ids).select_related("item", "unit", "batch")
    }
    if len(locked) != len(ids):
        raise InvalidInput(_("a problem of the batch no longer exists"), code="not_found")
    anchor = locked[anchor.pk]
    problems = [locked[pk] for pk in ids]
    errors = []
    for p in problems:
        if p.category.strip() != anchor.category.strip():
            errors.append(
                _("%(problem)s is of category “%(other)s”, not “%(category)s”")
                % {"problem": _name(p), "other": p.category, "category": anchor.category}
            )
        if p.item is None or p.item.closed_on is not None:
            errors.append(_("%(problem)s is closed") % {"problem": _name(p)})
        if p.batch_id is not None:
            errors.append(
                _("%(problem)s is already in the batch decided on %(day)s")
                % {"problem": _name(p), "day": p.batch.decided_on.isoformat()}  # type: ignore[union-attr]
            )
    if errors:
        raise StateError("; ".join(errors), code="batch_refused")
    batch = ProblemBatch.objects.create(
        decision=decision.strip(), decided_by=decided_by.strip()[:100], decided_on=decided_on
    )
    for p in problems:
        p.batch = batch
        p.save(update_fields=["batch"])
        item = p.item
        assert item is not None  # nosec B101 # type narrowing: recording makes the item
        item.requirement = BATCH_MARK + batch.decision
        item.save(update_fields=["requirement", "updated_at"])
        first = item.milestones.filter(text=FIRST_STEP).order_by("id").first()
        if first is None:
            first = Milestone.objects.create(item=item, text=FIRST_STEP, due=decided_on)
        if first.done_on is None:
            first.done_on = decided_on
            first.save(update_fields=["done_on"])
        audit_log(
            actor=actor,
            action="supervision.onsite.batched",
            target=f"item:{item.supervision_list.key}/{item.number}",
            data={"batch": batch.pk, "decided_on": decided_on.isoformat()},
        )
    audit_log(
        actor=actor,
        action="supervision.onsite.batch_decided",
        target=f"batch:{batch.pk}",
        data={
            "anchor": anchor.item.number if anchor.item else None,
            "items": [p.item.number for p in problems if p.item],
            "decided_by": batch.decided_by,
        },
    )
    return batch


# --- the problems sheet ----------------------------------------------------------------------

#: header words → field (a header cell is matched after spaces are removed)
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "unit": ("提出单位", "反映单位", "提交单位", "县区", "县(区)", "单位"),
    "category": ("类别", "问题类别", "问题类型", "分类", "类型"),
    "description": ("问题", "问题描述", "反映问题", "存在问题", "问题内容", "具体问题"),
    "decision": ("办理意见", "会议意见", "交办意见", "处理意见", "会议决定", "议定事项"),
    "responsible": ("责任单位", "承办单位", "牵头单位", "办理单位"),
    "deadline": ("完成时限", "办理时限", "时限", "完成时间"),
}
REQUIRED = ("unit", "category", "description", "responsible")


@dataclass(frozen=True)
class ProblemSheet:
    title: str
    held_on: date | None
    rows: list[ProblemRow]
    errors: list[str]


def _header(texts: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for column, text in enumerate(texts, start=1):
        key = header_key(text)
        for what, words in HEADERS.items():
            if what not in found and key in words:
                found[what] = column
                break
    return found


def read_problem_sheet(data: bytes, file_name: str = "") -> ProblemSheet:
    """A meeting's problems from the first sheet: a title row above the header (its date, if
    it writes one, is the meeting's: 2026年11月18日现场办公会问题交办清单), a header row found
    by its words (:data:`HEADERS`), one problem per row; blank rows skipped; merged cells
    filled from their top-left cell."""
    grid, refused = open_grid(data, file_name)
    if grid is None:
        return ProblemSheet("", None, [], [refused or _("not an Excel workbook")])
    header_row, columns = 0, {}
    for r in range(1, min(grid.max_row, 20) + 1):
        found = _header(grid.row_texts(r))
        if all(w in found for w in REQUIRED):
            header_row, columns = r, found
            break
    if not header_row:
        words = "、".join(HEADERS[w][0] for w in REQUIRED)
        return ProblemSheet(
            "", None, [], [_("no header row with the columns %(words)s") % {"words": words}]
        )
    title = next(
        (t for r in range(1, header_row) for t in grid.row_texts(r) if t.strip()), ""
    ).strip()
    held_on = None
    if title:
        try:
            held_on = parse_day(title[: title.find("日") + 1] if "日" in title else "")
        except ValueError:
            held_on = None
    rows: list[ProblemRow] = []
    for r in range(header_row + 1, grid.max_row + 1):
        cells = {what: grid.text(r, c) for what, c in columns.items()}
        if not any(cells[w] for w in REQUIRED):
            continue
        if cells.get("number", "").startswith(("注", "备注")):
            break
        rows.append(
            ProblemRow(
                unit=cells["unit"],
                category=cells["category"],
                description=cells["description"],
                responsible=cells["responsible"],
                decision=cells.get("decision", ""),
                deadline=cells.get("deadline", ""),
                row=r,
                cells={what: cell_ref(r, c) for what, c in columns.items()},
            )
        )
    return ProblemSheet(title, held_on, rows, [] if rows else [_("the sheet holds no problem")])


def problem_target(problem: Problem) -> dict[str, Any]:
    """Where a problem's item lives (for links): the list key and the item number."""
    item = problem.item
    return {"key": item.supervision_list.key, "number": item.number} if item else {}
