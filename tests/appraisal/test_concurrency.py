"""Fifty simultaneous submissions with one card admit exactly one ballot.

The control test replaces the card guard (in the test only) by a read-then-write and stores
without the writer thread, and must see several submissions get past it, which proves the
harness really runs them at the same time.
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


def _race(token: str, *, scores: list[list[dict[str, Any]]]) -> Counter[str]:
    barrier = threading.Barrier(WAYS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = casting.ballot_cast(token=token, scores=scores[i])
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
    outcomes = _race(card_token, scores=[full_scores()] * WAYS)
    assert outcomes["created"] == 1, outcomes
    assert outcomes["created"] + outcomes["retry"] == WAYS, outcomes
    assert Ballot.objects.count() == 1
    assert BallotCard.objects.filter(used=True).count() == 1


def test_fifty_different_submissions_admit_one(card_token: str) -> None:
    scores = [full_scores(base=i) for i in range(WAYS)]
    outcomes = _race(card_token, scores=scores)
    assert outcomes["created"] == 1, outcomes
    assert outcomes["used"] == WAYS - 1, outcomes
    assert Ballot.objects.count() == 1


def test_control_without_the_guard_the_race_is_seen(
    card_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the conditional update, several submissions consume the same card."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions (BEGIN IMMEDIATE): no race to see")
    consumed = Counter[str]()
    lock = threading.Lock()

    def read_then_write(card_id: int) -> bool:
        """The naive consumption the guard replaces, with its window held open."""
        if BallotCard.objects.get(pk=card_id).used:
            return False
        with lock:
            consumed["n"] += 1
        time.sleep(0.05)
        return bool(BallotCard.objects.filter(pk=card_id).update(used=True))

    monkeypatch.setattr(casting, "_consume_card", read_then_write)
    # Each submission in its own thread's transaction, not queued behind the writer thread.
    monkeypatch.setattr(casting, "writer_enabled", lambda: False)
    _race(card_token, scores=[full_scores(base=i) for i in range(WAYS)])
    monkeypatch.undo()
    assert consumed["n"] > 1, "the harness did not produce concurrent submissions"
    # The unique receipt per card still keeps a second ballot out (defence in depth).
    assert Ballot.objects.count() == 1
