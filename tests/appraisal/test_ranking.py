"""The ranking rubric of the quarterly observation (季观摩, SUPERVISION.md; the Jining method).

A ballot ranks the units it may score 1…m (a bound card's own unit is not ranked, m =
units − 1), each rank once; a unit's total on the ballot is ``first − step·(rank − 1)``
(defaults 100 and 3); then the tally of DESIGN.md (panels, trims, half-up rounding,
shared ranks). Golden results are computed by hand in the comments; hypothesis checks
that a ranking ballot counts exactly as a criteria ballot scoring the same totals.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.method.ballots import BallotError, check_ballot
from pingyi.appraisal.method.bundle import BundleError, read_bundle, write_bundle
from pingyi.appraisal.method.packing import matrix_from_ballots, pack, unpack
from pingyi.appraisal.method.spec import SpecError, dump_event_json, parse_event
from pingyi.appraisal.method.statement import method_statement
from pingyi.appraisal.method.tally import dump_results, results_to_json, tally

from .test_tally import reference

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """The refusals are English msgids (the Chinese is checked by the catalogue test)."""
    with translation.override("en"):
        yield


UNITS = ("a", "b", "c", "d")


def observation(rubric: dict[str, Any] | None = None, **method: Any) -> dict[str, Any]:
    return {
        "format": "pingyi-event/1",
        "key": "obs-2026q3",
        "name": "2026年第三季度项目观摩",
        "kind": "observation",
        "tracks": [
            {
                "key": "county",
                "name": "县区",
                "units": [{"key": k, "name": f"{k}县"} for k in UNITS],
                "rubric": rubric if rubric is not None else {"kind": "ranking"},
            }
        ],
        "panels": [
            {"key": "lead", "name": "观摩团", "weight": 0.6},
            {"key": "staff", "name": "部门", "weight": 0.4},
        ],
        "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2, **method},
    }


def rows(ranks: dict[str, Any], track: str = "county") -> list[dict[str, Any]]:
    return [{"track": track, "unit": u, "item": "rank", "value": r} for u, r in ranks.items()]


# The golden ballots: (panel, {unit: rank}); the second staff card is bound to d.
GOLDEN = [
    ("lead", {"a": 1, "b": 2, "c": 3, "d": 4}),  # a100 b97  c94 d91
    ("lead", {"a": 2, "b": 1, "c": 3, "d": 4}),  # a97  b100 c94 d91
    ("lead", {"a": 1, "b": 3, "c": 2, "d": 4}),  # a100 b94  c97 d91
    ("lead", {"a": 4, "b": 1, "c": 2, "d": 3}),  # a91  b100 c97 d94
    ("lead", {"a": 1, "b": 2, "c": 4, "d": 3}),  # a100 b97  c91 d94
    ("staff", {"a": 3, "b": 1, "c": 2, "d": 4}),  # a94  b100 c97 d91
    ("staff", {"a": 1, "b": 2, "c": 3}),  # bound to d: m = 3; a100 b97 c94
]

# lead: 5 totals, trim 1 at each end (5 >= trim_min 5)
#   a 91 97 100 100 100 -> 97 100 100 = 99      b 94 97 97 100 100 -> 98
#   c 91 94 94 97 97 -> 95                      d 91 91 91 94 94 -> 92
# staff: 2 totals (no trim): a (94+100)/2 = 97, b 98.5, c 95.5, d 91 (one ballot)
# score = 0.6·lead + 0.4·staff: a 59.4+38.8 = 98.2, b 58.8+39.4 = 98.2 (shared rank 1,
# listed by key), c 57+38.2 = 95.2, d 55.2+36.4 = 91.6
GOLDEN_RESULTS = {
    "format": "pingyi-results/1",
    "event": "obs-2026q3",
    "tracks": [
        {
            "key": "county",
            "ranking": [
                {
                    "rank": 1,
                    "unit": "a",
                    "name": "a县",
                    "score": "98.20",
                    "ballots": 7,
                    "panels": {
                        "lead": {"score": "99.00", "ballots": 5},
                        "staff": {"score": "97.00", "ballots": 2},
                    },
                },
                {
                    "rank": 1,
                    "unit": "b",
                    "name": "b县",
                    "score": "98.20",
                    "ballots": 7,
                    "panels": {
                        "lead": {"score": "98.00", "ballots": 5},
                        "staff": {"score": "98.50", "ballots": 2},
                    },
                },
                {
                    "rank": 3,
                    "unit": "c",
                    "name": "c县",
                    "score": "95.20",
                    "ballots": 7,
                    "panels": {
                        "lead": {"score": "95.00", "ballots": 5},
                        "staff": {"score": "95.50", "ballots": 2},
                    },
                },
                {
                    "rank": 4,
                    "unit": "d",
                    "name": "d县",
                    "score": "91.60",
                    "ballots": 6,
                    "panels": {
                        "lead": {"score": "92.00", "ballots": 5},
                        "staff": {"score": "91.00", "ballots": 1},
                    },
                },
            ],
        }
    ],
}


def golden_csv() -> str:
    lines = ["ballot,panel,track,unit,item,value"]
    for i, (panel, ranks) in enumerate(GOLDEN, start=1):
        lines += [f"B{i},{panel},county,{u},rank,{r}" for u, r in ranks.items()]
    return "\n".join(lines) + "\n"


def golden_bundle(tmp_path: Path, csv_text: str | None = None, **rubric: Any) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    data = observation({"kind": "ranking", **rubric})
    (folder / "event.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "ballots.csv").write_text(csv_text or golden_csv(), encoding="utf-8")
    return folder


def run_tally(folder: Path) -> subprocess.CompletedProcess[bytes]:
    code = (
        "import sys; from pingyi.appraisal.cli_tally import main_tally; "
        "sys.exit(main_tally(sys.argv[1]))"
    )
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, env=env, check=False
    )


# --------------------------------------------------------------------------- the rubric


def test_ranking_rubric_defaults_and_round_trip() -> None:
    spec = parse_event(observation())
    rubric = spec.tracks[0].rubric
    assert (rubric.kind, rubric.first, rubric.step, rubric.items) == (
        "ranking",
        100,
        3,
        ("rank",),
    )
    assert [rubric.rank_points(r) for r in (1, 2, 8)] == [100, 97, 79]
    text = dump_event_json(spec)
    assert '"first": 100' in text and '"step": 3' in text
    assert parse_event(json.loads(text)) == spec
    exact = parse_event(observation({"kind": "ranking", "first": 10, "step": 0.1}))
    assert exact.tracks[0].rubric.step == Fraction(1, 10)
    assert exact.tracks[0].rubric.rank_points(4) == Fraction(97, 10)
    # allowed in a meeting too (the tally is the same); the observation is what it is for
    assert parse_event({**observation(), "kind": "meeting"}).tracks[0].rubric.kind == "ranking"


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        ({"kind": "ranking", "step": 0}, "tracks[0].rubric.step: must be a positive number"),
        ({"kind": "ranking", "step": -3}, "tracks[0].rubric.step: must be a positive number"),
        ({"kind": "ranking", "first": -1}, "tracks[0].rubric.first: must be a number >= 0"),
        ({"kind": "ranking", "first": "100"}, "tracks[0].rubric.first: must be a number >= 0"),
        ({"kind": "ranking", "first": True}, "tracks[0].rubric.first"),
        ({"kind": "ranking", "abstain": True}, "tracks[0].rubric.abstain: must be false"),
        ({"kind": "ranking", "grades": []}, "tracks[0].rubric.grades: is not allowed"),
        ({"kind": "ranking", "criteria": []}, "tracks[0].rubric.criteria: is not allowed"),
        (
            {"kind": "ranking", "top_grade_max_share": 0.2},
            "tracks[0].rubric.top_grade_max_share: is not allowed",
        ),
        ({"kind": "ranking", "firts": 100}, "tracks[0].rubric.firts: is not a known member"),
        (
            {"kind": "grades", "first": 100, "grades": [{"key": "A", "points": 1}]},
            "tracks[0].rubric.first: is only allowed in a ranking rubric",
        ),
        ({"kind": "rank"}, 'tracks[0].rubric.kind: must be "criteria", "grades" or "ranking"'),
    ],
)
def test_broken_ranking_rubrics_are_refused_with_their_path(
    rubric: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpecError) as info:
        parse_event(observation(rubric))
    assert message in str(info.value)


# --------------------------------------------------------------------------- ballots


def test_a_full_ranking_is_a_valid_ballot_and_packs_back() -> None:
    spec = parse_event(observation())
    ballot = check_ballot(spec, "lead", rows({"a": 2, "b": 1, "c": 4, "d": 3}))
    assert dict(ballot.marks["county"]) == {"a": 1, "b": 0, "c": 3, "d": 2}
    assert unpack(spec, "lead", pack(spec, ballot)) == ballot
    bound = check_ballot(spec, "lead", rows({"a": 2, "b": 1, "c": 3}), bound_unit="d")
    assert dict(bound.marks["county"]) == {"a": 1, "b": 0, "c": 2}


def refusal(ranks: dict[str, Any], bound: str | None = None, **kw: Any) -> BallotError:
    spec = parse_event(observation())
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "lead", rows(ranks), bound_unit=bound, **kw)
    return info.value


def test_a_rank_used_twice_names_both_units() -> None:
    error = refusal({"a": 1, "b": 2, "c": 2, "d": 3})
    assert (error.code, error.unit, error.row, error.column) == ("duplicate_rank", "c", 2, "value")
    assert "c县 (c) is ranked 2, and so is b县 (b)" in error.message


@pytest.mark.parametrize("rank", [0, 5, -1, 10**6])
def test_a_rank_outside_one_to_m_is_refused(rank: int) -> None:
    error = refusal({"a": 1, "b": 2, "c": 3, "d": rank})
    assert (error.code, error.unit, error.row) == ("out_of_range", "d", 3)
    assert f"d县 (d) is ranked {rank}: the ranks run from 1 to 4" in error.message


def test_a_bound_card_ranks_one_to_units_minus_one() -> None:
    error = refusal({"a": 1, "b": 2, "c": 4}, bound="d")
    assert (error.code, error.unit) == ("out_of_range", "c")
    assert "the ranks run from 1 to 3" in error.message
    own = refusal({"a": 1, "b": 2, "c": 3, "d": 4}, bound="d")
    assert (own.code, own.unit) == ("self_appraisal", "d")


def test_a_missing_unit_is_named() -> None:
    error = refusal({"a": 1, "b": 2, "c": 3})
    assert (error.code, error.unit) == ("missing_unit", "d")
    assert "d县 (d)" in error.message


def test_a_huge_rank_is_refused_before_any_arithmetic() -> None:
    error = refusal({"a": 1, "b": 2, "c": 3, "d": 10**30})
    assert (error.code, error.unit) == ("bad_value", "d")
    assert "for d县 (d) / rank" in error.message


@pytest.mark.parametrize("value", ["1", 1.5, True, None, [1], {"r": 1}])
def test_a_rank_that_is_not_a_whole_number_is_refused(value: Any) -> None:
    error = refusal({"a": value, "b": 2, "c": 3, "d": 4})
    assert (error.code, error.unit, error.row, error.column) == ("bad_value", "a", 0, "value")
    assert "is not a rank (a whole number), for a县 (a)" in error.message


def test_other_items_and_abstentions_are_refused_in_a_ranking_track() -> None:
    spec = parse_event(observation())
    scores = [*rows({"a": 1, "b": 2, "c": 3}), {**rows({"d": 4})[0], "item": "grade"}]
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "lead", scores)
    assert info.value.code == "unknown_item"
    scores[-1] = {"track": "county", "unit": "d", "item": "abstain", "value": None}
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "lead", scores)
    assert info.value.code == "abstain_not_allowed"
    twice = [*rows({"a": 1, "b": 2, "c": 3, "d": 4}), *rows({"d": 4})]
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "lead", twice)
    assert (info.value.code, info.value.unit) == ("duplicate", "d")


def test_whole_numbers_written_as_decimals_are_ranks() -> None:
    spec = parse_event(observation())
    ballot = check_ballot(spec, "lead", rows({"a": 1.0, "b": 2, "c": 3, "d": 4}))
    assert ballot.marks["county"]["a"] == 0


# --------------------------------------------------------------------------- the tally


def golden_ballots(spec: Any) -> list[Any]:
    return [
        check_ballot(spec, panel, rows(ranks), bound_unit=None if len(ranks) == 4 else "d")
        for panel, ranks in GOLDEN
    ]


def test_golden_tally_by_hand() -> None:
    spec = parse_event(observation())
    ballots = golden_ballots(spec)
    results = tally(spec, matrix_from_ballots(spec, ballots))
    assert results_to_json(results) == GOLDEN_RESULTS
    assert reference(spec, ballots) == GOLDEN_RESULTS
    by_unit = {u.key: u for u in results.tracks[0].ranking}
    # mean rank (the breakdown of a ranking track): a 1,2,1,4,1,3,1 -> 13/7
    assert by_unit["a"].mean_rank == Fraction(13, 7)
    assert by_unit["d"].grade_counts == (0, 0, 2, 4)  # d: 3rd twice, 4th four times
    assert (by_unit["d"].lowest, by_unit["d"].highest) == (91, 94)


def test_golden_pooled_with_trim() -> None:
    spec = parse_event(observation(weighting="pooled"))
    # pooled, 7 totals, trim 1: a 91 94 97 100 100 100 100 -> 94+97+100+100+100 = 491/5
    # = 98.2; b 94 97 97 97 100 100 100 -> 491/5 = 98.2; c 91 94 94 94 97 97 97 -> 476/5 =
    # 95.2; d (6) 91 91 91 91 94 94 -> 91 91 91 94 = 91.75
    out = results_to_json(tally(spec, matrix_from_ballots(spec, golden_ballots(spec))))
    scores = [(e["unit"], e["rank"], e["score"]) for e in out["tracks"][0]["ranking"]]
    assert scores == [("a", 1, "98.20"), ("b", 1, "98.20"), ("c", 3, "95.20"), ("d", 4, "91.75")]


def test_golden_half_up_rounding_with_exact_first_and_step() -> None:
    data = observation({"kind": "ranking", "first": 10, "step": 0.5}, decimals=1)
    data["tracks"][0]["units"] = data["tracks"][0]["units"][:3]
    spec = parse_event(data)
    ballots = [
        check_ballot(spec, "lead", rows({"a": 1, "b": 3, "c": 2})),  # a10 b9   c9.5
        check_ballot(spec, "lead", rows({"a": 1, "b": 2, "c": 3})),  # a10 b9.5 c9
    ]
    # c: (9.5 + 9) / 2 = 9.25 -> half-up 9.3 (half-even would give 9.2); b the same
    out = results_to_json(tally(spec, matrix_from_ballots(spec, ballots)))
    scores = [(e["unit"], e["rank"], e["score"]) for e in out["tracks"][0]["ranking"]]
    assert scores == [("a", 1, "10.0"), ("b", 2, "9.3"), ("c", 2, "9.3")]


# --------------------------------------------------------------------------- the bundle


def test_pingyi_tally_recomputes_the_golden_bundle(tmp_path: Path) -> None:
    folder = golden_bundle(tmp_path)
    done = run_tally(folder)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == GOLDEN_RESULTS


def test_write_bundle_writes_one_rank_row_per_unit_and_reads_back(tmp_path: Path) -> None:
    spec = parse_event(observation())
    ballots = golden_ballots(spec)
    results = results_to_json(tally(spec, matrix_from_ballots(spec, ballots)))
    write_bundle(tmp_path / "out", spec, ballots, results, [])
    lines = (tmp_path / "out" / "ballots.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 6 * 4 + 3
    assert {line.split(",")[4] for line in lines[1:]} == {"rank"}
    assert sorted(line.split(",")[5] for line in lines[1:] if line.split(",")[3] == "d") == [
        "3",
        "3",
        "4",
        "4",
        "4",
        "4",
    ]
    again, matrix = read_bundle(tmp_path / "out")
    assert dump_results(results_to_json(tally(again, matrix))) == dump_results(results)
    assert run_tally(tmp_path / "out").stdout.decode() == dump_results(results)


def line(ballot: str, unit: str, item: str, value: str) -> str:
    panel = "staff" if ballot == "B7" else "lead"
    return f"{ballot},{panel},county,{unit},{item},{value}"


# ballot B1 is on rows 2..5 (a, b, c, d); B7 (bound to d) on rows 26..28
BROKEN = [
    ("B1", "c", "rank", "2", 4, "duplicate_rank", "c县 (c) is ranked 2, and so is b县 (b)"),
    ("B1", "d", "rank", "5", 5, "out_of_range", "the ranks run from 1 to 4"),
    ("B1", "d", "rank", "0", 5, "out_of_range", "d县 (d) is ranked 0"),
    ("B1", "d", "rank", "x", 5, "bad_value", "is not a rank"),
    ("B1", "d", "rank", "3.5", 5, "bad_value", "is not a rank"),
    ("B1", "d", "grade", "4", 5, "unknown_item", "is not a rank row"),
    ("B1", "d", "abstain", "", 5, "abstain_not_allowed", "d县 (d)"),
    # the bound card ranks 3 units: a rank 4 is beyond m (the ballot's first row is named)
    ("B7", "c", "rank", "4", 26, "out_of_range", "c县 (c) is ranked 4: the ranks run from 1 to 3"),
    # two units unranked: not a bound card
    ("B7", "c", "", "", 26, "missing_unit", "has no score"),
]


@pytest.mark.parametrize(("ballot", "unit", "item", "value", "row", "code", "text"), BROKEN)
def test_broken_ranking_bundles_name_the_row_and_the_rule(
    tmp_path: Path,
    ballot: str,
    unit: str,
    item: str,
    value: str,
    row: int,
    code: str,
    text: str,
) -> None:
    prefix = line(ballot, unit, "rank", "")[: -len("rank,")]
    old = next(x for x in golden_csv().splitlines() if x.startswith(prefix))
    new = line(ballot, unit, item, value) if item else ""
    csv_text = golden_csv().replace(old + "\n", new + "\n" if new else "")
    folder = golden_bundle(tmp_path, csv_text)
    with pytest.raises(BundleError) as info:
        read_bundle(folder)
    assert (info.value.code, info.value.row) == (code, row), str(info.value)
    assert text in str(info.value)
    assert f"ballots.csv row {row}" in str(info.value)
    done = run_tally(folder)
    assert done.returncode == 2 and f"row {row}" in done.stderr.decode()


def test_a_rank_used_twice_across_csv_batches_is_found(tmp_path: Path) -> None:
    """The reader checks a batch against the ballots of earlier batches too."""
    from pingyi.appraisal.method import bundle as bundle_module

    csv_text = golden_csv().replace("B1,lead,county,d,rank,4", "B1,lead,county,d,rank,1")
    lines = csv_text.splitlines()
    lines.append(lines.pop(4))  # B1's d row moved to the end of the file
    folder = golden_bundle(tmp_path, "\n".join(lines) + "\n")
    old = bundle_module.BLOCK_SIZE
    bundle_module.BLOCK_SIZE = 64
    try:
        with pytest.raises(BundleError) as info:
            read_bundle(folder)
    finally:
        bundle_module.BLOCK_SIZE = old
    assert (info.value.code, info.value.row) == ("duplicate_rank", len(lines))


# --------------------------------------------------------------------------- properties


@st.composite
def ranking_cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[str, list[str], str]]]:
    """An observation (ranking first/step exact, criteria twin) and ballots as
    (panel, units in rank order, bound unit or "")."""
    n = draw(st.integers(2, 7))
    step = draw(st.sampled_from([Fraction(3), Fraction(1, 2), Fraction(1), Fraction(5, 4)]))
    first = step * draw(st.integers(n - 1, 40))
    units = [f"u{i}" for i in range(n)]
    method = {
        "weighting": draw(st.sampled_from(["panels", "pooled"])),
        "trim": draw(st.integers(0, 2)),
        "trim_min": draw(st.integers(0, 6)),
        "decimals": draw(st.integers(0, 3)),
    }
    ballots = []
    for _ in range(draw(st.integers(1, 14))):
        bound = draw(st.sampled_from(["", *units]))
        order = draw(st.permutations([u for u in units if u != bound]))
        ballots.append((draw(st.sampled_from(["lead", "staff"])), list(order), bound))
    data = {
        "first": first,
        "step": step,
        "units": units,
        "method": method,
    }
    return data, ballots


def _number(x: Fraction) -> Any:
    from decimal import Decimal

    return int(x) if x.denominator == 1 else Decimal(x.numerator) / Decimal(x.denominator)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranking_cases())
def test_a_ranking_ballot_counts_as_a_criteria_ballot_scoring_the_same_totals(
    case: tuple[dict[str, Any], list[tuple[str, list[str], str]]],
) -> None:
    data, ballots = case
    first, step = data["first"], data["step"]

    def event(rubric: dict[str, Any]) -> Any:
        raw = observation(rubric, **data["method"])
        raw["tracks"][0]["units"] = [{"key": u, "name": u} for u in data["units"]]
        return parse_event(raw)

    ranking = event({"kind": "ranking", "first": _number(first), "step": _number(step)})
    criteria = event(
        {
            "kind": "criteria",
            "step": _number(step),
            "criteria": [{"key": "total", "max": _number(first)}],
        }
    )
    ranked, scored = [], []
    for panel, order, bound in ballots:
        ranked.append(
            check_ballot(
                ranking, panel, rows({u: r for r, u in enumerate(order, 1)}), bound or None
            )
        )
        scores = [
            {"track": "county", "unit": u, "item": "total", "value": _number(first - step * r)}
            for r, u in enumerate(order)
        ]
        scored.append(check_ballot(criteria, panel, scores, bound or None))
    by_rank = results_to_json(tally(ranking, matrix_from_ballots(ranking, ranked)))
    by_score = results_to_json(tally(criteria, matrix_from_ballots(criteria, scored)))
    assert by_rank == by_score
    assert by_rank == reference(ranking, ranked)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranking_cases())
def test_a_ranking_bundle_round_trips_through_ballots_csv(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[dict[str, Any], list[tuple[str, list[str], str]]],
) -> None:
    data, ballots = case
    raw = observation(
        {"kind": "ranking", "first": _number(data["first"]), "step": _number(data["step"])},
        **data["method"],
    )
    raw["tracks"][0]["units"] = [{"key": u, "name": u} for u in data["units"]]
    spec = parse_event(raw)
    checked = [
        check_ballot(spec, p, rows({u: r for r, u in enumerate(o, 1)}), b or None)
        for p, o, b in ballots
    ]
    results = results_to_json(tally(spec, matrix_from_ballots(spec, checked)))
    folder = tmp_path_factory.mktemp("bundle")
    write_bundle(folder, spec, checked, results, [])
    again, matrix = read_bundle(folder)
    assert results_to_json(tally(again, matrix)) == results


# --------------------------------------------------------------------------- the statement


def test_the_method_statement_states_the_ranking_rule() -> None:
    spec = parse_event(observation())
    text = dict(method_statement(spec))["Rubric: 县区"]
    assert text.startswith("Ranking (the Jining method)")
    assert "100 − 3 × (rank − 1): 1st 100, 2nd 97, 3rd 94 points" in text


def test_a_rank_worth_less_than_nothing_counts_as_it_is() -> None:
    """36 units with the defaults: the 36th is worth 100 − 3·35 = −5, never cut at 0."""
    data = observation()
    data["tracks"][0]["units"] = [{"key": f"u{i:02d}", "name": f"u{i:02d}"} for i in range(36)]
    spec = parse_event(data)
    order = {f"u{i:02d}": i + 1 for i in range(36)}
    ballot = check_ballot(spec, "lead", rows(order))
    out = results_to_json(tally(spec, matrix_from_ballots(spec, [ballot])))
    last = out["tracks"][0]["ranking"][-1]
    assert (last["unit"], last["rank"], last["score"]) == ("u35", 36, "-5.00")
    assert reference(spec, [ballot]) == out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranking_cases(), st.data())
def test_the_bundle_reader_refuses_exactly_what_the_ballot_rules_refuse(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[dict[str, Any], list[tuple[str, list[str], str]]],
    data: st.DataObject,
) -> None:
    """One ranking row of a valid bundle changed at random (a rank repeated, out of 1…m, 0,
    not a number, a row dropped or doubled): the fast vectorised reader refuses the bundle
    exactly when the ballot's rules (``check_ballot`` as a bundle reads it) refuse that
    ballot, with the same code — it never lets a broken ranking through."""
    from pingyi.appraisal.method.bundle import BALLOTS_FILE

    params, ballots = case
    raw = observation({"kind": "ranking"}, **params["method"])
    raw["tracks"][0]["units"] = [{"key": u, "name": u} for u in params["units"]]
    spec = parse_event(raw)
    lines = ["ballot,panel,track,unit,item,value"]
    by_ballot: list[list[dict[str, Any]]] = []
    for i, (panel, order, _bound) in enumerate(ballots):
        ranks = rows({u: r for r, u in enumerate(order, 1)})
        by_ballot.append(ranks)
        lines += [f"B{i},{panel},county,{r['unit']},rank,{r['value']}" for r in ranks]
    target = data.draw(st.integers(1, len(lines) - 1))
    ballot_no = int(lines[target].split(",")[0][1:])
    change = data.draw(st.sampled_from(["dup", "high", "zero", "text", "drop", "double"]))
    cells = lines[target].split(",")
    n = len(params["units"])
    new_value = {"dup": "1", "high": str(n), "zero": "0", "text": "x"}.get(change)
    if change == "drop":
        del lines[target]
    elif change == "double":
        lines.insert(target, lines[target])
    else:
        assert new_value is not None
        lines[target] = ",".join([*cells[:5], new_value])
    # the ballot as the rules see it
    panel, _order, _bound = ballots[ballot_no]
    scores = [
        {
            "track": "county",
            "unit": c[3],
            "item": "rank",
            "value": int(c[5]) if c[5].isdigit() else c[5],
        }
        for c in (line.split(",") for line in lines[1:])
        if c[0] == f"B{ballot_no}"
    ]
    try:
        if scores:  # a ballot whose only row was dropped is no ballot at all
            check_ballot(spec, panel, scores, allow_one_missing=True)
        expected = None
    except BallotError as exc:
        expected = exc.code
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "event.json").write_text(dump_event_json(spec), encoding="utf-8")
    (folder / BALLOTS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if expected is None:
        read_bundle(folder)
    else:
        with pytest.raises(BundleError) as info:
            read_bundle(folder)
        assert info.value.code == expected, str(info.value)
