"""Changing appraisal events: import, state changes, ballot cards, purge.

Every function is keyword-only, validates first, then changes state in one transaction.
Refusals are :class:`~pingyi.appraisal.errors.AppraisalError` subclasses carrying the HTTP
status the API answers. Casting a ballot is :mod:`pingyi.appraisal.casting.ballot`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.appraisal import live, selectors
from pingyi.appraisal.casting import cards as card_secrets
from pingyi.appraisal.casting import storage
from pingyi.appraisal.errors import AppraisalError, EventInvalid, StateError
from pingyi.appraisal.method.spec import SpecError, dump_event_json, load_event_json
from pingyi.appraisal.models import (
    Ballot,
    BallotCard,
    Event,
    EventState,
    require_before_close,
)
from pingyi.core.audit import audit_log

MAX_CARDS_PER_CALL = 20_000


# --- events ----------------------------------------------------------------------------------


@transaction.atomic
def event_import(*, data: bytes | str, replace: bool = False, actor: str | None = None) -> Event:
    """Create an event from ``event.json`` (or replace a draft's rules when ``replace``)."""
    try:
        spec = load_event_json(data)
    except SpecError as exc:
        raise EventInvalid(_("event.json: %(error)s") % {"error": exc}) from exc
    event = Event.objects.select_for_update().filter(key=spec.key).first()
    replacing = event is not None
    if event is not None:
        if not replace:
            raise StateError(
                _("An event with key “%(key)s” already exists.") % {"key": spec.key},
                code="event_exists",
            )
        if event.state != EventState.DRAFT or event.cards.exists():
            raise StateError(
                _("Event “%(key)s” can only be replaced while it is a draft without cards.")
                % {"key": spec.key}
            )
    else:
        event = Event(key=spec.key)
    event.name = spec.name
    event.kind = spec.kind  # a column, for the pages that list events by kind
    event.held_on = dt.date.fromisoformat(spec.held_on) if spec.held_on else None
    event.spec_json = dump_event_json(spec)
    if spec.previous:
        event.previous = Event.objects.filter(key=spec.previous).exclude(key=spec.key).first()
    event.save()
    audit_log(
        actor=actor,
        action="appraisal.event.replaced" if replacing else "appraisal.event.imported",
        target=f"event:{event.key}",
        data={"name": event.name},
    )
    return event


_TRANSITIONS: dict[str, tuple[str, str]] = {
    # action: (from state, to state)
    "open": (EventState.DRAFT, EventState.OPEN),
    "close": (EventState.OPEN, EventState.CLOSED),
    "publish": (EventState.CLOSED, EventState.PUBLISHED),
}


def _notify_screens(event_key: str) -> None:
    """After the commit, wake the live screens and consoles of this event (all processes)."""
    transaction.on_commit(lambda: live.event_changed(event_key=event_key))


_WRONG_STATE = {
    "open": gettext_lazy(
        "Event “%(key)s” is %(state)s; voting can be opened only from %(source)s."
    ),
    "close": gettext_lazy(
        "Event “%(key)s” is %(state)s; voting can be closed only from %(source)s."
    ),
    "publish": gettext_lazy(
        "Event “%(key)s” is %(state)s; results can be published only from %(source)s."
    ),
}

_AUDIT_ACTIONS = {
    "open": "appraisal.event.opened",
    "close": "appraisal.event.closed",
    "publish": "appraisal.event.published",
}


def _transition(event_key: str, action: str, actor: str | None) -> Event:
    source, target = _TRANSITIONS[action]
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(key=event_key).first()
        if event is None:
            raise AppraisalError(_("No event “%(key)s”.") % {"key": event_key}, code="not_found")
        if event.state != source:
            raise StateError(
                str(_WRONG_STATE[action])
                % {
                    "key": event.key,
                    "state": event.get_state_display(),
                    "source": EventState(source).label,
                }
            )
        event.state = target
        now = timezone.now()
        if action == "open":
            event.opened_at = now
        elif action == "close":
            event.closed_at = now
            # No cast is in flight (exclusive lock): lay the ballots out afresh.
            storage.rewrite_event(event.id)
            event.results_json = selectors.compute_results_text(event=event)
        else:
            event.published_at = now
        event.save()
        audit_log(actor=actor, action=_AUDIT_ACTIONS[action], target=f"event:{event.key}")
        _notify_screens(event.key)
    return event


def event_open(*, key: str, actor: str | None = None) -> Event:
    return _transition(key, "open", actor)


def event_close(*, key: str, actor: str | None = None) -> Event:
    return _transition(key, "close", actor)


def event_publish(*, key: str, actor: str | None = None) -> Event:
    if Event.objects.filter(key=key, rehearsal=True).exists():
        raise StateError(_("A rehearsal cannot be published; purge it first."))
    return _transition(key, "publish", actor)


@transaction.atomic
def rehearsal_purge(*, key: str, actor: str | None = None) -> int:
    """Delete a rehearsal's ballots and cards and put the event back to draft."""
    event = Event.objects.select_for_update().get(key=key)
    if not event.rehearsal:
        raise StateError(_("Only a rehearsal can be purged."))
    deleted, _details = Ballot.objects.filter(event=event).delete()
    BallotCard.objects.filter(event=event).delete()
    event.state = EventState.DRAFT
    event.results_json = ""
    event.revealed_tracks = []
    event.opened_at = event.closed_at = None
    event.save()
    audit_log(
        actor=actor,
        action="appraisal.rehearsal.purged",
        target=f"event:{event.key}",
        data={"rows": deleted},
    )
    _notify_screens(event.key)
    return deleted


# --- ballot cards ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCard:
    token: str
    code: str
    panel: str
    bound_unit: str


def tokens_issue(
    *, event: Event, panel: str, count: int, unit: str | None = None, actor: str | None = None
) -> list[IssuedCard]:
    """Create ``count`` one-use cards for ``panel``, optionally bound to ``unit``.

    The secrets are returned once and never stored: print or hand them out now.
    """
    spec = event.spec
    if spec.panel_index(panel) is None:
        raise AppraisalError(
            _("Event “%(event)s” has no panel “%(panel)s”; panels: %(panels)s.")
            % {"event": event.key, "panel": panel, "panels": ", ".join(p.key for p in spec.panels)},
            code="unknown_panel",
        )
    if unit and not any(u.key == unit for t in spec.tracks for u in t.units):
        raise AppraisalError(
            _("Event “%(event)s” has no unit “%(unit)s”.") % {"event": event.key, "unit": unit},
            code="unknown_unit",
        )
    if not 1 <= count <= MAX_CARDS_PER_CALL:
        raise AppraisalError(
            _("The number of cards must be between 1 and %(max)d.") % {"max": MAX_CARDS_PER_CALL},
            code="bad_count",
        )
    require_before_close(event, _("Cards can be issued only before voting closes."))
    issued = [card_secrets.new_card_secrets() for _ in range(count)]
    with transaction.atomic():
        _create_cards(event, panel, unit, issued)
        audit_log(
            actor=actor,
            action="appraisal.cards.issued",
            target=f"event:{event.key}",
            data={"panel": panel, "count": count, "unit": unit or None},
        )
        _notify_screens(event.key)
    return [IssuedCard(s.token, s.code, panel, unit or "") for s in issued]


def _create_cards(
    event: Event, panel: str, unit: str | None, issued: list[card_secrets.CardSecrets]
) -> None:
    BallotCard.objects.bulk_create(
        [
            BallotCard(
                event=event,
                panel=panel,
                bound_unit=unit or "",
                token_hash=card_secrets.secret_hash(s.token),
                code_hash=card_secrets.secret_hash(s.code),
                rehearsal=event.rehearsal,
            )
            for s in issued
        ],
        batch_size=1000,
    )
