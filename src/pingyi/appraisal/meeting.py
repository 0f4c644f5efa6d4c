"""The meeting console's changes: reveal a track, rehearsal on/off, running order, presenters,
comment notes (讲评), the event compared with. Plus the console's state changes, which call
the engine's services (they tell the screens once their transaction has committed).

Every function is keyword-only, validates first and changes state in one transaction;
refusals are :class:`~pingyi.appraisal.errors.AppraisalError` subclasses. Who may call
them is checked by the views (``appraisal.run_meeting``, see ``rules.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pingyi.appraisal import live, services
from pingyi.appraisal.errors import AppraisalError, StateError
from pingyi.appraisal.method.running_order import running_order as order_units
from pingyi.appraisal.method.spec import TrackSpec, UnitSpec
from pingyi.appraisal.models import BallotCard, Event, EventState, Presentation
from pingyi.core.pure.numbers import parse_whole_number, show

MAX_PRESENTER = 100
MAX_NOTES = 5000
MAX_ORDER = 999


def _locked(key: str) -> Event:
    event = Event.objects.select_for_update().filter(key=key).first()
    if event is None:
        raise AppraisalError(_("No event “%(key)s”.") % {"key": key}, code="not_found")
    return event


def _tell_screens(event_key: str) -> None:
    transaction.on_commit(lambda: live.event_changed(event_key=event_key))


# --- state changes from the console ----------------------------------------------------------


# The services tell the screens themselves, once, when their transaction commits
# (``services._notify_screens``): a screen woken earlier would read the state before it.


def event_open(*, key: str) -> Event:
    return services.event_open(key=key)


def event_close(*, key: str) -> Event:
    return services.event_close(key=key)


def event_publish(*, key: str) -> Event:
    return services.event_publish(key=key)


def rehearsal_purge(*, key: str) -> int:
    return services.rehearsal_purge(key=key)


# --- reveal -----------------------------------------------------------------------------------


@transaction.atomic
def track_reveal(*, key: str, track: str) -> Event:
    """Show ``track``'s ranking on the big screen. Only once voting has closed; revealing a
    track again brings it back to the screen."""
    event = _locked(key)
    if event.spec.track(track) is None:
        raise AppraisalError(
            _("Event “%(event)s” has no track “%(track)s”.") % {"event": key, "track": track},
            code="unknown_track",
        )
    if event.state not in (EventState.CLOSED, EventState.PUBLISHED):
        raise StateError(
            _("A ranking can be revealed only after voting has closed (the event is %(state)s).")
            % {"state": event.get_state_display()},
            code="not_closed",
        )
    revealed = [t for t in (event.revealed_tracks or []) if t != track]
    event.revealed_tracks = [*revealed, track]
    event.save(update_fields=["revealed_tracks"])
    _tell_screens(key)
    return event


@transaction.atomic
def screen_clear(*, key: str) -> Event:
    """Take every ranking off the big screen (back to the title and counts)."""
    event = _locked(key)
    event.revealed_tracks = []
    event.save(update_fields=["revealed_tracks"])
    _tell_screens(key)
    return event


# --- rehearsal --------------------------------------------------------------------------------


@transaction.atomic
def rehearsal_set(*, key: str, on: bool) -> Event:
    """Turn rehearsal mode on or off: only while a draft without cards, so that rehearsal
    cards never vote in the real meeting and a purge never deletes real cards."""
    event = _locked(key)
    if event.rehearsal == on:
        return event
    if event.state != EventState.DRAFT:
        raise StateError(
            _("Rehearsal mode can be changed only before voting opens."), code="not_draft"
        )
    if BallotCard.objects.filter(event=event).exists():
        raise StateError(
            _(
                "Rehearsal mode can be changed only before ballot cards are issued; "
                "purge the rehearsal first."
            )
            if event.rehearsal
            else _("Rehearsal mode can be changed only before ballot cards are issued."),
            code="has_cards",
        )
    event.rehearsal = on
    event.save(update_fields=["rehearsal"])
    _tell_screens(key)
    return event


# --- the event compared with (争先进位) ---------------------------------------------------------


@transaction.atomic
def previous_set(*, key: str, previous: str | None) -> Event:
    """Choose the earlier event whose ranks the rank changes are measured against."""
    event = _locked(key)
    if not previous:
        event.previous = None
    else:
        if previous == key:
            raise AppraisalError(_("An event cannot be compared with itself."), code="bad_previous")
        other = Event.objects.filter(key=previous).first()
        if other is None:
            raise AppraisalError(_("No event “%(key)s”.") % {"key": previous}, code="not_found")
        event.previous = other
    event.save(update_fields=["previous"])
    _tell_screens(key)
    return event


# --- running order, presenters, comment notes -------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    """One unit in a track's running order, with its presentation (if any)."""

    unit: UnitSpec
    order: int
    presenter: str
    comment_notes: str
    slides_url: str


def running_order(*, event: Event) -> dict[str, list[OrderRow]]:
    """Per track key, the units in running order (:func:`method.running_order.running_order`,
    the rule the phone's running order follows too), numbered 1..n."""
    stored = {(p.track, p.unit): p for p in Presentation.objects.filter(event=event)}
    tracks: dict[str, list[OrderRow]] = {}
    for track in event.spec.tracks:
        units = {unit.key: unit for unit in track.units}
        places = {u: p.order for (t, u), p in stored.items() if t == track.key}
        rows = []
        for place, key in enumerate(order_units(list(units), places), start=1):
            unit, p = units[key], stored.get((track.key, key))
            rows.append(
                OrderRow(
                    unit=unit,
                    order=place,
                    presenter=(p.presenter if p else "") or unit.presenter or "",
                    comment_notes=p.comment_notes if p else "",
                    slides_url=p.slides.url if p and p.slides else "",
                )
            )
        tracks[track.key] = rows
    return tracks


def _track(event: Event, key: str) -> TrackSpec:
    track = event.spec.track(key)
    if track is None:
        raise AppraisalError(
            _("Event “%(event)s” has no track “%(track)s”.") % {"event": event.key, "track": key},
            code="unknown_track",
        )
    return track


def _order_value(value: Any, unit: str) -> int:
    text = value if isinstance(value, str) else show(value)
    number = parse_whole_number(text)  # bounded before int() runs
    if number is None or not 1 <= number <= MAX_ORDER:
        raise AppraisalError(
            _("The place of “%(unit)s” must be a whole number from 1 to %(max)d.")
            % {"unit": unit, "max": MAX_ORDER},
            code="bad_order",
        )
    return number


@transaction.atomic
def running_order_save(
    *, key: str, track: str, rows: Sequence[Mapping[str, Any]]
) -> list[OrderRow]:
    """Save a track's running order, presenters and comment notes in one go.

    ``rows``: ``{"unit", "order", "presenter", "comment_notes"}`` for units of the track
    (each at most once). Places are renumbered 1..n in the order given (equal places keep
    the event's unit order).
    """
    event = _locked(key)
    spec_track = _track(event, track)
    position = {u.key: i for i, u in enumerate(spec_track.units)}
    names = {u.key: u.name for u in spec_track.units}
    seen: set[str] = set()
    parsed: list[tuple[int, int, str, str, str]] = []
    for row in rows:
        unit = str(row.get("unit", ""))
        if unit not in position:
            raise AppraisalError(
                _("Track “%(track)s” has no unit “%(unit)s”.") % {"track": track, "unit": unit},
                code="unknown_unit",
            )
        if unit in seen:
            raise AppraisalError(
                _("“%(unit)s” appears twice in the running order.") % {"unit": names[unit]},
                code="duplicate_unit",
            )
        seen.add(unit)
        order = _order_value(row.get("order"), names[unit])
        presenter = str(row.get("presenter") or "").strip()
        notes = str(row.get("comment_notes") or "").strip()
        if len(presenter) > MAX_PRESENTER:
            raise AppraisalError(
                _("The presenter of “%(unit)s” is longer than %(max)d characters.")
                % {"unit": names[unit], "max": MAX_PRESENTER},
                code="too_long",
            )
        if len(notes) > MAX_NOTES:
            raise AppraisalError(
                _("The comment notes of “%(unit)s” are longer than %(max)d characters.")
                % {"unit": names[unit], "max": MAX_NOTES},
                code="too_long",
            )
        parsed.append((order, position[unit], unit, presenter, notes))
    parsed.sort()
    existing = {p.unit: p for p in Presentation.objects.filter(event=event, track=track)}
    for place, (_order, _pos, unit, presenter, notes) in enumerate(parsed, start=1):
        p = existing.get(unit) or Presentation(event=event, track=track, unit=unit)
        p.order, p.presenter, p.comment_notes = place, presenter, notes
        p.save()
    _tell_screens(key)
    return running_order(event=event)[track]
