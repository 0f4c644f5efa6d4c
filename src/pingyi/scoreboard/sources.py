"""Indicator values computed from pingyi itself (docs/scoreboard.md, "Sources").

* ``on_time``: supervision's on-time reporting share of the unit as of the month's last day
  (:func:`pingyi.supervision.selectors.unit_on_time`), percent rounded half-up to 2 places;
  no value without a report;
* ``on_track``: of the items the unit leads, the share (percent, 2 places) not overdue and
  not lagging on the month's last day; no value without an item;
* ``notices``: how many supervision notices (any colour) were issued to the unit in the
  month (:func:`pingyi.supervision.selectors_notices.notices_for_unit`); every unit has a
  value, 0 included;
* ``appraisal``: the unit's score in the published results of the indicator's appraisal
  event (the unit's code is its key there); no value if the event is not published or the
  unit is not in it.

Each value comes with a note saying where it came from (written into the bundle's
``sources.csv``).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pingyi.appraisal.selectors import stored_results
from pingyi.appraisal.selectors_public import public_events
from pingyi.orgs.models import Unit
from pingyi.scoreboard.models import Indicator, Source
from pingyi.supervision.selectors import statuses, unit_items, unit_on_time
from pingyi.supervision.selectors_notices import notices_for_unit

_CENT = Decimal("0.01")


def month_end(period: str) -> date:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, calendar.monthrange(year, month)[1])


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part * 100) / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def computed_values(
    indicator: Indicator, units: list[Unit], period: str
) -> dict[int, tuple[Decimal, str]]:
    """unit id → (value, note) for a computed indicator; units without a value are left out."""
    day = month_end(period)
    out: dict[int, tuple[Decimal, str]] = {}
    if indicator.source == Source.ON_TIME:
        for unit in units:
            on_time = unit_on_time(unit, day)
            if on_time.filed:
                note = f"on_time {on_time.on_time}/{on_time.filed} as of {day.isoformat()}"
                out[unit.pk] = (_percent(on_time.on_time, on_time.filed), note)
    elif indicator.source == Source.ON_TRACK:
        for unit in units:
            led = unit_items(unit).filter(lead_unit=unit)
            rows = statuses(led, day)
            if rows:
                good = sum(s.status not in ("overdue", "lagging") for _, s in rows)
                note = f"on_track {good}/{len(rows)} as of {day.isoformat()}"
                out[unit.pk] = (_percent(good, len(rows)), note)
    elif indicator.source == Source.NOTICES:
        first = day.replace(day=1)
        for unit in units:
            count = notices_for_unit(unit).filter(issued_on__range=(first, day)).count()
            out[unit.pk] = (
                Decimal(count),
                f"notices issued {first.isoformat()}..{day.isoformat()}",
            )
    elif indicator.source == Source.APPRAISAL:
        scores = appraisal_scores(indicator.event_key)
        for unit in units:
            if unit.code in scores:
                out[unit.pk] = (scores[unit.code], f"appraisal {indicator.event_key}")
    return out


def appraisal_scores(event_key: str) -> dict[str, Decimal]:
    """unit key → published score of the appraisal event (empty when not published)."""
    event = public_events().filter(key=event_key).first()
    if event is None:
        return {}
    data: Any = stored_results(event=event) or {}
    scores: dict[str, Decimal] = {}
    for track in data.get("tracks", []):
        for row in track.get("ranking", []):
            if row.get("score") is not None:
                scores[row["unit"]] = Decimal(row["score"])
    return scores
