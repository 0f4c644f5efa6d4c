"""The office endpoints of the API: who may call them, and how they answer."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from pingyi.appraisal.models import BallotCard, Event

from ..conftest import STRONG_PASSWORD
from .factories import event_data, event_json

pytestmark = pytest.mark.django_db


def basic(user: Any, password: str = STRONG_PASSWORD) -> dict[str, str]:
    raw = f"{user.username}:{password}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


def import_event(client: Any, **headers: str) -> Any:
    return client.post(
        "/api/v1/events", data=event_json(), content_type="application/json", **headers
    )


def test_anonymous_cannot_manage_events(client: Any) -> None:
    assert import_event(client).status_code == 401
    assert Event.objects.count() == 0


@pytest.mark.parametrize("who", ["leader_user", "viewer_user", "liaison_a"])
def test_only_the_office_manages_events(client: Any, request: Any, who: str) -> None:
    user = request.getfixturevalue(who)
    assert import_event(client, **basic(user)).status_code == 401
    client.force_login(user)
    assert import_event(client).status_code == 401
    assert Event.objects.count() == 0


def test_office_runs_an_event_over_basic_auth(client: Any, office_user: Any) -> None:
    auth = basic(office_user)
    created = import_event(client, **auth)
    assert created.status_code == 201, created.content
    assert created.json()["key"] == "t1"
    assert import_event(client, **auth).status_code == 409
    cards = client.post(
        "/api/v1/events/t1/cards",
        data=json.dumps({"panel": "leaders", "count": 3}),
        content_type="application/json",
        **auth,
    )
    assert cards.status_code == 201
    assert len(cards.json()["cards"]) == BallotCard.objects.count() == 3
    bad = client.post(
        "/api/v1/events/t1/cards",
        data=json.dumps({"panel": "nobody", "count": 3}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and "nobody" in bad.json()["detail"]
    assert client.post("/api/v1/events/t1/close", **auth).status_code == 409
    assert client.post("/api/v1/events/t1/open", **auth).json()["state"] == "open"
    assert client.post("/api/v1/events/t1/close", **auth).json()["state"] == "closed"
    assert client.post("/api/v1/events/t1/publish", **auth).json()["state"] == "published"


def test_session_calls_need_the_csrf_token(office_user: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(office_user)
    assert import_event(client).status_code in (401, 403)
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert import_event(client, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_broken_event_json_is_422_with_the_path(client: Any, office_user: Any) -> None:
    broken = event_data()
    broken["panels"][0]["weight"] = "heavy"
    response = client.post(
        "/api/v1/events",
        data=json.dumps(broken),
        content_type="application/json",
        **basic(office_user),
    )
    assert response.status_code == 422
    assert "panels[0].weight" in response.json()["detail"]


def test_unpublished_events_are_hidden_from_the_public(client: Any, office_user: Any) -> None:
    import_event(client, **basic(office_user))
    assert client.get("/api/v1/events").json() == []
    assert client.get("/api/v1/events/t1").status_code == 404
    client.force_login(office_user)
    assert [e["key"] for e in client.get("/api/v1/events").json()] == ["t1"]
    assert client.get("/api/v1/events/t1/units").json()[0] == {
        "track": "counties",
        "unit": "hualong",
        "name": "华龙区",
        "order": 1,
    }


def test_openapi_schema_is_served(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/ballots" in schema["paths"]
    assert "/api/v1/events/{key}/results" in schema["paths"]


def test_office_imports_an_event_in_the_browser(client: Any, office_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(office_user)
    assert client.get("/meeting/import").status_code == 200
    upload = SimpleUploadedFile("event.json", event_json().encode(), "application/json")
    response = client.post("/meeting/import", {"file": upload})
    assert response.status_code == 302 and response["Location"].endswith("/meeting/t1/console")
    broken = event_data()
    broken["method"]["trim"] = -1
    bad = SimpleUploadedFile("event.json", json.dumps(broken).encode(), "application/json")
    again = client.post("/meeting/import", {"file": bad, "replace": "on"})
    assert again.status_code == 200 and "method.trim" in again.content.decode()
    assert Event.objects.get().spec.method.trim == 1


def test_liaisons_cannot_import_events(client: Any, liaison_a: Any) -> None:
    client.force_login(liaison_a)
    assert client.get("/meeting/import").status_code == 403
