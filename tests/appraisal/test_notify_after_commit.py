"""The screens are told of a state change once, after it is committed.

A screen woken before the commit reads the old state and then waits for the next wake-up,
which never comes; woken twice, every screen of the hall reads the database twice. The spy
replaces ``live.notify`` (what wakes this process's streams and publishes to Redis) and, at
each call, reads the event from a second database connection (another thread): that
connection sees committed rows only, so what it reads proves the commit came first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from pingyi.appraisal import live, meeting, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Event

from .factories import KEY, full_scores, issue, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def _committed_state(key: str) -> str | None:
    """The event's state as another connection sees it: committed rows only."""
    seen: list[str | None] = []

    def read() -> None:
        try:
            event = Event.objects.filter(key=key).first()
            seen.append(event.state if event else None)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    return seen[0]


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None, bool]]:
    """Every call of ``live.notify``: (event, its committed state then, inside a transaction)."""
    calls: list[tuple[str, str | None, bool]] = []

    def spy(*, event_key: str) -> None:
        calls.append((event_key, _committed_state(event_key), connection.in_atomic_block))

    monkeypatch.setattr(live, "notify", spy)
    return calls


def _voted(rehearsal: bool = False) -> Event:
    event = make_event()
    if rehearsal:
        meeting.rehearsal_set(key=event.key, on=True)
    services.event_open(key=event.key)
    (token,) = issue(event)
    casting.ballot_cast(token=token, scores=full_scores())
    return event


CHANGES: list[tuple[str, Callable[[], Any], str, bool]] = [
    ("open", lambda: meeting.event_open(key=KEY), "open", False),
    ("close", lambda: meeting.event_close(key=KEY), "closed", False),
    ("publish", lambda: meeting.event_publish(key=KEY), "published", False),
    ("purge", lambda: meeting.rehearsal_purge(key=KEY), "draft", True),
]


def _prepare(name: str, rehearsal: bool) -> None:
    if name == "open":
        make_event()
        return
    _voted(rehearsal=rehearsal)
    if name == "publish":
        services.event_close(key=KEY)
    if name == "purge":
        services.event_close(key=KEY)


@pytest.mark.parametrize(("name", "change", "state", "rehearsal"), CHANGES, ids=lambda v: v)
def test_the_console_tells_the_screens_once_after_the_commit(
    told: list[tuple[str, str | None, bool]],
    name: str,
    change: Callable[[], Any],
    state: str,
    rehearsal: bool,
) -> None:
    _prepare(name, rehearsal)
    told.clear()
    change()
    assert told == [(KEY, state, False)]


@pytest.mark.parametrize(("name", "change", "state", "rehearsal"), CHANGES, ids=lambda v: v)
def test_inside_a_callers_transaction_nobody_is_told_before_it_commits(
    told: list[tuple[str, str | None, bool]],
    name: str,
    change: Callable[[], Any],
    state: str,
    rehearsal: bool,
) -> None:
    _prepare(name, rehearsal)
    told.clear()
    with transaction.atomic():
        change()
        assert told == [], "a screen was woken before the change was committed"
    assert told == [(KEY, state, False)]


def test_a_change_rolled_back_tells_nobody(told: list[tuple[str, str | None, bool]]) -> None:
    make_event()
    told.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        meeting.event_open(key=KEY)
        raise RuntimeError("the caller fails after the change")
    assert told == []
    assert Event.objects.get(key=KEY).state == "draft"
