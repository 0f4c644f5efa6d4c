"""The pictures of the liaison's guide and the evaluator's page (docs/handbook/*/liaison.md,
evaluator.md).

On the demo data, in Chinese, on a 360 px phone: 华龙区's liaison signs in through the form,
sees the home page and "my items", fills a progress report with an attachment and sends it,
acknowledges (签收) a notice and sees the reply form; an evaluator opens a card of the open
meeting 2026-h1 from its QR address, scores every unit, submits and gets the receipt the
database holds. Every page is checked with axe-core before it is photographed. Last, the
evaluator's chapter printed from Chromium must be one A4 page, in both languages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings

from tests.browser.axe import assert_accessible
from tests.browser.handbook import shoot
from tests.browser.test_accessibility import demo  # noqa: F401 (a fixture)
from tests.browser.test_supervision_report import PDF_BYTES, PHONE, no_sideways_scroll, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser, pytest.mark.handbook]

POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm"))


def test_liaison_pictures(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],  # noqa: F811 (the fixture)
) -> None:
    from playwright.sync_api import expect

    from pingyi.accounts.demo import DEMO_PASSWORD
    from pingyi.accounts.models import Role, User
    from pingyi.orgs.models import Unit
    from pingyi.supervision.models import Notice, Report

    base = live_server.url
    key = demo["supervision_list"]
    page = signed_in(browser, base, "hualong", PHONE)
    try:
        # the home page after signing in
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator("main")).to_contain_text("督查督办")
        no_sideways_scroll(page)
        assert_accessible(page, "the liaison's home page")
        card = page.locator("main section.card").filter(has=page.locator(".home-statuses"))
        expect(card.locator(".home-waiting")).to_contain_text("等待您处理")
        shoot(page, "liaison-home.png", element=card)

        # my items: what waits, by status with colour and word
        page.goto(f"{base}/supervision/mine/")
        expect(page.locator("h1")).to_contain_text("我的事项")
        no_sideways_scroll(page)
        assert_accessible(page, "my items")

        # a progress report with an attachment, then the item's page that shows it
        page.goto(f"{base}/supervision/{key}/20/report/")
        page.get_by_label("完成进度（%）").fill("86")
        page.get_by_label("工作进展").fill("完成主体结构封顶")
        page.get_by_label("存在问题").fill("配套资金到位慢")
        page.get_by_label("下步计划").fill("推进装饰装修")
        page.get_by_label("附件").set_input_files(
            [{"name": "进度照片.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
        no_sideways_scroll(page)
        assert_accessible(page, "the report form, filled")
        # from the percent down to the send button, in one phone screen
        page.get_by_label("完成进度（%）").evaluate("(e) => e.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -40)")
        shoot(page, "liaison-report.png")
        page.get_by_role("button", name="提交进展报告").click()
        expect(page.locator(".messages")).to_contain_text("进展报告已提交")
        report = Report.objects.get(
            item__supervision_list__key=key, item__number="20", state="pending"
        )
        expect(page.locator(f"#report-{report.pk}")).to_contain_text("待督查室审核")

        # the unit's on-site problems: the meeting's page shows the unit its own problems
        page.goto(f"{base}/supervision/onsite/{demo['onsite_meeting']}/")
        expect(page.locator("table.onsite-problems")).to_contain_text("华龙区")
        no_sideways_scroll(page)
        assert_accessible(page, "an on-site meeting, the unit's problems")
    finally:
        page.context.close()

    # a red notice (督办单) to answer: the demo's first one, to 市营商环境和社会信用建设中心,
    # whose liaison account the demo does not have (it has hualong's and fgw's)
    liaison = User.objects.create(
        username="yshj",
        role=Role.UNIT,
        unit=Unit.objects.get(code="yshj"),
        display_name="营商中心 联络员",
    )
    liaison.set_password(DEMO_PASSWORD)
    liaison.save()
    red = Notice.objects.get(colour="red", units__code="yshj", acknowledged_at__isnull=True)
    page = signed_in(browser, base, "yshj", PHONE)
    try:
        page.goto(f"{base}/supervision/notices/mine/")
        expect(page.locator(".inbox-notice").first).to_contain_text("红色督办单")
        no_sideways_scroll(page)
        assert_accessible(page, "the liaison's notices")
        page.goto(f"{base}/supervision/notices/{red.pk}/")
        expect(page.locator("h1")).to_contain_text(red.number)
        assert_accessible(page, "a red notice before 签收")
        page.get_by_role("button", name="签收").click()
        expect(page.locator(".messages")).to_contain_text("已签收")
        page.locator("textarea[name=text]").fill("已成立专班推进，本月底前完成。附整改说明。")
        page.locator("input[name=attachments]").set_input_files(
            [{"name": "整改说明.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
        no_sideways_scroll(page)
        assert_accessible(page, "the reply form, filled")
        reply = page.locator("form:has(textarea[name=text])")
        shoot(page, "liaison-notice-reply.png", element=reply)
        page.get_by_role("button", name="提交回复").click()
        expect(page.locator(".messages")).to_contain_text("回复已提交")
    finally:
        page.context.close()


def test_evaluator_pictures(
    live_server: Any,
    browser: Browser,
    demo: dict[str, Any],  # noqa: F811 (the fixture)
) -> None:
    from playwright.sync_api import expect

    from pingyi.appraisal import services
    from pingyi.appraisal.models import Ballot, Event

    base = live_server.url
    event = Event.objects.get(key="2026-h1")
    card = services.tokens_issue(event=event, panel="attendees", count=1)[0]
    context = browser.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(f"{base}/b/#{card.token}")
        expect(page.locator("#event-name")).to_have_text(event.name)
        assert page.evaluate("location.href") == f"{base}/b/"  # the secret left the address

        # the tracks are built after the header (the card's lookup, then the running
        # presentations): counting before they are there filled nothing (seen in CI)
        expect(page.locator("#track-0 li.unit input.score").first).to_be_visible()
        expect(page.locator("#track-1 li.unit").first).to_be_visible()

        # the criteria track: every unit's four marks (below each maximum)
        marks = ["36", "17", "18", "16"]
        scores = page.locator("#track-0 li.unit input.score")
        for index in range(scores.count()):
            scores.nth(index).fill(marks[index % 4])
        assert_accessible(page, "the ballot, first track filled")

        # the grades track: 好 for the first three (the quota), 较好 for the rest
        units = page.locator("#track-1 li.unit")
        for index in range(units.count()):
            grade = "好" if index < 3 else "较好"
            units.nth(index).get_by_role("radio", name=grade, exact=True).check()
        # one unit of the grades track, small enough for the one printed page
        shoot(page, "evaluator-ballot.png", element=units.first)
        expect(page.locator("#bar-reason")).to_have_text("所有单位均已评分，请核对后提交。")
        expect(page.locator("#submit")).to_be_enabled(timeout=15_000)
        page.locator("#submit").click()
        page.locator("#confirm-yes").click()
        expect(page.locator("#receipt")).to_be_visible()
        receipt = page.locator("#receipt-code").inner_text().strip()
        assert list(Ballot.objects.filter(event=event).values_list("receipt", flat=True)) == [
            receipt
        ]
        assert re.fullmatch(r"[0-9A-Z-]+", receipt), receipt
        assert_accessible(page, "the receipt")
        shoot(page, "evaluator-receipt.png", element=page.locator("#receipt-code"))
    finally:
        context.close()


def print_chapter(
    browser: Browser, base: str, chapter: str, language: str, out: Path, session: str | None
) -> tuple[int, int, str]:
    """Print ``/handbook/<chapter>/`` from Chromium with the print stylesheet to ``out``:
    (pages, pictures shown, the PDF's text). ``session``: a signed-in session cookie."""
    # tall enough that every picture is in view (pictures load lazily)
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 3000})
    cookies = [{"name": "django_language", "value": language, "url": base}]
    if session is not None:
        cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base})
    context.add_cookies(cookies)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        response = page.goto(f"{base}/handbook/{chapter}/")
        assert response is not None and response.status == 200
        for img in page.locator(".handbook-text img").all():  # lazy pictures: bring each in
            img.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        loaded = page.eval_on_selector_all(
            ".handbook-text img", "(imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0)"
        )
        assert all(loaded), f"{chapter}: a picture did not load"
        page.emulate_media(media="print")
        page.pdf(path=out, format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        context.close()
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "A4" in info.stdout or "595.92 x 842.88" in info.stdout, info.stdout
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert pages is not None, info.stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(out.with_suffix(""))], check=True)
    return int(pages.group(1)), len(loaded), text.stdout


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdfinfo, pdftoppm)")
@pytest.mark.parametrize(
    ("language", "title"), [("zh-hans", "评议员须知"), ("en", "For evaluators")]
)
def test_the_evaluator_page_prints_on_one_a4_page(
    live_server: Any,
    browser: Browser,
    transactional_db: None,
    screenshot_dir: Path,
    language: str,
    title: str,
) -> None:
    """The evaluator's chapter, printed from Chromium with the print stylesheet (no sign-in),
    is ONE A4 page with its title and both pictures; rendered to PNG to be looked at."""
    out = screenshot_dir / f"handbook-evaluator-{language}.pdf"
    pages, pictures, text = print_chapter(
        browser, live_server.url, "evaluator", language, out, None
    )
    assert (pages, pictures) == (1, 2)
    assert title in text


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdfinfo, pdftoppm)")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("chapter", "pictures"), [("liaison", 3), ("scoreboard", 5)])
def test_the_liaison_and_scoreboard_chapters_print_on_at_most_three_pages(
    live_server: Any,
    browser: Browser,
    transactional_db: None,
    screenshot_dir: Path,
    chapter: str,
    pictures: int,
    language: str,
) -> None:
    """A chapter is 1–3 printed pages: the liaison's guide (open without signing in) and the
    scoreboard chapter (signed in), each with every picture shown."""
    from django.test import Client

    from pingyi.accounts.models import Role, User

    session = None
    if chapter == "scoreboard":
        client = Client()
        client.force_login(User.objects.create(username="office", role=Role.OFFICE))
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    out = screenshot_dir / f"handbook-{chapter}-{language}.pdf"
    pages, shown, _text = print_chapter(browser, live_server.url, chapter, language, out, session)
    assert shown == pictures
    assert 1 <= pages <= 3, f"{chapter} ({language}) prints on {pages} pages"
