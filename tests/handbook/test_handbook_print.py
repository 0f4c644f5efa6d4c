"""The handbook prints on A4 without the site around it (the print stylesheet, in Chromium).

A chapter printed to PDF by Chromium (A4, as "Print this chapter" does) holds the chapter's
text and pictures and none of the site's navigation, language switcher, footer or the list
of chapters; every picture fits within the page (at most 85 mm tall, never wider than the
text). The evaluator's page, which is printed for the tables of the hall, is checked without
signing in; a desk chapter with wide and phone pictures, signed in.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser]

MM = 96 / 25.4  # CSS pixels per millimetre
A4_TEXT_WIDTH_MM = 210 - 2 * 15  # the @page margins


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    path = tmp_path / "chapter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(("chapter", "signed_in"), [("evaluator", False), ("meeting-run", True)])
def test_a_chapter_prints_on_a4_without_the_site(
    live_server: Any, browser: Browser, cast, tmp_path: Path, chapter: str, signed_in: bool
) -> None:
    if not (django_settings.HANDBOOK_DIR / "zh" / f"{chapter}.md").is_file():
        pytest.fail(f"docs/handbook/zh/{chapter}.md is missing")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    if signed_in:
        client = Client()
        client.force_login(cast["leader"])
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session,
              "url": live_server.url}]
        )
    page = context.new_page()
    response = page.goto(f"{live_server.url}/handbook/{chapter}/")
    assert response is not None and response.status == 200
    for img in page.locator(".handbook-text img").all():  # lazy pictures: bring each in
        img.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    title = page.locator(".handbook-chapter h1").inner_text()

    page.emulate_media(media="print")
    for hidden in (".topbar", ".footer", ".handbook-contents", ".handbook-tools",
                   ".handbook-pager"):
        for element in page.locator(hidden).all():
            assert not element.is_visible(), f"{hidden} shows in print"
    sizes = page.eval_on_selector_all(
        ".handbook-text img",
        "(imgs) => imgs.map((i) => [i.getAttribute('src'), i.getBoundingClientRect().height,"
        " i.complete && i.naturalWidth > 0])",
    )
    assert sizes, "the chapter shows no picture"
    for src, height, loaded in sizes:
        assert loaded, f"{src} did not load"
        assert height <= 85 * MM + 1, f"{src} is {height / MM:.0f} mm tall in print"

    pdf = page.pdf(format="A4", print_background=True)
    text = _pdf_text(pdf, tmp_path)
    assert title in text
    for site in ("退出登录", "使用手册", "评议（pingyi）——开源", "手册章节", "打印本章"):
        assert site not in text, f"{site!r} printed"
    # pictures are never wider than the printed text: Chromium lays the page out at the
    # A4 text width; no element overflows it
    page.set_viewport_size({"width": round(A4_TEXT_WIDTH_MM * MM), "height": 1000})
    overflow = page.evaluate(
        "() => Array.from(document.querySelectorAll('.handbook-text img'))"
        ".filter((i) => i.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".map((i) => i.getAttribute('src'))"
    )
    assert not overflow, overflow
    context.close()
