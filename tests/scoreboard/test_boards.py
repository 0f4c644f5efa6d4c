"""The wall boards (docs/scoreboard.md, "Boards"): each board's figures from the demo data, who
sees which board (nothing unpublished leaks: page, JSON, stream, guessed URLs), the office's
publish switch (audited), bad query strings refused with the reason, and a live stream that
follows a change and withdraws a board the office takes back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from pingyi.core.models import AuditEntry
from pingyi.scoreboard import boards, boards_live, services_boards
from pingyi.scoreboard.errors import InvalidInput
from pingyi.scoreboard.models import Month, MonthState

SWITCHABLE = ("notices", "targets", "pipeline", "weekly")


@pytest.fixture
def demo(db: None) -> None:
    from pingyi.core.demo import load_demo_data

    load_demo_data()


def as_user(username: str) -> Client:
    from pingyi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_each_board_shows_the_demo_data(demo: None) -> None:
    # the default language, whatever an earlier test left active in this thread
    with translation.override("zh-hans"):
        _each_board_shows_the_demo_data()


def _each_board_shows_the_demo_data() -> None:
    today = timezone.localdate()
    arena = boards.board_data("arena", today)
    assert arena["subtitle"].startswith("县区擂台赛") and "2026-11" in arena["subtitle"]
    assert [r["rank"] for r in arena["rows"]] == list(range(1, 10))
    top = arena["rows"][0]
    assert (top["name"], top["score"], top["red"]) == ("濮阳经济技术开发区", "94.28", True)
    # rank changes as arrows AND words (Chinese, the default language)
    moved = {r["name"]: (r["arrow"], r["change"]) for r in arena["rows"]}
    assert moved["城乡一体化示范区"] == ("▲", "上升4位")
    assert moved["范县"] == ("▼", "下降3位")
    assert moved["华龙区"] == ("＝", "持平")
    assert len(arena["red"]) == 3 and len(arena["black"]) == 2
    notices = boards.board_data("notices", today)
    assert notices["rows"] and all(r["open"] or r["censured"] for r in notices["rows"])
    assert notices["rows"][0]["red"] >= notices["rows"][-1]["red"]  # the most pressing first
    assert [s["name"] for s in notices["series"]] == ["蓝色：提醒", "黄色：催办", "红色：督办单"]
    targets = boards.board_data("targets", today)
    hualong = next(r for r in targets["rows"] if r["unit"] == "hualong")
    assert (hualong["on_schedule"], hualong["total"], hualong["percent"]) == (5, 5, "100%")
    assert hualong["all_red"] and "全年红" in hualong["label"]
    pipeline = boards.board_data("pipeline", today)
    assert [b["name"] for b in pipeline["rows"]] == ["第14期", "第13期"]
    first = pipeline["rows"][1]["stages"][0]
    assert (first["name"], first["count"], first["investment"]) == ("签约", 20, "222.22")
    assert [r["name"] for r in pipeline["rows"][1]["rates"]] == ["履约率", "开工率", "投产率"]
    weekly = boards.board_data("weekly", today)
    assert weekly["rows"] and all(r["filed"] >= r["on_time"] for r in weekly["rows"])


def test_percent_rounds_half_up_and_says_none_without_a_share() -> None:
    from fractions import Fraction

    assert boards.percent(Fraction(1, 8)) == "13%"  # 12.5 → 13 (not banker's 12)
    assert boards.percent(Fraction(2, 3)) == "67%"
    assert boards.percent(Fraction(0)) == "0%"
    assert boards.percent(None) == "—"


def test_the_arena_board_shows_only_a_published_month(demo: None) -> None:
    today = timezone.localdate()
    Month.objects.filter(state=MonthState.PUBLISHED, period="2026-11").update(
        state=MonthState.FROZEN
    )
    # the frozen 2026-11 is never on a board: the last published one is 2026-10
    assert "2026-10" in boards.board_data("arena", today)["subtitle"]
    Month.objects.filter(state=MonthState.PUBLISHED).update(state=MonthState.FROZEN)
    board = boards.board_data("arena", today)
    assert board["empty"] and board["rows"] == []
    assert "arena" not in boards.public_keys()
    assert Client().get("/boards/data/arena.json").status_code == 404


@pytest.mark.parametrize("who", [None, "hualong"])
def test_nothing_unpublished_leaks_to_the_public_or_a_liaison(demo: None, who: str | None) -> None:
    client = Client() if who is None else as_user(who)
    page = client.get("/boards/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "县区擂台赛" in body and "红榜" in body  # the published arena
    assert "三个一批" not in body and "营商中心" not in body  # pipeline, notices: not public
    for key in SWITCHABLE:
        for url in (
            f"/boards/wall/?boards={key}",
            f"/boards/wall/?boards=arena,{key}",
            f"/boards/wall/?boards=arena&boards={key}",
            f"/boards/wall/?boards=%20{key}%20",
            f"/boards/data/{key}.json",
            f"/boards/stream/?boards={key}",
            f"/boards/stream/?boards=arena,{key}",
        ):
            assert client.get(url).status_code == 404, url
    # the default wall: the public boards only
    wall = client.get("/boards/wall/").content.decode()
    assert 'data-board="arena"' in wall and 'data-board="notices"' not in wall
    assert client.get("/boards/wall/").context["config"]["stream"] == "/boards/stream/?boards=arena"
    # the office publishes the notices board: now it shows, and nothing else does
    services_boards.set_public(key="notices", public=True, actor="test")
    assert client.get("/boards/data/notices.json").status_code == 200
    assert "营商中心" in client.get("/boards/").content.decode()
    assert client.get("/boards/data/pipeline.json").status_code == 404
    services_boards.set_public(key="notices", public=False, actor="test")
    assert client.get("/boards/data/notices.json").status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "viewer"])
def test_readers_see_every_board_on_the_wall(demo: None, who: str) -> None:
    client = as_user(who)
    response = client.get("/boards/wall/?boards=weekly,arena,notices&seconds=30")
    assert response.status_code == 200
    body = response.content.decode()
    order = [body.index(f'data-board="{k}"') for k in ("weekly", "arena", "notices")]
    assert order == sorted(order)  # the boards in the order asked
    config = response.context["config"]
    assert config["seconds"] == 30
    assert config["stream"] == "/boards/stream/?boards=weekly,arena,notices"
    for key in boards.BOARDS:
        assert client.get(f"/boards/data/{key}.json").status_code == 200


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("boards=arena,nonsense", "nonsense"),
        ("boards=<script>", "&lt;script&gt;"),
        ("seconds=2", "5"),
        ("seconds=601", "600"),
        ("seconds=abc", "abc"),
        ("seconds=-20", "-20"),
        ("seconds=1e3", "1e3"),
    ],
)
def test_a_bad_query_is_refused_saying_what(demo: None, query: str, said: str) -> None:
    response = as_user("office").get(f"/boards/wall/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert said in body and "<script>" not in body.split("</head>")[1]
    if query.startswith("boards="):
        assert Client().get(f"/boards/stream/?{query}").status_code == 400


def test_the_office_switches_a_board_public_audited(demo: None) -> None:
    office = as_user("office")
    response = office.post("/boards/office/", {"board": "targets", "public": "1"}, follow=True)
    assert response.status_code == 200
    assert "targets" in boards.public_keys()
    assert "已公开" in response.content.decode()
    entry = AuditEntry.objects.get(action="scoreboard.board.published")
    assert entry.target == "board:targets"
    office.post("/boards/office/", {"board": "targets", "public": "1"})  # again: no new entry
    assert AuditEntry.objects.filter(action="scoreboard.board.published").count() == 1
    office.post("/boards/office/", {"board": "targets", "public": "0"})
    assert "targets" not in boards.public_keys()
    assert AuditEntry.objects.filter(action="scoreboard.board.withdrawn").count() == 1
    # the arena has no switch; a made-up board neither: said, nothing stored
    response = office.post("/boards/office/", {"board": "arena", "public": "1"})
    assert response.status_code == 200
    assert "没有可公开的看板“arena”" in response.content.decode()
    with pytest.raises(InvalidInput):
        services_boards.set_public(key="../etc", public=True)
    # readers may look, not switch
    for who in ("leader", "viewer"):
        assert as_user(who).get("/boards/office/").status_code == 200
        assert (
            as_user(who).post("/boards/office/", {"board": "notices", "public": "1"}).status_code
            == 404
        )
    assert "notices" not in boards.public_keys()


def _messages(chunks: Any, count: int) -> list[tuple[str, Any]]:
    """The next ``count`` named events of an SSE stream (its comments and pings skipped)."""
    out: list[tuple[str, Any]] = []
    for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith(("retry:", ":")):
            continue
        lines = dict(line.split(": ", 1) for line in text.strip().split("\n"))
        out.append((lines["event"], json.loads(lines["data"])))
        if len(out) == count:
            return out
    return out


@pytest.mark.django_db(transaction=True)
def test_the_stream_follows_a_change_and_withdraws_what_is_taken_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    monkeypatch.setitem(boards_live.INTERVALS, "notices", 0.05)
    services_boards.set_public(key="notices", public=True)
    response = Client().get("/boards/stream/?boards=notices")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    chunks = iter(response.streaming_content)
    [(name, first)] = _messages(chunks, 1)
    assert name == "board" and first["data"]["key"] == "notices"
    assert "营商中心" in first["text"]
    before = sum(r["open"] for r in first["data"]["rows"])
    # a notice closed elsewhere (another thread, as a sweep or a reply decision would)
    from pingyi.supervision.models import Notice

    notice = Notice.objects.filter(closed_on__isnull=True).first()
    assert notice is not None
    Notice.objects.filter(pk=notice.pk).update(closed_on=timezone.localdate())
    [(name, second)] = _messages(chunks, 1)
    assert name == "board"
    # one open notice fewer for each unit it was addressed to
    assert sum(r["open"] for r in second["data"]["rows"]) == before - notice.units.count()
    # taken back: the open public stream says "withdrawn" and sends no more of its data
    services_boards.set_public(key="notices", public=False)
    [(name, third)] = _messages(chunks, 1)
    assert (name, third) == ("withdrawn", {"key": "notices"})
    Notice.objects.filter(pk=notice.pk).update(closed_on=None)
    response.close()


def test_a_public_stream_never_sends_a_board_that_is_not_public() -> None:
    feed = boards_live._Feed("notices", "zh-hans", version=1)
    feed.snapshot = {"data": {"key": "notices", "rows": [1]}, "text": "<p>x</p>", "public": False}
    public = boards_live._StreamState(boards_live.PUBLIC, [feed])
    assert public.advance((1,)) == ['event: withdrawn\ndata: {"key":"notices"}\n\n']
    assert public.advance((2,)) == []  # said once
    staff = boards_live._StreamState(boards_live.STAFF, [feed])
    [message] = staff.advance((1,))
    assert message.startswith("event: board\n") and '"rows":[1]' in message
    # the stream's argument is made by the view; a forged audience is public, odd keys dropped
    assert boards_live.parse_arg("admin:xx:notices,../x,arena") == (
        "public",
        "zh-hans",
        ["notices", "arena"],
    )
    assert boards_live.parse_arg("staff:en:weekly") == ("staff", "en", ["weekly"])


@pytest.mark.django_db(transaction=True)
def test_an_english_wall_gets_its_live_updates_in_english() -> None:
    from django.conf import settings

    from pingyi.core.demo import load_demo_data

    load_demo_data()
    chinese, english = as_user("viewer"), as_user("viewer")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    titles = []
    for client in (chinese, english):
        response = client.get("/boards/stream/?boards=arena")
        [(_name, message)] = _messages(iter(response.streaming_content), 1)
        titles.append((message["data"]["title"], "Red list" in message["text"]))
        response.close()
    assert titles == [("月打擂", False), ("Monthly arena", True)]


def test_the_text_beside_a_chart_escapes_what_the_units_are_called() -> None:
    hostile = "<img src=x onerror=alert(1)>"
    data = {
        "key": "notices",
        "title": "t",
        "subtitle": hostile,
        "empty": False,
        "columns": ["单位"],
        "rows": [{"name": hostile, "blue": 1, "yellow": 0, "red": 0, "censured": 0}],
    }
    text = boards_live.board_text(data)  # replaces the page's text on a live update
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
