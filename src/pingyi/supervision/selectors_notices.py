"""Reads of supervision notices: the open ones (for the sweep), the board, a unit's inbox,
and ``pingyi notices list --json`` (SUPERVISION.md, "Contracts")."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q, QuerySet

from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit
from pingyi.supervision.models import Notice, NoticeColour, NoticeReply, ReplyState

#: within one day: by list, then item number (its place in the list), then colour
_COLOUR_ORDER = {NoticeColour.BLUE: 0, NoticeColour.YELLOW: 1, NoticeColour.RED: 2}


def _with_item(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    return notices.select_related("item", "item__supervision_list", "item__lead_unit")


def open_notices() -> QuerySet[Notice]:
    """Every open notice, with the replies the sweep reads."""
    return _with_item(Notice.objects.filter(closed_on__isnull=True)).prefetch_related("replies")


def last_serial(year: int) -> int:
    """The last number given to a red notice of ``year`` (0: none yet)."""
    return Notice.objects.filter(year=year).aggregate(m=Max("serial"))["m"] or 0


def in_order_of_issue(notices: QuerySet[Notice]) -> list[Notice]:
    """Notices in order of issue: by day, then (within one sweep) by list, item number and
    colour blue → yellow → red."""
    rows = list(_with_item(notices))
    rows.sort(
        key=lambda n: (
            n.issued_on,
            n.item.supervision_list.key,
            n.item.supervision_list_id,
            n.item.position,
            n.item_id,
            _COLOUR_ORDER[n.colour],  # type: ignore[index]
            n.pk,
        )
    )
    return rows


def notice_json(notice: Notice) -> dict[str, Any]:
    """One notice as ``pingyi notices list --json`` gives it."""
    return {
        "colour": notice.colour,
        "number": notice.number,
        "list": notice.item.supervision_list.key,
        "item": notice.item.number,
        "units": list(notice.unit_codes),
        "issued_on": notice.issued_on.isoformat(),
        "closed_on": notice.closed_on.isoformat() if notice.closed_on else None,
        "censure": notice.censured_on is not None,
    }


def notices_json() -> list[dict[str, Any]]:
    return [notice_json(n) for n in in_order_of_issue(Notice.objects.all())]


def notices_for_unit(unit: Unit) -> QuerySet[Notice]:
    """A unit's inbox: the notices addressed to it (lead unit, or co-unit of blue/yellow)."""
    return Notice.objects.filter(units=unit)


def board(
    *, colour: str | None = None, unit: Unit | None = None, state: str | None = None
) -> list[Notice]:
    """The office's notice board: every notice, newest first, filtered by colour, unit and
    state (open, closed, censured, awaiting a reply decision)."""
    notices = Notice.objects.all()
    if unit is not None:
        notices = notices_for_unit(unit)
    if colour in NoticeColour.values:
        notices = notices.filter(colour=colour)
    if state == "open":
        notices = notices.filter(closed_on__isnull=True)
    elif state == "closed":
        notices = notices.filter(closed_on__isnull=False)
    elif state == "censured":
        notices = notices.filter(censured_on__isnull=False)
    elif state == "reply_pending":
        notices = notices.filter(replies__state=ReplyState.PENDING).distinct()
    elif state == "unacknowledged":
        notices = notices.filter(
            Q(colour=NoticeColour.RED), closed_on__isnull=True, acknowledged_at__isnull=True
        )
    return list(reversed(in_order_of_issue(notices)))


# --- the notice pages (views_notices.py, the API) ---------------------------------------------


def open_counts(notices: QuerySet[Notice] | None = None) -> dict[str, int]:
    """Open notices by colour (blue, yellow, red), of ``notices`` (default: all)."""
    rows = (Notice.objects.all() if notices is None else notices).filter(closed_on__isnull=True)
    counts = dict.fromkeys(NoticeColour.values, 0)
    for colour in rows.values_list("colour", flat=True):
        counts[colour] += 1
    return counts


def notices_for_user(user: Any) -> QuerySet[Notice]:
    """The notices an account may read: every one for the office, leaders and viewers; a
    liaison's unit's (``notices_for_unit``); none for anyone else."""
    if user.has_perm("supervision.view_notices"):
        return Notice.objects.all()
    unit = getattr(user, "unit", None)
    if unit is not None and user.has_perm("supervision.view_index"):
        return notices_for_unit(unit)
    return Notice.objects.none()


def inbox(unit: Unit) -> list[Notice]:
    """A liaison's inbox: open notices first, red before yellow before blue, newest first."""
    rows = list(_with_item(notices_for_unit(unit)).prefetch_related("replies"))
    rows.sort(key=lambda n: (-n.issued_on.toordinal(), -n.pk))
    rows.sort(key=lambda n: (n.closed_on is not None, -_COLOUR_ORDER[n.colour]))  # type: ignore[index]
    return rows


def notice_page(pk: int) -> Notice | None:
    """One notice with its item, units and replies (with their attachments)."""
    return (
        _with_item(Notice.objects.filter(pk=pk))
        .prefetch_related("units", "replies__attachments", "replies__unit")
        .first()
    )


def notice_target_prefix(notice: Notice) -> str:
    """The start of the audit trail's target of a notice's entries (``notice:<id> item:…``)."""
    return f"notice:{notice.pk} "


def notice_trail(notice: Notice) -> list[Any]:
    """The notice's entries in the audit trail, oldest first (issued, reminded, escalated,
    acknowledged, replied, accepted / returned, censured, closed)."""
    return list(
        AuditEntry.objects.filter(
            target__startswith=notice_target_prefix(notice),
            action__startswith="supervision.notice.",
        ).order_by("seq")
    )


def notices_of_item(item: Any, user: Any) -> list[Notice]:
    """An item's notices the account may read, newest first."""
    rows = notices_for_user(user).filter(item=item).order_by("-issued_on", "-pk")
    return list(rows)


def pending_replies() -> QuerySet[NoticeReply]:
    """Replies to notices awaiting the office's decision, oldest first."""
    return (
        NoticeReply.objects.filter(state=ReplyState.PENDING)
        .select_related("notice__item__supervision_list")
        .order_by("created_at", "pk")
    )


def to_answer(unit: Unit) -> list[Notice]:
    """The unit's open red notices it still has to answer: no reply awaiting the office and
    none accepted (a returned reply is answered again)."""
    answered = NoticeReply.objects.filter(
        state__in=(ReplyState.PENDING, ReplyState.ACCEPTED)
    ).values("notice_id")
    rows = _with_item(
        notices_for_unit(unit).filter(colour=NoticeColour.RED, closed_on__isnull=True)
    ).exclude(pk__in=answered)
    return list(rows.order_by("issued_on", "pk"))
