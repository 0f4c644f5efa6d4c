"""Who reaches which page: a table over every URL name of the core, orgs and accounts apps.

Roles: anonymous, office, leader, viewer, and the liaisons of unit A and unit B. The table
must cover every named URL the apps declare (``test_matrix_covers_every_url``), so a new page
cannot ship without deciding who may see it.
"""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import reverse

ROLES = ("anonymous", "office", "leader", "viewer", "liaison_a", "liaison_b")

OK = "ok"  # 200
DENY = "deny"  # 403 (or 404: the page does not admit the unit exists)
SIGNIN = "signin"  # 302 to the sign-in form, coming back afterwards
HOME = "home"  # 302 to the home page (e.g. the sign-in form when already signed in)
BACK = "back"  # 302 back to the supervision item's page (an office decision, said in a message)
UNHEALTHY = "unhealthy"  # 503 answered to anyone: /healthz while no task consumer runs (tests)

ALL_SIGNED_IN = dict.fromkeys(ROLES[1:], OK)
OFFICE_ONLY = {"office": OK, "leader": DENY, "viewer": DENY, "liaison_a": DENY, "liaison_b": DENY}

#: (URL name, URL kwargs, HTTP method) -> expected outcome per role.
MATRIX: list[tuple[str, dict[str, str], str, dict[str, str]]] = [
    ("core:home", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    # /healthz: tests/core/test_health.py
    ("core:health", {}, "get", dict.fromkeys(ROLES, UNHEALTHY)),
    ("core:favicon", {}, "get", {"anonymous": OK, **ALL_SIGNED_IN}),
    # a long export's page: the account that asked (tests/core/test_exports.py); no such job
    # here, so 404 for every account
    (
        "core:export",
        {"pk": "6f1c0d9e-3b7a-4c2d-9e8f-0a1b2c3d4e5f"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    ("orgs:unit_list", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("orgs:unit_import", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("orgs:unit_import", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("orgs:unit_edit", {"code": "unit-a"}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("orgs:unit_edit", {"code": "unit-a"}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    (
        "orgs:unit_detail",
        {"code": "unit-a"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_b": DENY},
    ),
    (
        "orgs:unit_detail",
        {"code": "unit-b"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_a": DENY},
    ),
    (
        "orgs:unit_detail",
        {"code": "no-such-unit"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    # the monthly arena: public rankings; office pages read by readers, written by the office
    ("scoreboard:public_index", {}, "get", dict.fromkeys(ROLES, OK)),
    (
        "scoreboard:office",
        {},
        "get",
        {**ALL_SIGNED_IN, "anonymous": SIGNIN, "liaison_a": DENY, "liaison_b": DENY},
    ),
    ("scoreboard:office", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    (
        "scoreboard:arena",
        {"key": "none"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    (
        "scoreboard:month",
        {"key": "none", "period": "2026-11"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    (
        "scoreboard:public_month",
        {"key": "none", "period": "2026-11"},
        "get",
        dict.fromkeys(ROLES, DENY),
    ),
    ("scoreboard:bundle", {"key": "none", "period": "2026-11"}, "get", dict.fromkeys(ROLES, DENY)),
    # the wall boards: the public page and the wall for anyone (public boards only for the
    # anonymous and liaisons: none here, so their stream and a board's data are 404); the
    # office page read by readers, switched by the office (an empty POST: 200, said)
    ("boards:public", {}, "get", dict.fromkeys(ROLES, OK)),
    ("boards:wall", {}, "get", dict.fromkeys(ROLES, OK)),
    (
        "boards:office",
        {},
        "get",
        {**ALL_SIGNED_IN, "anonymous": SIGNIN, "liaison_a": DENY, "liaison_b": DENY},
    ),
    ("boards:office", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    *(
        (
            name,
            kwargs,
            "get",
            {**ALL_SIGNED_IN, "anonymous": DENY, "liaison_a": DENY, "liaison_b": DENY},
        )
        for name, kwargs in (("boards:stream", {}), ("boards:data", {"key": "notices"}))
    ),
    ("accounts:login", {}, "get", {"anonymous": OK, **dict.fromkeys(ROLES[1:], HOME)}),
    ("accounts:logout", {}, "post", dict.fromkeys(ROLES, SIGNIN)),
    ("accounts:password_change", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("admin:index", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("admin:login", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY, "office": HOME}),
    ("admin:orgs_unit_changelist", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("admin:orgs_unit_add", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("admin:orgs_unitgroup_changelist", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("admin:accounts_user_changelist", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("admin:accounts_user_add", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    # supervision: a liaison sees its unit's items only (items of unit A and B: see below)
    ("supervision:item_list", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("supervision:office_list_import", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("supervision:office_list_import", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("supervision:office_deadlines", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("supervision:office_workdays", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("supervision:office_workdays", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    *(
        ("supervision:office_roundtrip", {"key": "t-list"}, m, {"anonymous": SIGNIN, **OFFICE_ONLY})
        for m in ("get", "post")
    ),
    ("supervision:office_export", {"key": "t-list"}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    (
        "supervision:unit_page",
        {"code": "unit-a"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_b": DENY},
    ),
    (
        "supervision:unit_page",
        {"code": "unit-b"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_a": DENY},
    ),
    (
        "supervision:item_detail",
        {"key": "t-list", "number": "a-1"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_b": DENY},
    ),
    (
        "supervision:item_detail",
        {"key": "t-list", "number": "b-1"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_a": DENY},
    ),
    (
        "supervision:item_detail",
        {"key": "t-list", "number": "none"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    # supervision, the unit's pages (views_unit.py): report (the item's units' liaisons and the
    # office), extension and closure (the lead unit's liaison and the office), decide (office),
    # comment and attachment (no such report or file here: 404 even for those who may)
    ("supervision:unit_home", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    *(
        (
            name,
            {"key": "t-list", "number": number},
            "get",
            {"anonymous": SIGNIN, **OFFICE_ONLY, liaison: OK},
        )
        for name in (
            "supervision:report_new",
            "supervision:extension_new",
            "supervision:closure_new",
        )
        for number, liaison in (("a-1", "liaison_a"), ("b-1", "liaison_b"))
    ),
    (
        "supervision:decide",
        {"key": "t-list", "number": "a-1"},
        "post",
        {"anonymous": SIGNIN, **OFFICE_ONLY, "office": BACK},
    ),
    (
        "supervision:comment",
        {"key": "t-list", "number": "a-1"},
        "post",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    (
        "supervision:attachment",
        {"key": "t-list", "number": "a-1", "pk": "1"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    # notices (views_notices.py): the board for readers; the inbox for everyone signed in (a
    # reader is pointed to the board); the sweep for the office; a notice's pages: no notice
    # here, so 404 for all (tests/supervision/test_notice_pages.py checks each role on real ones)
    (
        "supervision:notice_board",
        {},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_a": DENY, "liaison_b": DENY},
    ),
    ("supervision:notice_inbox", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("supervision:notice_sweep", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    *(
        (name, {"pk": "987654"}, method, {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)})
        for name, method in (
            ("supervision:notice_detail", "get"),
            ("supervision:notice_acknowledge", "post"),
            ("supervision:notice_reply", "post"),
            ("supervision:notice_decide", "post"),
            ("supervision:notice_pdf", "get"),
        )
    ),
    (
        "supervision:notice_attachment",
        {"pk": "987654", "file_pk": "1"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    # the weekly cycle (views_weekly.py): readers see the weeks, the sheets and the bulletins;
    # leaders and the office comment; no bulletin here, so its files are 404 for all
    # (tests/supervision/test_weekly.py acts on real ones)
    *(
        (
            name,
            kwargs,
            "get",
            {"anonymous": SIGNIN, **ALL_SIGNED_IN, "liaison_a": DENY, "liaison_b": DENY},
        )
        for name, kwargs in (
            ("supervision:week_index", {}),
            ("supervision:week", {"week": "2026-W41"}),
            ("supervision:bulletin", {"week": "2026-W41"}),
        )
    ),
    (
        "supervision:week_review",
        {"week": "2026-W41"},
        "get",
        {"anonymous": SIGNIN, **OFFICE_ONLY, "leader": OK},
    ),
    (
        "supervision:bulletin_file",
        {"week": "2026-W41", "fmt": "docx"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    # the on-site office (views_onsite.py): the meetings for every account (a liaison its
    # unit's), recording for the office; a meeting's or problem's pages: none here, so 404 for
    # all (tests/supervision/test_onsite_pages.py checks each role on real ones)
    ("supervision:onsite_index", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("supervision:onsite_new", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    *(
        (name, {"pk": "987654"}, method, {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)})
        for name, method in (
            ("supervision:onsite_meeting", "get"),
            ("supervision:onsite_minutes", "get"),
            ("supervision:onsite_problem", "get"),
            ("supervision:onsite_batch", "post"),
        )
    ),
    # notifications: the channels and the delivery log are the office's
    ("notifications:channels", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("notifications:channels", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("notifications:log", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    # year targets and projects (issue 14): every account reads (a liaison its unit's rows:
    # tests/targets/test_pages.py), the office imports
    ("targets:table", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("targets:import", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("targets:import", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("pipeline:table", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("pipeline:import", {}, "get", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    ("pipeline:import", {}, "post", {"anonymous": SIGNIN, **OFFICE_ONLY}),
    # the handbook (issue 15): every account reads it; the evaluator's and the liaison's
    # chapters (and their pictures) also without signing in (tests/handbook/test_handbook.py)
    ("handbook:index", {}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("handbook:chapter", {"name": "meeting-run"}, "get", {"anonymous": SIGNIN, **ALL_SIGNED_IN}),
    ("handbook:chapter", {"name": "evaluator"}, "get", dict.fromkeys(ROLES, OK)),
    ("handbook:chapter", {"name": "liaison"}, "get", dict.fromkeys(ROLES, OK)),
    (
        "handbook:chapter",
        {"name": "no-such-chapter"},
        "get",
        {"anonymous": SIGNIN, **dict.fromkeys(ROLES[1:], DENY)},
    ),
    (
        "handbook:picture",
        {"name": "meeting-console.png"},
        "get",
        {"anonymous": SIGNIN, **ALL_SIGNED_IN},
    ),
    ("handbook:picture", {"name": "no-such.png"}, "get", dict.fromkeys(ROLES, DENY)),
]

CASES = [
    pytest.param(
        name,
        kwargs,
        method,
        role,
        expected[role],
        id=f"{method}-{name}-{kwargs.get('code', kwargs.get('number', ''))}-{role}",
    )
    for name, kwargs, method, expected in MATRIX
    for role in ROLES
]


def declared_url_names() -> set[str]:
    names = set()
    for module_name in (
        "pingyi.core.urls",
        "pingyi.orgs.urls",
        "pingyi.accounts.urls",
        "pingyi.supervision.urls",
        "pingyi.scoreboard.urls",
        "pingyi.scoreboard.urls_boards",
        "pingyi.notifications.urls",
        "pingyi.targets.urls",
        "pingyi.pipeline.urls",
        "pingyi.handbook.urls",
    ):
        module = importlib.import_module(module_name)
        names |= {f"{module.app_name}:{p.name}" for p in module.urlpatterns if p.name}
    return names


def test_matrix_covers_every_url() -> None:
    covered = {name for name, _kwargs, _method, _expected in MATRIX}
    missing = declared_url_names() - covered
    assert not missing, f"add these URL names to the access matrix: {sorted(missing)}"
    for name, _kwargs, _method, expected in MATRIX:
        assert set(expected) == set(ROLES), name


@pytest.fixture
def supervision_items(two_units: tuple[object, object]) -> None:
    """A list ``t-list`` with item ``a-1`` led by unit A and ``b-1`` led by unit B."""
    import datetime as dt

    from pingyi.supervision.models import Item, SupervisionList

    the_list = SupervisionList.objects.create(
        key="t-list", kind="tasks", name="清单", year=2026, assigned_on=dt.date(2026, 1, 1)
    )
    for number, unit in zip(("a-1", "b-1"), two_units, strict=True):
        Item.objects.create(supervision_list=the_list, number=number, title="事项", lead_unit=unit)


@pytest.fixture
def client_as(cast: dict[str, object], supervision_items: None):
    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(cast[role])
        return client

    return make


@pytest.mark.parametrize(("name", "kwargs", "method", "role", "expected"), CASES)
def test_access(client_as, name, kwargs, method, role, expected) -> None:
    url = reverse(name, kwargs=kwargs)
    response = getattr(client_as(role), method)(url)
    if expected == OK:
        assert response.status_code == 200, (url, role, response.status_code)
    elif expected == DENY:
        assert response.status_code in (403, 404), (url, role, response.status_code)
    elif expected == SIGNIN:
        assert response.status_code == 302, (url, role, response.status_code)
        location = response["Location"]
        assert location.startswith(reverse("accounts:login")), (url, role, location)
    elif expected == HOME:
        assert response.status_code == 302, (url, role, response.status_code)
        assert response["Location"] in (reverse("core:home"), reverse("admin:index"))
    elif expected == BACK:
        assert response.status_code == 302, (url, role, response.status_code)
        assert response["Location"] == url.rsplit("/", 2)[0] + "/", (url, role)
    elif expected == UNHEALTHY:
        assert response.status_code == 503, (url, role, response.status_code)
        assert response.json()["checks"]["queue"]["ok"] is False, (url, role)
    else:  # pragma: no cover
        raise AssertionError(expected)


@pytest.mark.parametrize("name", ["core:home", "orgs:unit_list", "orgs:unit_import", "admin:index"])
def test_anonymous_comes_back_after_sign_in(client, name) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?next={url}")


def test_liaison_lists_only_own_unit(client_as, two_units) -> None:
    response = client_as("liaison_a").get(reverse("orgs:unit_list"))
    assert response.status_code == 200
    assert [u.code for u in response.context["units"]] == ["unit-a"]
    body = response.content.decode()
    assert "华龙区" in body
    assert "濮阳县" not in body
    assert reverse("orgs:unit_detail", kwargs={"code": "unit-b"}) not in body


@pytest.mark.parametrize("role", ["office", "leader", "viewer"])
def test_readers_list_all_units(client_as, role) -> None:
    response = client_as(role).get(reverse("orgs:unit_list"))
    assert response.status_code == 200
    assert sorted(u.code for u in response.context["units"]) == ["unit-a", "unit-b"]


def test_liaison_home_shows_own_unit_only(client_as) -> None:
    body = client_as("liaison_b").get(reverse("core:home")).content.decode()
    assert "濮阳县" in body
    assert "华龙区" not in body


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("office", {"orgs:unit_list", "orgs:unit_import", "admin:index"}),
        ("leader", {"orgs:unit_list"}),
        ("viewer", {"orgs:unit_list"}),
        ("liaison_a", {"orgs:unit_list"}),
    ],
)
def test_navigation_offers_only_reachable_pages(client_as, role, visible) -> None:
    body = client_as(role).get(reverse("core:home")).content.decode()
    for name in ("orgs:unit_list", "orgs:unit_import", "admin:index"):
        assert (f'href="{reverse(name)}"' in body) == (name in visible), (role, name)


def test_liaison_cannot_post_import(client_as, two_units) -> None:
    from pingyi.orgs.models import Unit

    before = Unit.objects.count()
    response = client_as("liaison_a").post(reverse("orgs:unit_import"), {"file": ""})
    assert response.status_code == 403
    assert Unit.objects.count() == before


def test_admin_sign_in_form_is_the_main_one(client, cast) -> None:
    """The admin has no second sign-in form (which would need is_staff and dodge the rules)."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(cast["office"])
    assert client.get(reverse("admin:index")).status_code == 200


def test_inactive_office_account_is_signed_out(client, cast) -> None:
    office = cast["office"]
    client.force_login(office)
    office.is_active = False
    office.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_office_manages_units_in_the_admin_without_staff_flag(client, cast) -> None:
    from pingyi.orgs.models import Unit

    office = cast["office"]
    assert not office.is_staff
    client.force_login(office)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:orgs_unit_changelist") in index
    assert reverse("admin:accounts_user_changelist") in index
    response = client.post(
        reverse("admin:orgs_unit_add"),
        {
            "code": "qingfeng",
            "name": "清丰县",
            "short_name": "",
            "kind": "county",
            "order": 3,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.filter(code="qingfeng").exists()


@pytest.mark.parametrize("role", ["leader", "viewer", "liaison_a"])
def test_non_office_cannot_change_anything_in_the_admin(client_as, role, two_units) -> None:
    from pingyi.orgs.models import Unit

    client = client_as(role)
    response = client.post(
        reverse("admin:orgs_unit_change", args=[two_units[0].pk]),
        {"code": "unit-a", "name": "改名", "kind": "county", "order": 1},
    )
    assert response.status_code == 403
    assert Unit.objects.get(pk=two_units[0].pk).name == "华龙区"
    response = client.post(
        reverse("admin:orgs_unit_delete", args=[two_units[1].pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Unit.objects.filter(pk=two_units[1].pk).exists()
