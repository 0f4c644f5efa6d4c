"""The office imports a list through the page in Chromium (issue 11): a messy sheet
(tests/supervision/workbooks.py) is uploaded, the row-by-row preview shows what was
understood, the office confirms and sees the items listed; a bad sheet shows its errors by
row and cell and imports nothing. In Chinese, at 1920×1080 and 360×740, axe-clean at each
step; screenshots: test-artifacts/screenshots/sv-import-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.browser.axe import assert_accessible
from tests.supervision.workbooks import Category, ListBook, messy_book
from tests.supervision.workbooks import Item as BookItem

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def office(transactional_db: None, settings: Any, tmp_path: Path) -> Any:
    from pingyi.accounts.models import User
    from pingyi.orgs.models import Unit, UnitGroup, UnitKind
    from tests.supervision.test_office_pages import UNITS

    settings.DATA_DIR = tmp_path
    group = UnitGroup.objects.create(code="counties", name="县（区）")
    for order, (code, name, short, aliases) in enumerate(UNITS):
        unit = Unit.objects.create(
            code=code,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=UnitKind.DEPARTMENT,
            order=order,
        )
        if code in ("hualong", "puyang"):
            group.units.add(unit)
    return User.objects.create_user(username="sv-office", password="x" * 20, role="office")


def signed_in(browser: Browser, user: Any, base: str, viewport: dict) -> BrowserContext:
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return context


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "1920"), (PHONE, "360")])
def test_the_office_previews_and_confirms_a_messy_sheet(
    live_server: Any,
    browser: Browser,
    office: Any,
    tmp_path: Path,
    screenshot_dir: Path,
    viewport: dict,
    size: str,
) -> None:
    from pingyi.supervision.models import Item, SupervisionList

    sheet = tmp_path / "2026年重点任务清单.xlsx"
    sheet.write_bytes(messy_book().bytes())
    context = signed_in(browser, office, live_server.url, viewport)
    page = context.new_page()
    page.goto(live_server.url + "/supervision/office/import/")
    assert page.locator("h1").inner_text() == "从督查室表格导入清单"
    page.set_input_files("input[type=file]", str(sheet))
    page.select_option("select[name=kind]", "tasks")
    page.fill("input[name=key]", f"t-{size}")
    page.click("form.card button[type=submit] >> nth=-1")
    page.wait_for_selector("table.preview tbody tr")
    rows = page.locator("table.preview tbody tr")
    assert rows.count() == 5
    first = rows.nth(0).inner_text()
    assert "市发展改革委" in first and "市交通运输局" in first and "2026-06-30" in first
    assert "华龙区" in rows.nth(1).inner_text() and "濮阳县" in rows.nth(1).inner_text()
    # the raw cells on demand
    details = rows.nth(0).locator("details")
    details.locator("summary").click()
    assert "濮阳东站" in details.inner_text()
    assert not SupervisionList.objects.exists()  # the preview wrote nothing
    page.screenshot(path=screenshot_dir / f"sv-import-preview-{size}.png", full_page=True)
    assert_accessible(page, f"the import preview at {size}px")
    page.click("form.confirm button")
    page.wait_for_url(f"**/supervision/?list=t-{size}")
    assert page.locator("main table tbody tr").count() == 5
    assert "推进濮阳东站综合枢纽建设" in page.locator("main table").inner_text()
    page.screenshot(path=screenshot_dir / f"sv-import-done-{size}.png", full_page=True)
    assert Item.objects.filter(supervision_list__key=f"t-{size}").count() == 5
    context.close()


def test_a_bad_sheet_shows_errors_by_row_and_cell_and_imports_nothing(
    live_server: Any, browser: Browser, office: Any, tmp_path: Path, screenshot_dir: Path
) -> None:
    from pingyi.supervision.models import SupervisionList

    book = ListBook(
        entries=[
            Category("一、项目"),
            BookItem(1, "甲", lead="市发展改革委"),
            BookItem(2, "乙", lead="市发展和改革局", co="华龙区、火星局"),
            BookItem(1, "丙"),
        ]
    )
    sheet = tmp_path / "错误清单.xlsx"
    sheet.write_bytes(book.bytes())
    context = signed_in(browser, office, live_server.url, DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/supervision/office/import/")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("form.card button[type=submit] >> nth=-1")
    errors = page.locator("#import-errors")
    errors.wait_for()
    text = errors.inner_text()
    row = book.rows["2"]
    assert f"E{row}" in text and "市发展和改革局" in text and "火星局" in text
    assert "市发展改革委" in text  # the closest known unit
    assert page.locator("mark.unknown").count() == 2
    assert page.locator("form.confirm").count() == 0
    page.screenshot(path=screenshot_dir / "sv-import-errors-1920.png", full_page=True)
    assert_accessible(page, "the import errors")
    assert not SupervisionList.objects.exists()
    context.close()
