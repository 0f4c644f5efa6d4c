"""schemathesis against the served OpenAPI schema (``/api/v1/openapi.json``).

Every operation is called through ``pingyi.wsgi.application`` (no server, no network) with
inputs generated from the schema — anonymously and as an office account over HTTP Basic —
on a world with an event in each state and a supervision list with an item, a pending report,
extension and closure (path keys and ids are steered to those half of the time, so more than
404s are seen). Checks: no 5xx (``not_a_server_error``), every response
matches its declared schema (``response_schema_conformance``) and its status code is
declared (``status_code_conformance``).

The generated inputs are joined by the hostile ones of issue 9 (items 1 and 6), sent as raw
bodies through the same operations and checks: numbers that expand into a billion digits,
lone surrogates, 100,000 ``[``, 5,000-deep nesting and a body over the upload limit, on
``POST /api/v1/ballots`` (with an unused card), ``POST /api/v1/events`` and a progress report
``POST /api/v1/items/{item_id}/reports`` (as the office).

The data is committed (the WSGI handler closes the database connection after each request,
which a test transaction would not survive), so these tests use ``transactional_db``.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from pingyi.wsgi import application
from tests.conftest import STRONG_PASSWORD

from .conftest import World, build_world, event_json, full_scores

PREFIX = "st"
KEYS = [f"{PREFIX}-{state}" for state in ("draft", "open", "closed", "published")]
SUPERVISION_LIST = f"{PREFIX}-list"
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
OFFICE = f"{PREFIX}-office"


#: the supervision objects of the world (item_id, report_id, extension_id, closure_id → ids)
SUPERVISION_IDS: dict[str, list[int]] = {}


def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half of the generated event or list keys are replaced by a real event's or list's key,
    and half of the supervision ids by real ones."""
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    for name, real in (("key", [*KEYS, SUPERVISION_LIST]), *SUPERVISION_IDS.items()):
        if name in path_parameters and real:
            given = path_parameters[name]
            return st.sampled_from([*real, *[given] * len(real)]).map(
                lambda value, name=name: {**path_parameters, name: value}
            )
    return st.just(path_parameters)


def served_schema() -> dict[str, Any]:
    """What ``/api/v1/openapi.json`` serves (the same call as its view; checked below)."""
    from pingyi.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=reverse("api:api-root"))))


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = application
schema.hook(flatmap_path_parameters)


def build_supervision(world: World, key: str) -> int:
    """A supervision list ``key`` with an item of unit hualong due in 30 days, a pending report,
    extension and closure of it (steered to by :func:`flatmap_path_parameters`); the item's
    id."""
    import datetime as dt

    from django.utils import timezone

    from pingyi.supervision import services
    from pingyi.supervision.models import Item, SupervisionList

    today = timezone.localdate()
    the_list = SupervisionList.objects.create(
        key=key, kind="tasks", name="接口清单", year=today.year, assigned_on=today
    )
    item = Item.objects.create(
        supervision_list=the_list,
        number="1",
        title="接口事项",
        lead_unit=world.units["hualong"],
        kind="date",
        due=today + dt.timedelta(30),
    )
    report = services.report_file(item, unit=item.lead_unit, reported_on=today, percent=10)
    extension = services.extension_request(
        item, reason="x", proposed_due=today + dt.timedelta(60), requested_on=today
    )
    closure = services.closure_apply(item, evidence="x", applied_on=today)
    # a red notice (督办单) of the item, with a pending reply (the notices' API)
    from pingyi.supervision import notices, selectors_notices
    from pingyi.supervision.models import Notice

    notice = Notice.objects.create(
        item=item, colour="red", issued_on=today, unit_codes=["hualong"], year=today.year,
        serial=selectors_notices.last_serial(today.year) + 1, acknowledge_by=today,
        reply_by=today, demand="x",
    )
    notice.units.set([item.lead_unit])
    reply = notices.notice_reply(notice, unit=item.lead_unit, text="x", replied_on=today)
    SUPERVISION_IDS.update(
        item_id=[item.pk],
        report_id=[report.pk],
        extension_id=[extension.pk],
        closure_id=[closure.pk],
        notice_id=[notice.pk],
        reply_id=[reply.pk],
    )
    return item.pk


@pytest.fixture
def world(transactional_db: None, settings: Any) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]
    build_supervision(build_world(prefix=PREFIX), SUPERVISION_LIST)


def test_the_tested_schema_is_the_served_one(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == served_schema()


def office_headers() -> dict[str, str]:
    token = base64.b64encode(f"{OFFICE}:{STRONG_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@schema.parametrize()
@schema.given(as_office=st.booleans())
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_api_conforms_to_its_schema(world: None, case: Any, as_office: bool) -> None:
    headers = office_headers() if as_office else None
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)


# --- issue 9: hostile bodies, always sent -----------------------------------------------------

#: Raw JSON in place of the first score's value (ballots) or the first criterion's max (events).
HOSTILE = {
    "huge": "1e999999999",
    "tiny": "1e-999999999",
    "digits": "9" * 1_000_000,
    "nan": "NaN",
    "surrogate": '"\\udc00"',
    "open-brackets": "[" * 100_000,
    "deep": "[" * 5_000 + "]" * 5_000,
}


@pytest.fixture
def hostile_world(transactional_db: None, settings: Any) -> World:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]
    return build_world(prefix="sth")


def hostile_body(path: str, world: World, fragment: str) -> bytes:
    if path == REPORTS:
        return ('{"percent": ' + fragment + ', "done": "x"}').encode()
    if path == "/api/v1/ballots":
        text = json.dumps({"token": world.evaluator_token, "scores": full_scores()})
        return text.replace('"value": 50', f'"value": {fragment}', 1).encode()
    return event_json("sth-new").replace('"max": 60', f'"max": {fragment}', 1).encode()


#: a liaison's progress report (the supervision API), posted as office to a real item
REPORTS = "/api/v1/items/{item_id}/reports"


@pytest.mark.parametrize("path", ["/api/v1/ballots", "/api/v1/events", REPORTS])
@pytest.mark.parametrize("name", [*HOSTILE, "over-the-limit"])
def test_hostile_bodies_conform_to_the_schema(
    hostile_world: World, settings: Any, path: str, name: str
) -> None:
    if name == "over-the-limit":
        body = b'{"token": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    else:
        body = hostile_body(path, hostile_world, HOSTILE[name])
    headers = None
    if path != "/api/v1/ballots":
        token = base64.b64encode(f"sth-office:{STRONG_PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
    where = {}
    if path == REPORTS:
        where = {"path_parameters": {"item_id": build_supervision(hostile_world, "sth-list")}}
    case = schema[path]["POST"].Case(body=body, media_type="application/json", **where)
    start = time.perf_counter()
    response = case.call(headers=headers)
    assert time.perf_counter() - start < 2.0  # a guard against the billion-digit expansion
    case.validate_response(response, checks=CHECKS, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"] and response.json()["code"]
