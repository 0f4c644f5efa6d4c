"""Fifty simultaneous submissions with one card admit exactly one ballot.

The control test disables the card guard and must see several submissions get past it,
which proves the harness really runs them at the same time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections

from pingyi.appraisal import errors, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Ballot, BallotCard

from .factories import event_json, full_scores

pytestmark = pytest.mark.django_db(transaction=True)
WAYS = 50


def _race(token: str, *, guard: bool, scores: list[list[dict[str, Any]]]) -> Counter[str]:
    barrier = threading.Barrier(WAYS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = casting.ballot_cast(token=token, scores=scores[i], guard=guard)
            outcome = "created" if result.created else "retry"
        except errors.CardUsed:
            outcome = "used"
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(WAYS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return outcomes


@pytest.fixture
def card_token() -> str:
    event = services.event_import(data=event_json())
    services.event_open(key=event.key)
    return services.tokens_issue(event=event, panel="leaders", count=1)[0].token


def test_fifty_identical_submissions_admit_one(card_token: str) -> None:
    outcomes = _race(card_token, guard=True, scores=[full_scores()] * WAYS)
    assert outcomes["created"] == 1, outcomes
    assert outcomes["created"] + outcomes["retry"] == WAYS, outcomes
    assert Ballot.objects.count() == 1
    assert BallotCard.objects.filter(used=True).count() == 1


def test_fifty_different_submissions_admit_one(card_token: str) -> None:
    scores = [full_scores(base=i) for i in range(WAYS)]
    outcomes = _race(card_token, guard=True, scores=scores)
    assert outcomes["created"] == 1, outcomes
    assert outcomes["used"] == WAYS - 1, outcomes
    assert Ballot.objects.count() == 1


def test_control_without_the_guard_the_race_is_seen(card_token: str) -> None:
    """Without the conditional update, several submissions consume the same card."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions (BEGIN IMMEDIATE): no race to see")
    consumed = Counter[str]()
    lock = threading.Lock()

    def widen() -> None:
        with lock:
            consumed["n"] += 1
        time.sleep(0.05)

    casting._after_card_consumed = widen
    try:
        _race(card_token, guard=False, scores=[full_scores(base=i) for i in range(WAYS)])
    finally:
        casting._after_card_consumed = None
    assert consumed["n"] > 1, "the harness did not produce concurrent submissions"
    # The unique receipt per card still keeps a second ballot out (defence in depth).
    assert Ballot.objects.count() == 1
