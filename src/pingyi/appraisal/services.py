"""Changing appraisal events: import, state changes, ballot cards, casting, purge.

Every function is keyword-only, validates first, then changes state in one transaction.
Refusals are :class:`AppraisalError` subclasses carrying the HTTP status the API answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.appraisal import cards as card_secrets
from pingyi.appraisal import storage
from pingyi.appraisal.ballots import BallotError, check_ballot
from pingyi.appraisal.models import (
    Ballot,
    BallotCard,
    Event,
    EventKind,
    EventState,
    parsed_spec,
    random_ballot_id,
)
from pingyi.appraisal.packing import pack
from pingyi.appraisal.spec import EventSpec, SpecError, dump_event_json, load_event_json
from pingyi.appraisal.writer import ballot_writer, writer_enabled
from pingyi.core.audit import audit_log

MAX_CARDS_PER_CALL = 20_000


class AppraisalError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class CardNotValid(AppraisalError):
    status = 403
    code = "card_not_valid"


class VotingNotOpen(AppraisalError):
    status = 403
    code = "voting_not_open"


class CardUsed(AppraisalError):
    status = 409
    code = "card_used"


class BallotRefused(AppraisalError):
    status = 422

    def __init__(self, error: BallotError) -> None:
        super().__init__(str(error), code=error.code)
        self.error = error


class StateError(AppraisalError):
    status = 409
    code = "wrong_state"


class EventInvalid(AppraisalError):
    status = 422
    code = "invalid_event"


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
    event.kind = _event_kind(data)
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
    from pingyi.appraisal.live import event_changed

    transaction.on_commit(lambda: event_changed(event_key=event_key))


def _event_kind(data: bytes | str) -> str:
    """``"kind": "observation"`` marks a quarterly site visit (季观摩); default: a meeting.

    ``data`` has passed :func:`load_event_json`: it is read the same way (a BOM allowed)."""
    from pingyi.appraisal.strict_json import loads

    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    kind = loads(text).get("kind")
    return kind if kind in EventKind.values else EventKind.MEETING


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
            from pingyi.appraisal.selectors import compute_results_text

            event.results_json = compute_results_text(event=event)
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
    if event.state not in (EventState.DRAFT, EventState.OPEN):
        raise StateError(_("Cards can be issued only before voting closes."))
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


def _secret_lookup(secret: object) -> tuple[str, str] | None:
    """The stored column (``code_hash`` or ``token_hash``) and digest a presented secret
    would match, or None when it cannot be a card's secret at all."""
    if not isinstance(secret, str) or not 8 <= len(secret.strip()) <= 200:
        return None
    column, digest = card_secrets.hashes_for_presented(secret)
    return f"{column}_hash", digest


def card_for_secret(secret: str) -> BallotCard | None:
    lookup = _secret_lookup(secret)
    if lookup is None:
        return None
    column, digest = lookup
    return BallotCard.objects.select_related("event").filter(**{column: digest}).first()


# --- casting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CastResult:
    receipt: str
    created: bool


#: Test hook: called inside the casting transaction after the card is consumed and before
#: the ballot is written, to prove a failure there leaves neither.
_after_card_consumed: Callable[[], None] | None = None


def _spec_ballot(card: CastingCard, scores: Any) -> bytes:
    spec = card.spec
    try:
        ballot = check_ballot(spec, card.panel, scores, card.bound_unit or None)
    except BallotError as exc:
        raise BallotRefused(exc) from exc
    return pack(spec, ballot)


@dataclass(frozen=True)
class CastingCard:
    """What casting needs of a card and its event, read in one plain SQL query (the ballot
    path is hot: compiling ORM queries cost a quarter of a ballot's time)."""

    card_id: int
    panel: str
    bound_unit: str
    token_hash: str
    used: bool
    rehearsal: bool
    event_id: int
    event_key: str
    event_name: str
    event_state: str
    spec_json: str

    @property
    def spec(self) -> EventSpec:
        return parsed_spec(self.spec_json)


_CASTING_CARD_SQL = (
    "SELECT c.id, c.panel, c.bound_unit, c.token_hash, c.used, c.rehearsal, e.id, e.key, "
    "e.name, e.state, e.spec_json FROM appraisal_ballotcard c "
    "JOIN appraisal_event e ON e.id = c.event_id WHERE c.{column} = %s"
)


def casting_card(secret: str) -> CastingCard | None:
    lookup = _secret_lookup(secret)
    if lookup is None:
        return None
    column, digest = lookup
    with connection.cursor() as cursor:
        # column is code_hash or token_hash (never input): the query is one of two constants
        sql = _CASTING_CARD_SQL.format(column=column)
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    return CastingCard(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        bool(row[4]),
        bool(row[5]),
        int(row[6]),
        row[7],
        row[8],
        row[9],
        row[10],
    )


def ballot_cast(*, token: str, scores: Sequence[dict[str, Any]], guard: bool = True) -> CastResult:
    """Cast one ballot with a one-use card: the card is consumed and the ballot stored together.

    A retry of the identical ballot with the same card answers the same receipt; any other
    reuse is refused (:class:`CardUsed`). The write goes through the process's ballot
    writer (one transaction, one durable commit for all ballots waiting at that moment;
    each caller is answered after that commit) unless the caller is already inside a
    transaction. ``guard=False`` exists only for the test that proves the concurrency
    harness can see a race.
    """
    card = casting_card(token)
    if card is None:
        raise CardNotValid(_("This ballot card is not valid. Check the code and try again."))
    receipt = card_secrets.receipt_for(card.token_hash)
    if card.used:
        return _retry(card, receipt, scores)
    if card.event_state != EventState.OPEN:
        raise VotingNotOpen(
            _("Voting for “%(event)s” is not open (%(state)s).")
            % {"event": card.event_name, "state": EventState(card.event_state).label}
        )
    pending = PendingBallot(
        card_id=card.card_id,
        event_id=card.event_id,
        event_key=card.event_key,
        panel=card.panel,
        receipt=receipt,
        payload=_spec_ballot(card, scores),
        rehearsal=card.rehearsal,
    )
    if connection.in_atomic_block or not guard or not writer_enabled():
        outcome = store_ballots([pending], guard=guard)[0]
    else:
        outcome = ballot_writer().submit(pending)
    if isinstance(outcome, Exception):
        raise outcome
    if not outcome:
        return _retry(card, receipt, scores)
    return CastResult(receipt=receipt, created=True)


@dataclass(frozen=True)
class PendingBallot:
    card_id: int
    event_id: int
    event_key: str
    panel: str
    receipt: str
    payload: bytes
    rehearsal: bool


def store_ballots(
    pending: Sequence[PendingBallot], *, guard: bool = True
) -> list[bool | AppraisalError]:
    """Consume each card and store its ballot, all in ONE transaction (one durable commit).

    Per ballot: True when stored, False when its card was already used (by an earlier
    ballot, possibly in this same batch), or the refusal (voting closed meanwhile). A
    failure of the transaction stores nothing and raises.
    """
    outcomes: list[bool | AppraisalError] = []
    stored: list[storage.Row] = []
    try:
        with transaction.atomic():
            states: dict[int, str] = {}
            for item in pending:
                # Shared lock on the event: casts run side by side, but closing (which takes
                # the exclusive lock) waits for every cast in flight before it counts.
                if item.event_id not in states:
                    states[item.event_id] = _event_state_shared(item.event_id)
                if states[item.event_id] != EventState.OPEN:
                    outcomes.append(VotingNotOpen(_("Voting closed before this ballot arrived.")))
                    continue
                if _consume_card(item.card_id, guard=guard):
                    if _after_card_consumed is not None:
                        _after_card_consumed()
                    stored.append(
                        (
                            random_ballot_id(),
                            item.event_id,
                            item.panel,
                            item.receipt,
                            item.payload,
                            item.rehearsal,
                        )
                    )
                    outcomes.append(True)
                else:
                    outcomes.append(False)
            # In random order, never in arrival order (docs/anonymity.md).
            storage.insert_ballots(stored)
    except IntegrityError:
        if len(pending) > 1:
            raise
        # Only possible without the guard: the receipt of this card is already stored.
        return [False]
    from pingyi.appraisal.live import ballot_accepted

    def announce(item: PendingBallot) -> Callable[[], None]:
        return lambda: ballot_accepted(event_key=item.event_key, panel=item.panel)

    for item, outcome in zip(pending, outcomes, strict=True):
        if outcome is True:
            transaction.on_commit(announce(item))
    return outcomes


def _consume_card(card_id: int, *, guard: bool) -> bool:
    if guard:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE appraisal_ballotcard SET used = %s WHERE id = %s AND used = %s",
                [True, card_id, False],
            )
            return cursor.rowcount == 1
    fresh = BallotCard.objects.get(pk=card_id)
    return not fresh.used and bool(BallotCard.objects.filter(pk=card_id).update(used=True))


_STATE_SQL = "SELECT state FROM appraisal_event WHERE id = %s"
_STATE_SQL_PG = _STATE_SQL + " FOR SHARE"


def _event_state_shared(event_id: int) -> str:
    """The event's state, read under a shared row lock (PostgreSQL ``FOR SHARE``).

    SQLite needs none: its write transactions are serialised (``BEGIN IMMEDIATE``).
    """
    sql = _STATE_SQL_PG if connection.vendor == "postgresql" else _STATE_SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, [event_id])
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def _retry(card: CastingCard, receipt: str, scores: Any) -> CastResult:
    stored = Ballot.objects.filter(event_id=card.event_id, receipt=receipt)
    previous = stored.values_list("payload", flat=True).first()
    if previous is not None:
        try:
            payload = _spec_ballot(card, scores)
        except BallotRefused:
            payload = b""
        if card_secrets.same_digest(bytes(previous), payload):
            return CastResult(receipt=receipt, created=False)
    raise CardUsed(_("This ballot card has already been used."))
