"""``/favicon.ico`` is served (browsers ask for it by themselves) and every page links the
SVG icon, which is served too."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image


@pytest.mark.django_db
def test_favicon_ico_is_a_real_icon_for_anyone(client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=" in response["Cache-Control"]
    body = response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header
    icon = Image.open(io.BytesIO(body))
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/b/"])
def test_pages_link_an_icon_that_is_served(client: Any, path: str) -> None:
    html = client.get(path).content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert links == ["/static/pingyi/favicon.svg"], html[:600]
    icon = client.get(links[0])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
