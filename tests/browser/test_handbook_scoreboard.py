"""The pictures of the handbook's scoreboard chapter (docs/handbook/*/scoreboard.md).

On the demo data (县区擂台赛 with 2026-10 and 2026-11 published and 2026-12 open, the year
targets, the projects of 第13期 and 第14期, the observation 2026-q3-obs voted and closed), the
office's pages at 1280×800 and the wall board at 1920×1080, in Chinese. Each page is checked
with axe-core and must show what the chapter says it shows before it is photographed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.handbook import shoot
from tests.browser.test_accessibility import demo, open_as  # noqa: F401 (demo is a fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.handbook]

DESK = {"width": 1280, "height": 800}
WALL = {"width": 1920, "height": 1080}


def test_scoreboard_pictures(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],  # noqa: F811 (the fixture)
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    office = open_as(browser, base, "office", DESK)
    try:
        page = office.new_page()

        # the arena's office page: indicators, months, open a month
        page.goto(f"{base}/arena/office/counties/")
        expect(page.locator("h1")).to_contain_text("县区擂台赛")
        assert_accessible(page, "the arena's office page")

        # an open month: its values and the import form
        page.goto(f"{base}/arena/office/counties/2026-12/")
        expect(page.locator("form input[type=file]")).to_be_visible()
        expect(page.get_by_role("button", name="冻结本月")).to_be_visible()
        assert_accessible(page, "an open month")

        # a published month: the ranking with 红榜/黑榜 and the moves against October
        page.goto(f"{base}/arena/counties/2026-11/")
        table = page.locator(".arena-table").first
        expect(table).to_contain_text("上升")
        expect(page.locator("main")).to_contain_text("红榜")
        expect(page.locator("main")).to_contain_text("黑榜")
        assert_accessible(page, "a published month")
        shoot(page, "scoreboard-arena-published.png", element=table)

        # year targets and the pipeline
        page.goto(f"{base}/targets/")
        expect(page.locator("main")).to_contain_text("华龙区")
        assert_accessible(page, "the year targets")
        hualong = page.locator("main section.card").filter(has_text="华龙区").first
        expect(hualong).to_contain_text("全年红")
        shoot(page, "scoreboard-targets.png", element=hualong)

        page.goto(f"{base}/pipeline/")
        expect(page.locator("main")).to_contain_text("开工率")
        assert_accessible(page, "the pipeline")
        by_unit = page.locator("table[aria-labelledby=by-unit]")
        expect(by_unit).to_contain_text("滞后")
        shoot(page, "scoreboard-pipeline.png", element=by_unit)

        # the quarterly observation: its results pages for the office
        page.goto(f"{base}/outputs/2026-q3-obs/")
        expect(page.locator("main h1")).to_contain_text("观摩")
        assert_accessible(page, "the observation's outputs")
        cards = page.locator("main section.card").first
        expect(cards).to_contain_text("观摩团")
        shoot(page, "scoreboard-observation.png", element=cards)
    finally:
        office.close()

    # a wall board, as the hall's screen shows it (no sign-in)
    wall = open_as(browser, base, None, WALL)
    try:
        page = wall.new_page()
        page.goto(f"{base}/boards/wall/?boards=arena&seconds=60")
        expect(page.locator("section.board:not([hidden]) canvas").first).to_be_visible()
        page.wait_for_timeout(800)  # the chart's entry animation
        assert_accessible(page, "the arena's wall board")
        shoot(page, "scoreboard-board-arena.png")
    finally:
        wall.close()

    # the office's boards page (choose, preview, make public)
    office = open_as(browser, base, "office", DESK)
    try:
        page = office.new_page()
        page.goto(f"{base}/boards/office/")
        expect(page.locator("[data-chart=pipeline] canvas")).to_be_visible()
        assert_accessible(page, "the office's boards page")
    finally:
        office.close()
