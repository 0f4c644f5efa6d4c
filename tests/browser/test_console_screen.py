"""The meeting console and the big screen in Chromium, driven like an office runs a meeting.

One run per language (Chinese, English): the console opens voting; ballots cast through the
REST API show on the console and on the big screen — the latency from the API's answer to
the DOM change is measured in the page (a MutationObserver's Date.now() against the test's
time.time(), same machine clock) and printed; the connection drops (Chromium offline) and
comes back by itself; the console closes voting and reveals a track, and the big screen's
ranking, read from the DOM, equals ``/api/v1/events/<key>/results``.

Screenshots (test-artifacts/screenshots/): console-<lang>-{before,during,after}.png at
1366×768 and screen-<lang>-{before,during,closed,after,panels}.png at 1920×1080; axe-core
(tests/browser/axe.py) checks each page as it is photographed. A 6-character panel name
with 应到 set (两代表一委员) and a 12-character one fit on the 1920×1080 screen uncut.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from tests.appraisal.factories import full_scores
from tests.appraisal.test_meeting import issue, make_event
from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSOLE = {"width": 1366, "height": 768}
SCREEN = {"width": 1920, "height": 1080}
KEY = "t1"


def api(base: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def context_for(
    browser: Browser, user: Any, base: str, viewport: dict, lang: str
) -> BrowserContext:
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        locale="zh-CN" if lang == "zh-hans" else "en-US",
        timezone_id="Asia/Shanghai",
        viewport=viewport,
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base},
            {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base},
        ]
    )
    return context


WATCH_JS = """([selector, expected]) => {
  const node = document.querySelector(selector);
  window.__seenAt = null;
  const check = () => {
    if (!window.__seenAt && node.textContent.trim() === expected) window.__seenAt = Date.now();
  };
  new MutationObserver(check).observe(node, {childList: true, characterData: true, subtree: true});
  check();
}"""


def watch(page: Page, selector: str, expected: str) -> None:
    page.evaluate(WATCH_JS, [selector, expected])


def seen_at(page: Page) -> float:
    page.wait_for_function("() => window.__seenAt !== null", timeout=5000)
    return float(page.evaluate("window.__seenAt"))


def dom_ranking(page: Page) -> list[tuple[int | None, str, str | None]]:
    rows = page.eval_on_selector_all(
        "#ranking-list li",
        "items => items.map(li => [li.dataset.rank, li.dataset.unit, li.dataset.score])",
    )
    return [(int(r) if r else None, u, s or None) for r, u, s in rows]


def scores(order: dict[str, float]) -> list[dict[str, Any]]:
    """A whole ballot: ``order`` gives each county's "results" score; leads as full_scores."""
    rows = [r for r in full_scores() if r["track"] == "leads"]
    for unit, value in order.items():
        rows.append({"track": "counties", "unit": unit, "item": "results", "value": value})
        rows.append({"track": "counties", "unit": unit, "item": "style", "value": 30.5})
    return rows


def shot(page: Page, directory: Path, name: str) -> None:
    """A screenshot, and axe-core's WCAG 2 A/AA rules over the page as it is then."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=directory / name)
    assert_accessible(page, name.removesuffix(".png"))


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_console_and_screen_run_a_meeting(
    live_server: Any,
    browser: Browser,
    screenshot_dir: Path,
    office_user: Any,
    leader_user: Any,
    settings: Any,
    lang: str,
) -> None:
    settings.PINGYI_LIVE_HEARTBEAT = 2  # streams of closed pages end quickly after the test
    settings.PINGYI_LIVE_STREAM_SECONDS = 4  # and every stream ends and reconnects often
    base = live_server.url
    short = "zh" if lang == "zh-hans" else "en"

    # The previous meeting (for the rank-change arrows), then this one with its cards.
    before = make_event("t0", name="2025年下半年工作述职评议")
    old_tokens = issue(before, count=3)
    services.event_open(key="t0")
    for i, token in enumerate(old_tokens):
        # before: 清丰县 first, 华龙区 second, 濮阳县 third
        casting.ballot_cast(
            token=token, scores=scores({"qingfeng": 55 - i, "hualong": 50 - i, "puyang": 40})
        )
    services.event_close(key="t0")
    event = make_event(KEY, name="2026年上半年工作述职评议", previous="t0")
    tokens = issue(event, panel="attendees", count=4) + issue(event, panel="leaders", count=2)

    console_ctx = context_for(browser, office_user, base, CONSOLE, lang)
    screen_ctx = context_for(browser, leader_user, base, SCREEN, lang)
    try:
        console = console_ctx.new_page()
        console.on("dialog", lambda dialog: dialog.accept())
        screen = screen_ctx.new_page()
        console.goto(f"{base}/meeting/{KEY}/console")
        screen.goto(f"{base}/meeting/{KEY}/screen")
        console.wait_for_selector('#live-pill[data-status="live"]')
        screen.wait_for_function("() => document.body.dataset.live === 'live'")
        screen.wait_for_timeout(300)
        shot(console, screenshot_dir, f"console-{short}-before.png")
        shot(screen, screenshot_dir, f"screen-{short}-before.png")
        assert console.locator("html").get_attribute("lang") == lang

        # Open voting from the console.
        console.locator("form[action$='/console/open'] button").click()
        console.wait_for_selector("#state-badge.state-open")
        screen.wait_for_selector("#screen-state.state-open")

        # Ballots through the API: each shows on the console and the screen within 1 s.
        latencies_console: list[float] = []
        latencies_screen: list[float] = []
        from_submit: list[float] = []
        for n, token in enumerate(tokens, start=1):
            watch(console, 'tr[data-panel="_total"] [data-field="cast"]', str(n))
            watch(screen, "#total-cast", str(n))
            sent = time.time() * 1000
            ballot = scores({"hualong": 50 + n, "puyang": 44 + n, "qingfeng": 44 + n})
            status, body = api(base, "/api/v1/ballots", {"token": token, "scores": ballot})
            acked = time.time() * 1000
            assert status == 201, body
            latencies_console.append(seen_at(console) - acked)
            latencies_screen.append(seen_at(screen) - acked)
            from_submit.append(seen_at(screen) - sent)
            print(
                f"ballot {n}: API {acked - sent:.0f} ms; "
                f"console +{latencies_console[-1]:.0f} ms, screen +{latencies_screen[-1]:.0f} ms"
            )
        print(
            f"[{short}] ballot→DOM latency after the API's 201, ms: console median "
            f"{statistics.median(latencies_console):.0f} max {max(latencies_console):.0f}; "
            f"screen median {statistics.median(latencies_screen):.0f} "
            f"max {max(latencies_screen):.0f}; screen after the submit began: median "
            f"{statistics.median(from_submit):.0f} max {max(from_submit):.0f}"
        )
        assert max(latencies_console) < 1000 and max(latencies_screen) < 1000
        assert screen.locator("#panel-bars li[data-panel=leaders] b").inner_text() == "2"
        assert console.locator('tr[data-panel="attendees"] [data-field="cast"]').inner_text() == "4"
        assert screen.locator("#ranking-list li").count() == 0  # never a score while open
        shot(console, screenshot_dir, f"console-{short}-during.png")
        shot(screen, screenshot_dir, f"screen-{short}-during.png")

        # The connection drops (the stream ends while the network is away) and comes back
        # by itself.
        screen_ctx.set_offline(True)
        screen.wait_for_selector("#conn", state="visible", timeout=10_000)
        screen_ctx.set_offline(False)
        screen.wait_for_selector("#conn", state="hidden", timeout=15_000)

        # Close; the screen waits for the office (no score), then the reveal.
        console.locator("form[action$='/console/close'] button").click()
        console.wait_for_selector("#state-badge.state-closed")
        screen.wait_for_selector("#screen-state.state-closed")
        assert screen.locator("#ranking-list li").count() == 0
        shot(screen, screenshot_dir, f"screen-{short}-closed.png")

        console.locator("button.reveal[data-track=counties]").click()
        console.wait_for_selector(".reveal-list .on-screen")
        screen.wait_for_selector("#ranking:not([hidden])")
        screen.wait_for_function("() => document.querySelectorAll('#ranking-list li').length === 3")
        # closed, not published: the office's session reads the results
        answer = console.request.get(f"{base}/api/v1/events/{KEY}/results")
        status, results = answer.status, answer.json()
        assert status == 200
        expected = next(t for t in results["tracks"] if t["key"] == "counties")["ranking"]
        assert dom_ranking(screen) == [(u["rank"], u["unit"], u["score"]) for u in expected]
        # now: 华龙区 first (▲1), 濮阳县 and 清丰县 tied second (▲1, ▼1)
        assert [u["rank"] for u in expected] == [1, 2, 2]
        changes = screen.eval_on_selector_all(
            "#ranking-list li", "l => l.map(li => [li.dataset.unit, li.dataset.change])"
        )
        assert changes == [["hualong", "1"], ["puyang", "1"], ["qingfeng", "-1"]]
        screen.wait_for_timeout(2200)  # the bars have grown
        shot(console, screenshot_dir, f"console-{short}-after.png")
        shot(screen, screenshot_dir, f"screen-{short}-after.png")

        screen.keyboard.press("p")
        screen.wait_for_selector("#breakdown table")
        rows = screen.locator("#breakdown tbody tr")
        assert rows.count() == 3
        assert rows.nth(0).locator("td.score").inner_text() == expected[0]["score"]
        shot(screen, screenshot_dir, f"screen-{short}-panels.png")
        screen.keyboard.press("p")

        # The next track replaces it; the leads ranking (grades, abstentions) also matches.
        console.locator("button.reveal[data-track=leads]").click()
        screen.wait_for_function(
            "() => document.getElementById('track-title').textContent.includes('牵头')"
        )
        leads = next(t for t in results["tracks"] if t["key"] == "leads")["ranking"]
        screen.wait_for_function(
            f"() => document.querySelectorAll('#ranking-list li').length === {len(leads)}"
        )
        assert dom_ranking(screen) == [(u["rank"], u["unit"], u["score"]) for u in leads]
    finally:
        console_ctx.close()
        screen_ctx.close()


def test_rehearsal_banner_on_console_and_screen(
    live_server: Any, browser: Browser, screenshot_dir: Path, office_user: Any
) -> None:
    from pingyi.appraisal import meeting

    make_event(KEY, name="2026年上半年工作述职评议")
    meeting.rehearsal_set(key=KEY, on=True)
    context = context_for(browser, office_user, live_server.url, CONSOLE, "zh-hans")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/meeting/{KEY}/console")
        assert page.locator("#rehearsal-banner").is_visible()
        shot(page, screenshot_dir, "console-zh-rehearsal.png")
        page.set_viewport_size(SCREEN)
        page.goto(f"{live_server.url}/meeting/{KEY}/screen")
        assert page.locator("#rehearsal-strip").is_visible()
        shot(page, screenshot_dir, "screen-zh-rehearsal.png")
    finally:
        context.close()


#: For each panel name on the big screen: is any of its text cut off or hidden?
CUT_NAMES_JS = """() => Array.from(document.querySelectorAll('#panel-bars .pname')).map((el) => {
  const box = el.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    name: el.textContent,
    cut: [
      el.scrollWidth > el.clientWidth && 'scrollWidth ' + el.scrollWidth + ' > ' + el.clientWidth,
      style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight
        && 'clipped: scrollHeight ' + el.scrollHeight + ' > ' + el.clientHeight,
      (text.left < box.left - 0.5 || text.right > box.right + 0.5) && 'text outside its box',
      (text.right > window.innerWidth || text.bottom > window.innerHeight) && 'off the screen',
      style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth && 'ellipsis',
    ].filter(Boolean),
  };
})"""


def test_screen_shows_long_panel_names_whole(
    live_server: Any,
    browser: Browser,
    screenshot_dir: Path,
    leader_user: Any,
) -> None:
    """A panel name of 6 CJK characters (两代表一委员) with 应到 set, its quorum ✓ shown, and a
    longer one still fit on the 1920×1080 screen: nothing cut to "两代表一委…"."""
    panels = [
        {"key": "leaders", "name": "市级领导", "weight": 0.3, "expected": 3},
        {"key": "deputies", "name": "两代表一委员", "weight": 0.3, "expected": 2},
        {"key": "enterprises", "name": "民营企业和个体工商户代表", "weight": 0.2, "expected": 40},
        {"key": "attendees", "name": "列席人员", "weight": 0.2, "expected": 120},
    ]
    event = make_event(KEY, name="2026年上半年工作述职评议", panels=panels)
    services.event_open(key=KEY)
    ballot = scores({"hualong": 50, "puyang": 40, "qingfeng": 45})
    for token in issue(event, panel="deputies", count=2):  # 2 of 2 expected: quorum ✓
        casting.ballot_cast(token=token, scores=ballot)
    context = context_for(browser, leader_user, live_server.url, SCREEN, "zh-hans")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/meeting/{KEY}/screen")
        page.wait_for_function("() => document.body.dataset.live === 'live'")
        page.wait_for_selector('#panel-bars li[data-panel="deputies"].quorum')
        shot(page, screenshot_dir, "screen-zh-long-panels.png")
        names = page.evaluate(CUT_NAMES_JS)
        assert [n["name"] for n in names] == [p["name"] for p in panels]
        cut = [n for n in names if n["cut"]]
        assert not cut, cut
    finally:
        context.close()
