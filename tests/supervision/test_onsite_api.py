"""The on-site office's REST API (supervision/api_onsite.py): the office records a meeting
(all or nothing, a bad problem named by index and field), reads the similar problems and
decides a batch; a liaison reads only its unit's problems (another's answers 404, like a
missing one) and may neither batch nor read the similar ones (403); nothing is written by a
refused request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from pingyi.accounts.models import User
from pingyi.orgs.demo import load_demo_units
from pingyi.orgs.models import Unit
from pingyi.supervision.models import Item, OnsiteMeeting, ProblemBatch

pytestmark = pytest.mark.django_db
API = "/api/v1"
PASSWORD = "x-Strong-pass-1"
MEETING = {
    "title": "2026年11月现场办公会",
    "held_on": "2026-11-18",
    "place": "濮阳工业园区",
    "leader": "李明",
    "problems": [
        {
            "unit": "gongyeyuan",
            "category": "基础设施",
            "description": "园区内道路未打通，企业货车绕行",
            "responsible_unit": "市交通局",
            "deadline": "12月底前",
        },
        {
            "unit": "puyang",
            "category": "基础设施",
            "description": "濮阳县产业集聚区规划路尚未打通，企业货运车辆绕行严重",
            "responsible_unit": "jtj",
        },
        {
            "unit": "华龙区",
            "category": "城市管理",
            "description": "华龙区人民医院周边停车难",
            "responsible_unit": "zjj",
            "decision": "新建立体停车场",
        },
    ],
}


def as_(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def users(db: None) -> dict[str, Any]:
    load_demo_units()
    puyang = Unit.objects.get(code="puyang")
    return {
        "office": User.objects.create_user("o1", password=PASSWORD, role="office"),
        "leader": User.objects.create_user("l1", password=PASSWORD, role="leader"),
        "puyang": User.objects.create_user("p1", password=PASSWORD, role="unit", unit=puyang),
    }


def test_record_read_similar_and_batch(users) -> None:
    office = as_(users["office"])
    made = post(office, f"{API}/onsite/meetings", MEETING)
    assert made.status_code == 201, made.content
    body = made.json()
    assert [p["item"] for p in body["problems"]] == [f"XC{body['id']}-{n}" for n in (1, 2, 3)]
    assert body["problems"][0]["responsible_unit"] == "jtj"
    assert body["problems"][0]["due"] == "2026-12-31"
    first, second, third = (p["id"] for p in body["problems"])
    similar = office.get(f"{API}/onsite/problems/{first}/similar").json()
    assert [(s["problem"]["id"], s["tier"]) for s in similar] == [(second, "similar")]
    batch = post(
        office,
        f"{API}/onsite/problems/{first}/batch",
        {"members": [second], "decision": "市交通运输局统筹打通", "decided_by": "李明"},
    )
    assert batch.status_code == 201, batch.content
    assert {p["decision"] for p in batch.json()} == {"市交通运输局统筹打通"}
    counts = office.get(f"{API}/onsite/counts").json()
    assert counts["batched"] == 2 and counts["batches"] == 1 and counts["problems"] == 3
    again = post(
        office,
        f"{API}/onsite/problems/{second}/batch",
        {"members": [first], "decision": "再批", "decided_by": "李明"},
    )
    assert again.status_code == 409 and again.json()["code"] == "batch_refused"
    other = post(
        office,
        f"{API}/onsite/problems/{third}/batch",
        {"members": [first], "decision": "停车", "decided_by": "李明"},
    )
    assert other.status_code == 409
    assert "基础设施" in other.json()["detail"] and "城市管理" in other.json()["detail"]
    assert ProblemBatch.objects.count() == 1
    assert len(office.get(f"{API}/onsite/meetings").json()) == 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"problems": []}, "problems"),
        ({"problems": [{**MEETING["problems"][0], "unit": "华龙县"}]}, "华龙区"),
        ({"problems": [{**MEETING["problems"][0], "colour": "red"}]}, "problems[0].colour"),
        ({"problems": [{**MEETING["problems"][0], "description": 5}]}, "problems[0].description"),
        ({"problems": [{**MEETING["problems"][0], "deadline": "x" * 201}]}, "problems[0].deadline"),
        ({"held_on": "2026-02-30"}, "held_on"),
        ({"place": None}, "place"),
        ({"problems": "停车难"}, "problems"),
    ],
)
def test_a_bad_meeting_is_refused_named_and_nothing_written(users, change, says) -> None:
    answer = post(as_(users["office"]), f"{API}/onsite/meetings", {**MEETING, **change})
    assert answer.status_code == 422, answer.content
    assert says in answer.json()["detail"]
    assert not OnsiteMeeting.objects.exists() and not Item.objects.exists()


def test_who_may(users) -> None:
    body = post(as_(users["office"]), f"{API}/onsite/meetings", MEETING).json()
    first, second, _third = (p["id"] for p in body["problems"])
    liaison = as_(users["puyang"])
    assert post(liaison, f"{API}/onsite/meetings", MEETING).status_code == 403
    assert liaison.get(f"{API}/onsite/problems/{second}").status_code == 200
    assert liaison.get(f"{API}/onsite/problems/{first}").status_code == 404  # not its unit's
    assert liaison.get(f"{API}/onsite/problems/{second}/similar").status_code == 403
    assert liaison.get(f"{API}/onsite/counts").status_code == 403
    shown = liaison.get(f"{API}/onsite/meetings/{body['id']}").json()
    assert [p["id"] for p in shown["problems"]] == [second] and shown["counts"] is None
    batch = {"members": [first], "decision": "x", "decided_by": "x"}
    assert post(liaison, f"{API}/onsite/problems/{second}/batch", batch).status_code == 403
    leader = as_(users["leader"])
    assert post(leader, f"{API}/onsite/problems/{second}/batch", batch).status_code == 403
    assert leader.get(f"{API}/onsite/problems/{second}/similar").status_code == 200
    office = as_(users["office"])
    bad = post(office, f"{API}/onsite/problems/{second}/batch", {**batch, "members": [True]})
    assert bad.status_code == 422
    assert not ProblemBatch.objects.exists()
    assert Client().get(f"{API}/onsite/meetings").status_code == 401
    assert as_(users["office"]).get(f"{API}/onsite/meetings/98765").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_simultaneous_batches_of_one_problem_admit_one(users) -> None:
    """Eight offices batch the same problems at the same moment (from both ends): the rows are
    locked, so one batch is made and the others are refused (409), never two batches."""
    from tests.supervision.test_api import RACERS, race

    body = post(as_(users["office"]), f"{API}/onsite/meetings", MEETING).json()
    first, second, _third = (p["id"] for p in body["problems"])
    one = (
        f"{API}/onsite/problems/{first}/batch",
        {"members": [second], "decision": "甲", "decided_by": "李明"},
    )
    two = (
        f"{API}/onsite/problems/{second}/batch",
        {"members": [first], "decision": "乙", "decided_by": "王强"},
    )
    statuses = race(users["office"], [one, two] * (RACERS // 2))
    assert statuses == [201] + [409] * (RACERS - 1)
    assert ProblemBatch.objects.count() == 1
