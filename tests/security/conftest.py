"""A demo-like world for the security tests: accounts of every role, units hualong/puyang,
one event in each state (draft, open, closed, published), slides, cards and ballots.

``security_world`` is built once per test module inside a transaction that is rolled back
when the module ends; every test runs in a savepoint of it (pytest-django's ``db``), so a
request that changes something (an office action) never leaks into the next test.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.conftest import STRONG_PASSWORD

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: Role names of the matrix. ``evaluator`` has no account: it holds a valid ballot card.
ROLES = ("anonymous", "evaluator", "liaison_a", "liaison_b", "leader", "viewer", "office")
ACCOUNT_ROLES = {
    "office": "office",
    "leader": "leader",
    "viewer": "viewer",
    "liaison_a": "unit",
    "liaison_b": "unit",
}


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


def event_json(key: str, names: dict[str, str] | None = None) -> str:
    """An event.json with two tracks and two panels; ``names`` overrides display names
    (keys: event, track_counties, track_leads, hualong, puyang, qingfeng, fgw, gxj,
    panel_leaders, panel_attendees)."""
    n = {
        "event": f"{key} 工作述职评议会",
        "track_counties": "县（区）",
        "track_leads": "牵头单位",
        "hualong": "华龙区",
        "puyang": "濮阳县",
        "qingfeng": "清丰县",
        "fgw": "市发展改革委",
        "gxj": "市工业和信息化局",
        "panel_leaders": "市级领导",
        "panel_attendees": "列席人员",
        **(names or {}),
    }
    data = {
        "format": "pingyi-event/1",
        "key": key,
        "name": n["event"],
        "held_on": "2026-07-17",
        "tracks": [
            {
                "key": "counties",
                "name": n["track_counties"],
                "units": [
                    {"key": "hualong", "name": n["hualong"]},
                    {"key": "puyang", "name": n["puyang"]},
                    {"key": "qingfeng", "name": n["qingfeng"]},
                ],
                "rubric": {
                    "kind": "criteria",
                    "criteria": [
                        {"key": "results", "name": "工作实绩", "max": 60},
                        {"key": "style", "name": "能力作风", "max": 40},
                    ],
                },
            },
            {
                "key": "leads",
                "name": n["track_leads"],
                "units": [
                    {"key": "fgw", "name": n["fgw"]},
                    {"key": "gxj", "name": n["gxj"]},
                ],
                "rubric": {
                    "kind": "grades",
                    "abstain": True,
                    "grades": [
                        {"key": "good", "name": "好", "points": 100},
                        {"key": "fair", "name": "较好", "points": 85},
                        {"key": "average", "name": "一般", "points": 70},
                    ],
                },
            },
        ],
        "panels": [
            {"key": "leaders", "name": n["panel_leaders"], "weight": 0.6, "expected": 3},
            {"key": "attendees", "name": n["panel_attendees"], "weight": 0.4},
        ],
        "method": {"weighting": "panels", "trim": 0, "decimals": 2},
    }
    return json.dumps(data, ensure_ascii=False)


def full_scores(n: int = 0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, unit in enumerate(("hualong", "puyang", "qingfeng")):
        rows.append({"track": "counties", "unit": unit, "item": "results", "value": 50 - 5 * i})
        rows.append({"track": "counties", "unit": unit, "item": "style", "value": 30 - (n % 3)})
    rows.append({"track": "leads", "unit": "fgw", "item": "grade", "value": "good"})
    rows.append({"track": "leads", "unit": "gxj", "item": "grade", "value": "fair"})
    return rows


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    events: dict[str, Any] = field(default_factory=dict)  # state -> Event
    receipts: list[str] = field(default_factory=list)
    evaluator_token: str = ""
    units: dict[str, Any] = field(default_factory=dict)

    def key(self, state: str) -> str:
        return self.events[state].key


def build_world(prefix: str = "sx", names: dict[str, str] | None = None) -> World:
    from pingyi.accounts.models import User
    from pingyi.appraisal import services
    from pingyi.appraisal.casting import ballot as casting
    from pingyi.appraisal.slides import slides_upload
    from pingyi.orgs.models import Unit, UnitKind

    world = World()
    for order, (code, name) in enumerate(
        (("hualong", (names or {}).get("hualong", "华龙区")), ("puyang", "濮阳县")), start=1
    ):
        world.units[code], _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": name[:40],
                "kind": UnitKind.COUNTY,
                "order": order,
            },
        )
    for role, db_role in ACCOUNT_ROLES.items():
        unit = {"liaison_a": "hualong", "liaison_b": "puyang"}.get(role)
        world.users[role] = User.objects.create_user(
            username=f"{prefix}-{role}",
            password=STRONG_PASSWORD,
            role=db_role,
            unit=world.units[unit] if unit else None,
            display_name=role,
        )
    for state in ("draft", "open", "closed", "published"):
        key = f"{prefix}-{state}"
        event = services.event_import(data=event_json(key, names))
        world.events[state] = event
        if state == "draft":
            continue
        slides_upload(
            event=event,
            track="counties",
            unit="hualong",
            upload=SimpleUploadedFile("述职.pdf", PDF_BYTES, content_type="application/pdf"),
        )
        services.event_open(key=key)
        cards = services.tokens_issue(event=event, panel="leaders", count=4)
        for n, card in enumerate(cards[:3]):
            receipt = casting.ballot_cast(token=card.token, scores=full_scores(n)).receipt
            if state == "published":
                world.receipts.append(receipt)
        if state == "open":
            world.evaluator_token = cards[3].token
        if state in ("closed", "published"):
            services.event_close(key=key)
        if state == "published":
            services.event_publish(key=key)
        event.refresh_from_db()
    return world


@pytest.fixture(scope="module")
def security_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


@pytest.fixture
def world(security_world: World, db: None) -> Iterator[World]:
    """The module's world, in a savepoint of this test (and a clean cache)."""
    cache.clear()
    yield security_world
    cache.clear()
