"""The ranking rubric through the product: the ballot API, the demo observation, the export
that ``pingyi tally`` recomputes, the workbook and report breakdown (mean rank), and the
method statement in both languages (issue 14)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from pingyi.appraisal import selectors, services
from pingyi.appraisal.demo import OBSERVATION_KEY, OBSERVATION_ROUTE, load_demo_event
from pingyi.appraisal.method.bundle import read_bundle
from pingyi.appraisal.method.statement import rubric_statement
from pingyi.appraisal.method.tally import dump_results, results_to_json, tally
from pingyi.appraisal.models import Ballot, BallotCard, Event, EventState, Presentation
from pingyi.appraisal.outputs.exports import event_export
from pingyi.appraisal.outputs.workbook import build_workbook

from .factories import issue, make_open_event

pytestmark = pytest.mark.django_db

RANKING_TRACK = {
    "key": "sites",
    "name": "项目观摩",
    "units": [
        {"key": "hualong", "name": "华龙区"},
        {"key": "puyang", "name": "濮阳县"},
        {"key": "qingfeng", "name": "清丰县"},
    ],
    "rubric": {"kind": "ranking"},
}


def open_observation() -> Event:
    return make_open_event(key="obs", kind="observation", tracks=[RANKING_TRACK])


def post(client: Any, token: str, ranks: dict[str, Any]) -> Any:
    scores = [{"track": "sites", "unit": u, "item": "rank", "value": r} for u, r in ranks.items()]
    body = json.dumps({"token": token, "scores": scores})
    return client.post("/api/v1/ballots", data=body, content_type="application/json")


def test_the_api_takes_a_ranking_and_answers_a_receipt(client: Any) -> None:
    event = open_observation()
    (token,) = issue(event)
    response = post(client, token, {"puyang": 1, "hualong": 2, "qingfeng": 3})
    assert response.status_code == 201, response.content
    assert len(response.json()["receipt"]) == 10
    assert Ballot.objects.filter(event=event).count() == 1


def test_a_bound_card_ranks_the_other_units_one_to_m(client: Any) -> None:
    event = open_observation()
    (token,) = issue(event, unit="puyang")
    refused = post(client, token, {"hualong": 1, "qingfeng": 3})
    assert refused.status_code == 422
    assert refused.json()["code"] == "out_of_range"
    assert refused.json()["unit"] == "qingfeng"
    assert post(client, token, {"hualong": 2, "qingfeng": 1}).status_code == 201


@pytest.mark.parametrize(
    ("ranks", "code", "unit"),
    [
        ({"puyang": 1, "hualong": 1, "qingfeng": 2}, "duplicate_rank", "hualong"),
        ({"puyang": 1, "hualong": 2, "qingfeng": 4}, "out_of_range", "qingfeng"),
        ({"puyang": 1, "hualong": 2}, "missing_unit", "qingfeng"),
        ({"puyang": 1, "hualong": 2, "qingfeng": "三"}, "bad_value", "qingfeng"),
    ],
)
def test_refused_rankings_name_the_unit_and_keep_the_card(
    client: Any, ranks: dict[str, Any], code: str, unit: str
) -> None:
    event = open_observation()
    (token,) = issue(event)
    with translation.override("zh-hans"):
        response = post(client, token, ranks)
    assert response.status_code == 422, response.content
    body = response.json()
    assert (body["code"], body["unit"]) == (code, unit)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # said in Chinese
    assert not Ballot.objects.filter(event=event).exists()
    assert BallotCard.objects.get().used is False


def test_the_demo_observation_ranks_its_route_and_exports_a_bundle_tally_recomputes(
    tmp_path: Path,
) -> None:
    load_demo_event()
    load_demo_event()  # twice: nothing added
    event = Event.objects.get(key=OBSERVATION_KEY)
    assert (event.kind, event.state) == ("observation", EventState.CLOSED)
    assert event.spec.tracks[0].rubric.kind == "ranking"
    assert Ballot.objects.filter(event=event).count() == 18 + 12
    places = list(
        Presentation.objects.filter(event=event).order_by("order").values_list("unit", "presenter")
    )
    assert places == OBSERVATION_ROUTE
    stored = selectors.stored_results(event=event)
    assert stored is not None
    ranking = stored["tracks"][0]["ranking"]
    assert [e["rank"] for e in ranking] == sorted(e["rank"] for e in ranking)
    assert ranking[0]["rank"] == 1
    assert {e["unit"] for e in ranking} == {code for code, _p in OBSERVATION_ROUTE}
    # the export is a bundle `pingyi tally` turns into the very results.json fixed at close
    folder = event_export(key=OBSERVATION_KEY, directory=tmp_path / "bundle")
    lines = (Path(folder) / "ballots.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 18 * 8 + 12 * 7  # one row per ranked unit
    assert {line.split(",")[4] for line in lines[1:]} == {"rank"}
    spec, matrix = read_bundle(folder)
    text = dump_results(results_to_json(tally(spec, matrix)))
    assert text == (Path(folder) / "results.json").read_text(encoding="utf-8")


def test_the_workbook_shows_the_mean_rank_of_a_ranking_track(client: Any) -> None:
    event = open_observation()
    tokens = issue(event, n=3)
    for token, ranks in zip(
        tokens,
        [
            {"puyang": 1, "hualong": 2, "qingfeng": 3},
            {"puyang": 1, "hualong": 3, "qingfeng": 2},
            {"puyang": 2, "hualong": 1, "qingfeng": 3},
        ],
        strict=True,
    ):
        assert post(client, token, ranks).status_code == 201
    services.event_close(key="obs")
    event.refresh_from_db()
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(build_workbook(event=event)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Mean rank" in r)
    at = header.index("Mean rank")
    by_unit = {r[1]: r for r in rows if r and r[1] in ("华龙区", "濮阳县", "清丰县")}
    # puyang 1,1,2 -> 4/3 = 1.33, first twice; hualong 2,3,1 -> 2; qingfeng 3,2,3 -> 2.67
    assert (float(by_unit["濮阳县"][at]), by_unit["濮阳县"][at + 1]) == (1.33, 2)
    assert float(by_unit["华龙区"][at]) == 2.0
    assert float(by_unit["清丰县"][at]) == 2.67
    # scores: puyang (100+100+97)/3 = 99, hualong (97+94+100)/3 = 97, qingfeng (94+97+94)/3
    assert float(by_unit["濮阳县"][2]) == 99


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1st 100, 2nd 97, 3rd 94 points"),
        ("zh-hans", "100 − 3 × (名次 − 1)"),
    ],
)
def test_the_ranking_rule_is_stated_in_both_languages(language: str, expected: str) -> None:
    event = open_observation()
    with translation.override(language):
        text = rubric_statement(event.spec.tracks[0].rubric)
    assert expected in text, text


def test_the_observations_pages_and_diagnostics_answer(client: Any, office_user: Any) -> None:
    """The console, the big screen, the results and the rater diagnostics of the demo's
    observation (a ranking track: ranks read as their points) all answer, in Chinese."""
    load_demo_event()
    client.force_login(office_user)
    for path in (
        f"/meeting/{OBSERVATION_KEY}/console",
        f"/meeting/{OBSERVATION_KEY}/screen",
        f"/results/{OBSERVATION_KEY}/diagnostics",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    services.event_publish(key=OBSERVATION_KEY)
    html = client.get(f"/results/{OBSERVATION_KEY}/").content.decode()
    assert "名次赋分（济宁做法）" in html
    assert "100 − 3 × (名次 − 1)" in html
