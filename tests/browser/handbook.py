"""The handbook's pictures come from the browser tests.

A test marked ``@pytest.mark.handbook`` calls :func:`shoot` with a page and a file name; the
picture is written to ``docs/handbook/img/NAME`` (and a copy to the session's screenshot
folder), so a change to a page changes the handbook's picture at the next run.
``tests/test_handbook_pictures.py`` fails the build when a picture the handbook shows is
missing, is not written by a marked test, or when a picture in ``img/`` is shown nowhere.

Pictures are taken in Chinese (the language the office works in); the English handbook
shows the same pictures.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
HANDBOOK = ROOT / "docs" / "handbook"
PICTURES = HANDBOOK / "img"
#: A picture's name: lower-case words joined by hyphens, .png.
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.png$")


def shoot(
    page: Page,
    name: str,
    *,
    full_page: bool = False,
    element: Locator | None = None,
    copy_to: Path | None = None,
) -> Path:
    """Write the handbook's picture ``name`` from ``page`` (or from one ``element`` of it).

    ``name`` must be a literal string at the call site: the build's check reads the tests'
    source to know which test writes which picture.
    """
    if not NAME.match(name):
        raise ValueError(f"a handbook picture's name is lower-case-with-hyphens.png, not {name!r}")
    PICTURES.mkdir(parents=True, exist_ok=True)
    path = PICTURES / name
    if element is not None:
        element.screenshot(path=path, animations="disabled")
    else:
        page.screenshot(path=path, full_page=full_page, animations="disabled")
    if copy_to is not None:
        copy_to.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy_to / f"handbook-{name}")
    return path
