"""The monthly arena's pure tally and bundle (SUPERVISION.md, "Monthly arena (月打擂, exact)").

Golden results are computed by hand in the comments; docs/scoreboard.md names these tests.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.scoreboard.method.arena import (
    ArenaError,
    ArenaValues,
    arena_to_json,
    bundle_files,
    load_arena_json,
    parse_arena,
    parse_values,
    read_bundle,
    results_to_json,
    tally,
    values_to_csv,
    zip_bundle,
)

ROOT = Path(__file__).resolve().parents[2]


def arena(indicators: list[dict[str, Any]], units: str = "a b c", **extra: Any) -> dict[str, Any]:
    return {
        "format": "pingyi-arena/1",
        "key": "2026-07-t",
        "name": "七月擂台",
        "units": [{"key": k, "name": k.upper()} for k in units.split()],
        "indicators": indicators,
        **extra,
    }


def ind(key: str = "x", method: str = "minmax", direction: str = "higher", **extra: Any) -> dict:
    return {"key": key, "name": key, "weight": 1, "direction": direction, "method": method, **extra}


def run(spec_obj: dict[str, Any], csv_rows: str) -> dict[str, Any]:
    spec = parse_arena(spec_obj)
    values = parse_values("unit,indicator,value\n" + csv_rows, spec)
    return results_to_json(tally(spec, values))


def points(result: dict[str, Any], indicator: str = "x") -> dict[str, str]:
    return {row["unit"]: row["indicators"][indicator] for row in result["ranking"]}


def order(result: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(row["rank"], row["unit"], row["score"]) for row in result["ranking"]]


# --------------------------------------------------------------------------- each method


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        # min 10, max 20: higher 100·(v−10)/10, lower 100·(20−v)/10
        ("higher", {"a": "0.00", "b": "100.00", "c": "50.00"}),
        ("lower", {"a": "100.00", "b": "0.00", "c": "50.00"}),
    ],
)
def test_minmax_both_directions(direction: str, expected: dict[str, str]) -> None:
    result = run(arena([ind(direction=direction)]), "a,x,10\nb,x,20\nc,x,15\n")
    assert points(result) == expected
    assert result["warnings"] == []


def test_minmax_all_equal_and_a_single_value_give_100() -> None:
    result = run(arena([ind()]), "a,x,7\nb,x,7.000\nc,x,7\n")
    assert points(result) == {"a": "100.00", "b": "100.00", "c": "100.00"}
    # one unit with a value: min = max → 100; the others have no value → 0 and a warning
    result = run(arena([ind(direction="lower")]), "b,x,-3\n")
    assert points(result) == {"a": "0.00", "b": "100.00", "c": "0.00"}
    assert result["warnings"] == [
        {"unit": "a", "indicator": "x", "code": "missing_value"},
        {"unit": "c", "indicator": "x", "code": "missing_value"},
    ]


def test_target_higher_clamps_between_0_and_100() -> None:
    # t = 80: 40 → 50; 100 → clamp(1.25) = 100; −5 → clamp(−1/16) = 0
    result = run(arena([ind(method="target", target=80)]), "a,x,40\nb,x,100\nc,x,-5\n")
    assert points(result) == {"a": "50.00", "b": "100.00", "c": "0.00"}


def test_target_lower_v_at_or_below_target_is_100_above_is_t_over_v() -> None:
    # t = 80: 40 → 100; 100 → 100·80/100 = 80; 0 → 100 (v ≤ t, no division); 120 → 66.67
    result = run(
        arena([ind(method="target", direction="lower", target=80)], units="a b c d"),
        "a,x,40\nb,x,100\nc,x,0\nd,x,120\n",
    )
    assert points(result) == {"a": "100.00", "b": "80.00", "c": "100.00", "d": "66.67"}


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        # higher: a, b (3) share rank 1 → 100; c (1) is rank 3 → 100 − 5·2 = 90
        ("higher", {"a": "100.00", "b": "100.00", "c": "90.00"}),
        # lower: c (1) rank 1 → 100; a, b share rank 2 → 95
        ("lower", {"a": "95.00", "b": "95.00", "c": "100.00"}),
    ],
)
def test_rank_both_directions_ties_share_a_rank(direction: str, expected: dict[str, str]) -> None:
    result = run(arena([ind(method="rank", direction=direction)]), "a,x,3\nb,x,3\nc,x,1\n")
    assert points(result) == expected


def test_rank_points_never_below_zero_and_missing_units_are_unranked() -> None:
    # step 40: ranks 1, 2, 3 → 100, 60, 20; e has no value: unranked, 0 (not rank 4 → 0
    # by accident: with step 30 it would have been 10)
    result = run(
        arena([ind(method="rank", rank_step=40)], units="a b c d e"),
        "a,x,9\nb,x,8\nc,x,7\nd,x,1\n",
    )
    assert points(result) == {"a": "100.00", "b": "60.00", "c": "20.00", "d": "0.00", "e": "0.00"}
    result = run(
        arena([ind(method="rank", rank_step=30)], units="a b c d"), "a,x,9\nb,x,8\nc,x,7\n"
    )
    assert points(result)["c"] == "40.00"
    assert points(result)["d"] == "0.00"
    assert result["warnings"] == [{"unit": "d", "indicator": "x", "code": "missing_value"}]


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_raw_is_the_value_clamped_whatever_the_direction(direction: str) -> None:
    # 105 → 100; −3 → 0; 72.345 rounds half-up to 72.35 (not the banker's 72.34)
    result = run(arena([ind(method="raw", direction=direction)]), "a,x,105\nb,x,-3\nc,x,72.345\n")
    assert points(result) == {"a": "100.00", "b": "0.00", "c": "72.35"}
    assert order(result) == [(1, "a", "100.00"), (2, "c", "72.35"), (3, "b", "0.00")]


def test_warnings_go_indicator_by_indicator() -> None:
    spec = arena([ind("p", method="raw"), ind("q", method="raw")], units="a b c")
    result = run(spec, "b,p,1\nb,q,1\n")
    assert [(w["indicator"], w["unit"]) for w in result["warnings"]] == [
        ("p", "a"),
        ("p", "c"),
        ("q", "a"),
        ("q", "c"),
    ]


# --------------------------------------------------------------------------- composite


def test_composite_is_the_exact_weighted_mean_rounded_half_up() -> None:
    # a: (1·100 + 2·0)/3 = 33.333… → 33.33; b: (1·0 + 2·100)/3 = 66.67; c: 50·1 + 50·2 = 50
    spec = arena(
        [
            {**ind("p"), "weight": 1},
            {**ind("q", direction="lower"), "weight": 2},
        ]
    )
    result = run(spec, "a,p,10\nb,p,0\nc,p,5\na,q,10\nb,q,0\nc,q,5\n")
    assert order(result) == [(1, "b", "66.67"), (2, "c", "50.00"), (3, "a", "33.33")]
    assert result["ranking"][0]["indicators"] == {"p": "0.00", "q": "100.00"}


def test_equal_rounded_scores_share_a_rank_listed_by_key() -> None:
    # raw 80.004 and 80.001 both round to 80.00 → rank 1 together, listed c before z;
    # then 79 is rank 3 (1, 1, 3)
    result = run(arena([ind(method="raw")], units="z c m"), "z,x,80.004\nc,x,80.001\nm,x,79\n")
    assert order(result) == [(1, "c", "80.00"), (1, "z", "80.00"), (3, "m", "79.00")]


def test_decimals_zero_and_four() -> None:
    result = run(arena([ind(method="raw")], decimals=0), "a,x,72.5\nb,x,72.49\nc,x,1\n")
    assert order(result) == [(1, "a", "73"), (2, "b", "72"), (3, "c", "1")]
    result = run(arena([ind(method="raw")], decimals=4), "a,x,1.00005\nb,x,2\nc,x,3\n")
    assert points(result)["a"] == "1.0001"


def test_a_weight_of_zero_counts_nothing_but_is_shown() -> None:
    spec = arena([ind("p", method="raw"), {**ind("q", method="raw"), "weight": 0}])
    result = run(spec, "a,p,50\na,q,100\nb,p,60\nb,q,0\nc,p,1\n")
    assert order(result)[0] == (1, "b", "60.00")
    assert result["ranking"][1]["indicators"] == {"p": "50.00", "q": "100.00"}


def test_change_is_previous_rank_minus_rank_null_without_one() -> None:
    spec = arena([ind(method="raw")], previous_ranks={"a": 3, "b": 1})
    result = run(spec, "a,x,90\nb,x,80\nc,x,70\n")
    assert [(r["unit"], r["change"]) for r in result["ranking"]] == [
        ("a", 2),
        ("b", -1),
        ("c", None),
    ]


# --------------------------------------------------------------------------- red and black


FIVE = "a,x,90\nb,x,80\nc,x,70\nd,x,60\ne,x,60\n"


def lists(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    return result["red"], result["black"]


def test_black_takes_every_unit_tied_with_the_first_at_the_cut() -> None:
    # d and e share rank 4; the last one is e, and d is tied with it: both black
    spec = arena([ind(method="raw")], units="a b c d e", red_top=1, black_bottom=1)
    assert lists(run(spec, FIVE)) == (["a"], ["d", "e"])
    # last two: d, e (d first, rank 4, nobody else tied) → d, e only
    spec["black_bottom"] = 2
    assert lists(run(spec, FIVE)) == (["a"], ["d", "e"])
    # last three: c, d, e
    spec["black_bottom"] = 3
    assert lists(run(spec, FIVE)) == (["a"], ["c", "d", "e"])


def test_black_tie_before_the_window_is_pulled_in() -> None:
    # ranks: a 1, b 2, c 3, d 3, e 5; the last two are d, e; c is tied with d → black c, d, e
    spec = arena([ind(method="raw")], units="a b c d e", red_top=1, black_bottom=2)
    result = run(spec, "a,x,90\nb,x,80\nc,x,70\nd,x,70\ne,x,10\n")
    assert lists(result) == (["a"], ["c", "d", "e"])


def test_red_is_every_rank_within_red_top_ties_included() -> None:
    # ranks 1, 2, 2, 4, 5 with red_top 2: a, b, c are red
    spec = arena([ind(method="raw")], units="a b c d e", red_top=2, black_bottom=1)
    result = run(spec, "a,x,90\nb,x,80\nc,x,80\nd,x,70\ne,x,60\n")
    assert lists(result) == (["a", "b", "c"], ["e"])


def test_a_unit_is_never_on_both_lists_and_exempt_units_are_skipped() -> None:
    spec = arena([ind(method="raw")], units="a b c", red_top=2, black_bottom=3)
    assert lists(run(spec, "a,x,3\nb,x,2\nc,x,1\n")) == (["a", "b"], ["c"])
    # everyone red: nobody black
    spec["red_top"] = 3
    assert lists(run(spec, "a,x,3\nb,x,2\nc,x,1\n")) == (["a", "b", "c"], [])
    # e is exempt: the last non-exempt is d (rank 4, tied with nobody left but e)
    spec = arena([ind(method="raw")], units="a b c d e", red_top=1, black_bottom=1)
    result = run(spec, "a,x,90\nb,x,80\nc,x,70\nd,x,60\ne,x,50\ne,exempt,1\n")
    assert lists(result) == (["a"], ["d"])
    # an exempt unit tied at the cut stays off: d exempt, e (tied with d) black alone
    assert lists(run(spec, FIVE + "d,exempt,1\n")) == (["a"], ["e"])


def test_red_top_and_black_bottom_default_to_zero() -> None:
    assert lists(run(arena([ind(method="raw")]), "a,x,1\nb,x,2\nc,x,3\n")) == ([], [])


# --------------------------------------------------------------------------- refusals


def refusal(spec_obj: Any = None, csv_rows: str | None = None) -> str:
    with pytest.raises(ArenaError) as caught:
        spec = parse_arena(spec_obj if spec_obj is not None else arena([ind()]))
        if csv_rows is not None:
            parse_values(csv_rows, spec)
    return str(caught.value)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("unit,indicator,value\na,x,1\nq,x,2\n", 'values.csv row 3, column unit: unit "q"'),
        ("unit,indicator,value\na,y,1\n", 'values.csv row 2, column indicator: indicator "y"'),
        (
            "unit,indicator,value\na,x,1\n\nb,x,1\na,x,2\n",
            "values.csv row 5, column indicator: a second row",
        ),
        ("unit,indicator,value\na,x,\na,x,2\n", "values.csv row 3, column indicator: a second row"),
        (
            "unit,indicator,value\na,exempt,1\na,exempt,1\n",
            'row 3, column indicator: unit "a" is marked exempt twice',
        ),
        (
            "unit,indicator,value\na,exempt,0\n",
            "row 2, column value: an exempt row must have the value 1",
        ),
        ("unit,indicator,value\na,x,abc\n", 'row 2, column value: "abc" is not a decimal number'),
        ("unit,indicator,value\na,x,1e9\n", 'row 2, column value: "1e9" is not a decimal number'),
        ("unit,indicator,value\na,x,1" + "0" * 20 + "\n", "row 2, column value: 1"),
        ("unit,indicator,value\na,x,1,2\n", "values.csv row 2: must have 3 cells"),
        ("unit,value,indicator\n", "values.csv row 1: the header must be unit,indicator,value"),
        ("", "values.csv row 1: the header"),
        ("unit,indicator,value\na,x,1\nb,x,\x002\n", "values.csv row 3: holds a NUL"),
    ],
)
def test_values_csv_refusals_name_the_row_and_column(rows: str, message: str) -> None:
    assert message in refusal(csv_rows=rows)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "pingyi-arena/2"}, 'arena.json format: must be "pingyi-arena/1"'),
        ({"colour": "red"}, "arena.json colour: is not a known member"),
        ({"decimals": 7}, "arena.json decimals: must be an integer from 0 to 6"),
        ({"red_top": -1}, "arena.json red_top: must be an integer >= 0"),
        ({"black_bottom": 1.5}, "arena.json black_bottom: must be an integer >= 0"),
        ({"previous_ranks": {"a": 0}}, "arena.json previous_ranks.a: must be an integer >= 1"),
        ({"period": "2026-13"}, "arena.json period: must be a month"),
        ({"units": []}, "arena.json units: must be a non-empty list"),
        (
            {"units": [{"key": "a"}, {"key": "a"}]},
            'arena.json units[1].key: unit "a" appears twice',
        ),
        ({"units": [{"key": "a b"}]}, "arena.json units[0].key: must be a non-empty string"),
    ],
)
def test_arena_json_refusals_name_the_json_path(change: dict[str, Any], message: str) -> None:
    assert message in refusal({**arena([ind()]), **change})


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        (ind(method="target"), "indicators[0].target: must be a number > 0"),
        (ind(method="target", target=0), "indicators[0].target: must be a number > 0"),
        (ind(method="best"), 'indicators[0].method: must be "minmax", "target", "rank" or "raw"'),
        (ind(direction="up"), 'indicators[0].direction: must be "higher" or "lower"'),
        ({**ind(), "weight": -1}, "indicators[0].weight: must be a number >= 0"),
        ({**ind(), "weight": 0}, "arena.json indicators: every weight is 0"),
        ({**ind(), "weight": True}, "indicators[0].weight: must be a number >= 0"),
        (ind(method="rank", rank_step=-5), "indicators[0].rank_step: must be a number >= 0"),
        (ind("exempt"), 'indicators[0].key: "exempt" is reserved'),
    ],
)
def test_indicator_refusals(indicator: dict[str, Any], message: str) -> None:
    assert message in refusal(arena([indicator]))


def test_arena_json_syntax_and_huge_numbers_are_refused_with_a_path() -> None:
    with pytest.raises(ArenaError, match=r"^arena.json: .*(malformed JSON|JSON格式错误)"):
        load_arena_json(b"{")
    text = json.dumps(arena([ind()])).replace('"weight": 1', '"weight": 1e999999')
    with pytest.raises(ArenaError, match=r"^arena.json indicators\[0\].weight: 1E\+999999"):
        load_arena_json(text.encode())


# --------------------------------------------------------------------------- bundle and CLI


def example() -> tuple[dict[str, Any], str]:
    spec = {
        "format": "pingyi-arena/1",
        "key": "2026-07-counties",
        "name": "2026年7月县区擂台赛",
        "period": "2026-07",
        "previous_ranks": {"hualong": 2},
        "units": [
            {"key": "hualong", "name": "华龙区"},
            {"key": "qingfeng", "name": "清丰县"},
            {"key": "nanle", "name": "南乐县"},
        ],
        "indicators": [
            {
                "key": "invest",
                "name": "固定资产投资增速",
                "weight": 30,
                "direction": "higher",
                "method": "minmax",
            },
            {
                "key": "ontime",
                "name": "按时报送率",
                "weight": 20,
                "direction": "higher",
                "method": "target",
                "target": 100,
            },
            {
                "key": "notices",
                "name": "督办单数",
                "weight": 20,
                "direction": "lower",
                "method": "rank",
                "rank_step": 5,
            },
            {
                "key": "appraisal",
                "name": "评议得分",
                "weight": 30,
                "direction": "higher",
                "method": "raw",
            },
        ],
        "decimals": 2,
        "red_top": 1,
        "black_bottom": 1,
    }
    values = (
        "unit,indicator,value\nhualong,invest,5.5\nqingfeng,invest,8\nnanle,invest,3\n"
        "hualong,ontime,90\nqingfeng,ontime,100\nhualong,notices,2\nqingfeng,notices,2\n"
        "nanle,notices,0\nhualong,appraisal,91.5\nqingfeng,appraisal,88\nnanle,appraisal,101\n"
        "nanle,exempt,1\n"
    )
    return spec, values


def test_the_spec_example_golden() -> None:
    # qingfeng: (30·100 + 20·100 + 20·95 + 30·88)/100 = 95.40; hualong: invest (5.5−3)/5 =
    # 50, (30·50 + 20·90 + 20·95 + 30·91.5)/100 = 79.45; nanle: (0 + 0 + 20·100 +
    # 30·100)/100 = 50.00, no ontime value (a warning), exempt so hualong is black.
    spec, values = example()
    result = run(spec, values.split("\n", 1)[1])
    assert order(result) == [
        (1, "qingfeng", "95.40"),
        (2, "hualong", "79.45"),
        (3, "nanle", "50.00"),
    ]
    assert [r["change"] for r in result["ranking"]] == [None, 0, None]
    assert lists(result) == (["qingfeng"], ["hualong"])
    assert result["warnings"] == [{"unit": "nanle", "indicator": "ontime", "code": "missing_value"}]
    assert list(result) == ["format", "arena", "ranking", "red", "black", "warnings"]
    assert list(result["ranking"][0]) == ["rank", "unit", "name", "score", "indicators", "change"]


def test_the_bundle_writes_back_what_it_reads_and_zips(tmp_path: Path) -> None:
    spec_obj, values_text = example()
    spec = parse_arena(spec_obj)
    values = parse_values(values_text, spec)
    files = bundle_files(spec, values)
    assert parse_arena(json.loads(files["arena.json"])) == spec
    assert parse_values(files["values.csv"], spec) == values
    assert values_to_csv(values, spec).splitlines()[-1] == "nanle,exempt,1"
    data = zip_bundle(files, "2026-07-counties")
    assert zip_bundle(files, "2026-07-counties") == data  # the same month, the same bytes
    (tmp_path / "b.zip").write_bytes(data)
    assert read_bundle(tmp_path / "b.zip") == (spec, values)
    assert json.loads(files["results.json"]) == results_to_json(tally(spec, values))
    assert arena_to_json(spec)["indicators"][2]["rank_step"] == 5


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from pingyi.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "arena", "tally", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


def test_pingyi_arena_tally_prints_results_and_exits_2_naming_the_row(tmp_path: Path) -> None:
    spec, values = example()
    (tmp_path / "arena.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "values.csv").write_text(values, encoding="utf-8")
    done = cli(str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ranking"][0]["score"] == "95.40"
    assert done.stdout.endswith("}\n") and "华龙区" in done.stdout
    (tmp_path / "values.csv").write_text(values + "wuhan,invest,1\n", encoding="utf-8")
    done = cli(str(tmp_path))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (
        'pingyi arena tally: values.csv row 14, column unit: unit "wuhan" is not one of '
        "arena.json's units"
    )
    done = cli(str(tmp_path / "nothing"))
    assert done.returncode == 2 and "no such folder or file" in done.stderr
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 broken")
    done = cli(str(tmp_path / "bad.zip"))
    assert done.returncode == 2 and "bad.zip" in done.stderr


def test_the_tally_module_imports_no_django() -> None:
    code = (
        "import sys, pingyi.scoreboard.cli_tally, pingyi.scoreboard.cli; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --------------------------------------------------------------------------- properties


@st.composite
def months(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    n_units = draw(st.integers(2, 7))
    units = [f"u{i}" for i in range(n_units)]
    indicators = []
    for i in range(draw(st.integers(1, 4))):
        method = draw(st.sampled_from(["minmax", "target", "rank", "raw"]))
        item = ind(f"i{i}", method=method, direction=draw(st.sampled_from(["higher", "lower"])))
        item["weight"] = draw(st.integers(1, 40))
        if method == "target":
            item["target"] = draw(st.integers(1, 150))
        if method == "rank":
            item["rank_step"] = draw(st.integers(0, 40))
        indicators.append(item)
    rows = []
    for unit in units:
        for item in indicators:
            if draw(st.integers(0, 5)) > 0:  # about one value in six is missing
                value = Decimal(draw(st.integers(-2000, 20000))) / 100
                rows.append((unit, item["key"], str(value)))
    extra = {
        "red_top": draw(st.integers(0, 3)),
        "black_bottom": draw(st.integers(0, 3)),
        "decimals": draw(st.integers(0, 3)),
    }
    return arena(indicators, units=" ".join(units), **extra), rows


def csv_of(rows: list[tuple[str, str, str]]) -> str:
    return "unit,indicator,value\n" + "".join(f"{u},{i},{v}\n" for u, i, v in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months(), st.randoms(use_true_random=False))
def test_property_points_in_range_and_row_order_changes_nothing(
    month: tuple[dict[str, Any], list[tuple[str, str, str]]], rnd: random.Random
) -> None:
    spec_obj, rows = month
    spec = parse_arena(spec_obj)
    results = tally(spec, parse_values(csv_of(rows), spec))
    for row in results.ranking:
        assert all(Fraction(0) <= p <= 100 for p in row.points.values())
        assert Fraction(0) <= row.score <= 100
    ranks = [row.rank for row in results.ranking]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert not set(results.red) & set(results.black)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    again = tally(spec, parse_values(csv_of(shuffled), spec))
    assert results_to_json(again) == results_to_json(results)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months(), st.data())
def test_property_a_unit_better_on_every_indicator_never_ranks_lower(
    month: tuple[dict[str, Any], list[tuple[str, str, str]]], data: st.DataObject
) -> None:
    spec_obj, rows = month
    spec = parse_arena(spec_obj)
    values = {(u, i): Decimal(v) for u, i, v in rows}
    # make u0 at least as good as u1 on every indicator (and give u0 every value u1 has)
    for item in spec.indicators:
        theirs = values.get(("u1", item.key))
        if theirs is None:
            continue
        better = theirs + Decimal(data.draw(st.integers(0, 500))) / 100
        worse = theirs - Decimal(data.draw(st.integers(0, 500))) / 100
        values[("u0", item.key)] = better if item.direction == "higher" else worse
        if item.method == "raw":  # raw reads the value itself, whatever the direction
            values[("u0", item.key)] = max(theirs, better)
    results = tally(spec, ArenaValues(values))
    rank = {row.key: row.rank for row in results.ranking}
    assert rank["u0"] <= rank["u1"]


def test_values_csv_as_spreadsheets_write_it_bom_crlf_quotes_spaces() -> None:
    spec = parse_arena(arena([ind(method="raw")]))
    text = '\ufeffunit,indicator,value\r\n"a", x ,"12.5"\r\n,,\r\nb,x, 7 \r\nc,exempt,1\r\n'
    values = parse_values(text.encode("utf-8"), spec)
    assert values.values == {("a", "x"): Decimal("12.5"), ("b", "x"): Decimal("7")}
    assert values.exempt == frozenset({"c"})


def test_values_csv_that_is_not_utf8_or_not_csv_is_refused() -> None:
    spec = parse_arena(arena([ind()]))
    with pytest.raises(ArenaError, match=r"values\.csv: is not UTF-8"):
        parse_values("unit,indicator,value\na,x,1\nb,x,\xe9\n".encode("latin-1"), spec)
    with pytest.raises(ArenaError, match=r"values\.csv row 2: is not valid CSV"):
        parse_values('unit,indicator,value\n"a,x,1\n', spec)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"format": "pingyi-arena/1", "key": NaN}', "arena.json"),
        ("[" * 100 + "]" * 100, "arena.json"),
        ('{"format": "pingyi-arena/1", "key": "k\\u0000"}', "arena.json key"),
        ('"just text"', "arena.json (top): must be a JSON object"),
    ],
)
def test_hostile_arena_json_is_refused_with_where(text: str, where: str) -> None:
    with pytest.raises(ArenaError) as caught:
        load_arena_json(text.encode("utf-8"))
    assert str(caught.value).startswith(where)


def test_a_bundle_in_a_zip_folder_and_a_zip_missing_values(tmp_path: Path) -> None:
    spec_obj, values_text = example()
    with zipfile.ZipFile(tmp_path / "nested.zip", "w") as archive:
        archive.writestr("month/arena.json", json.dumps(spec_obj))
        archive.writestr("month/values.csv", values_text)
    spec, values = read_bundle(tmp_path / "nested.zip")
    assert spec.key == "2026-07-counties" and len(values.values) == 11
    with zipfile.ZipFile(tmp_path / "half.zip", "w") as archive:
        archive.writestr("arena.json", json.dumps(spec_obj))
    with pytest.raises(ArenaError, match=r"^values\.csv: missing from the bundle"):
        read_bundle(tmp_path / "half.zip")
