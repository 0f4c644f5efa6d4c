"""The office's list page and an item's page (supervision/views.py): filters, counts by status,
status with colour and word in Chinese first and English, a liaison sees only its unit's items
and cannot open another unit's item (403)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.orgs.demo import load_demo_units
from pingyi.supervision.demo import load_demo_list
from pingyi.supervision.models import Item
from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    load_demo_units()
    load_demo_list()
    return f"{timezone.localdate().year}-key-tasks"


def client_of(role: str, unit: str | None = None) -> Client:
    from pingyi.orgs.models import Unit

    user = User.objects.create_user(
        username=f"p-{role}-{unit}",
        password=STRONG_PASSWORD,
        role=role,
        unit=Unit.objects.get(code=unit) if unit else None,
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_list_page_counts_by_status_with_colour_and_word_in_chinese(demo: str) -> None:
    response = client_of("office").get(reverse("supervision:item_list"))
    assert response.status_code == 200
    body = response.content.decode()
    for word, css in (
        ("已办结", "status-done"),
        ("逾期", "status-overdue"),
        ("滞后", "status-lagging"),
        ("临期", "status-due_soon"),
        ("正常推进", "status-on_track"),
    ):
        assert f'class="status {css}">{word}' in body, word
    assert len(response.context["rows"]) == 20
    assert sum(count for _n, _l, count in response.context["statuses"]) == 20
    assert "推进濮阳东站综合交通枢纽建设" in body


def test_the_list_page_in_english(demo: str) -> None:
    client = client_of("leader")
    response = client.get(reverse("supervision:item_list"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Overdue" in body and "On track" in body and "Lead unit" in body
    assert "逾期" not in body


def test_filters_by_list_unit_and_status(demo: str) -> None:
    client = client_of("viewer")
    url = reverse("supervision:item_list")
    rows = client.get(url, {"status": "overdue"}).context["rows"]
    assert rows and {r.status for r in rows} == {"overdue"}
    rows = client.get(url, {"unit": "hualong"}).context["rows"]
    numbers = {r.item.number for r in rows}
    assert "20" in numbers and "2" in numbers  # lead and co-unit
    assert all(
        r.item.lead_unit.code == "hualong" or r.item.co_units.filter(code="hualong").exists()
        for r in rows
    )
    assert client.get(url, {"list": "no-such-list"}).context["rows"] == []
    assert client.get(url, {"status": "<script>"}).status_code == 200



def test_filters_by_leader_and_flag_and_sort_by_due(demo: str) -> None:
    client = client_of("office")
    url = reverse("supervision:item_list")
    everything = client.get(url).context["rows"]
    leader = everything[0].item.leader
    rows = client.get(url, {"leader": leader}).context["rows"]
    assert rows and {r.item.leader for r in rows} == {leader}
    assert len(rows) < len(everything)
    assert leader in client.get(url).context["leaders"]
    for flag in ("难点", "痛点", "堵点"):
        rows = client.get(url, {"flag": flag}).context["rows"]
        expected = [r for r in everything if flag in (r.item.flags or [])]
        assert [r.item.pk for r in rows] == [r.item.pk for r in expected]
        # the counts follow the filter
        response = client.get(url, {"flag": flag})
        assert response.context["total"] == len(expected)
    assert client.get(url, {"flag": "<script>"}).context["rows"] == everything
    rows = client.get(url, {"sort": "due"}).context["rows"]
    dues = [r.due for r in rows if r.due is not None]
    assert dues == sorted(dues) and len(rows) == len(everything)
    assert all(r.due is None for r in rows[len(dues) :])  # no due date: last
    body = client.get(url, {"leader": leader, "sort": "due"}).content.decode()
    assert 'name="leader"' in body and 'name="flag"' in body and 'value="due" selected' in body

def test_a_liaison_sees_only_its_units_items_and_gets_403_on_another_units(demo: str) -> None:
    client = client_of("unit", "hualong")
    rows = client.get(reverse("supervision:item_list")).context["rows"]
    mine = set(Item.objects.filter(lead_unit__code="hualong").values_list("number", flat=True))
    mine |= set(Item.objects.filter(co_units__code="hualong").values_list("number", flat=True))
    assert {r.item.number for r in rows} == mine
    other = Item.objects.exclude(lead_unit__code="hualong").exclude(co_units__code="hualong")
    number = other.first().number  # type: ignore[union-attr]
    response = client.get(reverse("supervision:item_detail", args=[demo, number]))
    assert response.status_code == 403
    assert client.get(reverse("supervision:item_detail", args=[demo, "20"])).status_code == 200
    # the filter cannot widen what a liaison sees
    rows = client.get(reverse("supervision:item_list"), {"unit": "fgw"}).context["rows"]
    assert {r.item.number for r in rows} <= mine


def test_the_item_page_shows_status_reasons_and_timeline(demo: str) -> None:
    client = client_of("office")
    response = client.get(reverse("supervision:item_detail", args=[demo, "13"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "延期" in body or "Extension" in body
    timeline = response.context["timeline"]
    kinds = [e.kind for e in timeline]
    assert kinds[0] == "assigned" and "extension" in kinds and "report" in kinds
    assert [e.day for e in timeline] == sorted(e.day for e in timeline)
    response = client.get(reverse("supervision:item_detail", args=[demo, "8"]))
    assert "已办结" in response.content.decode()


def test_unknown_list_or_item_is_404_and_anonymous_signs_in(demo: str, client: Any) -> None:
    office = client_of("office")
    assert office.get(reverse("supervision:item_detail", args=[demo, "999"])).status_code == 404
    assert office.get(reverse("supervision:item_detail", args=["nope", "1"])).status_code == 404
    response = client.get(reverse("supervision:item_list"))
    assert response.status_code == 302 and "next=" in response["Location"]
