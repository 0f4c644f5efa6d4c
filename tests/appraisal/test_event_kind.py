"""An event's kind (``"meeting"``, the default, or ``"observation"``) is part of event.json.

It is parsed and checked with the rest of the spec, written back by ``dump_event_json`` (so
the bundle and the API's event carry it), and an exported observation re-imports as an
observation, through the command line and through the API.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.errors import EventInvalid
from pingyi.appraisal.method.spec import SpecError, dump_event_json, load_event_json, parse_event
from pingyi.appraisal.models import Event

from .factories import KEY, event_data, event_json, full_scores, issue, make_event
from .test_api import basic
from .test_round_trip import pingyi

# --- the rule -------------------------------------------------------------------------------


def test_kind_defaults_to_meeting_and_a_meetings_text_does_not_change() -> None:
    spec = parse_event(event_data())
    assert spec.kind == "meeting"
    assert "kind" not in json.loads(dump_event_json(spec))
    assert parse_event(event_data(kind="meeting")) == spec
    assert parse_event(event_data(kind=None)) == spec


def test_an_observation_survives_dump_and_load() -> None:
    spec = parse_event(event_data(kind="observation"))
    assert spec.kind == "observation"
    text = dump_event_json(spec)
    assert json.loads(text)["kind"] == "observation"
    assert load_event_json(text) == spec


@pytest.mark.parametrize(
    "bad",
    ["Observation", "observation ", "", "meeting\u0000", "季观摩", 1, True, ["observation"], {}],
    ids=repr,
)
def test_an_unknown_kind_is_refused_naming_the_member(bad: Any) -> None:
    with pytest.raises(SpecError) as refused:
        parse_event(event_data(kind=bad))
    assert refused.value.path == "kind"
    assert str(refused.value).startswith('kind: must be "meeting" or "observation", got ')


# --- import ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_keeps_the_kind_in_the_row_and_in_the_stored_event_json() -> None:
    event = make_event(kind="observation")
    assert event.kind == "observation"
    assert event.spec.kind == "observation"
    assert json.loads(Event.objects.get(key=KEY).spec_json)["kind"] == "observation"


@pytest.mark.django_db
def test_import_refuses_an_unknown_kind_instead_of_making_it_a_meeting() -> None:
    with pytest.raises(EventInvalid, match="kind: must be"):
        services.event_import(data=event_json(kind="site-visit"))
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_api_answers_422_naming_kind(client: Any, office_user: Any) -> None:
    response = client.post(
        "/api/v1/events",
        data=event_json(kind="quarterly"),
        content_type="application/json",
        **basic(office_user),
    )
    assert response.status_code == 422, response.content
    assert "kind" in response.json()["detail"]
    assert not Event.objects.exists()


# --- export → import -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_exported_observation_reimports_as_an_observation_cli(tmp_path: Path) -> None:
    event = make_event(kind="observation")
    services.event_open(key=event.key)
    for token in issue(event, n=2):
        casting.ballot_cast(token=token, scores=full_scores())
    services.event_close(key=event.key)
    bundle = tmp_path / "bundle"
    pingyi("event", "export", KEY, str(bundle))
    assert json.loads((bundle / "event.json").read_text(encoding="utf-8"))["kind"] == "observation"

    Event.objects.all().delete()
    pingyi("event", "import", str(bundle))
    again = Event.objects.get(key=KEY)
    assert again.kind == "observation"
    assert again.spec.kind == "observation"


@pytest.mark.django_db
def test_an_exported_observation_reimports_as_an_observation_api(
    client: Any, office_user: Any
) -> None:
    make_event(kind="observation")
    auth = basic(office_user)
    client.force_login(office_user)  # reading is the session's; importing takes Basic auth
    shown = client.get(f"/api/v1/events/{KEY}")
    assert shown.status_code == 200, shown.content
    assert shown.json()["kind"] == "observation"
    assert shown.json()["event"]["kind"] == "observation"
    # Exact numbers are JSON numbers, not strings, here and in the tracks: importable as read.
    assert shown.json()["event"]["panels"][0]["weight"] == 0.4
    tracks = client.get(f"/api/v1/events/{KEY}/tracks").json()
    assert tracks == shown.json()["event"]["tracks"]
    assert tracks[0]["rubric"]["step"] == 0.5

    Event.objects.all().delete()
    created = client.post(
        "/api/v1/events",
        data=json.dumps(shown.json()["event"]),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "observation"
    assert Event.objects.get(key=KEY).kind == "observation"


# --- events stored before the kind was kept -------------------------------------------------


@pytest.mark.django_db
def test_the_migration_writes_the_kind_into_an_observations_stored_event_json() -> None:
    make_event(kind="observation")
    make_event(key="t2")
    # As the old import stored it: the row says observation, its event.json does not.
    Event.objects.filter(key=KEY).update(spec_json=event_json())
    Event.objects.filter(key="t2").update(spec_json=event_json(key="t2"))
    meeting_text = Event.objects.get(key="t2").spec_json
    migration = importlib.import_module("pingyi.appraisal.migrations.0003_event_kind_in_event_json")
    migration.kind_into_event_json(apps, None)
    assert Event.objects.get(key=KEY).spec.kind == "observation"
    assert Event.objects.get(key="t2").spec_json == meeting_text
