"""Reading what the phone ballot page shows beside the card lookup: the running order.

The card lookup (``POST /api/v1/cards/lookup``) answers the event's rules; the page then asks
``GET /b/presentations/<event>`` for each unit's place in the running order, its presenter
and its slides. That is public meeting information, answered only while voting is open.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from pingyi.appraisal.models import Event, EventState, Presentation


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

    Units with a :class:`Presentation` come first, by its ``order``; the others follow in
    the order of ``event.json``. The presenter is the presentation's, else the one named in
    ``event.json``; ``slides`` is the address of the uploaded slides, or None.
    """
    stored = {
        (p.track, p.unit): p
        for p in Presentation.objects.filter(event=event).only(
            "track", "unit", "order", "presenter", "slides"
        )
    }
    out: list[dict[str, Any]] = []
    for track in event.spec.tracks:
        rows: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
        for index, unit in enumerate(track.units):
            presentation = stored.get((track.key, unit.key))
            presenter = (presentation.presenter if presentation else "") or unit.presenter or ""
            slides = None
            if presentation is not None and presentation.slides:
                slides = _slides_url(event.key, track.key, unit.key)
            sort_key = (0, presentation.order, index) if presentation else (1, 0, index)
            rows.append(
                (
                    sort_key,
                    {
                        "track": track.key,
                        "unit": unit.key,
                        "presenter": presenter or None,
                        "slides": slides,
                    },
                )
            )
        rows.sort(key=lambda row: row[0])
        for position, (_key, row) in enumerate(rows, start=1):
            out.append({**row, "order": position})
    return out
