"""axe-core's WCAG 2 A/AA rules over every page each role can open, in Chromium.

On the demo data (a published meeting ``2025-h2`` with ballots, the next meeting ``2026-h1``
open for voting, units, an account per role): each page is opened as the role that sees it
(several roles where the page differs by role), in Chinese and on a phone and a desktop where
the layout changes, and ``tests/browser/axe.py`` must find nothing. A last test walks the URL
configuration: a new page that this crawl does not visit fails it, so new pages stay clean.

The phone ballot's own states (code form, ballot, used card, receipt, offline) and the
console and big screen during a meeting are also checked inside their own scenario tests
(``test_ballot_phone.py``, ``test_console_screen.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
SCREEN = {"width": 1920, "height": 1080}

#: Every page, as (path, role or None for anonymous, viewport, what the page must show).
PAGES: list[tuple[str, str | None, dict[str, int], str]] = [
    # signing in and the shell
    ("/accounts/login/", None, PHONE, "form input[name=password]"),
    ("/accounts/login/", None, DESKTOP, "form input[name=password]"),
    ("/", "office", DESKTOP, "main h1"),
    ("/", "office", PHONE, "main h1"),
    ("/", "leader", DESKTOP, "main h1"),
    ("/", "viewer", DESKTOP, "main h1"),
    ("/", "hualong", PHONE, "main h1"),
    ("/accounts/password/", "office", DESKTOP, "form input[type=password]"),
    # units
    ("/units/", "office", DESKTOP, "main table"),
    ("/units/", "hualong", PHONE, "main h1"),
    ("/units/import/", "office", DESKTOP, "form input[type=file]"),
    ("/units/hualong/", "office", DESKTOP, "main h1"),
    ("/units/hualong/", "hualong", PHONE, "main h1"),
    ("/units/hualong/edit/", "office", DESKTOP, "form textarea[name=aliases]"),
    ("/units/hualong/edit/", "office", PHONE, "form textarea[name=aliases]"),
    # supervision: the items page and an item's page with its timeline
    ("/supervision/", "office", DESKTOP, "main table"),
    ("/supervision/?status=lagging", "leader", DESKTOP, "main table"),
    ("/supervision/", "hualong", PHONE, "main h1"),
    ("/supervision/{supervision_list}/13/", "office", DESKTOP, ".timeline li"),
    ("/supervision/{supervision_list}/20/", "hualong", PHONE, ".timeline li"),
    # supervision, the office's pages and a unit's page (the import's preview and errors:
    # test_supervision_import.py)
    ("/supervision/office/import/", "office", DESKTOP, "form input[type=file]"),
    ("/supervision/office/import/", "office", PHONE, "form input[type=file]"),
    ("/supervision/office/deadlines/", "office", DESKTOP, "main table"),
    ("/supervision/office/workdays/", "office", DESKTOP, "form input[name=day]"),
    ("/supervision/office/workdays/", "office", PHONE, "form input[name=day]"),
    ("/supervision/units/hualong/", "office", DESKTOP, "main table"),
    ("/supervision/units/hualong/", "hualong", PHONE, "main table"),
    # supervision, the unit's and the leader's pages (views_unit.py; their forms filled and
    # refused: test_supervision_report.py)
    ("/supervision/mine/", "hualong", PHONE, "main h1"),
    ("/supervision/mine/", "leader", DESKTOP, "main h1"),
    ("/supervision/mine/", "office", DESKTOP, "main h1"),
    ("/supervision/{supervision_list}/20/report/", "hualong", PHONE, "form input[name=percent]"),
    ("/supervision/{supervision_list}/20/report/", "office", DESKTOP, "form input[name=percent]"),
    ("/supervision/{supervision_list}/20/extension/", "hualong", PHONE, "form textarea"),
    ("/supervision/{supervision_list}/20/closure/", "hualong", PHONE, "form textarea"),
    ("/supervision/{supervision_list}/20/", "leader", DESKTOP, "form.decide"),
    (
        "/supervision/office/lists/{supervision_list}/roundtrip/",
        "office",
        DESKTOP,
        "form input[type=file]",
    ),
    # supervision notices (views_notices.py; the answers on a phone: test_notices.py)
    ("/supervision/notices/", "office", DESKTOP, "main table"),
    ("/supervision/notices/", "leader", PHONE, "main table"),
    ("/supervision/notices/mine/", "hualong", PHONE, "main h1"),
    ("/supervision/notices/sweep/", "office", DESKTOP, "main form"),
    ("/supervision/notices/{red_notice}/", "office", DESKTOP, "form.decide"),
    ("/supervision/notices/{hualong_notice}/", "hualong", PHONE, ".timeline li"),
    # the weekly cycle (views_weekly.py; the whole week with the keyboard: test_week.py); the
    # demo issued last week's sheet and bulletin and this week's sheet
    ("/supervision/weekly/", "office", DESKTOP, "main h1"),
    ("/supervision/weekly/{this_week}/", "office", DESKTOP, "table.week-tally"),
    ("/supervision/weekly/{this_week}/", "leader", PHONE, "table.week-tally"),
    ("/supervision/weekly/{next_week}/", "office", DESKTOP, "form.week-build"),
    ("/supervision/weekly/{next_week}/", "office", PHONE, "form.week-build"),
    ("/supervision/weekly/{last_week}/review/", "leader", DESKTOP, "form.review-form"),
    ("/supervision/weekly/{last_week}/review/", "leader", PHONE, "form.review-form"),
    ("/supervision/weekly/{last_week}/bulletin/", "office", DESKTOP, "table.week-tally"),
    ("/supervision/weekly/{last_week}/bulletin/", "viewer", PHONE, "table.week-tally"),
    # the on-site office (views_onsite.py; the batch on a phone and the minutes: test_onsite.py);
    # the demo's meeting (supervision/demo_onsite.py) and one of its open problems
    ("/supervision/onsite/", "office", DESKTOP, "main table"),
    ("/supervision/onsite/", "hualong", PHONE, "main table"),
    ("/supervision/onsite/new/", "office", PHONE, "form fieldset"),
    ("/supervision/onsite/{onsite_meeting}/", "office", DESKTOP, "table.onsite-problems"),
    ("/supervision/onsite/{onsite_meeting}/", "hualong", PHONE, "table.onsite-problems"),
    ("/supervision/onsite/problems/{onsite_problem}/", "office", DESKTOP, "form.batch"),
    ("/supervision/onsite/problems/{onsite_problem}/", "leader", PHONE, "fieldset.similar-list"),
    # notifications: the office's channels and delivery log (their actions: tests/notifications)
    ("/notifications/channels/", "office", DESKTOP, "form select[name=kind]"),
    ("/notifications/channels/", "office", PHONE, "form select[name=kind]"),
    ("/notifications/log/", "office", DESKTOP, "main table"),
    # year targets and projects (issue 14; their imports refused: tests/targets, tests/pipeline)
    ("/targets/", "office", DESKTOP, "main table"),
    ("/targets/", "hualong", PHONE, "main table"),
    # the wall boards (each board on the wall at 1920: tests/browser/test_boards.py)
    ("/boards/", None, PHONE, "[data-chart=arena] canvas"),
    ("/boards/", None, SCREEN, "[data-chart=arena] canvas"),
    ("/boards/wall/", None, SCREEN, "section.board:not([hidden]) canvas"),
    ("/boards/wall/?boards=notices,arena&seconds=60", "leader", SCREEN, "[data-chart] canvas"),
    ("/boards/office/", "office", DESKTOP, "[data-chart=pipeline] canvas"),
    ("/boards/office/", "viewer", PHONE, "[data-chart=targets] canvas"),
    ("/targets/import/", "office", PHONE, "form input[type=file]"),
    ("/pipeline/", "office", DESKTOP, "main table"),
    ("/pipeline/", "hualong", PHONE, "main table"),
    ("/pipeline/import/", "office", DESKTOP, "form input[type=file]"),
    # the monthly arena (demo: 县区擂台赛, 2026-10 and 2026-11 published; its pages' actions:
    # tests/scoreboard/test_pages.py)
    ("/arena/", None, PHONE, "main h1"),
    ("/arena/counties/2026-11/", None, PHONE, ".arena-table"),
    ("/arena/counties/2026-11/", None, SCREEN, ".arena-table"),
    ("/arena/office/", "office", DESKTOP, "form input[name=key]"),
    ("/arena/office/counties/", "office", DESKTOP, "form select[name=method]"),
    ("/arena/office/counties/", "office", PHONE, "form select[name=method]"),
    ("/arena/office/counties/2026-11/", "office", DESKTOP, ".arena-table"),
    ("/arena/office/counties/2026-11/", "leader", PHONE, ".arena-table"),
    ("/arena/office/counties/2026-12/", "office", PHONE, "form input[type=file]"),
    # meetings
    ("/meeting/", "office", DESKTOP, "main h1"),
    ("/meeting/", "leader", PHONE, "main h1"),
    ("/meeting/import", "office", DESKTOP, "form input[type=file]"),
    ("/meeting/2026-h1/console", "office", DESKTOP, "#live-pill[data-status=live]"),
    ("/meeting/2025-h2/console", "office", DESKTOP, "#live-pill[data-status=live]"),
    ("/meeting/2026-h1/screen", "leader", SCREEN, "body[data-live=live]"),
    ("/meeting/2025-h2/screen", "viewer", SCREEN, "#ranking:not([hidden]) #ranking-list li"),
    # slides and outputs
    ("/slides/2026-h1/", "office", DESKTOP, "main h1"),
    ("/slides/2026-h1/", "hualong", PHONE, "main h1"),
    ("/outputs/2025-h2/", "office", DESKTOP, "main h1"),
    ("/outputs/2026-h1/cards", "office", DESKTOP, "main form"),
    # public results, receipts, history, diagnostics
    ("/results/", None, PHONE, "main h1"),
    ("/results/", None, DESKTOP, "main h1"),
    ("/results/2025-h2/", None, PHONE, "main h1"),
    ("/results/2025-h2/", None, DESKTOP, "main h1"),
    ("/results/2025-h2/receipt", None, PHONE, "form input[name=code]"),
    ("/results/2025-h2/receipt?code={receipt}", None, PHONE, "#receipt-answer *"),
    ("/results/2025-h2/receipt?code=NOPE-NOPE", None, PHONE, "#receipt-answer *"),
    ("/results/units/hualong/", None, DESKTOP, "main h1"),
    ("/results/2025-h2/diagnostics", "office", DESKTOP, "main h1"),
    # a long export's page while the queue makes the file (tests/core/test_exports.py)
    ("/exports/{export_job}/", "office", DESKTOP, "#export-state"),
    ("/exports/{export_job}/", "office", PHONE, "#export-state"),
    # the handbook (issue 15): a chapter with pictures at both widths, an open chapter
    ("/handbook/", "office", DESKTOP, ".handbook-chapter h1"),
    ("/handbook/meeting-run/", "office", DESKTOP, ".handbook-text img"),
    ("/handbook/meeting-run/", "hualong", PHONE, ".handbook-text img"),
    ("/handbook/evaluator/", None, PHONE, ".handbook-chapter h1"),
    # the phone ballot's first screen (its other states: test_ballot_phone.py)
    ("/b/", None, PHONE, "#code-input"),
]

#: URL names that serve no HTML page of their own (files, streams, form actions, APIs).
NOT_PAGES = {
    "core:health",
    "core:favicon",
    "ballot-sw",
    "ballot-presentations",
    "accounts:logout",
    "meeting:action",
    "meeting:stream",
    "meeting:live_json",
    "results:bundle",
    "slides:upload",  # POST only: the upload form is on slides:list
    "slides:file",
    "outputs:workbook",
    "outputs:report",
    "supervision:office_export",  # the list's .xlsx (its page: office_roundtrip)
    "set_language",
    "supervision:decide",  # POST only: the forms are on the item's page
    "supervision:comment",  # POST only: the forms are on the item's page
    "supervision:attachment",  # a download
    "supervision:notice_acknowledge",  # POST only: the forms are on the notice's page
    "supervision:notice_reply",
    "supervision:notice_decide",
    "supervision:notice_pdf",  # the 督办单 as PDF
    "scoreboard:bundle",  # the month's bundle, a .zip
    "boards:stream",  # the wall's live stream (Server-Sent Events)
    "boards:data",  # a board's JSON
    "supervision:notice_attachment",  # a download
    "supervision:onsite_minutes",  # the minutes as .docx
    "supervision:onsite_batch",  # POST only: the form is on the problem's page
    "supervision:bulletin_file",  # the weekly bulletin as .docx or PDF
    "handbook:picture",  # a picture of the handbook (.png)
}


@pytest.fixture
def demo(transactional_db: None) -> dict[str, Any]:
    from pingyi.appraisal import meeting, services
    from pingyi.appraisal.models import Ballot
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    services.event_open(key="2026-h1")
    meeting.track_reveal(key="2025-h2", track="counties")
    receipts = Ballot.objects.filter(event__key="2025-h2").values_list("receipt", flat=True)
    from django.utils import timezone

    # the demo's supervision list is the year of the day it is loaded (supervision/demo.py)
    from pingyi.supervision.method.week import Week
    from pingyi.supervision.models import Notice, OnsiteMeeting

    red = Notice.objects.filter(colour="red", replies__state="pending").first()
    hualong = Notice.objects.filter(units__code="hualong").order_by("pk").first()
    assert red is not None and hualong is not None
    import uuid

    from pingyi.accounts.models import User
    from pingyi.core.models import ExportJob

    job = ExportJob.objects.create(
        id=uuid.uuid4(), kind="supervision.list_xlsx", params={},
        title="2026年市政府重点工作任务清单（.xlsx）",
        requested_by=User.objects.get(username="office"),
    )
    return {
        "export_job": job.pk,
        "receipt": receipts[0],
        "supervision_list": f"{timezone.localdate().year}-key-tasks",
        "red_notice": red.pk,
        "hualong_notice": hualong.pk,
        # the weekly cycle's weeks (supervision/demo_weekly.py)
        "this_week": str(Week.of(timezone.localdate())),
        "last_week": str(Week.of(timezone.localdate()).previous()),
        "next_week": str(Week.of(timezone.localdate()).next()),
        # the on-site office (supervision/demo_onsite.py): its meeting, an open problem
        "onsite_meeting": OnsiteMeeting.objects.get().pk,
        "onsite_problem": OnsiteMeeting.objects.get().problems.get(number=6).pk,
    }


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def open_as(
    browser: Browser, base: str, role: str | None, viewport: dict[str, int]
) -> BrowserContext:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    if role is not None:
        from pingyi.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=role))
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
        )
    return context


def shot_name(index: int, path: str, role: str | None, viewport: dict[str, int]) -> str:
    slug = "-".join(part for part in re.split(r"[^a-z0-9]+", path.split("?")[0]) if part)
    return f"a11y-{index:02d}-{slug or 'home'}-{role or 'anonymous'}-{viewport['width']}.png"


def test_every_page_passes_axe(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],
    contexts: list[BrowserContext],
    screenshot_dir: Path,
) -> None:
    """Every page of PAGES, as its role, at its width: no WCAG 2 A/AA violation.

    One data set for all pages (the demo's meeting takes seconds to simulate); every page's
    violations are collected first, so one run names them all.
    """
    from playwright.sync_api import Error as PlaywrightError

    base = live_server.url
    failures: list[str] = []
    broken: list[str] = []
    by_role: dict[tuple[str | None, int], BrowserContext] = {}
    for index, (path, role, viewport, shows) in enumerate(PAGES, start=1):
        context = by_role.get((role, viewport["width"]))
        if context is None:
            context = by_role[(role, viewport["width"])] = open_as(browser, base, role, viewport)
            context.on(
                "response",
                lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            contexts.append(context)
        page: Page = context.new_page()
        where = f"{path} as {role or 'anonymous'} at {viewport['width']}px"
        try:
            response = page.goto(base + path.format(**demo))
            assert response is not None, where
            assert response.status == 200, f"{where}: HTTP {response.status}"
            page.wait_for_selector(shows)
            if path.endswith("/screen"):
                page.wait_for_timeout(2200)  # the ranking chart's bars have grown
            page.screenshot(path=screenshot_dir / shot_name(index, path, role, viewport))
            assert_accessible(page, where)
        except (AssertionError, PlaywrightError) as exc:
            failures.append(f"{where}: {exc}" if isinstance(exc, PlaywrightError) else str(exc))
        finally:
            page.close()
    assert not failures, "\n\n".join(failures)
    assert not broken, broken  # no missing file (a favicon, a script) on any page


def _names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace in {"admin", "api"}:
                continue
            yield from _names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_page_is_crawled() -> None:
    """A new HTML page must be added to PAGES (and pass axe-core) or named in NOT_PAGES."""
    from django.urls import resolve

    # a placeholder ({red_notice}) stands for an id: resolve a number in its place, so that
    # /supervision/notices/{red_notice}/ is the notice's page, not an item's
    crawled = {
        resolve(re.sub(r"\{[a-z_]+\}", "1", path.split("?")[0])).view_name
        for path, *_rest in PAGES
    }
    every = set(_names(get_resolver()))
    missing = every - crawled - NOT_PAGES
    assert not missing, f"pages no axe-core test opens: {sorted(missing)}"
    stale = NOT_PAGES - every
    assert not stale, f"NOT_PAGES names no URL: {sorted(stale)}"


#: The look of a button: colours, border, cursor, opacity, and its text's contrast ratio.
LOOK_JS = """(el) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const s = getComputedStyle(el);
  const [hi, lo] = [lum(s.color), lum(s.backgroundColor)].sort((a, b) => b - a);
  return {
    background: s.backgroundColor, color: s.color, border: s.borderTopStyle,
    cursor: s.cursor, opacity: s.opacity, contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""


def test_console_disabled_buttons_look_disabled(
    live_server: Any, browser: Browser, transactional_db: None, contexts: list[BrowserContext]
) -> None:
    """On a draft event's console "Open voting" is live and "Close voting", "Publish results"
    and the reveal buttons are not: they look it (grey, dashed, no hover change, not faded to
    illegible) and their text keeps a contrast of at least 4.5:1."""
    from pingyi.accounts.models import User
    from tests.appraisal.test_meeting import make_event

    make_event("t1", name="2026年上半年工作述职评议")
    User.objects.create_user(username="office", password="x-Pingyi-2026!", role="office")
    context = open_as(browser, live_server.url, "office", DESKTOP)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/meeting/t1/console")
    page.wait_for_selector("#live-pill[data-status=live]")
    live = page.locator("form[action$='/console/open'] button")
    disabled = [
        page.locator("form[action$='/console/close'] button"),
        page.locator("form[action$='/console/publish'] button"),
        page.locator("button.reveal").first,
    ]
    enabled_look = live.evaluate(LOOK_JS)
    assert live.is_enabled()
    for button in disabled:
        assert button.is_disabled() or button.get_attribute("aria-disabled") == "true"
        look = button.evaluate(LOOK_JS)
        assert look["background"] != enabled_look["background"], look
        assert look["border"] == "dashed" and look["cursor"] == "not-allowed", look
        assert look["opacity"] == "1" and look["contrast"] >= 4.5, look
        button.hover(force=True)
        assert button.evaluate(LOOK_JS) == look  # no hover effect
    assert enabled_look["border"] == "solid" and enabled_look["contrast"] >= 4.5, enabled_look
    assert_accessible(page, "the console of a draft event")
