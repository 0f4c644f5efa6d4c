"""Reading what the public pages show: results, the unit history, diagnostics, and the phone
ballot page's running order.

Visibility rule of the public pages: an event's results are public once it is
**published**.  Office, leaders and viewers (who read every event anyway) may preview a
**closed** event's page before it is published; nobody sees a draft or open event there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pingyi.accounts.rules import is_leader, is_office, reads_all_units
from pingyi.appraisal import selectors
from pingyi.appraisal.casting.cards import ALPHABET, RECEIPT_LENGTH
from pingyi.appraisal.method.diagnostics import diagnose
from pingyi.appraisal.method.running_order import running_order as order_units
from pingyi.appraisal.method.spec import format_number
from pingyi.appraisal.method.statement import method_statement, rubric_statement
from pingyi.appraisal.method.tally import Results, TrackResult, UnitResult, rank_changes
from pingyi.appraisal.models import Ballot, Event, EventKind, EventState, Presentation

_RECEIPT_RE = re.compile(rf"^[{ALPHABET}]{{{RECEIPT_LENGTH}}}$")


# --------------------------------------------------------------------------- visibility


def public_events() -> Any:
    """Published events, newest first."""
    return Event.objects.filter(state=EventState.PUBLISHED).order_by("-held_on", "-published_at")


def results_visible(*, event: Event, user: Any) -> bool:
    """Published: everyone. Closed: a preview for office, leaders and viewers only."""
    if event.state == EventState.PUBLISHED:
        return True
    return event.state == EventState.CLOSED and bool(reads_all_units(user))


def results_event(*, key: str, user: Any) -> Event | None:
    event = Event.objects.select_related("previous").filter(key=key).first()
    if event is None or not results_visible(event=event, user=user):
        return None
    return event


def may_see_diagnostics(user: Any) -> bool:
    return bool((is_office | is_leader)(user))


# --------------------------------------------------------------------------- receipts


def normalise_receipt(text: str | None) -> str | None:
    """A typed receipt in any case, with spaces, dashes or dots → canonical form, or None."""
    if not text:
        return None
    cleaned = re.sub(r"[\s\-_.·]", "", str(text)).upper()[:64]
    return cleaned if _RECEIPT_RE.match(cleaned) else None


@dataclass(frozen=True)
class ReceiptAnswer:
    typed: str
    code: str | None
    counted: bool

    @property
    def well_formed(self) -> bool:
        return self.code is not None


def receipt_lookup(*, event: Event, typed: str) -> ReceiptAnswer:
    code = normalise_receipt(typed)
    counted = bool(code) and Ballot.objects.filter(event=event, receipt=code).exists()
    return ReceiptAnswer(typed=(typed or "")[:64], code=code, counted=counted)


def format_receipt(code: str) -> str:
    """``ABCDE23456`` → ``ABCDE 23456`` for reading."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


# --------------------------------------------------------------------------- results page


@dataclass(frozen=True)
class Row:
    rank: int | None
    unit: str
    name: str
    score: str | None
    ballots: int
    change: int | None
    panels: tuple[str | None, ...]

    @property
    def moved(self) -> int:
        """How many places the unit moved (without the sign)."""
        return abs(self.change or 0)


@dataclass(frozen=True)
class TrackView:
    key: str
    name: str
    rubric: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    weight: str
    expected: int | None
    issued: int
    cast: int
    counted: int
    quorum_met: bool | None


@dataclass(frozen=True)
class ResultsPage:
    event: Event
    preview: bool
    previous: Event | None
    tracks: tuple[TrackView, ...]
    panels: tuple[str, ...]
    #: the method in words, (topic, text) pairs: the workbook's and the report's words
    method: tuple[tuple[str, str], ...]
    attendance: tuple[AttendanceRow, ...]
    quorum_missed: tuple[str, ...]
    receipts: tuple[str, ...] = field(default=())


def _previous_results(event: Event, user: Any) -> tuple[Event | None, Results | None]:
    """The event compared with, and its results, when ``user`` may see them."""
    previous = event.previous
    if previous is None or not results_visible(event=previous, user=user):
        return None, None
    return previous, selectors.results(event=previous)


def results_page(*, event: Event, user: Any) -> ResultsPage:
    spec = event.spec
    current = selectors.results(event=event)
    previous, before = _previous_results(event, user)
    changes = rank_changes(current, before) if current else {}
    panel_keys = [p.key for p in spec.panels]
    tracks = []
    for track in current.tracks if current else ():
        spec_track = spec.track(track.key)
        rows = tuple(
            Row(
                rank=unit.rank,
                unit=unit.key,
                name=unit.name,
                score=unit.text,
                ballots=unit.ballots,
                change=changes[track.key].get(unit.key),
                panels=tuple(unit.panels[k].text if k in unit.panels else None for k in panel_keys),
            )
            for unit in track.ranking
        )
        tracks.append(
            TrackView(
                key=track.key,
                name=track.name,
                rubric=rubric_statement(spec_track.rubric) if spec_track else "",
                rows=rows,
            )
        )
    attendance = []
    missed = []
    for count, panel in zip(selectors.panel_counts(event=event), spec.panels, strict=True):
        attendance.append(
            AttendanceRow(
                name=count.name,
                weight=format_number(panel.weight),
                expected=count.expected,
                issued=count.issued,
                cast=count.cast,
                counted=count.cast,  # every stored ballot of a closed event is counted
                quorum_met=count.quorum_met,
            )
        )
        if count.quorum_met is False:
            missed.append(count.name)
    return ResultsPage(
        event=event,
        preview=event.state != EventState.PUBLISHED,
        previous=previous,
        tracks=tuple(tracks),
        panels=tuple(p.name for p in spec.panels),
        method=tuple(method_statement(spec)),
        attendance=tuple(attendance),
        quorum_missed=tuple(missed),
        receipts=tuple(selectors.receipts(event=event)),
    )


# --------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryRow:
    event: Event
    track: str
    track_name: str
    rank: int | None
    units_in_track: int
    score: str | None
    ballots: int
    change: int | None

    @property
    def moved(self) -> int:
        return abs(self.change or 0)


@dataclass(frozen=True)
class UnitHistory:
    unit: str
    name: str
    kind: str
    kinds: tuple[tuple[str, str], ...]
    rows: tuple[HistoryRow, ...]

    def chart(self) -> dict[str, Any]:
        """Oldest first, for the chart (rank 1 at the top)."""
        rows = list(reversed(self.rows))
        return {
            "labels": [r.event.name for r in rows],
            "ranks": [r.rank for r in rows],
            "scores": [r.score for r in rows],
            "units": [r.units_in_track for r in rows],
            "rankLabel": _("Rank"),
            "title": _("Rank across appraisals (1 = best)"),
        }


def unit_history(*, unit_key: str, kind: str | None = None) -> UnitHistory | None:
    """A unit's ranks and scores across published events of one kind, newest first."""

    found: dict[str, list[tuple[Event, TrackResult, UnitResult]]] = {}
    events = list(public_events())
    parsed = {e.pk: selectors.results(event=e) for e in events}
    for event in events:
        current = parsed[event.pk]
        for track in current.tracks if current else ():
            for unit in track.ranking:
                if unit.key == unit_key:
                    found.setdefault(event.kind, []).append((event, track, unit))
    if not found:
        return None
    kinds = tuple((k.value, str(k.label)) for k in EventKind if k.value in found)
    chosen = kind if kind in found else kinds[0][0]
    rows = []
    for event, track, unit in found[chosen]:
        change = None
        current = parsed[event.pk]
        if current is not None and event.previous_id in parsed:
            moves = rank_changes(current, parsed[event.previous_id])
            change = moves[track.key].get(unit_key)
        rows.append(
            HistoryRow(
                event=event,
                track=track.key,
                track_name=track.name,
                rank=unit.rank,
                units_in_track=len(track.ranking),
                score=unit.text,
                ballots=unit.ballots,
                change=change,
            )
        )
    name = found[chosen][0][2].name
    return UnitHistory(unit_key, name, chosen, kinds, tuple(rows))


# --------------------------------------------------------------------------- diagnostics


def event_diagnostics(*, event: Event) -> Any:
    """Rater diagnostics of a closed event (cached per event, close time and language)."""

    stamp = event.closed_at.timestamp() if event.closed_at else 0
    key = f"pingyi:diagnostics:{event.pk}:{stamp}:{get_language()}"
    result = cache.get(key)
    if result is None:
        result = diagnose(event.spec, selectors.ballot_matrix(event=event))
        cache.set(key, result, 3600)
    return result


# --------------------------------------------------------------------------- phone ballot page
# The card lookup (``POST /api/v1/cards/lookup``) answers the event's rules; the page then asks
# ``GET /b/presentations/<event>`` for each unit's place in the running order, its presenter
# and its slides. That is public meeting information, answered only while voting is open.


def _slides_url(event: str, track: str, unit: str) -> str | None:
    """The slides' address: the slides view (served to evaluators while voting is open)."""
    try:
        return reverse("slides:file", kwargs={"key": event, "track": track, "unit": unit})
    except NoReverseMatch:  # the slides pages are not installed
        return None


def open_event(*, key: str) -> Event | None:
    """The event with ``key`` if its voting is open, else None."""
    return Event.objects.filter(key=key, state=EventState.OPEN).first()


def presentations(*, event: Event) -> list[dict[str, Any]]:
    """Every unit of every track in running order: track, unit, order, presenter, slides.

    The order is the console's (:func:`method.running_order.running_order`: placed units by
    place, equal places and units never placed in the order of ``event.json``). The presenter
    is the presentation's, else the one named in ``event.json``; ``slides`` is the address of
    the uploaded slides, or None.
    """
    stored = {
        (p.track, p.unit): p
        for p in Presentation.objects.filter(event=event).only(
            "track", "unit", "order", "presenter", "slides"
        )
    }
    out: list[dict[str, Any]] = []
    for track in event.spec.tracks:
        units = {unit.key: unit for unit in track.units}
        places = {u: p.order for (t, u), p in stored.items() if t == track.key}
        for position, key in enumerate(order_units(list(units), places), start=1):
            unit, presentation = units[key], stored.get((track.key, key))
            presenter = (presentation.presenter if presentation else "") or unit.presenter or ""
            slides = None
            if presentation is not None and presentation.slides:
                slides = _slides_url(event.key, track.key, unit.key)
            out.append(
                {
                    "track": track.key,
                    "unit": unit.key,
                    "presenter": presenter or None,
                    "slides": slides,
                    "order": position,
                }
            )
    return out
