"""Casting ballots through the service and the HTTP API, on the real database."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from django.db import connection

from pingyi.appraisal import errors, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Ballot, BallotCard, Event
from pingyi.appraisal.selectors import compute_results

from .factories import event_json, full_scores, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> Event:
    return services.event_import(data=event_json())


@pytest.fixture
def open_event(event: Event) -> Event:
    return services.event_open(key=event.key)


def post(client: Any, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/ballots", data=data, content_type="application/json")


def test_cast_stores_one_ballot_and_consumes_the_card(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event)
    response = post(client, {"token": token, "scores": full_scores()})
    assert response.status_code == 201, response.content
    receipt = response.json()["receipt"]
    assert len(receipt) == 10
    assert Ballot.objects.filter(event=open_event, receipt=receipt).count() == 1
    assert BallotCard.objects.get().used is True


def test_identical_retry_returns_the_same_receipt(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event)
    first = post(client, {"token": token, "scores": full_scores()})
    again = post(client, {"token": token, "scores": full_scores()})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Ballot.objects.count() == 1


def test_different_reuse_is_refused_with_409(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event)
    assert post(client, {"token": token, "scores": full_scores()}).status_code == 201
    response = post(client, {"token": token, "scores": full_scores(base=40)})
    assert response.status_code == 409
    assert response.json()["code"] == "card_used"
    assert Ballot.objects.count() == 1


def test_short_code_works_and_shares_the_card(client: Any, open_event: Event) -> None:
    card = services.tokens_issue(event=open_event, panel="leaders", count=1)[0]
    typed = f"{card.code[:5].lower()} {card.code[5:].lower()}"
    response = post(client, {"token": typed, "scores": full_scores()})
    assert response.status_code == 201
    # The long token of the same card is now used too, and answers the same receipt.
    retry = post(client, {"token": card.token, "scores": full_scores()})
    assert retry.json()["receipt"] == response.json()["receipt"]


def test_voting_not_open_is_403(client: Any, event: Event) -> None:
    (token,) = issue(event)
    response = post(client, {"token": token, "scores": full_scores()})
    assert response.status_code == 403
    assert response.json()["code"] == "voting_not_open"
    assert not BallotCard.objects.get().used


def test_closed_event_refuses_new_ballots(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event)
    services.event_close(key=open_event.key)
    assert post(client, {"token": token, "scores": full_scores()}).status_code == 403


def test_unknown_card_is_403(client: Any, open_event: Event) -> None:
    response = post(client, {"token": "not-a-real-card-token-at-all", "scores": full_scores()})
    assert response.status_code == 403
    assert response.json()["code"] == "card_not_valid"


@pytest.mark.parametrize(
    ("mutate", "code", "unit"),
    [
        (
            lambda s: [*s, {"track": "counties", "unit": "nowhere", "item": "results", "value": 1}],
            "unknown_unit",
            None,
        ),
        (lambda s: [r for r in s if r["unit"] != "puyang"], "missing_unit", "puyang"),
        (
            lambda s: [{**r, "value": 50.25} if r["item"] == "results" else r for r in s],
            "off_step",
            "hualong",
        ),
        (
            lambda s: [{**r, "value": 61} if r["item"] == "results" else r for r in s],
            "out_of_range",
            "hualong",
        ),
        (
            lambda s: [{**r, "value": True} if r["item"] == "results" else r for r in s],
            "bad_value",
            "hualong",
        ),
        (
            lambda s: [
                {**r, "value": "good"} if r["track"] == "leads" and r["item"] == "grade" else r
                for r in s
            ],
            "quota_exceeded",
            None,
        ),
        (
            lambda s: [{**r, "value": "excellent"} if r["unit"] == "fgw" else r for r in s],
            "unknown_grade",
            "fgw",
        ),
    ],
)
def test_broken_rules_are_refused_naming_the_unit(
    client: Any, open_event: Event, mutate: Any, code: str, unit: str | None
) -> None:
    (token,) = issue(open_event)
    response = post(client, {"token": token, "scores": mutate(full_scores())})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    if unit:
        assert body["unit"] == unit
    assert Ballot.objects.count() == 0
    assert not BallotCard.objects.get().used


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"token": "x", "scores": [{"track": "counties", "unit": "hualong", "item": "results",'
        ' "value": NaN}]}',
        '{"token": "x", "scores": [{"value": Infinity}]}',
        "[1, 2]",
        '{"scores": []}',
        '{"token": "abc", "scores": "all good"}',
    ],
)
def test_malformed_bodies_are_400(client: Any, open_event: Event, body: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_bound_card_excludes_its_unit(client: Any, open_event: Event) -> None:
    (token,) = issue(open_event, unit="puyang")
    refused = post(client, {"token": token, "scores": full_scores()})
    assert refused.status_code == 422
    assert refused.json()["code"] == "self_appraisal"
    assert post(client, {"token": token, "scores": full_scores(skip="puyang")}).status_code == 201


def test_failure_between_card_and_ballot_leaves_neither(
    open_event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    (token,) = issue(open_event)
    consume = casting._consume_card

    def consume_then_fail(card_id: int) -> bool:
        assert consume(card_id)  # the card is consumed, in the casting transaction ...
        raise RuntimeError("injected failure")  # ... and the ballot is not yet written

    monkeypatch.setattr(casting, "_consume_card", consume_then_fail)
    with pytest.raises(RuntimeError):
        casting.ballot_cast(token=token, scores=full_scores())
    monkeypatch.undo()
    assert Ballot.objects.count() == 0
    assert BallotCard.objects.get().used is False
    # ... and the card still works afterwards.
    assert casting.ballot_cast(token=token, scores=full_scores()).created


def test_results_only_after_close(client: Any, open_event: Event, office_user: Any) -> None:
    tokens = issue(open_event, n=3) + issue(open_event, panel="attendees", n=2)
    for i, token in enumerate(tokens):
        assert post(client, {"token": token, "scores": full_scores(base=40 + i)}).status_code == 201
    client.force_login(office_user)
    assert client.get("/api/v1/events/t1/results").status_code == 403
    services.event_close(key="t1")
    response = client.get("/api/v1/events/t1/results")
    assert response.status_code == 200
    results = response.json()
    assert results == compute_results(event=Event.objects.get(key="t1"))
    counties = results["tracks"][0]["ranking"]
    assert [u["ballots"] for u in counties] == [5, 5, 5]
    # leaders: 40,41,42 (+30.5) → mean 71.5; attendees: 43,44 → 74; 0.4·71.5 + 0.6·74 = 73
    assert counties[0]["score"] == "73.00"
    assert counties[0]["panels"]["leaders"] == {"score": "71.50", "ballots": 3}
    leads = {u["unit"]: u for u in results["tracks"][1]["ranking"]}
    assert leads["swj"]["score"] is None and leads["swj"]["rank"] is None


def test_state_machine_is_enforced(event: Event) -> None:
    with pytest.raises(errors.StateError):
        services.event_close(key=event.key)
    with pytest.raises(errors.StateError):
        services.event_publish(key=event.key)
    services.event_open(key=event.key)
    with pytest.raises(errors.StateError):
        services.event_open(key=event.key)
    services.event_close(key=event.key)
    services.event_publish(key=event.key)
    assert Event.objects.get().state == "published"


def test_ballot_table_holds_nothing_that_identifies(open_event: Event) -> None:
    """No ballot column or relation reaches a card, an account, a session or a time."""
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "event", "panel", "receipt", "payload", "rehearsal"}
    for field in fields.values():
        related = getattr(field, "related_model", None)
        assert related in (None, Event), field.name
        assert field.get_internal_type() not in ("DateTimeField", "TimeField"), field.name
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, "appraisal_ballot")
        ]
    assert sorted(columns) == sorted(["id", "event_id", "panel", "receipt", "payload", "rehearsal"])


def test_stored_order_does_not_follow_voting_order(open_event: Event) -> None:
    receipts = [
        casting.ballot_cast(token=t, scores=full_scores()).receipt for t in issue(open_event, n=30)
    ]
    stored = list(Ballot.objects.order_by("pk").values_list("receipt", flat=True))
    assert sorted(stored) == sorted(receipts)
    # 30 ballots in voting order by primary key would happen with probability 1/30!.
    assert stored != receipts


def test_cards_store_only_hashes(open_event: Event) -> None:
    card = services.tokens_issue(event=open_event, panel="leaders", count=1)[0]
    row = BallotCard.objects.values().get()
    flat = json.dumps(row, default=str)
    assert card.token not in flat and card.code not in flat
    assert set("0O1I") & set(card.code) == set()


def test_the_ballot_path_has_no_test_hooks() -> None:
    """Production code carries no switch for tests: they reach a failure between card and
    ballot, or a race without the guard, by patching in the test (see above and
    test_concurrency.py), never through a parameter or a module hook a caller could set."""
    assert list(inspect.signature(casting.ballot_cast).parameters) == ["token", "scores"]
    assert list(inspect.signature(casting.store_ballots).parameters) == ["pending"]
    assert list(inspect.signature(casting._consume_card).parameters) == ["card_id"]
    assert not [name for name in vars(casting) if "after" in name or "hook" in name]
