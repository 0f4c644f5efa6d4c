"""Smoke tests as a person meets pingyi: the command line, the demo, and the pages in Chromium.

Screenshots go to ``test-artifacts/screenshots/`` (home-phone.png, home-1920.png,
login-phone.png); README's ``docs/img/home.png`` is a copy of home-1920.png.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1920, "height": 1080}


# --- the command line ----------------------------------------------------------------------


def pingyi_command() -> list[str]:
    """The installed console script beside this Python (else ``python -m pingyi``)."""
    script = Path(sys.executable).with_name("pingyi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pingyi"]


def run_pingyi(*args: str, data_dir: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["PINGYI_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the command uses pingyi.settings, as installed
    return subprocess.run(
        [*pingyi_command(), *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def verb_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from verb_paths(sub, (*prefix, name))


def test_help_lists_every_verb_and_every_verb_has_help(tmp_path: Path) -> None:
    from pingyi.cli import build_parser

    paths = list(verb_paths(build_parser()))
    top = [p[0] for p in paths if len(p) == 1]
    assert {"demo", "serve", "tally"} <= set(top), top

    result = run_pingyi("--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    for verb in top:
        assert re.search(rf"^\s+{re.escape(verb)}\b", result.stdout, re.M), (verb, result.stdout)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(
            zip(
                paths,
                pool.map(lambda p: run_pingyi(*p, "--help", data_dir=tmp_path, timeout=120), paths),
                strict=True,
            )
        )
    for path, result in results.items():
        shown = "pingyi " + " ".join(path) + " --help"
        assert result.returncode == 0, f"{shown}: exit {result.returncode}\n{result.stderr}"
        # argparse's "usage:", or Django's own help for ``pingyi manage --help``
        assert re.search(r"usage:|subcommand", result.stdout, re.I), f"{shown}: {result.stdout}"


def table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_demo_twice_on_a_fresh_data_folder_duplicates_nothing(tmp_path: Path) -> None:
    data = tmp_path / "pingyi-data"
    data.mkdir()
    first = run_pingyi("demo", "--no-serve", data_dir=data)
    assert first.returncode == 0, first.stderr
    assert "office" in first.stdout and "http://127.0.0.1:8000/" in first.stdout, first.stdout
    database = data / "pingyi.sqlite3"
    assert database.exists(), "the demo did not use the data folder"
    counts = table_counts(database)
    assert counts["orgs_unit"] >= 9 + 14, counts
    assert counts["accounts_user"] >= 4, counts

    second = run_pingyi("demo", "--no-serve", data_dir=data)
    assert second.returncode == 0, second.stderr
    assert table_counts(database) == counts


# --- the pages in Chromium -------------------------------------------------------------------


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"page is {width}px wide at {viewport['width']}px"


@pytest.mark.browser
def test_sign_in_chinese_home_then_english(
    live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    from pingyi.accounts.demo import DEMO_PASSWORD
    from pingyi.core.demo import load_demo_data

    load_demo_data()

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "login-phone.png", full_page=True)
    assert_accessible(page, "the sign-in page on a phone")

    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill("office")
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("活动办 王晓")
    # Screenshots first: they are the evidence when an assertion below fails.
    page.screenshot(path=screenshot_dir / "home-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.screenshot(path=screenshot_dir / "home-1920.png")
    assert_accessible(page, "the office's home page at 1920")

    expect(page.get_by_role("heading", name="单位", exact=True)).to_be_visible()
    no_sideways_scroll(page)
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("heading", name="单位", exact=True)).to_be_visible()
    no_sideways_scroll(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Units", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page, "the home page in English on a phone")
