"""Public results pages, receipts, the bundle download, unit history and the diagnostics page.

Decision tested here: anonymous visitors, liaisons (and everyone) see an event's results page
only once it is published; office, leaders and viewers may *preview* a closed event (with a
banner); nobody sees a draft or open event there.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.method.bundle import read_bundle
from pingyi.appraisal.method.tally import dump_results, results_to_json, tally
from pingyi.appraisal.models import Event

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1920, "height": 1080}
XSS = "<script>alert(1)</script>"


def event_json(key: str, previous: str | None = None, xss: bool = False) -> str:
    units = [
        {"key": "hualong", "name": "华龙区"},
        {"key": "puyang", "name": "濮阳县"},
        {"key": "qingfeng", "name": XSS if xss else "清丰县"},
        {"key": "kaifaqu", "name": "濮阳经济技术开发区"},
    ]
    data: dict[str, Any] = {
        "format": "pingyi-event/1",
        "key": key,
        "name": f"{key} 工作述职评议会",
        "held_on": "2026-01-16" if previous is None else "2026-07-17",
        "tracks": [
            {
                "key": "counties",
                "name": "县（区）",
                "units": units,
                "rubric": {
                    "kind": "criteria",
                    "criteria": [
                        {"key": "results", "name": "工作实绩", "max": 60},
                        {"key": "style", "name": "能力作风", "max": 40},
                    ],
                },
            },
            {
                "key": "leads",
                "name": "重点工作牵头单位",
                "units": [
                    {"key": "fgw", "name": "市发展改革委"},
                    {"key": "gxj", "name": "市工业和信息化局"},
                    {"key": "kjj", "name": "市科技局"},
                ],
                "rubric": {
                    "kind": "grades",
                    "abstain": True,
                    "grades": [
                        {"key": "good", "name": "好", "points": 100},
                        {"key": "fair", "name": "较好", "points": 85},
                        {"key": "average", "name": "一般", "points": 70},
                    ],
                },
            },
        ],
        "panels": [
            {"key": "leaders", "name": "市级领导", "weight": 0.6, "expected": 4},
            {"key": "attendees", "name": "列席人员", "weight": 0.4, "expected": 20},
        ],
        "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
    }
    if previous:
        data["previous"] = previous
    return json.dumps(data, ensure_ascii=False)


def scores(order: list[str], jitter: int = 0) -> list[dict[str, Any]]:
    """A ballot ranking ``order`` first to last (county track) and grading the leads."""
    rows = []
    for i, unit in enumerate(order):
        rows.append({"track": "counties", "unit": unit, "item": "results", "value": 55 - 6 * i})
        rows.append(
            {"track": "counties", "unit": unit, "item": "style", "value": 35 - i - jitter % 3}
        )
    grades = ["good", "fair", "average"]
    for i, unit in enumerate(["fgw", "gxj", "kjj"]):
        rows.append({"track": "leads", "unit": unit, "item": "grade", "value": grades[i]})
    return rows


def make_event(
    key: str,
    order: list[str],
    *,
    previous: str | None = None,
    state: str = "published",
    xss: bool = False,
    ballots: tuple[int, int] = (3, 7),
) -> tuple[Event, list[str]]:
    """An event with ``ballots`` (leaders, attendees) cast, brought to ``state``."""
    event = services.event_import(data=event_json(key, previous, xss))
    receipts: list[str] = []
    if state == "draft":
        return event, receipts
    services.event_open(key=key)
    for panel, count in zip(("leaders", "attendees"), ballots, strict=True):
        for n, card in enumerate(services.tokens_issue(event=event, panel=panel, count=count + 1)):
            if n == count:
                break  # one card issued but not used
            receipts.append(casting.ballot_cast(token=card.token, scores=scores(order, n)).receipt)
    if state in ("closed", "published"):
        services.event_close(key=key)
    if state == "published":
        services.event_publish(key=key)
    event.refresh_from_db()
    return event, receipts


ORDER_1 = ["hualong", "puyang", "qingfeng", "kaifaqu"]
ORDER_2 = ["qingfeng", "hualong", "puyang", "kaifaqu"]


@pytest.fixture
def published(db: None) -> tuple[Event, list[str]]:
    return make_event("2025-h2", ORDER_1)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- visibility


@pytest.mark.django_db
def test_index_lists_published_events_only(client: Client) -> None:
    make_event("pub1", ORDER_1)
    make_event("closed1", ORDER_1, state="closed")
    make_event("open1", ORDER_1, state="open")
    make_event("draft1", ORDER_1, state="draft")
    html = client.get("/results/").content.decode()
    assert "/results/pub1/" in html
    for hidden in ("closed1", "open1", "draft1"):
        assert hidden not in html


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_unpublished_events_are_not_public(
    state: str, client: Client, liaison_a: Any, office_user: Any, leader_user: Any
) -> None:
    _event, receipts = make_event("e1", ORDER_1, state=state)
    liaison = signed_in(liaison_a)
    code = receipts[0] if receipts else "ABCDE23456"
    urls = [
        "/results/e1/",
        f"/results/e1/receipt?code={code}",
        "/results/e1/bundle.zip",
    ]
    for who in (client, liaison):
        for url in urls:
            assert who.get(url).status_code == 404, (state, url)
    # the unit's history does not show unpublished results either
    assert client.get("/results/units/hualong/").status_code == 404
    # office and leaders may preview a closed event, never a draft or open one
    for user in (office_user, leader_user):
        response = signed_in(user).get("/results/e1/")
        if state == "closed":
            assert response.status_code == 200
            assert "Preview" in response.content.decode() or "预览" in response.content.decode()
        else:
            assert response.status_code == 404


@pytest.mark.django_db
def test_results_page_shows_ranking_method_attendance(
    client: Client, published: tuple[Event, list[str]]
) -> None:
    event, receipts = published
    response = client.get("/results/2025-h2/")
    assert response.status_code == 200
    html = response.content.decode()
    stored = json.loads(event.results_json)
    for track in stored["tracks"]:
        for entry in track["ranking"]:
            assert entry["name"] in html
            assert f">{entry['score']}<" in html  # exactly as results.json writes it
    assert html.index("华龙区") < html.index("濮阳县") < html.index("清丰县")
    for receipt in receipts:
        assert f"{receipt[:5]} {receipt[5:]}" in html
    assert "/results/2025-h2/bundle.zip" in html
    # attendance: 应到 4 and 20, 4 and 8 cards issued, 3 and 7 voted; quorum missed by attendees
    assert ">4<" in html and ">20<" in html and ">8<" in html
    assert "列席人员" in html
    assert 'role="alert"' in html  # 7 of 20 is not more than half


@pytest.mark.django_db
def test_results_page_query_count(
    client: Client, published: tuple[Event, list[str]], django_assert_max_num_queries: Any
) -> None:
    make_event("2026-h1", ORDER_2, previous="2025-h2")
    with django_assert_max_num_queries(8):
        assert client.get("/results/2026-h1/").status_code == 200


# --------------------------------------------------------------------------- receipts


@pytest.mark.django_db
def test_receipt_search(client: Client, published: tuple[Event, list[str]]) -> None:
    _event, receipts = published
    code = receipts[4]
    for typed in (code, code.lower(), f" {code[:5]} {code[5:]} ", f"{code[:5]}-{code[5:]}"):
        response = client.get("/results/2025-h2/receipt", {"code": typed})
        assert response.status_code == 200
        assert 'class="answer counted"' in response.content.decode(), typed
    wrong = "".join(reversed(code)) if "".join(reversed(code)) not in receipts else "ZZZZZZZZZZ"
    html = client.get("/results/2025-h2/receipt", {"code": wrong}).content.decode()
    assert 'class="answer missing"' in html and "counted" not in html.split("answer")[1][:20]
    html = client.get("/results/2025-h2/receipt", {"code": "hello"}).content.decode()
    assert 'class="answer bad"' in html
    # without JS: a whole page; with htmx: only the answer
    full = client.get("/results/2025-h2/receipt", {"code": code}).content.decode()
    assert "<html" in full and "receipt-code" in full
    partial = client.get("/results/2025-h2/receipt", {"code": code}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert 'class="answer counted"' in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


@pytest.mark.django_db
def test_receipt_of_another_event_is_not_found(client: Client) -> None:
    _a, receipts_a = make_event("ev-a", ORDER_1)
    make_event("ev-b", ORDER_1)
    html = client.get("/results/ev-b/receipt", {"code": receipts_a[0]}).content.decode()
    assert 'class="answer missing"' in html


# --------------------------------------------------------------------------- bundle


@pytest.mark.django_db
def test_bundle_zip_retallies_to_the_published_results(
    client: Client, published: tuple[Event, list[str]], tmp_path: Path
) -> None:
    event, receipts = published
    response = client.get("/results/2025-h2/bundle.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "pingyi-2025-h2.zip" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    spec, matrix = read_bundle(path)
    recomputed = dump_results(results_to_json(tally(spec, matrix)))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        assert {
            f"pingyi-2025-h2/{n}" for n in ("event.json", "ballots.csv", "results.json")
        } <= names
        published_text = zf.read("pingyi-2025-h2/results.json").decode("utf-8")
        listed = zf.read("pingyi-2025-h2/receipts.txt").decode().split()
    assert recomputed == published_text == event.results_json
    assert sorted(listed) == sorted(receipts)


# --------------------------------------------------------------------------- escaping


@pytest.mark.django_db
def test_unit_names_are_escaped(client: Client) -> None:
    make_event("x1", ORDER_1, xss=True)
    for url in ("/results/x1/", "/results/units/qingfeng/"):
        html = client.get(url).content.decode()
        assert XSS not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# --------------------------------------------------------------------------- history


@pytest.mark.django_db
def test_history_shows_ranks_across_published_events(client: Client) -> None:
    make_event("2025-h2", ORDER_1)
    make_event("2026-h1", ORDER_2, previous="2025-h2")
    make_event("2026-h2", ORDER_1, previous="2026-h1", state="closed")  # not public
    response = client.get("/results/units/qingfeng/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("2026-h1 工作述职评议会") < html.index("2025-h2 工作述职评议会")
    assert "2026-h2" not in html
    assert "▲2" in html  # 3rd → 1st
    chart = response.context["chart"]
    assert chart["ranks"] == [3, 1]  # oldest first
    assert 'id="history-data" type="application/json"' in html
    assert "pingyi/history.js" in html
    # and the results page shows the same change
    page = client.get("/results/2026-h1/").content.decode()
    assert "▲2" in page and "▼1" in page
    assert client.get("/results/units/nowhere/").status_code == 404


# --------------------------------------------------------------------------- diagnostics


@pytest.mark.django_db
def test_diagnostics_page_is_for_office_and_leaders(
    client: Client,
    office_user: Any,
    leader_user: Any,
    viewer_user: Any,
    liaison_a: Any,
) -> None:
    make_event("d1", ORDER_1, state="closed")
    make_event("d2", ORDER_1, state="open")
    response = client.get("/results/d1/diagnostics")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_in(liaison_a).get("/results/d1/diagnostics").status_code == 403
    assert signed_in(viewer_user).get("/results/d1/diagnostics").status_code == 403
    for user in (office_user, leader_user):
        who = signed_in(user)
        html = who.get("/results/d1/diagnostics").content.decode()
        assert "肯德尔W系数" in html or "Kendall" in html
        assert "市级领导" in html
        assert who.get("/results/d2/diagnostics").status_code == 404
    # the public results page never links to it for anonymous visitors
    make_event("d3", ORDER_1)
    assert "diagnostics" not in client.get("/results/d3/").content.decode()


# --------------------------------------------------------------------------- browser

WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(e => !e.closest('.scroll'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 30))"""


def assert_no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, (width, page.evaluate(WIDEST))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_in_chromium(live_server: Any, page: Any, screenshot_dir: Path) -> None:
    from playwright.sync_api import expect

    make_event("2025-h2", ORDER_1, ballots=(5, 40))
    _event, receipts = make_event("2026-h1", ORDER_2, previous="2025-h2", ballots=(5, 40))
    url = f"{live_server.url}/results/2026-h1/"

    page.set_viewport_size(PHONE)
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("2026-h1")
    page.screenshot(path=screenshot_dir / "public-results-phone.png", full_page=True)
    assert_no_sideways_scroll(page)

    # receipt search in place with htmx
    page.fill("#receipt-code", receipts[3].lower())
    page.click(".receipt-form button")
    expect(page.locator("#receipt-answer .answer.counted")).to_be_visible()
    assert page.url == url  # answered in place
    page.screenshot(path=screenshot_dir / "public-receipt-phone.png")

    page.set_viewport_size(DESKTOP)
    page.goto(url)
    page.screenshot(path=screenshot_dir / "public-results-1920.png", full_page=True)

    page.goto(f"{live_server.url}/results/units/qingfeng/")
    expect(page.locator("#rank-chart svg")).to_be_visible()
    page.screenshot(path=screenshot_dir / "public-history-1920.png")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#rank-chart svg")).to_be_visible()
    page.screenshot(path=screenshot_dir / "public-history-phone.png", full_page=True)
    assert_no_sideways_scroll(page)
