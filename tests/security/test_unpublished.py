"""Nothing of an unpublished event reaches anyone but the office, leaders and viewers.

Issue 9, item 4: ``GET /api/v1/events/KEY/results`` answered 200 with the whole ranking to
anonymous visitors and liaisons once voting had closed, before the office revealed it.
Here every route that shows results or per-event data is asked, by each role that may not
read before publication (anonymous, a liaison of each unit), about the draft, open and
closed events: the answer must be exactly the answer for an event that does not exist
(same status, same body once the key is replaced), so it neither leaks results nor
confirms that the event exists. Readers (office, leader, viewer) do read closed results.
The per-role statuses of every route are in test_authorization_matrix.py.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from tests.conftest import STRONG_PASSWORD

from .conftest import World

OUTSIDERS = ("anonymous", "liaison_a", "liaison_b")
READERS = ("office", "leader", "viewer")
UNPUBLISHED = ("draft", "open", "closed")
MISSING = "sx-no-such-event"

#: Routes that show an event's results, receipts or data, by key.
ROUTES = (
    "/api/v1/events/{key}/results",
    "/api/v1/events/{key}/receipts",
    "/api/v1/events/{key}",
    "/api/v1/events/{key}/tracks",
    "/api/v1/events/{key}/units",
    "/results/{key}/",
    "/results/{key}/receipt?code=ABCD-EFGH",
    "/results/{key}/bundle.zip",
)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def answer(client: Client, route: str, key: str) -> tuple[int, bytes]:
    response = client.get(route.format(key=key))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.replace(key.encode(), b"KEY")


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("route", ROUTES)
def test_unpublished_events_look_like_missing_ones(
    world: World, role: str, state: str, route: str
) -> None:
    client = client_for(world, role)
    seen = answer(client, route, world.key(state))
    missing = answer(client, route, MISSING)
    assert seen[0] == 404, (route, state, role, seen)
    assert seen == missing


@pytest.mark.parametrize("role", READERS)
def test_readers_read_closed_results_before_publication(world: World, role: str) -> None:
    response = client_for(world, role).get(f"/api/v1/events/{world.key('closed')}/results")
    assert response.status_code == 200
    assert [t["key"] for t in response.json()["tracks"]] == ["counties", "leads"]


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("state", ("draft", "open"))
def test_readers_learn_results_come_at_close(world: World, role: str, state: str) -> None:
    response = client_for(world, role).get(f"/api/v1/events/{world.key(state)}/results")
    assert response.status_code == 403
    assert response.json()["code"] == "results_not_available"


def test_published_results_are_public(world: World) -> None:
    response = Client().get(f"/api/v1/events/{world.key('published')}/results")
    assert response.status_code == 200 and response.json()["tracks"]


def test_wrong_http_basic_credentials_read_nothing_more(world: World) -> None:
    """Credentials that do not sign anyone in are anonymous: the closed event stays hidden."""
    for user, password in (("sx-office", "wrong"), ("sx-liaison_a", STRONG_PASSWORD)):
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        response = Client().get(
            f"/api/v1/events/{world.key('closed')}/results",
            HTTP_AUTHORIZATION=f"Basic {token}",
        )
        assert response.status_code == 404


@pytest.mark.parametrize("role", (*OUTSIDERS, *READERS))
def test_unit_history_shows_published_events_only(world: World, role: str) -> None:
    html = client_for(world, role).get("/results/units/hualong/").content.decode()
    assert world.events["published"].name in html
    for state in UNPUBLISHED:
        assert world.events[state].name not in html, state


@pytest.mark.parametrize("role", OUTSIDERS)
def test_live_figures_need_a_reader(world: World, role: str) -> None:
    for state in UNPUBLISHED:
        response: Any = client_for(world, role).get(f"/meeting/{world.key(state)}/live.json")
        assert response.status_code == 403, state
