"""Query-count guards: the pages that list many events or units read the database a bounded
number of times, whatever the number of events, units or previous events.

Each page is measured twice, with few and with many published events (each compared with
the one before, so rank changes are drawn) and with few and many units: the count must not
grow with the data (an N+1 would add a query per event or per unit), and stays under a
ceiling.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Event
from pingyi.appraisal.views import meeting as meeting_views

from .factories import event_data

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 6


def _units(n: int) -> list[dict[str, str]]:
    return [{"key": f"u{i:02d}", "name": f"单位{i:02d}"} for i in range(n)]


def _published_events(count: int, units: int) -> list[Event]:
    """``count`` published events, half-yearly, each compared with the one before."""
    events = []
    for i in range(count):
        track = {
            "key": "counties",
            "name": "县（区）",
            "units": _units(units),
            "rubric": {"kind": "criteria", "criteria": [{"key": "r", "name": "实绩", "max": 100}]},
        }
        data = event_data(
            key=f"e{i}",
            name=f"第{i}次评议",
            held_on=f"{2020 + i // 2}-{1 + 6 * (i % 2):02d}-15",
            tracks=[track],
            panels=[{"key": "all", "name": "全体", "weight": 1}],
            method={"weighting": "pooled", "trim": 0, "trim_min": 5, "decimals": 2},
            **({"previous": f"e{i - 1}"} if i else {}),
            **({"kind": "observation"} if i % 3 == 2 else {}),
        )
        event = services.event_import(data=json.dumps(data, ensure_ascii=False))
        services.event_open(key=event.key)
        for n, card in enumerate(services.tokens_issue(event=event, panel="all", count=3)):
            scores = [
                {"track": "counties", "unit": u["key"], "item": "r", "value": (7 * j + n + i) % 90}
                for j, u in enumerate(_units(units))
            ]
            casting.ballot_cast(token=card.token, scores=scores)
        services.event_close(key=event.key)
        services.event_publish(key=event.key)
        events.append(event)
    return events


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _measure(client: Client, url: str, events: int, units: int) -> int:
    Event.objects.all().delete()
    _published_events(events, units)
    return _queries(client, url)


@pytest.mark.parametrize(
    ("url", "ceiling"),
    [
        ("/results/e1/", 10),  # the results page of an event with a previous one
        ("/results/units/u01/", 10),  # one unit's history across every event
        ("/results/", 8),  # the list of published results
    ],
)
def test_public_pages_do_not_grow_with_events_or_units(
    client: Client, url: str, ceiling: int
) -> None:
    few = _measure(client, url, FEW, 3)
    many = _measure(client, url, MANY, 12)
    assert many == few, f"{url}: {few} queries for {FEW} events, {many} for {MANY}"
    assert many <= ceiling


@pytest.mark.parametrize("who", ["office_user", "leader_user"])
def test_the_meeting_list_does_not_grow_with_events(
    client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    client.force_login(request.getfixturevalue(who))
    few = _measure(client, "/meeting/", FEW, 3)
    many = _measure(client, "/meeting/", MANY, 12)
    assert many == few, f"/meeting/: {few} queries for {FEW} events, {many} for {MANY}"
    assert many <= 12


def test_the_guards_see_an_n_plus_one(
    client: Client, office_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: the measurement catches a page that reads once more per event."""
    real = meeting_views.render

    def render_reading_each(request: Any, template: str, context: dict[str, Any]) -> Any:
        for event in context.get("events", ()):
            Event.objects.get(pk=event.pk)
        return real(request, template, context)

    monkeypatch.setattr(meeting_views, "render", render_reading_each)
    client.force_login(office_user)
    few = _measure(client, "/meeting/", FEW, 3)
    many = _measure(client, "/meeting/", MANY, 3)
    assert many - few == MANY - FEW
