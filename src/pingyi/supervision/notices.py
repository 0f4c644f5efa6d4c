"""Writes of supervision notices (督办单): the daily sweep, and what happens to a notice
afterwards — acknowledgement (签收), the unit's written reply, the office's acceptance or
return. The rule of escalation itself is pure: :mod:`pingyi.supervision.method.escalation`.

Every step is in the audit trail, in the transaction that takes it (issued, reminded,
escalated, censured, closed, acknowledged, replied, accepted, returned); notifications are
written in the same transaction (:mod:`pingyi.notifications`, keyed so that a repeated
sweep sends nothing) and delivered by the task queue after the commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.orgs.models import Unit
from pingyi.supervision import notify, projects, selectors, selectors_notices
from pingyi.supervision.errors import InvalidInput, StateError
from pingyi.supervision.method import escalation
from pingyi.supervision.models import (
    CloseReason,
    Item,
    Notice,
    NoticeColour,
    NoticeReply,
    ReplyState,
    Sweep,
)
from pingyi.supervision.services import _attachments_save, _lock, attachments_check

#: a PostgreSQL advisory lock's key: one sweep at a time (SQLite: BEGIN IMMEDIATE)
_SWEEP_LOCK = 0x70696E67


def _target(notice: Notice) -> str:
    item = notice.item
    return f"notice:{notice.pk} item:{item.supervision_list.key}/{item.number}"


@dataclass
class SweepSummary:
    """What one sweep did."""

    day: date
    items: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    issued: Counter[str] = field(default_factory=Counter)
    numbers: list[str] = field(default_factory=list)
    escalated: int = 0
    resolved: int = 0
    censured: int = 0
    reminded: int = 0
    messages: int = 0
    warnings: list[str] = field(default_factory=list)
    repeated: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.issued.values()) or self.escalated or self.resolved or self.censured
            or self.reminded
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "items": self.items,
            "statuses": dict(sorted(self.statuses.items())),
            "issued": {c: self.issued.get(c, 0) for c in escalation.COLOURS},
            "numbers": self.numbers,
            "escalated": self.escalated,
            "resolved": self.resolved,
            "censured": self.censured,
            "reminded": self.reminded,
            "messages": self.messages,
            "repeated": self.repeated,
        }


def _units(item: Item, colour: str) -> list[Unit]:
    """Who a notice is addressed to: the lead unit, and for blue and yellow its co-units."""
    units = [item.lead_unit]
    if colour != NoticeColour.RED:
        units += [u for u in item.co_units.all() if u.pk != item.lead_unit_id]
    return units


def _demand(item: Item, colour: str, dues: escalation.RedDues | None) -> str:
    """The notice's demand, as printed: in Chinese whatever the reader's language (a notice is
    an official document, like the 督办单 it is printed as)."""
    if colour == NoticeColour.BLUE:
        return f"该事项将于{item.due}到期，请按期完成并及时报送进展。"
    if colour == NoticeColour.YELLOW:
        return "该事项进度滞后，请加快推进，及时报送进展情况。"
    assert dues is not None  # nosec B101 # type narrowing: a red notice has its dues
    return (
        f"该事项已超过完成时限。请于{dues.acknowledge_by}前签收本督办单，"
        f"并于{dues.reply_by}前书面回复未按期完成的原因、整改措施和完成时间。"
    )


def _open_notice(notice: Notice) -> escalation.OpenNotice:
    accepted = [
        r.decided_on for r in notice.replies.all()
        if r.state == ReplyState.ACCEPTED and r.decided_on
    ]
    return escalation.OpenNotice(
        ref=notice,
        colour=notice.colour,  # type: ignore[arg-type]
        issued_on=notice.issued_on,
        reply_due=notice.reply_by,
        reply_accepted_on=min(accepted) if accepted else None,
        censured=notice.censured_on is not None,
        last_reminded_on=notice.last_reminded_on,
    )


def _notify(notice: Notice, event: str, day: date) -> int:
    """The notice's messages on every channel of its units (and, red, its leader's)."""
    return notify.notice_message(notice, event, day)


def sweep(day: date, *, actor: str | None = "sweep") -> SweepSummary:
    """The daily sweep of ``day`` (T): every item's status on T, then its notices
    (:func:`escalation.sweep_item`), in one transaction. Idempotent: a second sweep of the
    same day, also one running at the same time in another process, changes and sends
    nothing (they take turns on a lock; the second finds every notice already issued)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK])
        latest = Sweep.objects.order_by("-day").values_list("day", flat=True).first()
        if latest is not None and day < latest:  # read under the lock: no other sweep runs
            raise StateError(
                _("the notices were already swept on %(latest)s: a sweep cannot go back to "
                  "%(day)s") % {"latest": latest, "day": day},
                code="sweep_in_the_past",
            )
        record, created = Sweep.objects.get_or_create(day=day)
        projects.sync_projects(day)
        summary = _sweep(day, actor)
        summary.repeated = not created
        if created or summary.changed:
            record.summary = summary.as_json()
            record.save(update_fields=["summary"])
    return summary


def _sweep(day: date, actor: str | None) -> SweepSummary:
    summary = SweepSummary(day)
    calendar = selectors.working_days()
    items = selectors.items_with_facts(
        Item.objects.order_by("supervision_list__key", "supervision_list_id", "position", "id")
    )
    open_by_item: dict[int, list[Notice]] = {}
    for notice in selectors_notices.open_notices():
        open_by_item.setdefault(notice.item_id, []).append(notice)
    next_serial: dict[int, int] = {}
    for item in items:
        status = selectors.item_status(item, day, calendar)
        summary.items += 1
        summary.statuses[status.status] += 1
        notices = open_by_item.get(item.pk, [])
        actions = escalation.sweep_item(
            status.status, [_open_notice(n) for n in notices], day, calendar
        )
        if actions.empty:
            continue
        censure = set(actions.censure)
        for notice in notices:
            if notice in censure:
                notice.censured_on = day
                notice.save(update_fields=["censured_on"])
                summary.censured += 1
                audit_log(actor=actor, action="supervision.notice.censured", target=_target(notice),
                          data={"day": day.isoformat(), "number": notice.number})
                summary.messages += _notify(notice, "censured", day)
        for notice, reason in actions.close:
            notice.closed_on, notice.close_reason = day, reason
            notice.save(update_fields=["closed_on", "close_reason"])
            if reason == CloseReason.ESCALATED:
                summary.escalated += 1
            else:
                summary.resolved += 1
            audit_log(actor=actor, action=f"supervision.notice.{reason}", target=_target(notice),
                      data={"day": day.isoformat(), "status": status.status})
        for notice in actions.remind:
            notice.last_reminded_on = day
            notice.reminders += 1
            notice.save(update_fields=["last_reminded_on", "reminders"])
            summary.reminded += 1
            audit_log(actor=actor, action="supervision.notice.reminded", target=_target(notice),
                      data={"day": day.isoformat(), "reminder": notice.reminders})
            summary.messages += _notify(notice, f"reminded-{notice.reminders}", day)
        if actions.issue is not None:
            notice = _issue(item, actions.issue, status.due, day, calendar, next_serial)
            summary.issued[actions.issue] += 1
            if notice.number:
                summary.numbers.append(notice.number)
            audit_log(actor=actor, action="supervision.notice.issued", target=_target(notice),
                      data={"day": day.isoformat(), "colour": notice.colour,
                            "number": notice.number, "units": notice.unit_codes,
                            "status": status.status})
            summary.messages += _notify(notice, "issued", day)
    return summary


def _issue(
    item: Item,
    colour: str,
    due: date | None,
    day: date,
    calendar: Any,
    next_serial: dict[int, int],
) -> Notice:
    dues = escalation.red_dues(day, calendar) if colour == NoticeColour.RED else None
    notice = Notice(
        item=item,
        colour=colour,
        issued_on=day,
        due_on=due,
        unit_codes=[u.code for u in _units(item, colour)],
        leader=item.leader,
        demand=_demand(item, colour, dues),
    )
    if dues is not None:
        year = day.year
        if year not in next_serial:
            next_serial[year] = selectors_notices.last_serial(year) + 1
        notice.year, notice.serial = year, next_serial[year]
        next_serial[year] += 1
        notice.acknowledge_by, notice.reply_by = dues.acknowledge_by, dues.reply_by
    notice.save()
    notice.units.set(_units(item, colour))
    return notice


# --- after the issue: acknowledgement, reply, decision ----------------------------------------


def _red_and_open(notice: Notice) -> None:
    if notice.colour != NoticeColour.RED:
        raise StateError(_("only a supervision notice (督办单) is acknowledged and answered"),
                         code="not_red")
    if notice.closed_on is not None:
        raise StateError(_("this notice is closed"), code="closed")


@transaction.atomic
def notice_acknowledge(notice: Notice, *, by: str, actor: str | None = None) -> Notice:
    """签收: the unit has received the notice (once; a second time changes nothing)."""
    _lock(notice)
    _red_and_open(notice)
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at, notice.acknowledged_by = timezone.now(), by[:150]
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_log(actor=actor, action="supervision.notice.acknowledged", target=_target(notice),
              data={"by": notice.acknowledged_by,
                    "late": timezone.localdate() > notice.acknowledge_by
                    if notice.acknowledge_by else False})
    return notice


@transaction.atomic
def notice_reply(
    notice: Notice,
    *,
    unit: Unit,
    text: str,
    replied_on: date,
    attachments: Sequence[File] = (),
    created_by: Any = None,
    actor: str | None = None,
) -> NoticeReply:
    """The unit's written reply (with attachments, checked before anything is written). A
    reply acknowledges the notice too. One reply awaits the office at a time."""
    _lock(notice)
    _red_and_open(notice)
    if not text.strip():
        raise InvalidInput(_("write the reply: the reasons, the measures, the date"),
                           code="reply_required")
    if unit.code not in notice.unit_codes:
        raise InvalidInput(
            _("%(unit)s is not addressed by this notice") % {"unit": unit.name},
            code="not_notices_unit",
        )
    if notice.replies.filter(state=ReplyState.PENDING).exists():
        raise StateError(_("a reply already awaits the office"), code="reply_pending")
    if notice.replies.filter(state=ReplyState.ACCEPTED).exists():
        raise StateError(_("a reply was already accepted"), code="reply_accepted")
    checked = attachments_check(attachments)
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = getattr(created_by, "username", "") or unit.name
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    reply = NoticeReply.objects.create(
        notice=notice, unit=unit, text=text.strip(), replied_on=replied_on,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    names = _attachments_save(checked, item=notice.item, reply=reply)
    audit_log(actor=actor, action="supervision.notice.replied", target=_target(notice),
              data={"reply": reply.pk, "unit": unit.code, "date": replied_on.isoformat(),
                    "attachments": names})
    return reply


def _pending(reply: NoticeReply) -> None:
    if reply.state != ReplyState.PENDING:
        raise StateError(
            _("this reply was already decided (%(state)s)") % {"state": reply.get_state_display()},
            code="decided",
        )


@transaction.atomic
def reply_accept(reply: NoticeReply, *, day: date, actor: str | None = None) -> NoticeReply:
    """The office accepts the reply. The notice closes at the first sweep on which the item
    is no longer overdue (SUPERVISION.md: a red notice closes only when its reply is
    accepted and the item is no longer overdue)."""
    _lock(reply)
    _pending(reply)
    reply.state, reply.decided_on = ReplyState.ACCEPTED, day
    reply.save(update_fields=["state", "decided_on"])
    audit_log(actor=actor, action="supervision.notice.reply_accepted",
              target=_target(reply.notice), data={"reply": reply.pk, "day": day.isoformat()})
    return reply


@transaction.atomic
def reply_return(
    reply: NoticeReply, *, reason: str, day: date, actor: str | None = None
) -> NoticeReply:
    """The office returns the reply with a reason; the unit replies again."""
    _lock(reply)
    _pending(reply)
    if not reason.strip():
        raise InvalidInput(_("say why the reply is returned"), code="reason_required")
    reply.state, reply.decided_on, reply.return_reason = ReplyState.RETURNED, day, reason.strip()
    reply.save(update_fields=["state", "decided_on", "return_reason"])
    audit_log(actor=actor, action="supervision.notice.reply_returned",
              target=_target(reply.notice),
              data={"reply": reply.pk, "day": day.isoformat(), "reason": reply.return_reason})
    return reply
