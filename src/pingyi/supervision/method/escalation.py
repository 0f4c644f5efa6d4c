"""Notices and escalation (SUPERVISION.md, "Notices and escalation (exact)"): what one
daily sweep does to one item's notices, given the item's status on the sweep's day T.

Pure: no Django. The services (``notices.py``) read the item's open notices, call
:func:`sweep_item`, and write what it returns, in one transaction per sweep.

Per item at each sweep:

- the status gives a colour: ``due_soon`` blue (提醒), ``lagging`` yellow (催办),
  ``overdue`` red (督办单), any other none;
- every open blue or yellow notice of another colour closes: as ``escalated`` when the new
  colour is higher (blue < yellow < red), else (a lower colour, or none) as ``resolved``;
- if the colour is not none and the item has no open notice of that colour, one is issued;
- an open yellow notice that stays (the item still lagging) is reminded again every 3
  working days after its issue or its last reminder (no new notice);
- an open red notice is marked 通报 (censure) by the first sweep whose day is after its
  reply due, unless a reply was accepted on or before the reply due;
- an open red notice closes (``resolved``) only when its reply is accepted and the item is
  no longer overdue.

A red notice's acknowledgement (签收) is due the 1st working day after its day of issue,
its written reply the 3rd (:func:`red_dues`).

Decisions where the spec is silent:

- the sweep judges each day on its own: a day that was never swept issues nothing for that
  day, and a later sweep acts on the status of its own day;
- a reminder is due on the 3rd working day after the issue or the last reminder, and a
  sweep on or after that day sends it (so a skipped day delays it, never drops it); the
  reminder's day becomes the new start;
- a blue or yellow notice closed at a sweep is closed on that sweep's day, as is a red one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pingyi.supervision.method.workdays import WorkingDays

Colour = Literal["blue", "yellow", "red"]
CloseReason = Literal["escalated", "resolved"]

#: the colours in order of urgency (also the order of issue within one item)
COLOURS: tuple[Colour, ...] = ("blue", "yellow", "red")
_RANK = {colour: rank for rank, colour in enumerate(COLOURS, start=1)}

#: the colour a status calls for (others: none)
STATUS_COLOUR: dict[str, Colour] = {"due_soon": "blue", "lagging": "yellow", "overdue": "red"}

#: a yellow notice is reminded again every this many working days while the item lags
REMIND_EVERY = 3
#: a red notice is acknowledged by this working day after its issue, replied to by that one
ACK_WITHIN = 1
REPLY_WITHIN = 3


@dataclass(frozen=True)
class OpenNotice:
    """An open notice of the item, as the sweep needs it."""

    ref: Any
    colour: Colour
    issued_on: date
    #: red: the reply due (the 3rd working day after the issue)
    reply_due: date | None = None
    #: red: the day the office accepted a reply (None: no accepted reply)
    reply_accepted_on: date | None = None
    #: red: already marked 通报
    censured: bool = False
    #: yellow: the day of the last reminder (None: none sent since the issue)
    last_reminded_on: date | None = None


@dataclass(frozen=True)
class ItemActions:
    """What one sweep does to one item's notices (refs of the open notices given)."""

    close: tuple[tuple[Any, CloseReason], ...] = ()
    issue: Colour | None = None
    censure: tuple[Any, ...] = ()
    remind: tuple[Any, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.close or self.issue or self.censure or self.remind)


@dataclass(frozen=True)
class RedDues:
    acknowledge_by: date
    reply_by: date


def colour_for(status: str) -> Colour | None:
    """The colour a status calls for, or None (done, on track)."""
    return STATUS_COLOUR.get(status)


def red_dues(issued_on: date, calendar: WorkingDays) -> RedDues:
    """A red notice's dues: acknowledgement (签收) by the 1st working day after the day of
    issue, the written reply by the 3rd."""
    return RedDues(
        calendar.add_working_days(issued_on, ACK_WITHIN),
        calendar.add_working_days(issued_on, REPLY_WITHIN),
    )


def reminder_due(notice: OpenNotice, calendar: WorkingDays) -> date:
    """The day a yellow notice is next reminded on."""
    since = notice.last_reminded_on or notice.issued_on
    return calendar.add_working_days(since, REMIND_EVERY)


def is_higher(colour: Colour | None, than: Colour) -> bool:
    return colour is not None and _RANK[colour] > _RANK[than]


@dataclass
class _Draft:
    close: list[tuple[Any, CloseReason]] = field(default_factory=list)
    censure: list[Any] = field(default_factory=list)
    remind: list[Any] = field(default_factory=list)


def sweep_item(
    status: str, open_notices: list[OpenNotice], day: date, calendar: WorkingDays
) -> ItemActions:
    """What the sweep of ``day`` does to an item whose status on ``day`` is ``status`` and
    whose open notices are ``open_notices`` (SUPERVISION.md, "Precisely, per item …")."""
    if status not in ("done", "overdue", "lagging", "due_soon", "on_track"):
        raise ValueError(f"status: not a status: {status!r}")
    colour = colour_for(status)
    draft = _Draft()
    open_colours: set[Colour] = set()
    for notice in open_notices:
        if notice.colour in ("blue", "yellow"):
            if notice.colour != colour:
                higher = is_higher(colour, notice.colour)
                reason: CloseReason = "escalated" if higher else "resolved"
                draft.close.append((notice.ref, reason))
                continue
            open_colours.add(notice.colour)
            if notice.colour == "yellow" and day >= reminder_due(notice, calendar):
                draft.remind.append(notice.ref)
            continue
        if notice.colour != "red":
            raise ValueError(f"open_notices: not a colour: {notice.colour!r}")
        if notice.reply_due is None:
            raise ValueError("open_notices: a red notice needs its reply due")
        accepted_in_time = (
            notice.reply_accepted_on is not None and notice.reply_accepted_on <= notice.reply_due
        )
        if not notice.censured and day > notice.reply_due and not accepted_in_time:
            draft.censure.append(notice.ref)
        if notice.reply_accepted_on is not None and notice.reply_accepted_on <= day and (
            status != "overdue"
        ):
            draft.close.append((notice.ref, "resolved"))
            continue
        open_colours.add("red")
    issue = colour if colour is not None and colour not in open_colours else None
    return ItemActions(tuple(draft.close), issue, tuple(draft.censure), tuple(draft.remind))
