"""Hostile numbers and hostile JSON through the API, as an adversary sends them (issue 9,
items 1 and 6).

One score ``1e999999999`` used to keep a worker busy expanding a billion digits until it
was killed; a lone surrogate, deep nesting or a body over 10 MB answered 500 or an HTML
page. Every answer here must be a refusal in the API's shape ``{"detail", "code"}``, with
the documented status, and come in well under a second (the bound is generous: it guards
against the expansion, it is not a benchmark). After the attack the next ballot is
accepted.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from django.conf import settings

from pingyi.appraisal import errors, meeting, services
from pingyi.appraisal.models import Ballot, BallotCard, Event
from pingyi.orgs.services import UnitImportError, parse_unit_rows, read_unit_workbook
from tests.orgs.workbooks import HEADER, workbook_bytes

from .factories import KEY, event_json, full_scores, issue
from .test_api import basic

pytestmark = pytest.mark.django_db

FAST = 2.0
HUGE = "1e999999999"
HOSTILE_NUMBERS = [
    HUGE,
    "-" + HUGE,
    "1E+999999999",
    "1e-999999999",
    "0e999999999",
    "9" * 1_000_000,
    "-" + "9" * 5_000,
    "1" + "0" * 100_000 + ".5",
    "0." + "0" * 100_000 + "1",
    "1e16",
]


@pytest.fixture
def open_event() -> Event:
    services.event_import(data=event_json())
    return services.event_open(key=KEY)


def ballot_body(token: str, replace: str | None = None, by: str = "") -> str:
    """A valid ballot's JSON text, with the first ``replace`` replaced by raw JSON ``by``."""
    text = json.dumps({"token": token, "scores": full_scores()}, ensure_ascii=False)
    if replace is not None:
        assert replace in text
        text = text.replace(replace, by, 1)
    return text


def post(client: Any, path: str, body: str | bytes, **headers: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")  # the details are read in English below
    response = client.generic("POST", path, body, content_type="application/json", **headers)
    return response, time.perf_counter() - start


def refusal(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The answer is a refusal in the API's shape, with ``status`` (and ``code``)."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"].strip()
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code, body
    assert len(body["detail"]) < 400, body["detail"][:400]
    return dict(body)


# --- item 1: numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("number", HOSTILE_NUMBERS, ids=lambda t: t[:14])
def test_a_hostile_score_is_refused_at_once_naming_the_unit(
    client: Any, open_event: Event, number: str
) -> None:
    (token,) = issue(open_event)
    text = ballot_body(token, '"value": 50', f'"value": {number}')
    response, seconds = post(client, "/api/v1/ballots", text)
    body = refusal(response, 422, "bad_value")
    assert (body["track"], body["unit"]) == ("counties", "hualong")
    assert "华龙区 (hualong) / 工作实绩 (results)" in body["detail"]
    assert "too large" in body["detail"] or "after the decimal point" in body["detail"]
    assert seconds < FAST
    assert not BallotCard.objects.get().used  # nothing was spent: the card still votes
    accepted, _ = post(client, "/api/v1/ballots", ballot_body(token))
    assert accepted.status_code == 201, accepted.content


def test_a_hostile_score_on_a_used_card_is_refused_at_once(client: Any, open_event: Event) -> None:
    """The reviewer's attack: an already used card (a retry is compared with the stored
    ballot), twice; the next normal ballot is accepted."""
    used, fresh = issue(open_event, n=2)
    first, _ = post(client, "/api/v1/ballots", ballot_body(used))
    assert first.status_code == 201
    for _attempt in range(2):
        response, seconds = post(
            client, "/api/v1/ballots", ballot_body(used, '"value": 50', f'"value": {HUGE}')
        )
        refusal(response, 409, "card_used")
        assert seconds < FAST
    response, seconds = post(client, "/api/v1/ballots", ballot_body(fresh))
    assert response.status_code == 201 and seconds < FAST
    assert Ballot.objects.count() == 2


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("NaN", 400, "bad_request"),
        ("Infinity", 400, "bad_request"),
        ("-Infinity", 400, "bad_request"),
        ('"50"', 422, "bad_value"),
        ('"' + "9" * 1_000_000 + '"', 422, "bad_value"),
        ('"1e999999999"', 422, "bad_value"),
        ("true", 422, "bad_value"),
    ],
    ids=lambda v: str(v)[:12],
)
def test_values_that_are_not_numbers(
    client: Any, open_event: Event, number: str, status: int, code: str
) -> None:
    (token,) = issue(open_event)
    response, seconds = post(
        client, "/api/v1/ballots", ballot_body(token, '"value": 50', f'"value": {number}')
    )
    refusal(response, status, code)
    assert seconds < FAST


def test_minus_zero_is_zero(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event)
    response, _ = post(client, "/api/v1/ballots", ballot_body(token, '"value": 50', '"value": -0'))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("member", "path"),
    [
        ('"max": 60', "tracks[0].rubric.criteria[0].max"),
        ('"step": 0.5', "tracks[0].rubric.step"),
        ('"points": 100', "tracks[1].rubric.grades[0].points"),
        ('"weight": 0.4', "panels[0].weight"),
        ('"expected": 3', "panels[0].expected"),
        ('"trim": 1', "method.trim"),
    ],
)
@pytest.mark.parametrize("number", [HUGE, "1e-999999999", "9" * 1_000_000], ids=lambda t: t[:8])
def test_event_json_with_a_hostile_number_is_422_at_once(
    client: Any, office_user: Any, member: str, path: str, number: str
) -> None:
    name = member.split(":")[0]
    text = event_json().replace(member, f"{name}: {number}", 1)
    response, seconds = post(client, "/api/v1/events", text.encode(), **basic(office_user))
    body = refusal(response, 422, "invalid_event")
    assert path in body["detail"]
    assert seconds < FAST
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/cards/lookup", '{"token": ' + HUGE + "}"),
        ("/api/v1/cards/lookup", '{"token": "x", "extra": ' + "9" * 1_000_000 + "}"),
        ("/api/v1/events/t1/cards", '{"panel": "leaders", "count": ' + HUGE + "}"),
        ("/api/v1/events/t1/cards", '{"panel": "leaders", "count": ' + "9" * 10_000 + "}"),
    ],
    ids=["lookup-huge", "lookup-digits", "cards-huge", "cards-digits"],
)
def test_typed_routes_bound_numbers_before_validation(
    client: Any, open_event: Event, office_user: Any, path: str, body: str
) -> None:
    response, seconds = post(client, path, body, **basic(office_user))
    detail = refusal(response, 400, "bad_request")["detail"]
    assert "too large: at most 15 digits before the decimal point" in detail
    assert seconds < FAST
    assert BallotCard.objects.count() == 0


# --- item 6: hostile JSON -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["track", "unit", "item", "value"])
def test_a_lone_surrogate_anywhere_in_a_ballot_is_a_400(
    client: Any, open_event: Event, field: str
) -> None:
    (token,) = issue(open_event)
    row = '"track": "counties", "unit": "hualong", "item": "results", "value": 50'
    text = ballot_body(token, row, row.replace(f'"{field}": ', f'"{field}": "\\udc00", "x": ', 1))
    response, seconds = post(client, "/api/v1/ballots", text)
    body = refusal(response, 400, "bad_request")
    assert f"scores[0].{field}" in body["detail"] and "\\udc00" in body["detail"]
    assert seconds < FAST
    refusal(post(client, "/api/v1/ballots", '{"token": "\\udc00", "scores": []}')[0], 400)
    refusal(post(client, "/api/v1/cards/lookup", '{"token": "\\ud800"}')[0], 400)
    accepted, _ = post(client, "/api/v1/ballots", ballot_body(token))
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("name", "path"),
    [('"华龙区"', "tracks[0].units[0].name"), ('"测试评议会"', "name")],
)
@pytest.mark.parametrize("bad", ["\\udc00", "\\u0000"], ids=["surrogate", "nul"])
def test_text_that_cannot_be_stored_in_an_event_json_is_422(
    client: Any, office_user: Any, name: str, path: str, bad: str
) -> None:
    """A NUL in the event's name was a 500 on PostgreSQL (text cannot hold NUL)."""
    text = event_json().replace(name, f'"{bad}{name[1:]}', 1)
    response, _ = post(client, "/api/v1/events", text.encode(), **basic(office_user))
    body = refusal(response, 422, "invalid_event")
    assert body["detail"].startswith(f"event.json: {path}: "), body["detail"]
    assert not Event.objects.exists()


@pytest.mark.parametrize("case", ["body", "value-5000", "value-33", "unclosed-value"])
def test_deep_nesting_is_a_400(client: Any, open_event: Event, office_user: Any, case: str) -> None:
    (token,) = issue(open_event)
    nested = {
        "body": None,
        "value-5000": "[" * 5_000 + "]" * 5_000,
        "value-33": "[" * 33 + "]" * 33,
        "unclosed-value": "[" * 100_000,
    }[case]
    text = "[" * 100_000
    if nested is not None:
        text = ballot_body(token, '"value": 50', f'"value": {nested}')
    for path, auth in (
        ("/api/v1/ballots", {}),
        ("/api/v1/cards/lookup", {}),
        ("/api/v1/events/t1/cards", basic(office_user)),
    ):
        response, seconds = post(client, path, text, **auth)
        refusal(response, 400, "bad_request")
        assert seconds < FAST
    response, seconds = post(client, "/api/v1/events", text, **basic(office_user))
    refusal(response, 422, "invalid_event")
    assert seconds < FAST
    assert post(client, "/api/v1/ballots", ballot_body(token))[0].status_code == 201


@pytest.mark.parametrize(
    ("path", "office"),
    [
        ("/api/v1/ballots", False),
        ("/api/v1/events", True),
        ("/api/v1/cards/lookup", False),
        ("/api/v1/events/t1/cards", True),
    ],
)
def test_a_body_over_the_limit_is_a_413_in_the_api_shape(
    client: Any, open_event: Event, office_user: Any, path: str, office: bool
) -> None:
    body = b'{"token": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    response, seconds = post(client, path, body, **(basic(office_user) if office else {}))
    refusal(response, 413, "too_large")
    assert seconds < FAST


def test_api_addresses_outside_the_routes_answer_in_the_api_shape(client: Any) -> None:
    refusal(client.get("/api/v1/nope"), 404, "not_found")
    refusal(client.get("/api/v1/events/x/y/z"), 404, "not_found")
    response = client.get("/api/v1/ballots")
    refusal(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"
    assert client.get("/nope").status_code == 404  # pages keep their HTML 404
    assert client.get("/nope")["Content-Type"].startswith("text/html")


# --- other numbers from users ---------------------------------------------------------------


@pytest.mark.parametrize(
    "order", ["9" * 1_000_000, "1" * 100, 10**4000, 1e300, "1e999999999"], ids=lambda v: str(v)[:8]
)
def test_the_unit_sheet_bounds_its_order_column(order: Any) -> None:
    start = time.perf_counter()
    with pytest.raises(UnitImportError) as info:
        parse_unit_rows([HEADER, ("nanle", "南乐县", "", "县区", order, "")])
    assert time.perf_counter() - start < FAST
    (error,) = info.value.errors
    assert (error.row, error.column) == (2, "排序")
    assert len(str(error)) < 200


def test_the_unit_workbook_refuses_a_huge_number_cell() -> None:
    data = workbook_bytes([("nanle", "南乐县", "", "县区", 1e300, "")])
    with pytest.raises(UnitImportError) as info:
        read_unit_workbook(io.BytesIO(data))
    assert len(str(info.value)) < 200 and "排序" in str(info.value)


@pytest.mark.parametrize(
    "order", ["9" * 1_000_000, 10**5000, "１２" * 40], ids=["text", "int", "wide"]
)
def test_the_running_order_bounds_places(open_event: Event, order: Any) -> None:
    start = time.perf_counter()
    with pytest.raises(errors.AppraisalError) as info:
        meeting.running_order_save(
            key=open_event.key, track="counties", rows=[{"unit": "hualong", "order": order}]
        )
    assert info.value.code == "bad_order"
    assert time.perf_counter() - start < FAST
