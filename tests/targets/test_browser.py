"""The year targets' and the pipeline's pages in Chromium on the demo data: axe-clean (WCAG 2
A/AA) at 360 px and at 1920×1080, as the office and as a liaison, with screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.test_accessibility import PHONE, SCREEN, open_as

pytestmark = [pytest.mark.browser]

PAGES = [
    ("/targets/", "office", SCREEN, "main table"),
    ("/targets/", "office", PHONE, "main table"),
    ("/targets/", "hualong", PHONE, "main table"),
    ("/targets/import/", "office", PHONE, "form input[type=file]"),
    ("/pipeline/", "office", SCREEN, "main table"),
    ("/pipeline/", "leader", PHONE, "main table"),
    ("/pipeline/", "hualong", PHONE, "main table"),
    ("/pipeline/import/", "office", SCREEN, "form input[type=file]"),
]


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    from pingyi.accounts.demo import load_demo_accounts
    from pingyi.orgs.demo import load_demo_units
    from pingyi.pipeline.demo import load_demo_projects
    from pingyi.targets.demo import load_demo_targets

    load_demo_units()
    load_demo_accounts()
    load_demo_targets()
    load_demo_projects()


def test_the_pages_pass_axe_and_are_photographed(
    live_server: Any, browser: Any, demo_data: None, screenshot_dir: Path
) -> None:
    failures = []
    for index, (path, role, viewport, shows) in enumerate(PAGES, start=1):
        context = open_as(browser, live_server.url, role, viewport)
        page = context.new_page()
        where = f"{path} as {role} at {viewport['width']}px"
        try:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, where
            page.wait_for_selector(shows)
            slug = path.strip("/").replace("/", "-")
            page.screenshot(
                path=screenshot_dir / f"issue14-{index:02d}-{slug}-{role}-{viewport['width']}.png",
                full_page=viewport is PHONE,
            )
            assert_accessible(page, where)
        except AssertionError as exc:
            failures.append(str(exc))
        finally:
            context.close()
    assert not failures, "\n\n".join(failures)


def test_a_refused_sheet_on_a_phone(
    live_server: Any, browser: Any, demo_data: None, screenshot_dir: Path, tmp_path: Path
) -> None:
    """The office uploads a sheet with a typo in a unit's name from a phone: the problem names
    row, cell and the closest unit, the page stays axe-clean, nothing is imported."""
    from pingyi.targets.models import YearTarget
    from tests.targets.workbooks import ROWS, target_book

    before = YearTarget.objects.count()
    sheet = tmp_path / "目标.xlsx"
    sheet.write_bytes(target_book([("华龙去", *ROWS[0][1:]), *ROWS[1:]]))
    context = open_as(browser, live_server.url, "office", PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/targets/import/")
        page.set_input_files("input[type=file]", str(sheet))
        page.fill("input[name=year]", "2025")
        page.click("main form.card button[type=submit]")
        errors = page.wait_for_selector("#import-errors")
        text = errors.inner_text()
        assert "B3" in text and "华龙去" in text and "华龙区" in text, text
        page.screenshot(
            path=screenshot_dir / "issue14-09-targets-import-refused-360.png", full_page=True
        )
        assert_accessible(page, "the refused target sheet at 360px")
    finally:
        context.close()
    assert YearTarget.objects.count() == before
