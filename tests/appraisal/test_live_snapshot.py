"""What the screens read: ``live.read_snapshot`` keeps an event's parsed spec between reads.

A screen's stream reads the event again after every ballot; the spec it parsed once is kept in
the stream's ``_Cache`` and handed to the event it reads (``Event.keep_spec``), so nothing is
parsed again while ``event.json`` is unchanged, and a changed ``event.json`` is never hidden
behind the kept one.
"""

from __future__ import annotations

from typing import Any

import pytest

from pingyi.appraisal import live, meeting, models, services
from pingyi.appraisal.casting import ballot as casting

from .factories import event_json, full_scores, issue, make_open_event

pytestmark = pytest.mark.django_db


def _no_parse(text: Any) -> Any:
    raise AssertionError("event.json was parsed again")


def test_a_stream_reads_its_event_again_without_parsing_event_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = make_open_event()
    for token in issue(event, n=2):
        casting.ballot_cast(token=token, scores=full_scores())
    services.event_close(key=event.key)
    meeting.track_reveal(key=event.key, track="counties")
    cache = live._Cache()
    first = live.read_snapshot(event.key, cache)
    assert first is not None and first["current"] == "counties"

    # The process-wide parse cache forgets it (64 texts, a busy office): the stream's own
    # cache must still answer, without the parser.
    models.parsed_spec.cache_clear()
    monkeypatch.setattr(models, "load_event_json", _no_parse)
    again = live.read_snapshot(event.key, cache)
    assert again == first
    assert [p["name"] for p in again["counts"]["panels"]] == ["市级领导", "列席人员"]


def test_a_replaced_event_json_is_read_not_the_kept_one() -> None:
    services.event_import(data=event_json())
    cache = live._Cache()
    before = live.read_snapshot("t1", cache)
    assert before is not None
    assert [p["name"] for p in before["counts"]["panels"]] == ["市级领导", "列席人员"]
    renamed = [
        {"key": "leaders", "name": "领导", "weight": 0.4, "expected": 3},
        {"key": "attendees", "name": "列席", "weight": 0.6},
    ]
    services.event_import(data=event_json(panels=renamed), replace=True)
    after = live.read_snapshot("t1", cache)
    assert after is not None
    assert [p["name"] for p in after["counts"]["panels"]] == ["领导", "列席"]


def test_an_instance_parses_a_new_text_assigned_to_it() -> None:
    event = services.event_import(data=event_json())
    assert event.spec.panels[0].name == "市级领导"
    event.spec_json = event_json(name="改名", panels=[{"key": "only", "name": "唯一"}])
    assert [p.key for p in event.spec.panels] == ["only"]
    event.refresh_from_db()
    assert event.spec.panels[0].name == "市级领导"
