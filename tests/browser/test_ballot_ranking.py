"""The phone ballot of a quarterly observation (季观摩): the ranking rubric on a 360×740 phone.

An evaluator taps the units in order (1st, 2nd, …), takes one tap back with "undo", moves a
unit with the ↑ button (the keyboard's way) and by dragging its handle (pointer events),
submits and gets the receipt the database holds; the tally then ranks the units as the
ballot did (100, 97, 94, … points). A bound card ranks the other units 1…m. Every screen is
checked with axe-core; screenshots go to ``test-artifacts/screenshots/ballot-ranking-*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pingyi.appraisal import selectors, services
from pingyi.appraisal.meeting import running_order_save
from pingyi.appraisal.models import Ballot, Event

from .test_ballot_phone import assert_phone_friendly, phone, set_language, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROUTE = [
    ("kaifaqu", "濮阳经济技术开发区", "新型功能材料产业园"),
    ("hualong", "华龙区", "龙湖片区城市更新项目"),
    ("puyang", "濮阳县", "绿色化工循环产业园"),
    ("qingfeng", "清丰县", "家居产业园二期"),
    ("nanle", "南乐县", "新能源装备制造基地"),
]

EVENT = {
    "format": "pingyi-event/1",
    "key": "obs-phone",
    "name": "2026年第三季度项目观摩",
    "kind": "observation",
    "held_on": "2026-09-24",
    "tracks": [
        {
            "key": "sites",
            "name": "县（区）项目观摩",
            "units": [{"key": k, "name": n} for k, n, _p in sorted(ROUTE)],
            "rubric": {"kind": "ranking", "first": 100, "step": 3},
        }
    ],
    "panels": [{"key": "group", "name": "观摩团", "weight": 1}],
    "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
}


@pytest.fixture
def observation(transactional_db: None) -> dict[str, Any]:
    event = services.event_import(data=json.dumps(EVENT, ensure_ascii=False))
    running_order_save(
        key=event.key,
        track="sites",
        rows=[{"unit": k, "order": i, "presenter": p} for i, (k, _n, p) in enumerate(ROUTE, 1)],
    )
    services.event_open(key=event.key)
    free = services.tokens_issue(event=event, panel="group", count=1)[0]
    bound = services.tokens_issue(event=event, panel="group", count=1, unit="puyang")[0]
    return {"event": event, "free": free, "bound": bound}


@pytest.fixture
def phones(browser: Browser) -> Any:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def ranked(page: Page) -> list[str]:
    numbers = page.locator("#rank-0-ranked .rank-no").all_inner_texts()
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]  # always 1…m
    return page.locator("#rank-0-ranked .rank-unit").all_inner_texts()


def tap(page: Page, name: str) -> None:
    page.locator("#rank-0-pool button.pick").filter(has_text=name).click()


@pytest.mark.browser
def test_an_evaluator_ranks_by_tapping_with_one_undo_and_gets_the_receipt(
    live_server: Any,
    browser: Browser,
    observation: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    context = phone(browser)
    phones.append(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/b/#{observation['free'].token}")
    expect(page.locator("#event-name")).to_have_text("2026年第三季度项目观摩")
    expect(page.locator("#rank-0-pool .pick")).to_have_count(5)
    assert not errors, errors
    # the route's running order, each site with its project, all still to rank
    pool = page.locator("#rank-0-pool .pick-name").all_inner_texts()
    assert pool == [n for _k, n, _p in ROUTE]
    expect(page.locator("#rank-0-pool")).to_contain_text("新型功能材料产业园")
    expect(page.locator("#track-0 .rubric-note")).to_contain_text("100")
    expect(page.locator("#track-0-status-progress")).to_have_text(re.compile(r"0/5"))
    expect(page.locator("#rank-0-undo")).to_be_disabled()
    shot(page, screenshot_dir, "ranking-zh-start")
    assert_phone_friendly(page)

    # tap 华龙区, 清丰县, then 南乐县 by mistake: undo takes it back
    tap(page, "华龙区")
    tap(page, "清丰县")
    tap(page, "南乐县")
    assert ranked(page) == ["华龙区", "清丰县", "南乐县"]
    page.locator("#rank-0-undo").click()
    assert ranked(page) == ["华龙区", "清丰县"]
    expect(page.locator("#track-0-status-progress")).to_have_text(re.compile(r"2/5"))
    shot(page, screenshot_dir, "ranking-zh-partly")
    # the rest in order: 濮阳经济技术开发区 3rd, 濮阳县 4th, 南乐县 5th
    tap(page, "濮阳经济技术开发区")
    tap(page, "濮阳县")
    tap(page, "南乐县")
    assert ranked(page) == ["华龙区", "清丰县", "濮阳经济技术开发区", "濮阳县", "南乐县"]
    # the keyboard's way: 濮阳县 up one place (now 3rd), then the drag puts it back 4th
    page.get_by_role("button", name=re.compile(r"濮阳县.*4")).filter(has_text="↑").click()
    assert ranked(page) == ["华龙区", "清丰县", "濮阳县", "濮阳经济技术开发区", "南乐县"]
    handle = page.locator("#rank-0-ranked li").nth(2).locator(".drag")
    target = page.locator("#rank-0-ranked li").nth(3)
    box, to = handle.bounding_box(), target.bounding_box()
    assert box is not None and to is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, to["y"] + to["height"] * 0.9, steps=8)
    page.mouse.up()
    expect(page.locator("li.dragging")).to_have_count(0)
    expect(page.locator("#rank-0-ranked .rank-unit").nth(3)).to_have_text("濮阳县")
    assert ranked(page) == ["华龙区", "清丰县", "濮阳经济技术开发区", "濮阳县", "南乐县"]
    expect(page.locator("#rank-0-ranked li").nth(0)).to_contain_text("100")
    expect(page.locator("#rank-0-ranked li").nth(4)).to_contain_text("88")
    expect(page.locator("#track-0-status-progress")).to_have_text(re.compile(r"5/5"))
    expect(page.locator("#submit")).to_be_enabled()
    shot(page, screenshot_dir, "ranking-zh-ranked")
    assert_phone_friendly(page)

    page.locator("#submit").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#receipt")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text().strip()
    shot(page, screenshot_dir, "ranking-zh-receipt")
    event = Event.objects.get(key="obs-phone")
    assert Ballot.objects.get(event=event).receipt == receipt

    services.event_close(key="obs-phone")
    event.refresh_from_db()
    results = selectors.stored_results(event=event)
    assert results is not None
    got = [(e["unit"], e["rank"], e["score"]) for e in results["tracks"][0]["ranking"]]
    assert got == [
        ("hualong", 1, "100.00"),
        ("qingfeng", 2, "97.00"),
        ("kaifaqu", 3, "94.00"),
        ("puyang", 4, "91.00"),
        ("nanle", 5, "88.00"),
    ]


@pytest.mark.browser
def test_a_bound_card_ranks_the_other_units_and_clear_starts_again(
    live_server: Any,
    browser: Browser,
    observation: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    context = phone(browser)
    phones.append(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/b/#{observation['bound'].token}")
    expect(page.locator("#track-0 .bound-note")).to_contain_text("濮阳县")
    assert "濮阳县" not in page.locator("#rank-0-pool").inner_text()
    expect(page.locator("#track-0-status-progress")).to_have_text(re.compile(r"0/4"))
    for name in ("南乐县", "华龙区"):
        tap(page, name)
    page.locator("#rank-0-clear").click()
    assert ranked(page) == []
    for name in ("清丰县", "南乐县", "华龙区", "濮阳经济技术开发区"):
        tap(page, name)
    # a reload keeps the order (the draft on this phone)
    page.reload()
    expect(page.locator("#rank-0-ranked li")).to_have_count(4)
    assert ranked(page) == ["清丰县", "南乐县", "华龙区", "濮阳经济技术开发区"]
    shot(page, screenshot_dir, "ranking-zh-bound")
    page.locator("#submit").click()
    page.locator("#confirm-yes").click()
    expect(page.locator("#receipt")).to_be_visible()
    assert Ballot.objects.filter(event__key="obs-phone").count() == 1


@pytest.mark.browser
def test_the_ranking_ballot_in_english(
    live_server: Any,
    browser: Browser,
    observation: dict[str, Any],
    phones: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    from playwright.sync_api import expect

    context = phone(browser)
    phones.append(context)
    set_language(context, live_server.url, "en")
    page = context.new_page()
    page.goto(f"{live_server.url}/b/#{observation['free'].token}")
    expect(page.locator("#track-0 .rubric-note")).to_contain_text(
        "Tap the units in order, the best first: 1st 100 points, each next rank 3 less."
    )
    tap(page, "华龙区")
    tap(page, "南乐县")
    expect(page.locator("#track-0-status-progress")).to_have_text("Ranked 2/5")
    expect(page.locator("#rank-0-ranked li").nth(1)).to_contain_text("97 points")
    expect(page.locator("#rank-0-undo")).to_have_text("Undo")
    expect(page.locator("#bar-reason")).to_have_text(
        "3 to rank in 县（区）项目观摩; tap the next one, starting with 濮阳经济技术开发区."
    )
    shot(page, screenshot_dir, "ranking-en")
    assert_phone_friendly(page)
