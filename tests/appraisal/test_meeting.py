"""The meeting console, the big screen and their live stream: who may see what, what the
stream carries (never a score before the office reveals one), and the console's changes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from pingyi.appraisal import errors, live, meeting, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Event, Presentation
from pingyi.appraisal.selectors import stored_results

from .factories import KEY, event_data, full_scores

# --- helpers (also used by the browser and cross-process tests) ----------------------------


def make_event(key: str = KEY, **changes: Any) -> Event:
    data = event_data(key=key, **changes)
    return services.event_import(data=json.dumps(data, ensure_ascii=False))


def issue(event: Event, panel: str = "attendees", count: int = 3) -> list[str]:
    return [c.token for c in services.tokens_issue(event=event, panel=panel, count=count)]


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event name, decoded data) for every message of an SSE text; comments skipped."""
    messages: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if data:
            raw = "\n".join(data)
            try:
                messages.append((name, json.loads(raw)))
            except ValueError:
                messages.append((name, raw))
    return messages


def carries_score(value: Any) -> bool:
    """Does a decoded message hold a score anywhere (a "score" or "ranking" member)?"""
    if isinstance(value, dict):
        return any(k in {"score", "ranking"} or carries_score(v) for k, v in value.items())
    if isinstance(value, list):
        return any(carries_score(v) for v in value)
    return False


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read_stream(client: Client, key: str = KEY) -> str:
    response = client.get(f"/meeting/{key}/stream")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    chunks = []
    for chunk in response.streaming_content:  # ends with the stream (closes the response)
        chunks.append(chunk.decode("utf-8"))
    return "".join(chunks)


# --- permissions ---------------------------------------------------------------------------

PAGES = ["/meeting/", f"/meeting/{KEY}/console", f"/meeting/{KEY}/screen"]
FEEDS = [f"/meeting/{KEY}/stream", f"/meeting/{KEY}/live.json"]
#: role → expected status per URL (302: sent to sign in)
EXPECTED = {
    "office": {"/meeting/": 200, "console": 200, "screen": 200, "feed": 200},
    "leader": {"/meeting/": 200, "console": 403, "screen": 200, "feed": 200},
    "viewer": {"/meeting/": 200, "console": 403, "screen": 200, "feed": 200},
    "liaison": {"/meeting/": 403, "console": 403, "screen": 403, "feed": 403},
    "anonymous": {"/meeting/": 302, "console": 302, "screen": 302, "feed": 403},
}


@pytest.fixture
def accounts(office_user: Any, leader_user: Any, viewer_user: Any, liaison_a: Any) -> dict:
    return {
        "office": office_user,
        "leader": leader_user,
        "viewer": viewer_user,
        "liaison": liaison_a,
    }


def client_for(role: str, accounts: dict) -> Client:
    return Client() if role == "anonymous" else signed_in(accounts[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_meeting_url_checks_the_role(role: str, accounts: dict) -> None:
    make_event()
    client = client_for(role, accounts)
    expected = EXPECTED[role]
    for url in PAGES:
        kind = url if url == "/meeting/" else url.rsplit("/", 1)[-1]
        response = client.get(url)
        assert response.status_code == expected[kind], (role, url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == expected["feed"], (role, url, response.status_code)
        # (not closed: the stream's generator never started, there is nothing to end)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "viewer", "liaison", "anonymous"])
def test_only_the_office_may_change_the_meeting(role: str, accounts: dict) -> None:
    make_event()
    client = client_for(role, accounts)
    for action, data in [
        ("open", {}),
        ("close", {}),
        ("publish", {}),
        ("purge", {}),
        ("rehearsal", {"on": "1"}),
        ("reveal", {"track": "counties"}),
        ("clear", {}),
        ("previous", {"previous": ""}),
        ("order", {"track": "counties"}),
    ]:
        response = client.post(f"/meeting/{KEY}/console/{action}", data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403, (role, action)
    event = Event.objects.get(key=KEY)
    assert (event.state, event.rehearsal, event.revealed_tracks) == ("draft", False, [])


@pytest.mark.django_db
def test_console_actions_need_post_and_csrf(office_user: Any) -> None:
    make_event()
    client = signed_in(office_user)
    assert client.get(f"/meeting/{KEY}/console/open").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(office_user)
    assert strict.post(f"/meeting/{KEY}/console/open").status_code == 403
    assert Event.objects.get(key=KEY).state == "draft"
    assert client.post(f"/meeting/{KEY}/console/nonsense").status_code == 404


@pytest.mark.django_db
def test_list_shows_console_links_to_the_office_only(office_user: Any, leader_user: Any) -> None:
    make_event()
    office_page = signed_in(office_user).get("/meeting/").content.decode()
    leader_page = signed_in(leader_user).get("/meeting/").content.decode()
    assert f"/meeting/{KEY}/console" in office_page and f"/meeting/{KEY}/screen" in office_page
    assert f"/meeting/{KEY}/console" not in leader_page and f"/meeting/{KEY}/screen" in leader_page


# --- the console's changes -----------------------------------------------------------------


@pytest.mark.django_db
def test_reveal_before_close_is_refused(office_user: Any) -> None:
    event = make_event()
    with pytest.raises(errors.StateError):
        meeting.track_reveal(key=KEY, track="counties")
    services.event_open(key=KEY)
    with pytest.raises(errors.StateError):
        meeting.track_reveal(key=KEY, track="counties")
    client = signed_in(office_user)
    response = client.post(f"/meeting/{KEY}/console/reveal", {"track": "counties"}, follow=True)
    page = response.content.decode()
    assert "only after voting has closed" in page or "投票结束" in page
    event.refresh_from_db()
    assert event.revealed_tracks == []
    services.event_close(key=KEY)
    with pytest.raises(errors.AppraisalError):
        meeting.track_reveal(key=KEY, track="nope")
    meeting.track_reveal(key=KEY, track="leads")
    meeting.track_reveal(key=KEY, track="counties")
    meeting.track_reveal(key=KEY, track="leads")  # shown again: last on screen
    event.refresh_from_db()
    assert event.revealed_tracks == ["counties", "leads"]
    meeting.screen_clear(key=KEY)
    event.refresh_from_db()
    assert event.revealed_tracks == []


@pytest.mark.django_db
def test_console_runs_a_meeting(office_user: Any) -> None:
    event = make_event()
    client = signed_in(office_user)
    page = client.get(f"/meeting/{KEY}/console").content.decode()
    assert 'id="live-config"' in page and "<script>" not in page  # no inline script (CSP)
    for action in ("open", "close", "publish"):
        response = client.post(f"/meeting/{KEY}/console/{action}")
        assert response.status_code == 302 and response["Location"] == f"/meeting/{KEY}/console"
    event.refresh_from_db()
    assert event.state == "published"
    response = client.post(f"/meeting/{KEY}/console/open", follow=True)
    assert b'class="error"' in response.content  # refused, and said so


@pytest.mark.django_db
def test_rehearsal_toggle_banner_and_purge(office_user: Any) -> None:
    event = make_event()
    client = signed_in(office_user)
    client.post(f"/meeting/{KEY}/console/rehearsal", {"on": "1"})
    event.refresh_from_db()
    assert event.rehearsal
    page = client.get(f"/meeting/{KEY}/console").content.decode()
    assert 'id="rehearsal-banner"' in page
    screen = client.get(f"/meeting/{KEY}/screen").content.decode()
    assert 'id="rehearsal-strip" >' in screen or 'id="rehearsal-strip">' in screen  # shown
    tokens = issue(event, count=2)
    with pytest.raises(errors.StateError):  # rehearsal cards exist: purge first
        meeting.rehearsal_set(key=KEY, on=False)
    services.event_open(key=KEY)
    casting.ballot_cast(token=tokens[0], scores=full_scores())
    with pytest.raises(errors.StateError):
        meeting.rehearsal_set(key=KEY, on=False)
    services.event_close(key=KEY)
    meeting.track_reveal(key=KEY, track="counties")
    response = client.post(f"/meeting/{KEY}/console/publish", follow=True)
    assert b'class="error"' in response.content
    client.post(f"/meeting/{KEY}/console/purge")
    event.refresh_from_db()
    assert (event.state, event.revealed_tracks, event.cards.count(), event.ballots.count()) == (
        "draft",
        [],
        0,
        0,
    )
    meeting.rehearsal_set(key=KEY, on=False)
    event.refresh_from_db()
    assert not event.rehearsal
    issue(event, count=1)
    with pytest.raises(errors.StateError):  # real cards: a purge must never meet them
        meeting.rehearsal_set(key=KEY, on=True)


@pytest.mark.django_db
def test_running_order_presenters_and_notes(office_user: Any) -> None:
    event = make_event()
    client = signed_in(office_user)
    response = client.post(
        f"/meeting/{KEY}/console/order",
        {
            "track": "counties",
            "unit": ["hualong", "puyang", "qingfeng"],
            "order": ["3", "1", "1"],
            "presenter": ["张三", "李四", ""],
            "comment_notes": ["讲评：实绩突出", "", ""],
        },
    )
    assert response.status_code == 302
    order = meeting.running_order(event=event)["counties"]
    assert [(r.unit.key, r.order, r.presenter) for r in order] == [
        ("puyang", 1, "李四"),
        ("qingfeng", 2, ""),
        ("hualong", 3, "张三"),
    ]
    assert Presentation.objects.get(event=event, unit="hualong").comment_notes == "讲评：实绩突出"
    # untouched track keeps the event's order
    assert [r.unit.key for r in meeting.running_order(event=event)["leads"]] == [
        "fgw",
        "gxj",
        "kjj",
        "swj",
    ]
    for bad in (
        [{"unit": "fgw", "order": 1}],  # not in this track
        [{"unit": "hualong", "order": 0}],
        [{"unit": "hualong", "order": "x"}],
        [{"unit": "hualong", "order": 1}, {"unit": "hualong", "order": 2}],
        [{"unit": "hualong", "order": 1, "comment_notes": "x" * 5001}],
    ):
        with pytest.raises(errors.AppraisalError):
            meeting.running_order_save(key=KEY, track="counties", rows=bad)
    with pytest.raises(errors.AppraisalError):
        meeting.running_order_save(key=KEY, track="nope", rows=[])
    page = client.get(f"/meeting/{KEY}/console").content.decode()
    assert "讲评：实绩突出" in page


@pytest.mark.django_db
def test_previous_event_for_rank_changes() -> None:
    make_event("t0")
    make_event()
    meeting.previous_set(key=KEY, previous="t0")
    assert Event.objects.get(key=KEY).previous.key == "t0"
    for bad in (KEY, "missing"):
        with pytest.raises(errors.AppraisalError):
            meeting.previous_set(key=KEY, previous=bad)
    meeting.previous_set(key=KEY, previous=None)
    assert Event.objects.get(key=KEY).previous is None


# --- the stream ----------------------------------------------------------------------------


@pytest.fixture
def short_streams(settings: Any) -> Iterator[None]:
    settings.PINGYI_LIVE_STREAM_SECONDS = 1.2
    settings.PINGYI_LIVE_HEARTBEAT = 0.5
    yield


@pytest.mark.django_db(transaction=True)
def test_stream_never_carries_a_score_before_a_reveal(
    office_user: Any, leader_user: Any, short_streams: None
) -> None:
    event = make_event()
    office = signed_in(office_user)
    leader = signed_in(leader_user)
    tokens = issue(event, count=3) + issue(event, panel="leaders", count=2)

    text = read_stream(leader)
    messages = parse_sse(text)
    names = [n for n, _ in messages]
    assert names[:3] == ["state", "counts", "reveal"] and names[-1] == "bye", names
    assert "ping" in names  # the heartbeat
    assert ": heartbeat" in text
    assert not any(carries_score(d) for _, d in messages)

    office.post(f"/meeting/{KEY}/console/open")
    for i, token in enumerate(tokens):
        response = office.post(
            "/api/v1/ballots",
            {"token": token, "scores": full_scores(40 + i)},
            content_type="application/json",
        )
        assert response.status_code == 201
    messages = parse_sse(read_stream(leader))
    counts = dict(messages)["counts"]
    assert counts["cast"] == 5 and counts["issued"] == 5
    assert {p["key"]: p["cast"] for p in counts["panels"]} == {"leaders": 2, "attendees": 3}
    assert dict(messages)["state"]["state"] == "open"
    assert not any(carries_score(d) for _, d in messages)
    snapshot = office.get(f"/meeting/{KEY}/live.json").json()
    assert not carries_score(snapshot)

    # Closed but not revealed: still no score. Even if a reveal was stored somehow while
    # open, the stream would not send it (screen_view drops it).
    office.post(f"/meeting/{KEY}/console/close")
    assert not any(carries_score(d) for _, d in parse_sse(read_stream(leader)))
    Event.objects.filter(key=KEY).update(state="open", revealed_tracks=["counties"])
    assert not any(carries_score(d) for _, d in parse_sse(read_stream(leader)))
    Event.objects.filter(key=KEY).update(state="closed", revealed_tracks=[])

    office.post(f"/meeting/{KEY}/console/reveal", {"track": "counties"})
    reveal = dict(parse_sse(read_stream(leader)))["reveal"]
    assert reveal["current"] == "counties" and [t["key"] for t in reveal["tracks"]] == ["counties"]
    results = stored_results(event=Event.objects.get(key=KEY))
    expected = next(t for t in results["tracks"] if t["key"] == "counties")["ranking"]
    shown = reveal["tracks"][0]["ranking"]
    assert [(u["rank"], u["unit"], u["score"]) for u in shown] == [
        (u["rank"], u["unit"], u["score"]) for u in expected
    ]
    assert all(isinstance(u["score"], str) for u in shown)
    assert shown[0]["panels"] == expected[0]["panels"]
    # the track not revealed is not sent
    assert "leads" not in json.dumps(reveal)


@pytest.mark.django_db(transaction=True)
def test_stream_headers_and_no_database_connection_while_waiting(
    viewer_user: Any, short_streams: None
) -> None:
    make_event()
    client = signed_in(viewer_user)
    response = client.get(f"/meeting/{KEY}/stream")
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    chunks = iter(response.streaming_content)
    first = next(chunks).decode()
    assert first.startswith("retry: ")
    assert connection.connection is None  # closed before the stream sleeps
    assert KEY in live.hub().watching
    next(chunks)
    assert connection.connection is None
    response.close()  # the client went away: the generator ends and unsubscribes
    deadline = time.monotonic() + 2
    while KEY in live.hub().watching and time.monotonic() < deadline:
        time.sleep(0.05)
    assert KEY not in live.hub().watching


@pytest.mark.django_db(transaction=True)
def test_hub_reads_once_per_event_for_many_streams(short_streams: None) -> None:
    """Ten streams of one event in this process cost one reader, not ten."""
    make_event()
    hub = live.hub()
    before = hub.reads
    results: list[str] = []

    def watch() -> None:
        results.append("".join(live.sse_stream(event_key=KEY)))

    threads = [threading.Thread(target=watch) for _ in range(10)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    elapsed = time.monotonic() - start
    reads = hub.reads - before
    # one read per ~0.25 s for the whole process, whatever the number of streams
    assert reads <= elapsed / live.EMBEDDED_POLL_INTERVAL + 3, (reads, elapsed)
    assert len(results) == 10 and all('"counts"' not in r or "event: counts" in r for r in results)
