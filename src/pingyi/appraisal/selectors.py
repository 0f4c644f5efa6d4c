"""Reading appraisal data: events visible to someone, counts, and results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from pingyi.accounts.rules import reads_all_units
from pingyi.appraisal.method.packing import BallotMatrix, BallotMatrixBuilder
from pingyi.appraisal.method.tally import (
    Results,
    dump_results,
    results_from_json,
    results_to_json,
    tally,
    with_recount,
)
from pingyi.appraisal.method.tally import rank_changes as rank_changes_between
from pingyi.appraisal.models import Ballot, BallotCard, Event, EventState

PUBLIC_STATES = (EventState.PUBLISHED,)


def events_visible_to(*, user: Any) -> QuerySet[Event]:
    """Office, leaders and viewers see every event; everyone else only published ones."""
    events = Event.objects.all()
    if reads_all_units(user):
        return events
    return events.filter(state__in=PUBLIC_STATES)


def ballot_matrix(*, event: Event, chunk_size: int = 10_000) -> BallotMatrix:
    """Every counted ballot of the event, streamed from the database into one matrix."""
    builder = BallotMatrixBuilder(event.spec)
    rows = (
        Ballot.objects.filter(event=event)
        .values_list("panel", "payload")
        .iterator(chunk_size=chunk_size)
    )
    for panel, payload in rows:
        builder.add(panel, bytes(payload))
    return builder.build()


def recount(*, event: Event) -> Results:
    """The tally of the event's ballots now (the figures fixed at the close are
    :func:`results`)."""
    return tally(event.spec, ballot_matrix(event=event))


def compute_results(*, event: Event) -> dict[str, Any]:
    return results_to_json(recount(event=event))


def compute_results_text(*, event: Event) -> str:
    return dump_results(compute_results(event=event))


def stored_results(*, event: Event) -> dict[str, Any] | None:
    """The ``results.json`` object fixed when voting closed (None before): the file the API
    answers and the bundle holds. Pages and outputs read it typed, through :func:`results`."""
    if not event.has_results or not event.results_json:
        return None
    return json.loads(event.results_json)  # type: ignore[no-any-return]


def results(*, event: Event) -> Results | None:
    """The one read model of an event's results: the figures fixed when voting closed, typed
    (None before). Every page, the screens' rank changes and (with a recount's details,
    :func:`results_of`) the workbook and the report show these."""
    data = stored_results(event=event)
    return None if data is None else results_from_json(data, event.spec)


@dataclass(frozen=True)
class PanelCount:
    key: str
    name: str
    expected: int | None
    issued: int
    cast: int

    @property
    def quorum_met(self) -> bool | None:
        """More than half of those expected (应到) cast a ballot; None when nobody is expected."""
        if not self.expected:
            return None
        return self.cast * 2 > self.expected


def panel_counts(*, event: Event) -> list[PanelCount]:
    """Cards issued and ballots cast per panel — the only live figures screens may show."""
    issued = dict(
        BallotCard.objects.filter(event=event)
        .values("panel")
        .annotate(n=Count("id"))
        .values_list("panel", "n")
    )
    cast = dict(
        Ballot.objects.filter(event=event)
        .values("panel")
        .annotate(n=Count("id"))
        .values_list("panel", "n")
    )
    return [
        PanelCount(p.key, p.name, p.expected, issued.get(p.key, 0), cast.get(p.key, 0))
        for p in event.spec.panels
    ]


def cards_summary(*, event: Event) -> dict[str, int]:
    agg = BallotCard.objects.filter(event=event).aggregate(
        issued=Count("id"), used=Count("id", filter=Q(used=True))
    )
    return {"issued": agg["issued"] or 0, "used": agg["used"] or 0}


def receipts(*, event: Event) -> list[str]:
    return sorted(Ballot.objects.filter(event=event).values_list("receipt", flat=True))


def results_of(*, event: Event) -> Results:
    """The results with every detail, for the workbook, the report and the exports: the
    figures of :func:`results` (what the pages show) with the details of a recount
    (per-criterion means, grade counts, spread, abstentions); before the close, the recount."""
    counted = recount(event=event)
    fixed = results(event=event)
    return counted if fixed is None else with_recount(fixed, counted)


def rank_changes(*, event: Event) -> dict[str, dict[str, int | None]]:
    """争先进位 against the event's ``previous`` event (``method.tally.rank_changes``, the one
    rule: per track, per unit, places gained (+) or lost (−); None where either has no rank)."""
    current = results(event=event)
    if current is None:
        return {}
    previous = results(event=event.previous) if event.previous else None
    return rank_changes_between(current, previous)
