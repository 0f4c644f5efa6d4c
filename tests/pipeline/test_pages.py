"""The pipeline's pages by role: the office imports (refusals named, nothing written), leaders
and viewers read every unit, a liaison its own unit only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.pipeline.models import Project
from tests.pipeline.workbooks import ROWS, project_book

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(office_user, unit_hualong, unit_puyang):
    unit_hualong.aliases = ["华龙"]
    unit_hualong.save()
    response = client_for(office_user).post(
        reverse("pipeline:import"), {"file": SimpleUploadedFile("p.xlsx", project_book())}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_the_office_imports_and_sees_funnel_and_lagging(office_user, imported) -> None:
    assert Project.objects.count() == 3
    body = client_for(office_user).get(reverse("pipeline:table") + "?day=2026-10-15").content
    text = body.decode()
    assert "12.35" in text and "0.1234" in text  # exact 亿元
    assert "status status-lagging" in text  # colour and word
    assert "第14期" in text


def test_a_refused_sheet_names_row_and_cell(office_user, unit_hualong, unit_puyang) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][6] = "下个月"
    page = client_for(office_user).post(
        reverse("pipeline:import"), {"file": SimpleUploadedFile("p.xlsx", project_book(rows))}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "H5" in body and "下个月" in body
    assert Project.objects.count() == 0


def test_readers_and_liaisons(imported, leader_user, viewer_user, liaison_a, liaison_b) -> None:
    for user in (leader_user, viewer_user):
        body = client_for(user).get(reverse("pipeline:table")).content.decode()
        assert "冷链物流仓储中心" in body and "智能装备产业园" in body
        assert client_for(user).get(reverse("pipeline:import")).status_code == 403
    body = client_for(liaison_a).get(reverse("pipeline:table")).content.decode()
    assert "智能装备产业园" in body and "冷链物流仓储中心" not in body
    body = client_for(liaison_b).get(reverse("pipeline:table")).content.decode()
    assert "冷链物流仓储中心" in body and "智能装备产业园" not in body


def test_the_api_reads_like_the_command_line(imported, office_user, liaison_a, client) -> None:
    import datetime as dt
    import json

    from pingyi.pipeline.selectors import pipeline_document

    answer = client_for(office_user).get("/api/v1/pipeline?today=2026-10-15")
    assert answer.status_code == 200
    expected = json.loads(json.dumps(pipeline_document(dt.date(2026, 10, 15))))
    assert answer.json() == expected
    assert [p["name"] for p in expected["projects"] if p["lagging"]] == ["冷链物流仓储中心"]
    mine = client_for(liaison_a).get("/api/v1/pipeline?today=2026-10-15").json()
    assert {p["unit"] for p in mine["projects"]} == {"hualong"}
    assert [u["unit"] for u in mine["units"]] == ["hualong"]
    assert client.get("/api/v1/pipeline").status_code == 401
    for query in ("?today=2026-13-01", "?today=tomorrow", "?today=2026-1-1"):
        refused = client_for(office_user).get(
            "/api/v1/pipeline" + query, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert refused.status_code == 422 and "is not a date" in refused.json()["detail"]
        assert refused.json()["code"] == "invalid"
