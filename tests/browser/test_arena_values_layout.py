"""The arena month's values table: no column header runs into another (issue 15).

At 1280 px the long indicator names (一般公共预算收入完成率, 12345热线投诉量) used to be held
on one line inside a column 9em wide, so their text ran over the next header. On the demo
(县区擂台赛: 2026-11 published, 2026-12 open), in Chinese, at 360, 1280 and 1920 px: every
header's text stays inside its own cell (nothing overflows it) and no two headers' text
boxes meet; at 360 px the table scrolls inside its box, not the page.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.test_accessibility import demo, open_as  # noqa: F401 (demo is a fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser]

#: per header cell: its box, its text's box (a Range over its contents), its overflow
HEADERS = """() => [...document.querySelectorAll('table.arena-values thead th')].map(th => {
  const range = document.createRange(); range.selectNodeContents(th);
  const text = range.getBoundingClientRect(), cell = th.getBoundingClientRect();
  return {name: th.innerText.replace(/\\s+/g, ' '), overflow: th.scrollWidth - th.clientWidth,
          left: text.left, right: text.right, top: text.top, bottom: text.bottom,
          cellLeft: cell.left, cellRight: cell.right};
})"""


@pytest.mark.parametrize("width", [360, 1280, 1920])
def test_the_values_headers_never_overlap(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],  # noqa: F811 (the fixture)
    width: int,
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    context = open_as(browser, base, "office", {"width": width, "height": 900})
    try:
        page = context.new_page()
        for period in ("2026-11", "2026-12"):
            page.goto(f"{base}/arena/office/counties/{period}/")
            head = page.locator("table.arena-values thead")
            expect(head).to_contain_text("一般公共预算收入完成率")
            cells = page.evaluate(HEADERS)
            assert len(cells) >= 7, cells
            for cell in cells:
                assert cell["overflow"] <= 1, (width, period, cell)
                # the text inside its own cell (1 px for rounding)
                assert cell["left"] >= cell["cellLeft"] - 1, (width, period, cell)
                assert cell["right"] <= cell["cellRight"] + 1, (width, period, cell)
            for a, b in pairwise(cells):
                vertical = a["top"] < b["bottom"] and b["top"] < a["bottom"]
                assert not (vertical and a["right"] > b["left"] + 1), (width, period, a, b)
            # the page itself never scrolls sideways: a wide table scrolls in its box
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if period == "2026-11" and width == 1280:
                assert_accessible(page, "a published month's values")
    finally:
        context.close()
