"""Writes of the weekly cycle (周交办点评, 周通报), each audited in its transaction:

- ``sheet_save``: a week's assignment sheet (交办单) as a draft — its items, each with a
  demand, the report deadline (default Friday 12:00 of the week, rule 2 of
  :mod:`pingyi.supervision.method.week`), a note; all or nothing;
- ``sheet_issue``: issues it; each lead unit (and co-unit) of its items is told once,
  keyed by sheet and unit (``supervision.week:<sheet>:<unit>``), so issuing twice tells nobody
  twice;
- ``bulletin_compile``: the week's bulletin figures (``selectors_weekly.compile_bulletin``),
  made or remade while the bulletin is a draft; the office's text is kept;
- ``bulletin_edit``: the intro and remarks (the figures cannot be edited);
- ``bulletin_issue``: freezes it as last compiled; it prints the same ever after.

Leaders' comments go through ``services.report_comment`` (a 差 makes the item lagging).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.orgs.models import Unit
from pingyi.supervision import selectors_weekly
from pingyi.supervision.errors import InvalidInput, StateError
from pingyi.supervision.method import week as rules
from pingyi.supervision.method.week import Week
from pingyi.supervision.models import Bulletin, Item, WeekSheet, WeekSheetItem
from pingyi.supervision.notify import notify, site_url
from pingyi.supervision.services import _lock

#: the longest demand, note, intro or remarks
MAX_TEXT = 5000
#: the most items on one sheet
MAX_ITEMS = 500


def _target(week: Week) -> str:
    return f"week:{week}"


def parse_week(text: str) -> Week:
    """``2026-W41`` → a Week; a refusal saying how to write one."""
    try:
        return Week.parse(text)
    except rules.WeekError:
        raise InvalidInput(
            _("week “%(value)s”: write an ISO week as YYYY-Www, e.g. 2026-W41")
            % {"value": str(text)[:40]},
            code="bad_week",
        ) from None


def default_deadline(week: Week) -> datetime:
    """Friday 12:00 of the week, in local time (aware)."""
    return timezone.make_aware(rules.default_deadline(week))


def _check_text(value: str, what: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(
            _("%(what)s is %(length)d characters long; at most %(limit)d")
            % {"what": what, "length": len(value), "limit": MAX_TEXT},
            code="too_long",
        )
    return value


@transaction.atomic
def sheet_save(
    week: Week,
    picks: Sequence[tuple[Item, str]],
    *,
    deadline: datetime | None = None,
    note: str = "",
    actor: str | None = None,
) -> WeekSheet:
    """The week's draft sheet, replaced as a whole by ``picks`` (item, demand) in order.
    Refused, with nothing written: an issued sheet, no item, an item twice or closed, a
    deadline outside the week, text too long."""
    sheet = selectors_weekly.sheet_of(week)
    if sheet is not None:
        _lock(sheet)
        if sheet.issued_at is not None:
            raise StateError(
                _("the sheet of %(week)s was issued: it cannot be changed") % {"week": week}
            )
    if not picks:
        raise InvalidInput(_("pick at least one item for the sheet"), code="no_items")
    if len(picks) > MAX_ITEMS:
        raise InvalidInput(
            _("%(count)d items: at most %(limit)d on one sheet")
            % {"count": len(picks), "limit": MAX_ITEMS},
            code="too_many",
        )
    seen: set[int] = set()
    rows = []
    for item, demand in picks:
        where = _("item %(list)s/%(number)s") % {
            "list": item.supervision_list.key,
            "number": item.number,
        }
        if item.pk in seen:
            raise InvalidInput(_("%(where)s is picked twice") % {"where": where}, code="twice")
        if item.closed_on is not None:
            raise InvalidInput(
                _("%(where)s is closed: it needs no more pushing") % {"where": where},
                code="closed",
            )
        seen.add(item.pk)
        rows.append((item, _check_text(demand, _("the demand of %(where)s") % {"where": where})))
    when = deadline or default_deadline(week)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    try:
        rules.check_deadline(week, timezone.localtime(when).replace(tzinfo=None))
    except rules.WeekError:
        raise InvalidInput(
            _("the report deadline %(deadline)s is not in %(week)s (%(monday)s to %(sunday)s)")
            % {
                "deadline": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                "week": week,
                "monday": week.monday.isoformat(),
                "sunday": week.sunday.isoformat(),
            },
            code="deadline_outside_week",
        ) from None
    note = _check_text(note, _("the note"))
    if sheet is None:
        sheet = WeekSheet.objects.create(year=week.year, week=week.week, deadline=when, note=note)
    else:
        sheet.deadline, sheet.note = when, note
        sheet.save(update_fields=["deadline", "note"])
        sheet.entries.all().delete()
    WeekSheetItem.objects.bulk_create(
        WeekSheetItem(sheet=sheet, item=item, demand=demand, position=i)
        for i, (item, demand) in enumerate(rows)
    )
    audit_log(
        actor=actor,
        action="supervision.week.sheet_saved",
        target=_target(week),
        data={
            "items": [f"{i.supervision_list.key}/{i.number}" for i, _d in rows],
            "deadline": when.isoformat(),
        },
    )
    return sheet


def _message(sheet: WeekSheet, unit: Unit, rows: list[WeekSheetItem]) -> tuple[str, str, str]:
    week = selectors_weekly.week_of_sheet(sheet)
    deadline = selectors_weekly.local_deadline(sheet)
    title = f"【周交办单】{week} 共{len(rows)}项"
    link = site_url() + reverse("supervision:unit_home")
    lines = [f"**{title}**", "", f"请于{deadline:%Y年%m月%d日 %H:%M}前报送本周进展。"]
    for e in rows:
        lines.append(f"- {e.item.number} {e.item.title[:40]}：{e.demand or '按要求推进'}")
    if sheet.note:
        lines.append(sheet.note)
    lines.append(f"[查看本周交办]({link})")
    return title, "\n".join(lines), link


@transaction.atomic
def sheet_issue(sheet: WeekSheet, *, actor: str | None = None, now: datetime | None = None) -> int:
    """Issues the sheet and tells each unit of its items (lead units and co-units) its part,
    once (keyed by sheet and unit). Issued again: nothing changes, nobody is told twice.
    Returns the messages written."""
    _lock(sheet)
    week = selectors_weekly.week_of_sheet(sheet)
    rows = list(selectors_weekly.entries(sheet).prefetch_related("item__co_units"))
    if not rows:
        raise InvalidInput(_("the sheet of %(week)s has no item") % {"week": week}, code="empty")
    first = sheet.issued_at is None
    if first:
        sheet.issued_at = now or timezone.now()
        sheet.issued_by = (actor or "")[:150]
        sheet.save(update_fields=["issued_at", "issued_by"])
    parts: dict[int, tuple[Unit, list[WeekSheetItem]]] = {}
    for e in rows:
        for unit in [e.item.lead_unit, *e.item.co_units.all()]:
            parts.setdefault(unit.pk, (unit, []))[1].append(e)
    sent = 0
    for unit, part in sorted(parts.values(), key=lambda p: (p[0].order, p[0].code)):
        title, markdown, link = _message(sheet, unit, part)
        sent += notify(
            recipients=[unit],
            title=title,
            markdown=markdown,
            link=link,
            key=f"supervision.week:{sheet.pk}:{unit.code}",
        )
    if first:
        audit_log(
            actor=actor,
            action="supervision.week.sheet_issued",
            target=_target(week),
            data={"items": len(rows), "units": sorted(u.code for u, _p in parts.values())},
        )
    return sent


@transaction.atomic
def bulletin_compile(
    week: Week, *, today: date | None = None, actor: str | None = None
) -> Bulletin:
    """Compiles (or recompiles) the week's draft bulletin; the office's text stays. Refused
    once the bulletin is issued."""
    today = today or timezone.localdate()
    bulletin = selectors_weekly.bulletin_of(week)
    if bulletin is not None:
        _lock(bulletin)
        if bulletin.issued_at is not None:
            raise StateError(
                _("the bulletin of %(week)s was issued: it is not compiled again") % {"week": week}
            )
    data = selectors_weekly.compile_bulletin(week, today)
    now = timezone.now()
    if bulletin is None:
        bulletin = Bulletin(year=week.year, week=week.week)
    bulletin.data, bulletin.compiled_at = data, now
    bulletin.text = selectors_weekly.searchable_text(data, bulletin.intro, bulletin.remarks)
    bulletin.save()
    audit_log(
        actor=actor,
        action="supervision.week.bulletin_compiled",
        target=_target(week),
        data={"as_of": data["as_of"], "units": len(data["units"])},
    )
    return bulletin


@transaction.atomic
def bulletin_edit(
    bulletin: Bulletin, *, intro: str, remarks: str, actor: str | None = None
) -> Bulletin:
    """The office's own words; the figures stay as compiled."""
    _lock(bulletin)
    if bulletin.issued_at is not None:
        raise StateError(_("the bulletin was issued: it cannot be edited"))
    bulletin.intro = _check_text(intro, _("the introduction"))
    bulletin.remarks = _check_text(remarks, _("the remarks"))
    bulletin.text = selectors_weekly.searchable_text(
        bulletin.data, bulletin.intro, bulletin.remarks
    )
    bulletin.save(update_fields=["intro", "remarks", "text"])
    audit_log(
        actor=actor,
        action="supervision.week.bulletin_edited",
        target=_target(selectors_weekly.week_of_sheet(bulletin)),
        data={"intro": len(bulletin.intro), "remarks": len(bulletin.remarks)},
    )
    return bulletin


@transaction.atomic
def bulletin_issue(
    bulletin: Bulletin, *, actor: str | None = None, now: datetime | None = None
) -> Bulletin:
    """Issues the bulletin as last compiled (what the office read and edited)."""
    _lock(bulletin)
    if bulletin.issued_at is not None:
        raise StateError(_("the bulletin was already issued"))
    bulletin.issued_at = now or timezone.now()
    bulletin.issued_by = (actor or "")[:150]
    bulletin.save(update_fields=["issued_at", "issued_by"])
    audit_log(
        actor=actor,
        action="supervision.week.bulletin_issued",
        target=_target(selectors_weekly.week_of_sheet(bulletin)),
        data={"compiled_at": bulletin.compiled_at.isoformat()},
    )
    return bulletin


def data_of(bulletin: Bulletin) -> dict[str, Any]:
    """The figures and the office's text, as the documents print them."""
    return {
        **bulletin.data,
        "intro": bulletin.intro,
        "remarks": bulletin.remarks,
        "issued": bulletin.issued_at is not None,
    }
