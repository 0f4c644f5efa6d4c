"""The year targets' pages by role: the office imports (and sees the refusals, nothing
written), leaders and viewers read every unit, a liaison its own unit only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pingyi.targets.models import YearTarget
from tests.targets.workbooks import ROWS, target_book

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(data: bytes, **fields: str) -> dict:
    return {"file": SimpleUploadedFile("目标.xlsx", data), **fields}


@pytest.fixture
def imported(office_user, unit_hualong, unit_puyang):
    response = client_for(office_user).post(
        reverse("targets:import"), upload(target_book(), year="2026")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/targets/?year=2026&month=9")
    return response


def test_the_office_imports_and_sees_the_table(office_user, imported) -> None:
    page = client_for(office_user).get(reverse("targets:table") + "?year=2026&month=9")
    body = page.content.decode()
    assert YearTarget.objects.count() == 6
    assert "华龙区" in body and "濮阳县" in body
    # colour and word: every status is a word in a coloured badge
    assert 'class="status status-on_track"' in body and "超进度" in body
    assert 'class="status status-overdue"' in body and "欠进度" in body
    statuses = [body.count(f'data-status="{s}"') for s in ("ahead", "on_schedule", "behind")]
    assert statuses == [1, 3, 2]
    assert reverse("targets:import") in body  # the office's link


def test_a_refused_sheet_names_row_and_cell_and_writes_nothing(office_user, unit_hualong) -> None:
    rows = list(ROWS)
    rows[0] = ("华龙去", *rows[0][1:])
    page = client_for(office_user).post(
        reverse("targets:import"), upload(target_book(rows), year="2026")
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="import-errors"' in body and "B3" in body and "华龙去" in body
    assert "华龙区" in body  # the closest unit
    assert YearTarget.objects.count() == 0


def test_not_a_workbook_is_refused_in_words(office_user) -> None:
    page = client_for(office_user).post(
        reverse("targets:import"), upload(b"not a workbook", year="2026")
    )
    assert page.status_code == 200 and 'id="import-errors"' in page.content.decode()


def test_leaders_and_viewers_read_every_unit_but_do_not_import(
    imported, leader_user, viewer_user
) -> None:
    for user in (leader_user, viewer_user):
        body = client_for(user).get(reverse("targets:table")).content.decode()
        assert "华龙区" in body and "濮阳县" in body
        assert reverse("targets:import") not in body
        assert client_for(user).get(reverse("targets:import")).status_code == 403


def test_a_liaison_sees_its_own_unit_only(imported, liaison_a, liaison_b) -> None:
    body = client_for(liaison_a).get(reverse("targets:table")).content.decode()
    assert "华龙区" in body and "濮阳县" not in body
    body = client_for(liaison_b).get(reverse("targets:table")).content.decode()
    assert "濮阳县" in body and "华龙区" not in body
    assert client_for(liaison_a).post(reverse("targets:import")).status_code == 403


def test_odd_queries_fall_back_instead_of_failing(imported, office_user) -> None:
    for query in ("?year=abc", "?month=13", "?year=99999999999", "?year=1999&month=0"):
        assert client_for(office_user).get(reverse("targets:table") + query).status_code == 200


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/targets/", ["全年目标（全年红）", "超进度", "达进度", "欠进度", "全年红", "序时进度"]),
        ("/targets/import/", ["导入全年目标表", "目标表（.xlsx）"]),
        ("/pipeline/", ["三个一批项目推进", "履约率", "开工率", "投产率", "滞后", "按期推进"]),
        ("/pipeline/import/", ["导入项目推进表", "项目表（.xlsx）"]),
    ],
)
def test_the_pages_are_chinese_on_the_demo(office_user, path, words) -> None:
    from pingyi.orgs.demo import load_demo_units
    from pingyi.pipeline.demo import load_demo_projects
    from pingyi.targets.demo import load_demo_targets
    from tests.test_translations import english_leaks

    load_demo_units()
    load_demo_targets()
    load_demo_projects()
    client = client_for(office_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    html = client.get(path).content.decode()
    for word in words:
        assert word in html, word
    assert not english_leaks(html), english_leaks(html)


def test_the_api_reads_like_the_command_line(imported, office_user, liaison_b, client) -> None:
    from pingyi.targets.selectors import targets_document

    answer = client_for(office_user).get("/api/v1/targets?year=2026")
    assert answer.status_code == 200
    assert answer.json() == json_roundtrip(targets_document(2026))
    assert [u["unit"] for u in answer.json()["units"]] == ["hualong", "puyang"]
    # a liaison: its own unit only
    mine = client_for(liaison_b).get("/api/v1/targets").json()
    assert [u["unit"] for u in mine["units"]] == ["puyang"]
    assert client.get("/api/v1/targets").status_code == 401
    for query, status in (("?month=13", 422), ("?year=1999", 422), ("?year=abc", 422)):
        refused = client_for(office_user).get("/api/v1/targets" + query)
        assert refused.status_code == status, (query, refused.content)
        assert "detail" in refused.json()


def json_roundtrip(document):
    import json

    return json.loads(json.dumps(document))
