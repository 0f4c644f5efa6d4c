"""The notices' API (supervision/api_notices.py): the list by the account's scope, one notice
(404 for a notice the account may not read, as for a missing one), 签收, the reply as JSON
or multipart with attachments (a .exe renamed .pdf named and nothing written), the office's
accept / return; refusals are {"detail", "code"} naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pingyi.supervision.models import Attachment, NoticeReply, ReplyState
from tests.supervision import test_notice_pages as pages
from tests.supervision.test_notice_pages import EXE_BYTES, PDF_BYTES, as_

pytestmark = pytest.mark.django_db

#: the notice pages' world: a red 督办单 to 华龙区, a blue 提醒 to 濮阳县 and 华龙区
world = pages.world

API = "/api/v1"


def post(client: Client, url: str, body: Any = None) -> Any:
    if body is None:
        return client.post(url)
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_anonymous_gets_401(world) -> None:
    assert Client().get(f"{API}/notices").status_code == 401


@pytest.mark.parametrize(
    ("role", "colours"),
    [
        ("office", ["red", "blue"]),
        ("leader", ["red", "blue"]),
        ("viewer", ["red", "blue"]),
        ("liaison_a", ["red", "blue"]),
        ("liaison_b", ["blue"]),
    ],
)
def test_the_list_follows_the_accounts_scope(world, role, colours) -> None:
    response = as_(world[role]).get(f"{API}/notices")
    assert response.status_code == 200
    assert sorted(n["colour"] for n in response.json()) == sorted(colours)


def test_the_list_filters_and_names_a_bad_filter(world) -> None:
    office = as_(world["office"])
    rows = office.get(f"{API}/notices?colour=red").json()
    assert [(n["colour"], n["number"]) for n in rows] == [("red", world["red"].number)]
    assert office.get(f"{API}/notices?state=closed").json() == []
    bad = office.get(f"{API}/notices?colour=purple")
    assert bad.status_code == 422
    assert bad.json()["code"] == "bad_colour" and "colour" in bad.json()["detail"]
    assert office.get(f"{API}/notices?state=%00").status_code == 422


def test_another_units_notice_is_404_like_a_missing_one(world) -> None:
    red = world["red"]
    b = as_(world["liaison_b"])
    for response in (
        b.get(f"{API}/notices/{red.pk}"),
        post(b, f"{API}/notices/{red.pk}/acknowledge"),
        post(b, f"{API}/notices/{red.pk}/replies", {"text": "越权"}),
        as_(world["office"]).get(f"{API}/notices/987654"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert not NoticeReply.objects.exists()


def test_readers_may_not_acknowledge_nor_reply(world) -> None:
    red = world["red"]
    for role in ("office", "leader", "viewer"):
        client = as_(world[role])
        assert post(client, f"{API}/notices/{red.pk}/acknowledge").status_code == 403
        assert post(client, f"{API}/notices/{red.pk}/replies", {"text": "代答"}).status_code == 403
    red.refresh_from_db()
    assert red.acknowledged_at is None


def test_acknowledge_twice_is_one_acknowledgement(world) -> None:
    red, a = world["red"], as_(world["liaison_a"])
    first = post(a, f"{API}/notices/{red.pk}/acknowledge")
    assert first.status_code == 200
    at = first.json()["acknowledged_at"]
    assert at is not None
    again = post(a, f"{API}/notices/{red.pk}/acknowledge")
    assert again.status_code == 200 and again.json()["acknowledged_at"] == at


def test_a_blue_notice_is_not_acknowledged_409(world) -> None:
    blue = world["blue"]
    response = post(as_(world["liaison_b"]), f"{API}/notices/{blue.pk}/acknowledge")
    assert response.status_code == 409
    assert response.json()["code"] == "not_red"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing"),
        ({"text": 5}, "invalid"),
        ({"text": "x" * 5001}, "too_long"),
        ({"text": "说明", "extra": 1}, "unknown_field"),
        ({"text": "   "}, "reply_required"),
    ],
)
def test_a_bad_json_reply_is_named_and_nothing_is_written(world, body, code) -> None:
    red = world["red"]
    response = post(as_(world["liaison_a"]), f"{API}/notices/{red.pk}/replies", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert not NoticeReply.objects.exists()


def test_a_multipart_reply_with_an_exe_renamed_pdf_is_refused(world) -> None:
    red = world["red"]
    files = [
        SimpleUploadedFile("说明.pdf", PDF_BYTES, "application/pdf"),
        SimpleUploadedFile("整改方案.pdf", EXE_BYTES, "application/pdf"),
    ]
    response = as_(world["liaison_a"]).post(
        f"{API}/notices/{red.pk}/replies", {"text": "整改方案", "attachments": files}
    )
    assert response.status_code == 422
    assert "整改方案.pdf" in response.json()["detail"]
    assert not NoticeReply.objects.exists() and not Attachment.objects.exists()


def test_the_whole_cycle_reply_return_reply_accept(world) -> None:
    red, a, office = world["red"], as_(world["liaison_a"]), as_(world["office"])
    first = a.post(
        f"{API}/notices/{red.pk}/replies",
        {"text": "资金已到位", "attachments": [SimpleUploadedFile("说明.pdf", PDF_BYTES)]},
    )
    assert first.status_code == 201, first.content
    reply = first.json()
    assert reply["state"] == "pending" and [f["name"] for f in reply["attachments"]] == ["说明.pdf"]
    # a second while one awaits: 409; the liaison may not decide: 403
    assert post(a, f"{API}/notices/{red.pk}/replies", {"text": "再答"}).status_code == 409
    assert post(a, f"{API}/notice-replies/{reply['id']}/accept").status_code == 403
    bad = post(office, f"{API}/notice-replies/{reply['id']}/return", {"reason": ""})
    assert bad.status_code == 422 and bad.json()["code"] == "reason_required"
    returned = post(office, f"{API}/notice-replies/{reply['id']}/return", {"reason": "措施不具体"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    second = post(a, f"{API}/notices/{red.pk}/replies", {"text": "补充措施"})
    assert second.status_code == 201
    accepted = post(office, f"{API}/notice-replies/{second.json()['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = post(office, f"{API}/notice-replies/{second.json()['id']}/accept")
    assert again.status_code == 409 and again.json()["code"] == "decided"
    notice = office.get(f"{API}/notices/{red.pk}").json()
    assert [r["state"] for r in notice["replies"]] == ["returned", "accepted"]
    assert notice["number"] == red.number and notice["units"] == ["hualong"]
    assert NoticeReply.objects.filter(state=ReplyState.ACCEPTED).count() == 1


def test_a_reply_of_a_notice_the_account_cannot_read_is_404(world) -> None:
    red = world["red"]
    reply = as_(world["liaison_a"]).post(
        f"{API}/notices/{red.pk}/replies", {"text": "说明"}
    ).json()
    response = post(as_(world["liaison_b"]), f"{API}/notice-replies/{reply['id']}/accept")
    assert response.status_code == 404
    assert post(as_(world["office"]), f"{API}/notice-replies/987654/accept").status_code == 404
