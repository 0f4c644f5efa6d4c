"""The shell: Chinese first with an English switch, security headers, health, demo data, and
pages whose query count does not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pingyi.accounts.models import Role, User
from pingyi.orgs.models import Unit, UnitGroup, UnitKind

SET_LANGUAGE = "/i18n/setlang/"


@pytest.fixture
def office_client(client, make_user):
    client.force_login(make_user("shell-office", Role.OFFICE))
    return client


# --- language -----------------------------------------------------------------------------


def test_home_is_chinese_by_default(office_client) -> None:
    body = office_client.get("/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "评" in body  # the brand mark
    assert 'aria-pressed="true" disabled lang="zh-hans"' in body


def test_sign_in_page_is_chinese_by_default(client) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in body


def test_browser_asking_for_chinese_gets_chinese(client) -> None:
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in response.content.decode()


def test_language_switch_to_english_and_back(office_client) -> None:
    response = office_client.post(SET_LANGUAGE, {"language": "en", "next": "/units/"})
    assert response.status_code == 302
    assert response["Location"] == "/units/"
    body = office_client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Sign out" in body
    assert "Welcome" in body
    office_client.post(SET_LANGUAGE, {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in office_client.get("/").content.decode()


def test_language_switch_works_before_sign_in(client) -> None:
    client.post(SET_LANGUAGE, {"language": "en", "next": "/accounts/login/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_language_switch_refuses_off_site_next(client) -> None:
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.skipif(
    "not __import__('pathlib').Path(__import__('pingyi').__file__).with_name('locale')"
    ".joinpath('zh_Hans/LC_MESSAGES/django.mo').exists()",
    reason="the zh-hans catalogue (src/pingyi/locale) is not compiled yet",
)
def test_chinese_catalogue_translates_the_shell(office_client) -> None:
    """Once src/pingyi/locale holds the compiled zh_Hans catalogue, the shell speaks Chinese."""
    body = office_client.get("/").content.decode()
    assert "Sign out" not in body
    assert "评议" in body


# --- headers and health -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/units/", "/accounts/login/", "/healthz", "/admin/"])
def test_security_headers_on_every_page(office_client, url) -> None:
    response = office_client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_security_headers_for_anonymous_visitors(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_pages_use_no_inline_scripts(office_client) -> None:
    """script-src 'self' forbids inline scripts: the shell must not rely on any."""
    import re

    for url in ("/", "/units/", "/units/import/"):
        body = office_client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag, (url, tag)
        assert " onclick=" not in body and " onload=" not in body, url


def test_health_answers_json_without_sign_in(client, db) -> None:
    """The checks themselves: tests/core/test_health.py. A consumer's beat makes it 200."""
    from pingyi.core.tasks import beat

    beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == "ok"
    assert data["checks"]["database"]["vendor"] == connection.vendor
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_static_assets_are_served_by_pingyi(client) -> None:
    for path in ("/static/pingyi/pingyi.css", "/static/pingyi/vendor/htmx-2.0.11.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, path


# --- demo data ----------------------------------------------------------------------------


def _counts() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        UnitGroup.objects.count(),
        User.objects.count(),
        UnitGroup.units.through.objects.count(),
    )


@pytest.mark.django_db
def test_demo_data_is_the_seed_meeting_and_loads_idempotently() -> None:
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    first = _counts()
    counties = UnitGroup.objects.get(code="counties")
    leads = UnitGroup.objects.get(code="leads")
    county_names = set(counties.units.values_list("name", flat=True))
    assert county_names == {
        "华龙区",
        "濮阳县",
        "清丰县",
        "南乐县",
        "范县",
        "台前县",
        "濮阳经济技术开发区",
        "濮阳工业园区",
        "城乡一体化示范区",
    }
    assert counties.units.filter(kind=UnitKind.ZONE).count() == 3
    assert leads.units.count() == 14
    assert set(leads.units.values_list("kind", flat=True)) == {UnitKind.DEPARTMENT}
    assert {"市发展改革委", "市工业和信息化局"} <= set(leads.units.values_list("name", flat=True))
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {Role.OFFICE, Role.LEADER, Role.VIEWER, Role.UNIT}
    for liaison in User.objects.filter(role=Role.UNIT):
        assert liaison.unit is not None

    load_demo_data()
    assert _counts() == first


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_the_published_password(client) -> None:
    from pingyi.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    for username, _role, _unit in DEMO_ACCOUNTS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    response = client.post(
        reverse("accounts:login"), {"username": DEMO_ACCOUNTS[0][0], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_demo_reload_keeps_a_changed_password() -> None:
    from pingyi.accounts.demo import DEMO_ACCOUNTS
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    user = User.objects.get(username=DEMO_ACCOUNTS[0][0])
    user.set_password("Changed-by-office-2026")
    user.save()
    load_demo_data()
    user.refresh_from_db()
    assert user.check_password("Changed-by-office-2026")


# --- query counts -------------------------------------------------------------------------


def _make_units(n: int) -> None:
    groups = [UnitGroup.objects.create(code=f"g{i}", name=f"分组{i}", order=i) for i in range(3)]
    units = Unit.objects.bulk_create(
        Unit(code=f"u{i:03d}", name=f"单位{i:03d}", kind=UnitKind.DEPARTMENT, order=i)
        for i in range(n)
    )
    for group in groups:
        group.units.add(*units)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [5, 50])
def test_unit_list_query_count_is_bounded(office_client, django_assert_max_num_queries, n):
    _make_units(n)
    with django_assert_max_num_queries(10):
        response = office_client.get("/units/")
    assert response.status_code == 200
    assert len(response.context["units"]) == n


@pytest.mark.parametrize(
    ("url", "role"), [("/units/", Role.OFFICE), ("/", Role.OFFICE), ("/", Role.LEADER)]
)
def test_query_count_does_not_grow_with_units(client, make_user, url, role) -> None:
    client.force_login(make_user("q-user", role))
    _make_units(5)
    few = _queries(client, url)
    more = [
        Unit(code=f"x{i:03d}", name=f"更多单位{i:03d}", kind=UnitKind.COUNTY) for i in range(45)
    ]
    Unit.objects.bulk_create(more)
    UnitGroup.objects.get(code="g0").units.add(*Unit.objects.filter(code__startswith="x"))
    assert _queries(client, url) == few
