"""Markup in names is data, never markup: every page, the screen stream, the JSON answers and
the exports. An event whose name, tracks, units and panels carry ``<script>alert(1)</script>``,
``"><img src=x onerror=alert(1)>``, ``{{7*7}}`` and spreadsheet formulas is rendered as the
roles that see it; every HTML answer also carries a Content-Security-Policy without inline
scripts.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from .conftest import World, build_world

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
FORMULA = '=HYPERLINK("http://evil.example/","x")'
RAW_MARKUP = (SCRIPT, "<img src=x", "onerror=alert(1)>")
NAMES = {
    "event": f"评议 {SCRIPT} {TEMPLATE}",
    "track_counties": f"县区 {ATTR}",
    "track_leads": f"牵头 {SCRIPT}",
    "hualong": f"华龙 {SCRIPT}",
    "puyang": f"濮阳 {ATTR}",
    "qingfeng": f"清丰 {TEMPLATE}",
    "fgw": FORMULA,
    "gxj": "@SUM(1+1)",
    "panel_leaders": f"领导 {ATTR}",
    "panel_attendees": f"列席 {SCRIPT}",
}
PREFIX = "xs"
STATIC = Path(__file__).resolve().parents[2] / "src" / "pingyi"


@pytest.fixture(scope="module")
def xss_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from pingyi.appraisal import meeting

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world(prefix=PREFIX, names=NAMES)
            meeting.track_reveal(key=world.key("published"), track="counties")
            meeting.track_reveal(key=world.key("closed"), track="leads")
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def xw(xss_world: World, db: None) -> World:
    return xss_world


def as_role(world: World, role: str) -> Client:
    client = Client()
    if role in world.users:
        client.force_login(world.users[role])
    return client


# (role, URL name, kwargs with "@state" for event keys, query)
PAGES = [
    ("office", "core:home", {}, ""),
    ("office", "meeting:list", {}, ""),
    ("office", "meeting:console", {"key": "@open"}, ""),
    ("office", "meeting:console", {"key": "@closed"}, ""),
    ("leader", "meeting:screen", {"key": "@open"}, ""),
    ("leader", "meeting:screen", {"key": "@published"}, ""),
    ("anonymous", "ballot", {}, ""),
    ("anonymous", "results:index", {}, ""),
    ("anonymous", "results:event", {"key": "@published"}, ""),
    ("viewer", "results:event", {"key": "@closed"}, ""),
    ("anonymous", "results:receipt", {"key": "@published"}, "code=ABCD"),
    ("anonymous", "results:unit_history", {"unit_key": "hualong"}, ""),
    ("anonymous", "results:unit_history", {"unit_key": "puyang"}, ""),
    ("office", "results:diagnostics", {"key": "@published"}, ""),
    ("liaison_a", "slides:list", {"key": "@open"}, ""),
    ("office", "slides:list", {"key": "@open"}, ""),
    ("office", "outputs:event", {"key": "@open"}, ""),
    ("office", "outputs:cards", {"key": "@open"}, ""),
    ("office", "orgs:unit_list", {}, ""),
    ("liaison_a", "orgs:unit_detail", {"code": "hualong"}, ""),
    ("office", "admin:orgs_unit_changelist", {}, ""),
]


def url(world: World, name: str, kwargs: dict[str, str], query: str = "") -> str:
    real = {k: world.key(v[1:]) if v.startswith("@") else v for k, v in kwargs.items()}
    path = reverse(name, kwargs=real)
    return f"{path}?{query}" if query else path


def script_src(csp: str) -> list[str]:
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            return parts[1:]
    for directive in csp.split(";"):  # no script-src: default-src applies
        parts = directive.split()
        if parts and parts[0] == "default-src":
            return parts[1:]
    return []


def assert_safe_html(response: Any, where: str) -> str:
    assert response.status_code == 200, (where, response.status_code)
    assert response["Content-Type"].startswith("text/html"), where
    body = response.content.decode()
    for raw in RAW_MARKUP:
        assert raw not in body, f"{where}: unescaped {raw!r}"
    csp = response.get("Content-Security-Policy", "")
    sources = script_src(csp)
    assert "'self'" in sources, (where, csp)
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, (where, csp)
    # every <script> is a file or a JSON data island: nothing inline to execute
    for tag in re.findall(r"<script\b[^>]*>", body, flags=re.I):
        assert "src=" in tag or 'type="application/json"' in tag, (where, tag)
    return body


@pytest.mark.parametrize(("role", "name", "kwargs", "query"), PAGES, ids=lambda v: str(v))
def test_page_escapes_markup(xw: World, role: str, name: str, kwargs: dict, query: str) -> None:
    where = f"{name} {kwargs} as {role}"
    assert_safe_html(as_role(xw, role).get(url(xw, name, kwargs, query)), where)


def test_names_do_show_escaped(xw: World) -> None:
    """The pages above really carry the names (so the absence of raw markup means something)."""
    home = as_role(xw, "office").get(reverse("core:home")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert TEMPLATE in home  # not evaluated by any template engine
    results = Client().get(url(xw, "results:event", {"key": "@published"})).content.decode()
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in results
    console = as_role(xw, "office").get(url(xw, "meeting:console", {"key": "@open"}))
    assert "\\u003Cscript\\u003E" in console.content.decode()  # the JSON island, escaped


def test_error_and_sign_in_pages_escape_the_path(xw: World) -> None:
    for path in (f"/units/{SCRIPT}/", f"/results/x{ATTR}/", f"/accounts/login/?next={SCRIPT}"):
        response = as_role(xw, "office").get(path)
        body = response.content.decode()
        for raw in RAW_MARKUP:
            assert raw not in body, (path, raw)


# --- JSON answers carry names as data --------------------------------------------------------


def test_json_endpoints_carry_names_as_data(xw: World) -> None:
    office = as_role(xw, "office")
    answers = [
        office.get(url(xw, "meeting:live_json", {"key": "@published"})),
        Client().get(url(xw, "api:get_event", {"key": "@published"})),
        Client().get(url(xw, "api:get_units", {"key": "@published"})),
        Client().get(url(xw, "api:get_results", {"key": "@published"})),
        Client().post(
            reverse("api:lookup_card"),
            json.dumps({"token": xw.evaluator_token}),
            content_type="application/json",
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.content[:200]
        assert response["Content-Type"].startswith("application/json")
        text = json.dumps(response.json(), ensure_ascii=False)
        assert SCRIPT in text or ATTR in text, text[:300]  # the name, intact, as a string


# --- the scripts insert names as text -----------------------------------------------------------


def test_our_scripts_never_write_html() -> None:
    """Every module of ours (the ballot's, screen.js, console.js, history.js, shared/) builds
    the page with textContent and createElement; none writes markup (innerHTML and friends),
    so a name cannot become HTML."""
    scripts = sorted((STATIC / "appraisal" / "static" / "pingyi").rglob("*.js"))
    scripts += sorted((STATIC / "core" / "static" / "pingyi").rglob("*.js"))
    scripts = [path for path in scripts if "vendor" not in path.parts]
    assert len(scripts) >= 13, scripts
    sink = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval)\b")
    for script in scripts:
        for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
            assert not sink.search(line), f"{script.name}:{number}: {line.strip()}"


def test_history_chart_tooltip_escapes_event_names() -> None:
    source = (STATIC / "appraisal" / "static" / "pingyi" / "history.js").read_text("utf-8")
    formatter = source.split("formatter:", 1)[1].split("}", 1)[0]
    assert "encodeHTML" in formatter


# --- exports ---------------------------------------------------------------------------------


def test_workbook_cells_are_text_not_formulas(xw: World) -> None:
    from openpyxl import load_workbook

    response = as_role(xw, "office").get(url(xw, "outputs:workbook", {"key": "@closed"}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    found = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    raise AssertionError(f"{sheet.title}!{cell.coordinate} is a formula")
                if isinstance(cell.value, str) and (
                    "HYPERLINK" in cell.value or "@SUM" in cell.value
                ):
                    found += 1
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
    assert found, "the workbook should name the units whose names look like formulas"


def test_bundle_ballots_csv_holds_keys_only(xw: World) -> None:
    response = Client().get(url(xw, "results:bundle", {"key": "@published"}))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    ballots = next(n for n in archive.namelist() if n.endswith("ballots.csv"))
    text = archive.read(ballots).decode("utf-8-sig")
    assert text.splitlines()[0] == "ballot,panel,track,unit,item,value"
    for name in NAMES.values():
        assert name not in text
    for line in text.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), line
            assert not (cell.startswith("-") and not re.fullmatch(r"-?\d+(\.\d+)?", cell)), line
