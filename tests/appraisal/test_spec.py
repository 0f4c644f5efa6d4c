"""event.json: parsing, exact numbers, validation messages with JSON paths, round trip."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from pingyi.appraisal.method.spec import (
    SpecError,
    dump_event_json,
    load_event_json,
    parse_event,
    spec_to_json,
)

MINI = Path(__file__).parent / "data" / "mini" / "event.json"


def base() -> dict[str, Any]:
    return json.loads(MINI.read_text(encoding="utf-8"))


def test_mini_event_parses_with_exact_numbers() -> None:
    spec = load_event_json(MINI.read_bytes())
    counties, leads = spec.tracks
    assert spec.key == "mini" and spec.held_on == "2026-07-17" and spec.previous is None
    assert counties.rubric.step == Fraction(1, 2)
    assert [c.max for c in counties.rubric.criteria] == [60, 40]
    assert leads.rubric.top_grade_max_share == Fraction(3, 10)
    assert leads.rubric.abstain is True and counties.rubric.abstain is False
    assert leads.rubric.grades[3].points == Fraction(101, 2)
    assert [p.weight for p in spec.panels] == [Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)]
    assert spec.panels[0].expected == 4 and spec.panels[1].expected is None
    assert spec.method.weighting == "panels" and spec.method.decimals == 2


def test_defaults() -> None:
    spec = parse_event(
        {
            "format": "pingyi-event/1",
            "key": "k",
            "tracks": [
                {
                    "key": "t",
                    "units": [{"key": "u"}],
                    "rubric": {"kind": "criteria", "criteria": [{"key": "c", "max": 10}]},
                }
            ],
            "panels": [{"key": "p"}],
        }
    )
    assert spec.name == "k" and spec.held_on is None
    assert spec.tracks[0].rubric.step == 1 and spec.panels[0].weight == 1
    m = spec.method
    assert (m.weighting, m.trim, m.trim_min, m.decimals) == ("panels", 1, 5, 2)


def test_round_trip_and_exact_decimal_output() -> None:
    spec = load_event_json(MINI.read_bytes())
    text = dump_event_json(spec)
    assert '"weight": 0.3' in text and '"top_grade_max_share": 0.3' in text
    assert '"step": 0.5' in text and '"points": 50.5' in text
    assert "华龙区" in text  # characters, not \u escapes
    assert load_event_json(text) == spec
    assert load_event_json(text.encode("utf-8")) == spec
    assert parse_event(spec_to_json(spec)) == spec
    assert dump_event_json(load_event_json(text)) == text


def test_floats_from_python_are_read_exactly() -> None:
    data = base()
    data["panels"][0]["weight"] = 0.1
    assert parse_event(data).panels[0].weight == Fraction(1, 10)


def test_bom_is_accepted() -> None:
    assert load_event_json(b"\xef\xbb\xbf" + MINI.read_bytes()).key == "mini"


def mutate(path: list[Any], value: Any) -> dict[str, Any]:
    data = base()
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()

BAD = [
    (["format"], "pingyi-event/2", "format: must be"),
    (["key"], "two words", "key: must be 1 to 64 characters"),
    (["key"], "a,b", "key: must be"),
    (["key"], "", "key: must be"),
    (["held_on"], "17/07/2026", "held_on: must be a date"),
    (["tracks"], [], "tracks: must not be empty"),
    (["tracks", 1, "key"], "counties", 'tracks[1].key: duplicate track key "counties"'),
    (["tracks", 0, "units"], [], "tracks[0].units: must not be empty"),
    (["tracks", 0, "units", 2, "key"], "hualong", "tracks[0].units[2].key: duplicate unit key"),
    (["tracks", 0, "units", 0, "key"], 7, "tracks[0].units[0].key: must be"),
    (["tracks", 0, "rubric", "kind"], "stars", "tracks[0].rubric.kind: must be"),
    (["tracks", 0, "rubric", "step"], 0, "tracks[0].rubric.step: must be a positive number"),
    (["tracks", 0, "rubric", "step"], True, "tracks[0].rubric.step: must be a positive number"),
    (["tracks", 0, "rubric", "step"], "1", "tracks[0].rubric.step: must be a positive number"),
    (["tracks", 0, "rubric", "criteria"], [], "tracks[0].rubric.criteria: must not be empty"),
    (
        ["tracks", 0, "rubric", "criteria", 0, "max"],
        -5,
        "tracks[0].rubric.criteria[0].max: must be a positive number",
    ),
    (
        ["tracks", 0, "rubric", "criteria", 0, "max"],
        True,
        "tracks[0].rubric.criteria[0].max: must be a positive number",
    ),
    (
        ["tracks", 0, "rubric", "criteria", 0, "max"],
        60.25,
        "tracks[0].rubric.criteria[0].max: must be a multiple of step 0.5",
    ),
    (
        ["tracks", 0, "rubric", "criteria", 1, "key"],
        "results",
        'tracks[0].rubric.criteria[1].key: duplicate criterion key "results"',
    ),
    (
        ["tracks", 0, "rubric", "criteria", 0, "key"],
        "grade",
        'tracks[0].rubric.criteria[0].key: "grade" is reserved',
    ),
    (
        ["tracks", 0, "rubric", "criteria", 0, "key"],
        "abstain",
        'tracks[0].rubric.criteria[0].key: "abstain" is reserved',
    ),
    (
        ["tracks", 0, "rubric", "criteria", 0, "maximum"],
        3,
        "tracks[0].rubric.criteria[0].maximum: is not a known member",
    ),
    (
        ["tracks", 0, "rubric", "top_grade_max_share"],
        0.3,
        "tracks[0].rubric.top_grade_max_share: is only allowed in a grades rubric",
    ),
    (["tracks", 1, "rubric", "grades"], [], "tracks[1].rubric.grades: must not be empty"),
    (
        ["tracks", 1, "rubric", "grades", 1, "key"],
        "good",
        'tracks[1].rubric.grades[1].key: duplicate grade key "good"',
    ),
    (
        ["tracks", 1, "rubric", "grades", 0, "points"],
        -1,
        "tracks[1].rubric.grades[0].points: must be a number >= 0",
    ),
    (
        ["tracks", 1, "rubric", "top_grade_max_share"],
        0,
        "tracks[1].rubric.top_grade_max_share: must be a positive number",
    ),
    (
        ["tracks", 1, "rubric", "top_grade_max_share"],
        1.5,
        "tracks[1].rubric.top_grade_max_share: must be a number in (0, 1]",
    ),
    (["tracks", 1, "rubric", "abstain"], "yes", "tracks[1].rubric.abstain: must be true or false"),
    (["panels"], [], "panels: must not be empty"),
    (["panels", 1, "key"], "leaders", 'panels[1].key: duplicate panel key "leaders"'),
    (["panels", 0, "weight"], 0, "panels[0].weight: must be a positive number"),
    (["panels", 0, "weight"], False, "panels[0].weight: must be a positive number"),
    (["panels", 0, "weigth"], 1, "panels[0].weigth: is not a known member"),
    (["panels", 0, "expected"], -1, "panels[0].expected: must be an integer >= 0"),
    (["method", "weighting"], "median", "method.weighting: must be"),
    (["method", "trim"], -1, "method.trim: must be an integer >= 0"),
    (["method", "trim"], 1.5, "method.trim: must be an integer >= 0"),
    (["method", "trim_min"], -1, "method.trim_min: must be an integer >= 0"),
    (["method", "decimals"], 7, "method.decimals: must be an integer from 0 to 6"),
    (["method", "decimals"], True, "method.decimals: must be an integer"),
    (["tracks", 0, "rubric"], DELETE, "tracks[0].rubric: must be a JSON object"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD)
def test_invalid_specs_name_the_json_path(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_event(mutate(path, value))
    assert str(info.value).startswith(message), str(info.value)


def test_malformed_json_and_non_numbers() -> None:
    with pytest.raises(SpecError, match="malformed JSON"):
        load_event_json(b'{"format": ')
    with pytest.raises(SpecError, match="malformed JSON"):
        load_event_json(MINI.read_text(encoding="utf-8").replace('"weight": 0.5', '"weight": NaN'))
    with pytest.raises(SpecError, match="not UTF-8"):
        load_event_json(b"\xff\xfe")
    with pytest.raises(SpecError, match="must be a JSON object"):
        load_event_json("[]")


def test_spec_error_is_a_value_error() -> None:
    data = copy.deepcopy(base())
    data["format"] = None
    with pytest.raises(ValueError, match="format"):
        parse_event(data)
