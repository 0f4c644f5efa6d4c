"""The pictures of the handbook's meeting chapters (docs/handbook/*/meeting-*.md).

On the demo data (``tests.browser.test_accessibility.demo``: the published meeting 2025-h2
with its counties' ranking on the big screen, the next meeting 2026-h1 open for voting), with
a hundred simulated ballots cast into 2026-h1 so that the console and the screen show real
counts: the office's pages at 1280×800, the phone ballot at 360 px (filled in and sent by
the test, as an evaluator would), the big screen at 1280×720 (16:9). Every page is checked
with axe-core as it is photographed; every picture goes through
``tests.browser.handbook.shoot`` into docs/handbook/img/.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.handbook import shoot
from tests.browser.test_accessibility import demo  # noqa: F401 - the fixture
from tests.browser.test_supervision_report import PHONE, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.handbook]

DESK = {"width": 1280, "height": 800}
SCREEN = {"width": 1280, "height": 720}


def _cast_demo_ballots() -> None:
    """Simulated ballots into the open 2026-h1, some panels past half of 应到, some not."""
    from pingyi.appraisal import services
    from pingyi.appraisal.casting import ballot as casting
    from pingyi.appraisal.demo import simulated_scores
    from pingyi.appraisal.models import Event
    from pingyi.orgs.demo import COUNTIES, LEAD_UNITS

    rng = random.Random(15)
    codes = [c for c, *_r in COUNTIES] + [c for c, *_r in LEAD_UNITS]
    strength = {code: rng.uniform(0.7, 0.95) for code in codes}
    event = Event.objects.get(key="2026-h1")
    for panel, issued, cast in (
        ("leaders", 16, 12), ("deputies", 30, 19), ("enterprises", 20, 9), ("attendees", 120, 71)
    ):
        cards = services.tokens_issue(event=event, panel=panel, count=issued)
        for card in cards[:cast]:
            casting.ballot_cast(token=card.token, scores=simulated_scores(rng, strength))


def _look(page: Page, path: str, shows: str, where: str) -> None:
    page.goto(path)
    page.wait_for_selector(shows)
    assert_accessible(page, where)


def _fill_the_ballot(page: Page) -> None:
    """Every county's four criteria, then every lead unit's grade within the 好 quota."""
    counties = page.locator("#track-0 li.unit")
    for i in range(counties.count()):
        inputs = counties.nth(i).locator("input.score")
        for j, value in enumerate(("36", "17", "18", "17")[: inputs.count()]):
            inputs.nth(j).fill(str(int(value) - (i % 3)) if j == 0 else value)
    leads = page.locator("#track-1 li.unit")
    for i in range(leads.count()):
        grade = "好" if i < 3 else ("较好" if i < 10 else "一般")
        leads.nth(i).get_by_role("radio", name=grade, exact=True).check()


def test_meeting_chapters_pictures(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],  # noqa: F811
    screenshot_dir: Path,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    from pingyi.appraisal import services
    from pingyi.appraisal.models import Event

    _cast_demo_ballots()
    base = live_server.url
    # the address the console and the big screen tell the hall: an office's own server
    settings.PUBLIC_URL = "http://192.168.10.8"

    # --- before the meeting (meeting-prepare.md) ---
    desk = signed_in(browser, base, "office", DESK)
    _look(desk, f"{base}/units/import/", "form input[type=file]", "units import")
    shoot(desk, "meeting-units-import.png", copy_to=screenshot_dir)
    _look(desk, f"{base}/meeting/", "table.meeting-list", "the meetings")
    shoot(desk, "meeting-list.png", copy_to=screenshot_dir)
    _look(desk, f"{base}/meeting/import", "form input[type=file]", "event import")
    shoot(desk, "meeting-import.png", copy_to=screenshot_dir)
    _look(desk, f"{base}/outputs/2026-h1/cards", "main form", "printing cards")
    shoot(desk, "meeting-cards.png", copy_to=screenshot_dir)

    # --- the meeting (meeting-run.md) ---
    _look(desk, f"{base}/meeting/2026-h1/console", "#live-pill[data-status=live]", "console")
    expect(desk.locator("main")).to_contain_text("71")  # the attendees' ballots are counted
    shoot(desk, "meeting-console.png", copy_to=screenshot_dir)
    order = desk.locator("#order")
    for row, (who, note) in enumerate(
        [("王建国（区长）", "重点讲城市更新"), ("刘洋（县长）", ""), ("陈静（县长）", "")]
    ):
        order.locator("input[name=presenter]").nth(row).fill(who)
        order.locator("textarea[name=comment_notes]").nth(row).fill(note)
    desk.evaluate("document.activeElement.blur()")
    desk.evaluate("document.getElementById('order').scrollIntoView()")
    shoot(desk, "meeting-order.png", copy_to=screenshot_dir)

    card = services.tokens_issue(
        event=Event.objects.get(key="2026-h1"), panel="deputies", count=1
    )[0]
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE,  # type: ignore[arg-type]
        has_touch=True, is_mobile=True,
    )
    phone.set_default_timeout(15_000)
    ballot = phone.new_page()
    ballot.goto(f"{base}/b/")
    ballot.wait_for_selector("#code-input")
    assert_accessible(ballot, "the ballot's code form")
    shoot(ballot, "meeting-ballot-code.png", copy_to=screenshot_dir)
    ballot.goto(f"{base}/b/#{card.token}")
    expect(ballot.locator("#track-0")).to_be_visible()
    _fill_the_ballot(ballot)
    ballot.evaluate("window.scrollTo(0, 0)")
    assert_accessible(ballot, "the phone ballot, filled in")
    shoot(ballot, "meeting-ballot-phone.png", copy_to=screenshot_dir)
    expect(ballot.locator("#submit")).to_be_enabled()
    ballot.locator("#submit").click()
    ballot.locator("#confirm-yes").click()
    expect(ballot.locator("#receipt")).to_be_visible()
    assert_accessible(ballot, "the receipt")
    shoot(ballot, "meeting-receipt.png", copy_to=screenshot_dir)

    screen = signed_in(browser, base, "leader", SCREEN)
    _look(screen, f"{base}/meeting/2026-h1/screen", "body[data-live=live]", "the big screen")
    screen.wait_for_timeout(1500)
    shoot(screen, "meeting-screen.png", copy_to=screenshot_dir)
    _look(
        screen, f"{base}/meeting/2025-h2/screen", "#ranking:not([hidden]) #ranking-list li",
        "the ranking on the big screen",
    )
    screen.wait_for_timeout(2200)  # the bars have grown
    shoot(screen, "meeting-screen-ranking.png", copy_to=screenshot_dir)
    _look(desk, f"{base}/meeting/2025-h2/console", "#reveal", "the console's reveal")
    shoot(desk, "meeting-reveal.png", element=desk.locator("#reveal"), copy_to=screenshot_dir)

    # --- after the meeting (meeting-after.md) ---
    _look(desk, f"{base}/outputs/2025-h2/", "main h1", "the outputs")
    shoot(desk, "meeting-outputs.png", copy_to=screenshot_dir)
    public = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESK  # type: ignore[arg-type]
    )
    anyone = public.new_page()
    _look(anyone, f"{base}/results/2025-h2/", "main h1", "the public results")
    shoot(anyone, "meeting-results.png", copy_to=screenshot_dir)
    public.close()
    _look(
        ballot, f"{base}/results/2025-h2/receipt?code={demo['receipt']}", "#receipt-answer *",
        "a receipt checked",
    )
    shoot(ballot, "meeting-receipt-check.png", copy_to=screenshot_dir)
    phone.close()
