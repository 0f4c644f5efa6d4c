"""The ballot writer commits waiting ballots together and answers each after its commit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.casting.ballot import ballot_writer
from pingyi.appraisal.models import Ballot, BallotCard

from .factories import event_json, full_scores

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tokens() -> list[str]:
    event = services.event_import(data=event_json())
    services.event_open(key=event.key)
    return [c.token for c in services.tokens_issue(event=event, panel="attendees", count=60)]


def cast_all(tokens: list[str], scores: Any = None) -> list[Any]:
    results: list[Any] = [None] * len(tokens)
    barrier = threading.Barrier(len(tokens))

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = casting.ballot_cast(token=tokens[i], scores=scores or full_scores())
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_ballots_share_commits(tokens: list[str]) -> None:
    writer = ballot_writer()
    before_batches, before_answered = writer.batches, writer.answered
    results = cast_all(tokens)
    assert all(isinstance(r, casting.CastResult) and r.created for r in results), results
    assert Ballot.objects.count() == 60
    assert BallotCard.objects.filter(used=True).count() == 60
    assert writer.answered - before_answered == 60
    # Sixty simultaneous ballots need fewer commits than ballots.
    assert writer.batches - before_batches < 60


def test_a_failing_ballot_does_not_take_its_batch_down(
    tokens: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    lock = threading.Lock()
    consume = casting._consume_card

    def consume_then_fail_every_fifth(card_id: int) -> bool:
        consumed = consume(card_id)  # the card is consumed in the batch's transaction ...
        with lock:
            calls["n"] += 1
            if calls["n"] % 5 == 0:
                raise RuntimeError("injected failure")  # ... and its ballot never written
        return consumed

    monkeypatch.setattr(casting, "_consume_card", consume_then_fail_every_fifth)
    results = cast_all(tokens[:30])
    monkeypatch.undo()
    failed = [r for r in results if isinstance(r, RuntimeError)]
    stored = [r for r in results if isinstance(r, casting.CastResult)]
    assert failed and stored
    assert len(failed) + len(stored) == 30
    # Exactly the acknowledged ballots are stored, and only their cards are used.
    assert Ballot.objects.count() == len(stored)
    assert BallotCard.objects.filter(used=True).count() == len(stored)
    assert set(Ballot.objects.values_list("receipt", flat=True)) == {r.receipt for r in stored}
