"""The supervision REST API (supervision/api.py): every endpoint × every role, unit isolation
(a liaison gets 404 for another unit's item, its reports, extensions and closures, exactly as
for a missing one), hostile bodies and query values answered 4xx in the API's shape with
nothing written, the whole cycle of an item over HTTP, and the OpenAPI schema."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.supervision import selectors, services
from pingyi.supervision.models import Closure, Extension, Item, Report, SupervisionList
from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "office", "leader", "viewer", "liaison_a", "liaison_b")


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def users(office_user, leader_user, viewer_user, liaison_a, liaison_b) -> dict[str, Any]:
    return {
        "office": office_user,
        "leader": leader_user,
        "viewer": viewer_user,
        "liaison_a": liaison_a,
        "liaison_b": liaison_b,
    }


@pytest.fixture
def world(users: dict[str, Any], unit_hualong: Any, unit_puyang: Any) -> dict[str, Item]:
    """List ``t-api``: item 1 led by 华龙区 (unit A), 2 led by 濮阳县 (B), 3 led by B with A as
    co-unit, assigned yesterday and due in 30 days; list ``t-other`` holds only B's item 9."""
    t = today()
    main = SupervisionList.objects.create(
        key="t-api", kind="tasks", name="接口测试清单", year=t.year, assigned_on=t - timedelta(1)
    )
    other = SupervisionList.objects.create(
        key="t-other", kind="problems", name="另一清单", year=t.year, assigned_on=t - timedelta(1)
    )
    due = t + timedelta(30)
    deadline = {"kind": "date", "due": due.isoformat(), "every": None, "milestones": []}
    common = {"kind": "date", "due": due, "deadline": deadline, "deadline_text": "30日内"}
    items = {
        "a": Item.objects.create(
            supervision_list=main,
            number="1",
            position=1,
            title="甲",
            lead_unit=unit_hualong,
            **common,
        ),
        "b": Item.objects.create(
            supervision_list=main,
            number="2",
            position=2,
            title="乙",
            lead_unit=unit_puyang,
            **common,
        ),
        "ab": Item.objects.create(
            supervision_list=main,
            number="3",
            position=3,
            title="丙",
            lead_unit=unit_puyang,
            **common,
        ),
        "other": Item.objects.create(
            supervision_list=other, number="9", title="丁", lead_unit=unit_puyang, **common
        ),
    }
    items["ab"].co_units.add(unit_hualong)
    return items


def client_of(users: dict[str, Any], role: str, **options: Any) -> Client:
    client = Client(**options)
    if role != "anonymous":
        client.force_login(users[role])
    return client


def post(client: Client, url: str, body: Any = None, *, raw: bytes | str | None = None) -> Any:
    data = raw if raw is not None else json.dumps({} if body is None else body)
    return client.post(url, data=data, content_type="application/json")


def refusal(response: Any, status: int) -> dict[str, Any]:
    """The answer is ``status`` in the API's refusal shape."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    return body


def pending_report(item: Item, unit: Any) -> Report:
    return services.report_file(item, unit=unit, reported_on=today(), percent=40)


def snapshot() -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    return (
        sorted(Report.objects.values_list("pk", "state", "rating", "return_reason")),
        sorted(Extension.objects.values_list("pk", "state", "approved_due")),
        sorted(Closure.objects.values_list("pk", "state")),
        sorted(Item.objects.values_list("pk", "closed_on")),
    )


# --- every endpoint × every role -------------------------------------------------------------

READS = [
    # (label, url builder, expected per role: anonymous, office, leader, viewer, liaison_a, b)
    ("lists", lambda w: "/api/v1/lists", (401, 200, 200, 200, 200, 200)),
    ("list", lambda w: "/api/v1/lists/t-api", (401, 200, 200, 200, 200, 200)),
    ("list-of-b-only", lambda w: "/api/v1/lists/t-other", (401, 200, 200, 200, 404, 200)),
    ("list-missing", lambda w: "/api/v1/lists/nope", (401, 404, 404, 404, 404, 404)),
    ("items", lambda w: "/api/v1/items", (401, 200, 200, 200, 200, 200)),
    ("item-a", lambda w: f"/api/v1/items/{w['a'].pk}", (401, 200, 200, 200, 200, 404)),
    ("item-b", lambda w: f"/api/v1/items/{w['b'].pk}", (401, 200, 200, 200, 404, 200)),
    ("item-ab", lambda w: f"/api/v1/items/{w['ab'].pk}", (401, 200, 200, 200, 200, 200)),
    ("item-missing", lambda w: "/api/v1/items/987654", (401, 404, 404, 404, 404, 404)),
]


@pytest.mark.parametrize(("label", "url", "expected"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("role", ROLES)
def test_reading_each_role(users, world, label, url, expected, role) -> None:
    response = client_of(users, role).get(url(world))
    want = dict(zip(ROLES, expected, strict=True))[role]
    if want == 200:
        assert response.status_code == 200, response.content[:300]
    else:
        refusal(response, want)


def _report_on_a(world: dict[str, Item]) -> int:
    return pending_report(world["a"], world["a"].lead_unit).pk


def _extension_on_a(world: dict[str, Item]) -> int:
    return services.extension_request(
        world["a"], reason="资金未到位", proposed_due=today() + timedelta(60), requested_on=today()
    ).pk


def _closure_on_a(world: dict[str, Item]) -> int:
    return services.closure_apply(world["a"], evidence="验收报告", applied_on=today()).pk


WRITES = [
    # (label, make the URL, body, expected: anonymous, office, leader, viewer, liaison_a, b)
    (
        "report-on-a",
        lambda w: f"/api/v1/items/{w['a'].pk}/reports",
        {"percent": 50, "done": "完成选址"},
        (401, 201, 403, 403, 201, 404),
    ),
    (
        "report-on-ab",
        lambda w: f"/api/v1/items/{w['ab'].pk}/reports",
        {"percent": 50},
        (401, 201, 403, 403, 201, 201),
    ),
    (
        "report-on-b",
        lambda w: f"/api/v1/items/{w['b'].pk}/reports",
        {"percent": 50},
        (401, 201, 403, 403, 404, 201),
    ),
    (
        "accept",
        lambda w: f"/api/v1/reports/{_report_on_a(w)}/accept",
        None,
        (401, 200, 403, 403, 403, 404),
    ),
    (
        "return",
        lambda w: f"/api/v1/reports/{_report_on_a(w)}/return",
        {"reason": "数据不实"},
        (401, 200, 403, 403, 403, 404),
    ),
    (
        "comment",
        lambda w: f"/api/v1/reports/{_report_on_a(w)}/comment",
        {"rating": "较好", "text": "进度可以"},
        (401, 200, 200, 403, 403, 404),
    ),
    (
        "extension-on-a",
        lambda w: f"/api/v1/items/{w['a'].pk}/extension",
        {"reason": "资金未到位", "proposed_due": (today() + timedelta(60)).isoformat()},
        (401, 201, 403, 403, 201, 404),
    ),
    (
        "extension-on-ab",  # unit A is only a co-unit: it may not ask
        lambda w: f"/api/v1/items/{w['ab'].pk}/extension",
        {"reason": "资金未到位", "proposed_due": (today() + timedelta(60)).isoformat()},
        (401, 201, 403, 403, 403, 201),
    ),
    (
        "decide",
        lambda w: f"/api/v1/extensions/{_extension_on_a(w)}/decide",
        {"approve": True},
        (401, 200, 403, 403, 403, 404),
    ),
    (
        "closure-on-a",
        lambda w: f"/api/v1/items/{w['a'].pk}/closure",
        {"evidence": "验收报告"},
        (401, 201, 403, 403, 201, 404),
    ),
    (
        "closure-on-ab",
        lambda w: f"/api/v1/items/{w['ab'].pk}/closure",
        {"evidence": "验收报告"},
        (401, 201, 403, 403, 403, 201),
    ),
    (
        "verify",
        lambda w: f"/api/v1/closures/{_closure_on_a(w)}/verify",
        {"passed": True, "method": "现场"},
        (401, 200, 403, 403, 403, 404),
    ),
    (
        "report-missing-item",
        lambda w: "/api/v1/items/987654/reports",
        {"percent": 50},
        (401, 404, 404, 404, 404, 404),
    ),
    (
        "accept-missing",
        lambda w: "/api/v1/reports/987654/accept",
        None,
        (401, 404, 404, 404, 404, 404),
    ),
    (
        "decide-missing",
        lambda w: "/api/v1/extensions/987654/decide",
        {"approve": False},
        (401, 404, 404, 404, 404, 404),
    ),
    (
        "verify-missing",
        lambda w: "/api/v1/closures/987654/verify",
        {"passed": True},
        (401, 404, 404, 404, 404, 404),
    ),
]


@pytest.mark.parametrize(("label", "url", "body", "expected"), WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("role", ROLES)
def test_writing_each_role(users, world, label, url, body, expected, role) -> None:
    """A refused write changes nothing; a liaison of another unit gets the 404 of a missing
    object (the same answer, word for word)."""
    target = url(world)
    before = snapshot()
    response = post(client_of(users, role), target, body)
    want = dict(zip(ROLES, expected, strict=True))[role]
    if want in (200, 201):
        assert response.status_code == want, response.content[:300]
        assert response.json()["id"]
        assert snapshot() != before
        return
    answer = refusal(response, want)
    assert snapshot() == before
    if want == 404 and role.startswith("liaison"):
        parts = target.split("/")  # ["", "api", "v1", "items", ID, …]
        missing = "/".join([*parts[:4], "987654", *parts[5:]])
        assert post(client_of(users, "office"), missing, body).json() == answer


def basic(user: Any, password: str = STRONG_PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_http_basic_for_every_role_and_a_wrong_password(users, world) -> None:
    client = Client()
    numbers = {
        role: [
            i["number"] for i in client.get("/api/v1/items", **basic(users[role])).json()["items"]
        ]
        for role in users
    }
    assert numbers["office"] == numbers["leader"] == numbers["viewer"] == ["1", "2", "3", "9"]
    assert numbers["liaison_a"] == ["1", "3"] and numbers["liaison_b"] == ["2", "3", "9"]
    refusal(client.get("/api/v1/items", **basic(users["office"], "wrong-password-1!")), 401)
    response = client.post(
        f"/api/v1/items/{world['a'].pk}/reports",
        data=json.dumps({"percent": 30}),
        content_type="application/json",
        **basic(users["liaison_a"]),
    )
    assert response.status_code == 201 and response.json()["unit"] == "hualong"


def test_a_session_post_without_the_csrf_token_writes_nothing(users, world) -> None:
    client = client_of(users, "liaison_a", enforce_csrf_checks=True)
    before = snapshot()
    response = post(client, f"/api/v1/items/{world['a'].pk}/reports", {"percent": 30})
    assert response.status_code in (401, 403)
    assert snapshot() == before


# --- unit isolation in lists and filters -----------------------------------------------------


def test_a_liaison_sees_only_its_units_items_whatever_the_filters(users, world) -> None:
    a = client_of(users, "liaison_a")
    assert [i["number"] for i in a.get("/api/v1/items", {"unit": "puyang"}).json()["items"]] == [
        "3"
    ]  # a co-unit item of A, never B's own
    assert a.get("/api/v1/items", {"list": "t-other"}).json()["items"] == []
    lists = {row["key"]: row["items"] for row in a.get("/api/v1/lists").json()}
    assert lists == {"t-api": 2}
    exported = a.get("/api/v1/lists/t-api").json()
    assert [i["number"] for i in exported["items"]] == ["1", "3"]
    office_lists = {
        r["key"]: r["items"] for r in client_of(users, "office").get("/api/v1/lists").json()
    }
    assert office_lists == {"t-api": 3, "t-other": 1}


def test_the_list_is_pingyi_list_1_exactly_as_the_export(users, world) -> None:
    day = today() + timedelta(40)  # after the due: every open item overdue
    response = client_of(users, "viewer").get("/api/v1/lists/t-api", {"today": day.isoformat()})
    assert response.status_code == 200
    the_list = SupervisionList.objects.get(key="t-api")
    assert response.json() == json.loads(json.dumps(selectors.export_list(the_list, day)))
    body = response.json()
    assert body["format"] == "pingyi-list/1" and body["key"] == "t-api"
    assert {i["status"] for i in body["items"]} == {"overdue"}
    assert body["items"][0]["lead_unit"] == "hualong" and body["items"][2]["co_units"] == [
        "hualong"
    ]


def test_items_filtered_by_status_with_counts_and_today(users, world) -> None:
    client = client_of(users, "office")
    later = (today() + timedelta(40)).isoformat()
    body = client.get("/api/v1/items", {"today": later, "status": "on_track"}).json()
    assert body["today"] == later and body["items"] == []
    assert body["counts"] == {"done": 0, "overdue": 4, "lagging": 0, "due_soon": 0, "on_track": 0}
    body = client.get("/api/v1/items", {"status": "on_track"}).json()
    assert [i["number"] for i in body["items"]] == ["1", "2", "3", "9"]
    item = body["items"][0]
    assert item["status"]["status"] == "on_track" and item["lead_unit"] == {
        "code": "hualong",
        "name": "华龙区",
    }


# --- hostile query values and bodies ---------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"today": "2026-13-01"},
        {"today": "9999-12-31"},  # date arithmetic near date.max
        {"today": "0001-01-01"},
        {"today": "20260101"},
        {"today": "yesterday"},
        {"today": "2026-01-01\x00"},
        {"status": "<script>"},
        {"status": "overdue "},
        {"list": "t-api\x00"},  # PostgreSQL cannot compare a NUL: it was a 500
        {"unit": "\x00"},
        {"list": "清" * 101},
    ],
)
def test_bad_query_values_are_422_naming_the_parameter(users, world, query) -> None:
    client = client_of(users, "office")
    name = next(iter(query))
    body = refusal(client.get("/api/v1/items", query), 422)
    assert f"“{name}”" in body["detail"]
    if name == "today":
        refusal(client.get("/api/v1/lists/t-api", query), 422)
        refusal(client.get(f"/api/v1/items/{world['a'].pk}", query), 422)


HOSTILE_PERCENT = {
    "huge-exponent": ("1e999999999", 400),
    "tiny-exponent": ("1e-999999999", 400),
    "million-digits": ("9" * 1_000_000, 400),
    "long-integer": ("1" + "0" * 30, 400),
    "nan": ("NaN", 400),
    "over-100": ("101", 422),
    "negative": ("-1", 422),
    "fraction": ("50.5", 422),
    "fifty-point-zero": ("50.0", 422),
    "text": ('"50"', 422),
    "true": ("true", 422),
    "list": ("[50]", 422),
    "deep": ("[" * 5_000 + "]" * 5_000, 400),
    "open-brackets": ("[" * 100_000, 400),
}


@pytest.mark.parametrize("name", HOSTILE_PERCENT)
def test_a_hostile_percent_is_refused_in_the_api_shape(users, world, name) -> None:
    fragment, status = HOSTILE_PERCENT[name]
    before = snapshot()
    raw = '{"percent": ' + fragment + ', "done": "x"}'
    response = post(
        client_of(users, "liaison_a"), f"/api/v1/items/{world['a'].pk}/reports", raw=raw
    )
    body = refusal(response, status)
    assert snapshot() == before
    if status == 422:
        assert body["code"] == "bad_percent" and "“percent”" in body["detail"]


@pytest.mark.parametrize(
    ("raw", "status", "says"),
    [
        ('{"percent": 50, "done": "\\udc00"}', 400, "done"),  # a lone surrogate
        ('{"percent": 50, "done": "a\\u0000b"}', 400, "done"),  # PostgreSQL cannot store NUL
        ('{"percent": 50, "\\ud800": 1}', 400, ""),
        ('{"percent": 50, "done": "' + "进" * 5001 + '"}', 422, "done"),
        ('{"percent": 50, "period": "' + "周" * 41 + '"}', 422, "period"),
        ('{"percent": 50, "state": "accepted"}', 422, "state"),  # no mass assignment
        ('{"percent": 50, "done": 7}', 422, "done"),
        ('{"done": "x"}', 422, "percent"),
        ('{"percent": 50, "reported_on": "2026-02-30"}', 422, "reported_on"),
        ("[]", 400, ""),
        ('"x"', 400, ""),
        ("", 400, ""),
        ("{", 400, ""),
        (b"\xff\xfe{}", 400, ""),
    ],
)
def test_a_hostile_report_body_is_refused_and_writes_nothing(
    users, world, raw, status, says
) -> None:
    before = snapshot()
    response = post(
        client_of(users, "liaison_a"), f"/api/v1/items/{world['a'].pk}/reports", raw=raw
    )
    body = refusal(response, status)
    assert says in body["detail"]
    assert snapshot() == before


def test_huge_and_odd_ids_and_keys_are_404_in_the_api_shape(users, world) -> None:
    client = client_of(users, "office")
    for key in ("t-api%00", "%ED%A0%80", "%00"):  # a NUL, a lone surrogate in UTF-8
        refusal(client.get(f"/api/v1/lists/{key}"), 404)
    for url in (
        "/api/v1/items/99999999999999999999999999",
        "/api/v1/items/-1",
        "/api/v1/items/１",
        "/api/v1/items/1e3",
    ):
        refusal(client.get(url), 404)
    refusal(post(client, "/api/v1/reports/99999999999999999999999999/accept"), 404)
    refusal(
        post(client, "/api/v1/closures/99999999999999999999999999/verify", {"passed": True}), 404
    )


@pytest.mark.parametrize(
    ("url", "body", "status", "code"),
    [
        ("extension", {"reason": "", "proposed_due": "+60"}, 422, "reason_required"),
        ("extension", {"reason": "x", "proposed_due": "+0"}, 422, "bad_date"),
        ("extension", {"reason": "x", "proposed_due": "9999-12-31"}, 422, "bad_date"),
        ("extension", {"reason": "x", "proposed_due": 20260101}, 422, "bad_date"),
        ("extension", {"reason": "x"}, 422, "missing"),
        ("closure", {"evidence": "   "}, 422, "evidence_required"),
        ("closure", {"evidence": ["a"]}, 422, "invalid"),
        ("reports", {"percent": 50, "reported_on": "+1"}, 422, "bad_date"),
        ("reports", {"percent": 50, "reported_on": "-1"}, 422, "bad_date"),  # a liaison backdating
        ("reports", {"percent": 50, "unit": "puyang"}, 403, "forbidden"),  # for another unit
    ],
)
def test_a_liaisons_bad_request_says_what_and_writes_nothing(
    users, world, url, body, status, code
) -> None:
    def day(value: Any) -> Any:
        if isinstance(value, str) and value[:1] in "+-" and value[1:].isdigit():
            return (today() + timedelta(int(value))).isoformat()
        return value

    body = {k: day(v) for k, v in body.items()}
    before = snapshot()
    response = post(client_of(users, "liaison_a"), f"/api/v1/items/{world['a'].pk}/{url}", body)
    assert refusal(response, status)["code"] == code
    assert snapshot() == before


def test_office_decisions_refuse_bad_input_with_the_field_named(users, world) -> None:
    office = client_of(users, "office")
    report = _report_on_a(world)
    before = snapshot()
    body = refusal(post(office, f"/api/v1/reports/{report}/return", {"reason": " "}), 422)
    assert body["code"] == "reason_required"
    body = refusal(post(office, f"/api/v1/reports/{report}/comment", {"rating": "优"}), 422)
    assert "“rating”" in body["detail"] and "好 / 较好 / 一般 / 差" in body["detail"]
    extension = _extension_on_a(world)
    before = snapshot()
    body = refusal(post(office, f"/api/v1/extensions/{extension}/decide", {"approve": "yes"}), 422)
    assert "“approve”" in body["detail"]
    earlier = (today() + timedelta(10)).isoformat()  # not after the due
    body = refusal(
        post(office, f"/api/v1/extensions/{extension}/decide", {"approve": True, "date": earlier}),
        422,
    )
    assert body["code"] == "bad_date"
    closure = _closure_on_a(world)
    before = snapshot()
    body = refusal(post(office, f"/api/v1/closures/{closure}/verify", {"passed": False}), 422)
    assert body["code"] == "reason_required"
    body = refusal(
        post(office, f"/api/v1/closures/{closure}/verify", {"passed": True, "method": "猜"}), 422
    )
    assert "“method”" in body["detail"]
    refusal(post(office, f"/api/v1/closures/{closure}/verify", {"passed": 1}), 422)
    assert snapshot() == before


# --- the whole cycle -------------------------------------------------------------------------


def test_an_item_through_its_whole_cycle_over_the_api(users, world) -> None:
    a, b = client_of(users, "liaison_a"), client_of(users, "liaison_b")
    office, leader = client_of(users, "office"), client_of(users, "leader")
    item = world["a"].pk
    filed = post(
        a,
        f"/api/v1/items/{item}/reports",
        {
            "percent": 40,
            "done": " 完成选址 ",
            "problems": "资金",
            "next_steps": "招标",
            "period": "第1周",
        },
    )
    assert filed.status_code == 201
    report = filed.json()
    assert report["state"] == "pending" and report["done"] == "完成选址"
    assert report["reported_on"] == today().isoformat() and report["unit"] == "hualong"
    # a pending report does not move R; accepted, it does; twice is a conflict
    assert office.get(f"/api/v1/items/{item}").json()["status"]["progress"] == 0
    assert post(office, f"/api/v1/reports/{report['id']}/accept").json()["state"] == "accepted"
    refusal(post(office, f"/api/v1/reports/{report['id']}/accept"), 409)
    assert office.get(f"/api/v1/items/{item}").json()["status"]["progress"] == 40
    # the leader's 差 makes the item lagging
    rated = post(
        leader, f"/api/v1/reports/{report['id']}/comment", {"rating": "差", "text": "太慢"}
    )
    assert rated.json()["rating"] == "差" and rated.json()["rated_by"] == "fx-leader"
    status = a.get(f"/api/v1/items/{item}").json()["status"]
    assert status["status"] == "lagging" and "rated_poor" in status["reasons"]
    # a second report, returned with a reason
    second = post(a, f"/api/v1/items/{item}/reports", {"percent": 45}).json()
    returned = post(office, f"/api/v1/reports/{second['id']}/return", {"reason": "数据不实"})
    assert returned.json()["state"] == "returned"
    refusal(post(leader, f"/api/v1/reports/{second['id']}/comment", {"rating": "好"}), 409)
    # an extension, approved with another date; a second one is refused
    proposed = (today() + timedelta(60)).isoformat()
    ext = post(a, f"/api/v1/items/{item}/extension", {"reason": "资金", "proposed_due": proposed})
    assert ext.status_code == 201 and ext.json()["state"] == "pending"
    again = post(a, f"/api/v1/items/{item}/extension", {"reason": "资金", "proposed_due": proposed})
    assert refusal(again, 409)["code"] == "one_extension"
    approved = (today() + timedelta(50)).isoformat()
    decided = post(
        office, f"/api/v1/extensions/{ext.json()['id']}/decide", {"approve": True, "date": approved}
    ).json()
    assert decided["state"] == "approved" and decided["approved_due"] == approved
    assert a.get(f"/api/v1/items/{item}").json()["status"]["due"] == approved
    # closure: applied, returned (退办), applied again, verified: done; no more reports
    closure = post(a, f"/api/v1/items/{item}/closure", {"evidence": "验收报告"}).json()
    refusal(post(a, f"/api/v1/items/{item}/closure", {"evidence": "再次"}), 409)
    back = post(
        office, f"/api/v1/closures/{closure['id']}/verify", {"passed": False, "reason": "缺资料"}
    )
    assert back.json()["state"] == "returned" and back.json()["reason"] == "缺资料"
    closure = post(a, f"/api/v1/items/{item}/closure", {"evidence": "补充资料"}).json()
    passed = post(
        office, f"/api/v1/closures/{closure['id']}/verify", {"passed": True, "method": "现场"}
    )
    assert passed.json()["state"] == "verified" and passed.json()["method"] == "现场"
    refusal(post(a, f"/api/v1/items/{item}/reports", {"percent": 100}), 409)
    # the timeline, as every reader sees it; unit B still gets 404
    detail = leader.get(f"/api/v1/items/{item}").json()
    assert detail["status"]["status"] == "done" and detail["closed_on"] == today().isoformat()
    assert [r["state"] for r in detail["reports"]] == ["accepted", "returned"]
    assert detail["reports"][1]["return_reason"] == "数据不实"
    assert [e["state"] for e in detail["extensions"]] == ["approved"]
    assert [c["state"] for c in detail["closures"]] == ["returned", "verified"]
    assert detail["deadline_text"] == "30日内" and detail["deadline"]["kind"] == "date"
    refusal(b.get(f"/api/v1/items/{item}"), 404)


def test_the_office_enters_a_report_of_another_unit_of_the_item_on_an_earlier_day(
    users, world
) -> None:
    office = client_of(users, "office")
    earlier = (today() - timedelta(3)).isoformat()
    body = {"percent": 20, "unit": "hualong", "reported_on": earlier}
    report = post(office, f"/api/v1/items/{world['ab'].pk}/reports", body).json()
    assert report["unit"] == "hualong" and report["state"] == "accepted"
    assert report["reported_on"] == earlier
    refused = post(
        office, f"/api/v1/items/{world['a'].pk}/reports", {"percent": 20, "unit": "puyang"}
    )
    assert refusal(refused, 422)["code"] == "not_items_unit"
    refused = post(
        office, f"/api/v1/items/{world['a'].pk}/reports", {"percent": 20, "unit": "nope"}
    )
    assert refusal(refused, 422)["code"] == "unknown_unit"


def test_an_extension_after_the_due_is_refused(users, world) -> None:
    item = world["a"]
    item.due = today() - timedelta(1)
    item.save(update_fields=["due"])
    body = {"reason": "x", "proposed_due": (today() + timedelta(30)).isoformat()}
    response = post(client_of(users, "liaison_a"), f"/api/v1/items/{item.pk}/extension", body)
    assert refusal(response, 409)["code"] == "too_late"
    assert not Extension.objects.exists()


# --- requests at the same moment ---------------------------------------------------------------

RACERS = 8


def race(user: Any, requests: list[tuple[str, Any]]) -> list[int]:
    """``requests`` (URL, body) posted by ``user`` from as many threads at once; the statuses."""
    from django.db import close_old_connections, connections

    clients = [Client() for _ in requests]
    for client in clients:
        client.force_login(user)
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(client: Client, url: str, body: Any) -> None:
        try:
            barrier.wait(timeout=30)
            status = post(client, url, body).status_code
        except Exception:  # pragma: no cover - a 5xx or a broken thread fails below
            status = 599
        finally:
            connections.close_all()
        with lock:
            statuses.append(status)

    threads = [
        threading.Thread(target=send, args=(client, url, body))
        for client, (url, body) in zip(clients, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return sorted(statuses)


def extension_race(users: dict[str, Any], world: dict[str, Item]) -> list[int]:
    body = {"reason": "资金", "proposed_due": (today() + timedelta(60)).isoformat()}
    url = f"/api/v1/items/{world['a'].pk}/extension"
    return race(users["liaison_a"], [(url, body)] * RACERS)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_extension_requests_admit_one(users, world) -> None:
    assert extension_race(users, world) == [201] + [409] * (RACERS - 1)
    assert Extension.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_decide_a_report_once(users, world) -> None:
    from pingyi.core.models import AuditEntry

    report = _report_on_a(world)
    accept = (f"/api/v1/reports/{report}/accept", None)
    give_back = (f"/api/v1/reports/{report}/return", {"reason": "数据不实"})
    statuses = race(users["office"], [accept, give_back] * (RACERS // 2))
    assert statuses == [200] + [409] * (RACERS - 1)
    decided = AuditEntry.objects.filter(action__in=REPORT_DECISIONS)
    assert decided.count() == 1


REPORT_DECISIONS = ("supervision.report.accepted", "supervision.report.returned")


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_race_is_seen(users, world, monkeypatch) -> None:
    """Without the item's row lock (neither the API's nor the service's), several requests
    pass "one extension per item": the harness really sends them at the same time."""
    from django.db import connection


    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions (BEGIN IMMEDIATE): no race to see")
    from pingyi.supervision import services

    # Every request waits, inside its transaction and before the check, until all have come
    # (no lock orders them), so the checks meet; a machine busy enough to keep the threads
    # apart anyway gets a few more tries.
    gate = threading.Barrier(RACERS)

    def no_lock(obj: Any) -> None:
        obj.refresh_from_db()
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait(timeout=10)

    monkeypatch.setattr(services, "_lock", no_lock)
    for _attempt in range(5):
        gate.reset()
        Extension.objects.filter(item=world["a"]).delete()
        statuses = extension_race(users, world)
        if statuses.count(201) > 1:
            break
    assert statuses.count(201) > 1, statuses


@pytest.mark.django_db(transaction=True)
def test_the_services_lock_alone_admits_one(users, world, monkeypatch) -> None:
    """The service takes the row lock itself (the API takes none of its own), so every caller
    (pages, the command line, the Excel import) is protected: one passes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions (BEGIN IMMEDIATE): no race to see")
    assert extension_race(users, world).count(201) == 1


# --- the schema --------------------------------------------------------------------------------


def test_the_openapi_schema_lists_every_supervision_route(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/lists": {"get"},
        "/api/v1/lists/{key}": {"get"},
        "/api/v1/items": {"get"},
        "/api/v1/items/{item_id}": {"get"},
        "/api/v1/items/{item_id}/reports": {"post"},
        "/api/v1/reports/{report_id}/accept": {"post"},
        "/api/v1/reports/{report_id}/return": {"post"},
        "/api/v1/reports/{report_id}/comment": {"post"},
        "/api/v1/items/{item_id}/extension": {"post"},
        "/api/v1/extensions/{extension_id}/decide": {"post"},
        "/api/v1/items/{item_id}/closure": {"post"},
        "/api/v1/closures/{closure_id}/verify": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            assert "supervision" in operation["tags"]
            assert {"401", "404"} <= set(operation["responses"]) or path in (
                "/api/v1/lists",
                "/api/v1/items",
            )
            if method == "post":
                assert "requestBody" in operation or path.endswith("/accept"), path
    params = {p["name"] for p in paths["/api/v1/items"]["get"]["parameters"]}
    assert params == {"list", "unit", "status", "today"}
    report_in = paths["/api/v1/items/{item_id}/reports"]["post"]["requestBody"]
    assert "percent" in report_in["content"]["application/json"]["schema"]["properties"]
