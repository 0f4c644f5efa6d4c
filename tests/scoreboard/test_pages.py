"""The arena's pages: the office defines, imports, freezes and publishes through the browser's
forms; the public page shows the published ranking (numbers as text, 红榜/黑榜 as words and
colour, ▲▼ with words); nothing unpublished is public."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.scoreboard import services
from pingyi.scoreboard.method.arena import read_bundle, results_to_json, tally
from pingyi.scoreboard.models import Arena, Month, MonthState
from tests.scoreboard.conftest import sheet

pytestmark = pytest.mark.django_db

ROWS = [["单位", "投资增速", "投诉量"], ["aa", 10, 3], ["bb", 7.5, 5], ["cc", 5, 5], ["dd", 1, 9]]


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_runs_a_month_from_the_pages(arena, office_user) -> None:
    client = login(office_user)
    url = reverse("scoreboard:arena", args=["t"])
    response = client.post(url, {"action": "month", "period": "2026-10"})
    assert response.status_code == 302
    month_url = reverse("scoreboard:month", args=["t", "2026-10"])
    upload = SimpleUploadedFile("v.xlsx", sheet(ROWS))
    response = client.post(month_url, {"action": "import", "file": upload}, follow=True)
    assert "8" in response.content.decode()  # 8 values imported
    bad = SimpleUploadedFile("v.xlsx", sheet([["单位", "投资增速"], ["戊县", 1]]))
    response = client.post(month_url, {"action": "import", "file": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "第2行A2单元格：戊县 不是本擂台的单位。" in body  # Chinese, the default language
    client.post(month_url, {"action": "freeze"})
    assert Month.objects.get().state == MonthState.FROZEN
    # frozen, not published: a preview for readers, nothing for the public
    public_url = reverse("scoreboard:public_month", args=["t", "2026-10"])
    assert Client().get(public_url).status_code == 404
    assert Client().get(reverse("scoreboard:bundle", args=["t", "2026-10"])).status_code == 404
    assert client.get(public_url).status_code == 200
    client.post(month_url, {"action": "publish"})
    body = Client().get(public_url).content.decode()
    for text in ("红榜", "黑榜", "甲县", "100.00", "79.33"):
        assert text in body
    zipped = Client().get(reverse("scoreboard:bundle", args=["t", "2026-10"]))
    assert zipped["Content-Type"] == "application/zip"
    spec, values = read_bundle(io.BytesIO(zipped.content))
    assert results_to_json(tally(spec, values)) == json.loads(Month.objects.get().results_json)
    assert "擂台" in Client().get(reverse("scoreboard:public_index")).content.decode()


def test_the_office_defines_an_arena_and_an_indicator(db, office_user) -> None:
    from pingyi.orgs.models import UnitGroup

    UnitGroup.objects.create(code="g", name="县区")
    client = login(office_user)
    response = client.post(
        reverse("scoreboard:office"),
        {"name": "擂台", "key": "t", "group": "g", "decimals": 2, "red_top": 3, "black_bottom": 3},
    )
    assert response.status_code == 302
    url = reverse("scoreboard:arena", args=["t"])
    fields = {
        "action": "indicator",
        "name": "按时",
        "key": "ontime",
        "weight": "20",
        "direction": "higher",
        "method": "target",
        "target": "",
        "rank_step": "5",
        "source": "on_time",
        "event_key": "",
    }
    response = client.post(url, fields)
    assert response.status_code == 200  # refused: a target method needs a target
    assert "target" in response.content.decode()
    assert not Arena.objects.get().indicators.exists()
    response = client.post(url, {**fields, "target": "100"})
    assert response.status_code == 302
    assert Arena.objects.get().indicators.get().source == "on_time"


def test_readers_read_but_only_the_office_writes(arena, leader_user, liaison_a) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    url = reverse("scoreboard:month", args=["t", "2026-10"])
    leader = login(leader_user)
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"action": "freeze"}).status_code == 404
    assert leader.post(reverse("scoreboard:office"), {"name": "x"}).status_code == 404
    month.refresh_from_db()
    assert month.state == MonthState.OPEN
    assert login(liaison_a).get(url).status_code == 403


def test_the_published_board_shows_moves_with_words(arena, office_user) -> None:
    for period, rows in (
        ("2026-10", ROWS),
        (
            "2026-11",
            [
                ["单位", "投资增速", "投诉量"],
                ["aa", 1, 9],
                ["bb", 2, 8],
                ["cc", 3, 7],
                ["dd", 9, 1],
            ],
        ),
    ):
        month = services.open_month(arena=arena, period=period)
        services.import_values(month=month, data=sheet(rows))
        services.freeze_month(month=month)
        services.publish_month(month=month)
    body = Client().get(reverse("scoreboard:public_month", args=["t", "2026-11"])).content.decode()
    assert "▲3" in body and "▼3" in body
    assert "上升" in body or "up" in body
    home = login(office_user).get(reverse("core:home")).content.decode()
    assert "2026-11" in home


def test_an_indicator_is_removed_until_a_month_counted_it(arena, office_user) -> None:
    client = login(office_user)
    url = reverse("scoreboard:arena", args=["t"])
    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(ROWS))
    response = client.post(url, {"action": "remove", "key": "hotline"}, follow=True)
    assert response.status_code == 200
    assert list(arena.indicators.values_list("key", flat=True)) == ["invest"]
    services.freeze_month(month=month)
    response = client.post(url, {"action": "remove", "key": "invest"}, follow=True)
    assert "投资增速 已计入冻结的 2026-10 月，不能删除。" in response.content.decode()
    assert arena.indicators.filter(key="invest").exists()
    response = client.post(url, {"action": "remove", "key": "nothing"}, follow=True)
    assert "本擂台没有指标 nothing。" in response.content.decode()


def test_the_api_answers_published_results_and_hides_the_rest(arena, leader_user) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(ROWS))
    month = services.freeze_month(month=month)
    url = "/api/v1/arena/t/2026-10/results"
    assert Client().get(url).status_code == 404
    assert Client().get("/api/v1/arena").json() == []
    assert login(leader_user).get(url).json() == json.loads(month.results_json)  # a preview
    services.publish_month(month=month)
    answer = Client().get(url)
    assert answer.status_code == 200 and answer.json() == json.loads(month.results_json)
    assert Client().get("/api/v1/arena").json() == [
        {"arena": "t", "name": "擂台", "period": "2026-10", "key": "2026-10-t"}
    ]
    assert Client().get("/api/v1/arena/t/2026-09/results").status_code == 404
