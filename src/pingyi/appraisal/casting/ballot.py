"""The ballot path: find the card, check the ballot, consume the card and store the ballot.

``ballot_cast`` is the one way a ballot enters the database. It hands the packed ballot
(:class:`PendingBallot`) to the process's ballot writer (:mod:`pingyi.appraisal.casting.writer`),
built here with :func:`store_ballots` as the function it commits with, so the writer
imports nothing of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from pingyi.appraisal import live
from pingyi.appraisal.casting import cards as card_secrets
from pingyi.appraisal.casting import storage
from pingyi.appraisal.casting.writer import BallotWriter, writer_enabled
from pingyi.appraisal.errors import (
    AppraisalError,
    BallotRefused,
    CardNotValid,
    CardUsed,
    VotingNotOpen,
)
from pingyi.appraisal.method.ballots import BallotError, check_ballot
from pingyi.appraisal.method.packing import pack
from pingyi.appraisal.method.spec import EventSpec
from pingyi.appraisal.models import Ballot, BallotCard, EventState, parsed_spec, random_ballot_id


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


@dataclass(frozen=True)
class CastResult:
    receipt: str
    created: bool


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


def ballot_cast(*, token: str, scores: Sequence[dict[str, Any]]) -> CastResult:
    """Cast one ballot with a one-use card: the card is consumed and the ballot stored together.

    A retry of the identical ballot with the same card answers the same receipt; any other
    reuse is refused (:class:`CardUsed`). The write goes through the process's ballot
    writer (one transaction, one durable commit for all ballots waiting at that moment;
    each caller is answered after that commit) unless the caller is already inside a
    transaction.
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
    if connection.in_atomic_block or not writer_enabled():
        outcome = store_ballots([pending])[0]
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


def store_ballots(pending: Sequence[PendingBallot]) -> list[bool | AppraisalError]:
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
                if _consume_card(item.card_id):
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
        # Defence in depth behind the card's guard: this card's receipt is already stored.
        return [False]

    def announce(item: PendingBallot) -> Callable[[], None]:
        return lambda: live.ballot_accepted(event_key=item.event_key, panel=item.panel)

    for item, outcome in zip(pending, outcomes, strict=True):
        if outcome is True:
            transaction.on_commit(announce(item))
    return outcomes


def _consume_card(card_id: int) -> bool:
    """Mark the card used; False when it was already used (one conditional UPDATE: of two
    casts with one card, exactly one changes the row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appraisal_ballotcard SET used = %s WHERE id = %s AND used = %s",
            [True, card_id, False],
        )
        return cursor.rowcount == 1


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


_writer: BallotWriter[PendingBallot] = BallotWriter(store=store_ballots)


def ballot_writer() -> BallotWriter[PendingBallot]:
    """This process's ballot writer (one thread, started by the first ballot)."""
    return _writer
