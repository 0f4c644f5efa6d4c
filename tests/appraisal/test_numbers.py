"""Hostile numbers and hostile JSON against the pure parsers (issue 9, items 1 and 6).

One rule bounds every number before any exact arithmetic
(:func:`pingyi.core.pure.numbers.number_problem`); :func:`pingyi.core.pure.strict_json.loads`
bounds depth and refuses lone surrogates. Each parser — event.json, the ballot checker,
``ballots.csv`` — is attacked with the numbers that used to expand into a billion digits,
and must refuse them with its own error, naming where and why, in well under a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from pingyi.appraisal.method.ballots import BallotError, check_ballot
from pingyi.appraisal.method.bundle import BundleError, read_bundle
from pingyi.appraisal.method.spec import SpecError, load_event_json, parse_event
from pingyi.core.pure import numbers
from pingyi.core.pure.strict_json import MAX_DEPTH, JsonInputError, loads

from .factories import event_data, event_json, full_scores

#: A guard against the billion-digit expansion (which takes minutes), not a benchmark.
FAST = 2.0

HUGE = "1e999999999"
TINY = "1e-999999999"
HOSTILE_NUMBER_TEXTS = [
    HUGE,
    "-" + HUGE,
    "1E+999999999",
    TINY,
    "0e999999999",
    "1" + "0" * 100_000,
    "9" * 1_000_000,
    "0." + "0" * 100_000 + "1",
    "123456789012345678901234567890.5",
    "1e16",
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    try:
        result: Any = call()
    except Exception as exc:  # the refusal is the result
        result = exc
    return result, time.perf_counter() - start


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        0,
        -0,
        50,
        Decimal("-0"),
        Decimal("7.5"),
        Decimal("0.4"),
        0.1 + 0.2,
        -0.0,
        10**15 - 1,
        Decimal("999999999999999.5"),
        Decimal("1e14"),
        Decimal("1e-20"),
        Decimal("50.000"),
    ],
)
def test_ordinary_numbers_pass_the_rule(value: Any) -> None:
    assert numbers.number_problem(value) is None
    assert numbers.exact(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        *(Decimal(t) for t in HOSTILE_NUMBER_TEXTS),
        10**15,
        -(10**15),
        10**4000,
        10**50_000,  # beyond Python's 4300-digit int-to-text limit
        float("nan"),
        float("inf"),
        float("-inf"),
        1e308,
        1e-320,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("-Infinity"),
    ],
    ids=numbers.show,
)
def test_hostile_numbers_are_refused_at_once(value: Any) -> None:
    problem, seconds = timed(lambda: numbers.number_problem(value))
    assert isinstance(problem, str) and problem, problem
    assert len(problem) < 200
    assert numbers.exact(value) is None
    assert seconds < FAST


def test_the_reason_names_the_bound() -> None:
    assert numbers.number_problem(Decimal(HUGE)) == (
        "1E+999999999 is too large: at most 15 digits before the decimal point"
    )
    assert numbers.number_problem(Decimal(TINY)) == (
        "1E-999999999 has too many digits after the decimal point (at most 20)"
    )
    assert numbers.number_problem(float("nan")) == "nan is not a finite number"


@pytest.mark.parametrize("value", ["50", "9" * 1_000_000, True, False, None, [], {}])
def test_the_rule_leaves_non_numbers_to_the_callers(value: Any) -> None:
    assert numbers.number_problem(value) is None
    assert numbers.exact(value) is None


@pytest.mark.parametrize(
    "value",
    [10**50_000, Decimal("9" * 1_000_000), "x" * 1_000_000, -(10**4000), object()],
    ids=["int", "decimal", "text", "negative", "object"],
)
def test_show_is_short_and_never_fails(value: Any) -> None:
    assert len(numbers.show(value)) < 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("１２", 12),
        ("-5", -5),
        ("0", 0),
        ("", None),
        ("1e3", None),
        ("12.0", None),
        ("9" * 16, None),
        ("9" * 1_000_000, None),
        ("1" * 100, None),
    ],
)
def test_whole_numbers_from_text_are_bounded_before_int(text: str, expected: int | None) -> None:
    result, seconds = timed(lambda: numbers.parse_whole_number(text))
    assert result == expected
    assert seconds < FAST


def test_decimal_text_is_read_plainly() -> None:
    assert numbers.parse_decimal_text("7.5") == Decimal("7.5")
    assert numbers.parse_decimal_text(".5") == Decimal("0.5")
    for text in ("1e5", "NaN", "Infinity", " 5", "5 ", "0x10", "5_0", "+-5", ""):
        assert numbers.parse_decimal_text(text) is None, text
    long = numbers.parse_decimal_text("1" + "0" * 1_000_000)
    assert long is not None and numbers.exact(long) is None


# --- strict JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "path"),
    [
        ("[" * 100_000, "depth", ""),
        ('{"v": ' + "[" * 5_000 + "]" * 5_000 + "}", "depth", ""),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "depth", "[0]" * MAX_DEPTH),
        ('{"scores": [{"track": "\\udc00"}]}', "text", "scores[0].track"),
        ('{"scores": [{"\\ud800": 1}]}', "text", "scores[0].\\ud800"),
        ('["\\ud83d"]', "text", "[0]"),
        ('["\\ude00\\ud83d"]', "text", "[0]"),
        ('{"name": "a\\u0000b"}', "text", "name"),
        ('{"a\\u0000": 1}', "text", "a\x00"),
        ('{"a": [1, ' + HUGE + "]}", "number", "a[1]"),
        ('{"a": ' + TINY + "}", "number", "a"),
        ('{"a": ' + "9" * 10_000_000 + "}", "number", "a"),
        ('{"a": -' + "9" * 5_000 + "}", "number", "a"),
        ('{"a": NaN}', "syntax", ""),
        ("[Infinity]", "syntax", ""),
        ("[-Infinity]", "syntax", ""),
        ('{"a": ', "syntax", ""),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else str(v),
)
def test_strict_json_refuses_with_kind_and_path(text: str, kind: str, path: str) -> None:
    error, seconds = timed(lambda: loads(text))
    assert isinstance(error, JsonInputError), error
    assert (error.kind, error.path) == (kind, path)
    str(error).encode("utf-8")  # the message itself is valid UTF-8 text
    assert len(str(error)) < 300
    assert seconds < FAST


@pytest.mark.parametrize("bound_numbers", [True, False])
def test_depth_is_refused_with_its_path_either_way(bound_numbers: bool) -> None:
    text = '{"scores": [' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "]}"
    with pytest.raises(JsonInputError) as info:
        loads(text, bound_numbers=bound_numbers)
    assert (info.value.kind, info.value.path) == ("depth", "scores[0]" + "[0]" * (MAX_DEPTH - 2))


def test_strict_json_accepts_what_json_means() -> None:
    assert loads('["\\ud83d\\ude00", "\\\\udc00", "华龙区"]') == ["😀", "\\udc00", "华龙区"]
    assert loads('{"a": -0, "b": 0.4, "c": 1e14}') == {
        "a": 0,
        "b": Decimal("0.4"),
        "c": Decimal("1e14"),
    }
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_unbounded_numbers_are_handed_over_as_decimals() -> None:
    """Without ``bound_numbers`` the caller's validator refuses them (and names where)."""
    text = "[" + HUGE + ", " + "9" * 10_000_000 + "]"
    value, seconds = timed(lambda: loads(text, bound_numbers=False))
    assert seconds < FAST
    assert isinstance(value, list) and all(isinstance(v, Decimal) for v in value)
    assert all(numbers.number_problem(v) for v in value)


# --- event.json ----------------------------------------------------------------------------


def event_text(replace: str, by: str) -> str:
    text = event_json()
    assert replace in text
    return text.replace(replace, by, 1)


@pytest.mark.parametrize(
    ("replace", "path"),
    [
        ('"max": 60', "tracks[0].rubric.criteria[0].max"),
        ('"step": 0.5', "tracks[0].rubric.step"),
        ('"points": 100', "tracks[1].rubric.grades[0].points"),
        ('"top_grade_max_share": 0.3', "tracks[1].rubric.top_grade_max_share"),
        ('"weight": 0.4', "panels[0].weight"),
        ('"expected": 3', "panels[0].expected"),
        ('"trim": 1', "method.trim"),
        ('"decimals": 2', "method.decimals"),
    ],
)
@pytest.mark.parametrize("number", HOSTILE_NUMBER_TEXTS[:8], ids=lambda t: t[:14])
def test_event_json_numbers_are_bounded(replace: str, path: str, number: str) -> None:
    member = replace.split(":")[0]
    text = event_text(replace, f"{member}: {number}")
    error, seconds = timed(lambda: load_event_json(text.encode()))
    assert isinstance(error, SpecError), error
    assert str(error).startswith(path + ": "), str(error)
    assert len(str(error)) < 300
    assert seconds < FAST


@pytest.mark.parametrize(
    "value",
    [Decimal(HUGE), Decimal(TINY), 10**50_000, Decimal("9" * 1_000_000)],
    ids=numbers.show,
)
def test_parse_event_bounds_numbers_given_as_objects(value: Any) -> None:
    places = (("max", "tracks[0].rubric.criteria[0].max"), ("expected", "panels[0].expected"))
    for member, where in places:
        data = event_data()
        if member == "max":
            data["tracks"][0]["rubric"]["criteria"][0]["max"] = value
        else:
            data["panels"][0]["expected"] = value
        error, seconds = timed(lambda d=data: parse_event(d))  # type: ignore[misc]
        assert isinstance(error, SpecError), error
        assert str(error).startswith(where + ": ")
        assert seconds < FAST


def test_event_json_refuses_hostile_json_with_its_path() -> None:
    deep = event_text('"name": "华龙区"', '"name": "华龙区", "x": ' + "[" * 5_000 + "]" * 5_000)
    error, seconds = timed(lambda: load_event_json(deep))
    assert isinstance(error, SpecError) and "nested" in str(error)
    assert seconds < FAST
    lone = event_text('"name": "华龙区"', '"name": "\\udc00"')
    with pytest.raises(SpecError, match=r"^tracks\[0\]\.units\[0\]\.name: .*surrogate"):
        load_event_json(lone)


# --- the ballot checker ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> Any:
    return load_event_json(event_json())


@pytest.mark.parametrize(
    "value",
    [Decimal(HUGE), Decimal("-" + HUGE), Decimal(TINY), Decimal("9" * 1_000_000), 10**50_000],
    ids=numbers.show,
)
def test_ballot_values_are_bounded_before_arithmetic(spec: Any, value: Any) -> None:
    scores = full_scores()
    scores[2]["value"] = value  # puyang / results
    error, seconds = timed(lambda: check_ballot(spec, "leaders", scores))
    assert isinstance(error, BallotError), error
    assert (error.code, error.track, error.unit, error.column) == (
        "bad_value",
        "counties",
        "puyang",
        "value",
    )
    assert "濮阳县 (puyang)" in str(error) and "工作实绩 (results)" in str(error)
    assert len(str(error)) < 300
    assert seconds < FAST


@pytest.mark.parametrize("field", ["track", "unit", "item", "value"])
def test_ballot_messages_are_valid_text_whatever_was_sent(spec: Any, field: str) -> None:
    for bad in ("\udc00", "x" * 1_000_000):
        scores = full_scores()
        scores[0][field] = bad
        with pytest.raises(BallotError) as info:
            check_ballot(spec, "leaders", scores)
        str(info.value).encode("utf-8")
        assert len(str(info.value)) < 300


# --- the bundle ------------------------------------------------------------------------------


def write_bundle_files(folder: Path, value: str, event: str | None = None) -> None:
    (folder / "event.json").write_text(event or event_json(), encoding="utf-8")
    rows = ["ballot,panel,track,unit,item,value"]
    for row in full_scores():
        rows.append(
            ",".join(
                ["b1", "leaders", row["track"], row["unit"], row["item"], str(row["value"] or "")]
            )
        )
    rows[3] = rows[3].rsplit(",", 1)[0] + "," + value  # puyang / results
    (folder / "ballots.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "value", ["1" + "0" * 1_000_000, "0." + "0" * 1_000_000 + "5", "9" * 16], ids=lambda v: v[:8]
)
def test_bundle_csv_numbers_are_bounded(tmp_path: Path, value: str) -> None:
    write_bundle_files(tmp_path, value)
    error, seconds = timed(lambda: read_bundle(tmp_path))
    assert isinstance(error, BundleError), error
    assert (error.row, error.column, error.code) == (4, "value", "bad_value")
    assert len(str(error)) < 400
    assert seconds < FAST


def test_bundle_event_json_numbers_are_bounded(tmp_path: Path) -> None:
    write_bundle_files(tmp_path, "50", event=event_text('"max": 60', f'"max": {HUGE}'))
    error, seconds = timed(lambda: read_bundle(tmp_path))
    assert isinstance(error, BundleError), error
    assert "tracks[0].rubric.criteria[0].max" in str(error) and "too large" in str(error)
    assert seconds < FAST
