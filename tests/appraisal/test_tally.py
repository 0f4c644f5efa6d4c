"""The tally against a straightforward Fraction reference, and its stated properties."""

from __future__ import annotations

import random
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.method.ballots import ABSTAIN, Ballot, make_ballot
from pingyi.appraisal.method.packing import BallotMatrix, matrix_from_ballots
from pingyi.appraisal.method.spec import EventSpec, parse_event
from pingyi.appraisal.method.tally import (
    dump_results,
    results_to_json,
    round_half_up,
    score_text,
    tally,
)

SRC = Path(__file__).resolve().parents[2] / "src"


# --------------------------------------------------------------------------- reference


def ref_round(x: Fraction, decimals: int) -> str:
    """Half-up rounding written the slow, obvious way."""
    scaled = x * 10**decimals
    q = int(scaled)  # non-negative scores: int() truncates towards zero
    if scaled - q >= Fraction(1, 2):
        q += 1
    text = str(q).rjust(decimals + 1, "0")
    return f"{text[:-decimals]}.{text[-decimals:]}" if decimals else text


def ref_trimmed(values: list[Fraction], trim: int, trim_min: int) -> Fraction:
    values = sorted(values)
    n = len(values)
    if n >= trim_min and n > 2 * trim and trim > 0:
        values = values[trim : n - trim]
    return sum(values, Fraction(0)) / len(values)


def ref_total(spec: EventSpec, track_key: str, mark: Any) -> Fraction:
    track = spec.track(track_key)
    assert track is not None
    rubric = track.rubric
    if rubric.kind == "criteria":
        return sum((Fraction(s) * rubric.step for s in mark), Fraction(0))
    if rubric.kind == "ranking":  # mark is rank - 1
        return rubric.first - rubric.step * mark
    return rubric.grades[mark].points


def reference(spec: EventSpec, ballots: list[Ballot]) -> dict[str, Any]:
    """results.json computed directly from DESIGN.md with Fractions and lists."""
    m = spec.method
    out_tracks = []
    for track in spec.tracks:
        entries = []
        for unit in track.units:
            by_panel: dict[str, list[Fraction]] = {}
            for ballot in ballots:
                mark = ballot.marks.get(track.key, {}).get(unit.key)
                if mark is None or mark is ABSTAIN:
                    continue
                by_panel.setdefault(ballot.panel, []).append(ref_total(spec, track.key, mark))
            allv = [v for vs in by_panel.values() for v in vs]
            if not allv:
                entries.append([None, unit.key, unit.name, None, 0, {}])
                continue
            panel_scores = {
                p.key: ref_trimmed(by_panel[p.key], m.trim, m.trim_min)
                for p in spec.panels
                if p.key in by_panel
            }
            if m.weighting == "pooled":
                score = ref_trimmed(allv, m.trim, m.trim_min)
            else:
                weights = {p.key: p.weight for p in spec.panels}
                num = sum((weights[k] * s for k, s in panel_scores.items()), Fraction(0))
                score = num / sum(weights[k] for k in panel_scores)
            panels = {
                k: {"score": ref_round(s, m.decimals), "ballots": len(by_panel[k])}
                for k, s in panel_scores.items()
            }
            entries.append([None, unit.key, unit.name, score, len(allv), panels])
        scored = [e for e in entries if e[3] is not None]
        scored.sort(key=lambda e: (-Fraction(ref_round(e[3], m.decimals)), e[1]))
        ranking = []
        for e in scored:
            text = ref_round(e[3], m.decimals)
            higher = sum(
                1 for o in scored if Fraction(ref_round(o[3], m.decimals)) > Fraction(text)
            )
            ranking.append(
                {
                    "rank": higher + 1,
                    "unit": e[1],
                    "name": e[2],
                    "score": text,
                    "ballots": e[4],
                    "panels": e[5],
                }
            )
        for e in sorted((e for e in entries if e[3] is None), key=lambda e: e[1]):
            ranking.append(
                {
                    "rank": None,
                    "unit": e[1],
                    "name": e[2],
                    "score": None,
                    "ballots": 0,
                    "panels": {},
                }
            )
        out_tracks.append({"key": track.key, "ranking": ranking})
    return {"format": "pingyi-results/1", "event": spec.key, "tracks": out_tracks}


# --------------------------------------------------------------------------- generators


@st.composite
def events(draw: st.DrawFn) -> EventSpec:
    n_tracks = draw(st.integers(1, 3))
    tracks = []
    for t in range(n_tracks):
        units = [{"key": f"u{t}{i}"} for i in range(draw(st.integers(1, 5)))]
        if draw(st.booleans()):
            step = draw(st.sampled_from(["1", "0.5", "0.25", "2"]))
            crit = [
                {"key": f"c{i}", "max": int(draw(st.integers(1, 6))) * 2}
                for i in range(draw(st.integers(1, 3)))
            ]
            from decimal import Decimal

            rubric: dict[str, Any] = {"kind": "criteria", "step": Decimal(step), "criteria": crit}
        else:
            from decimal import Decimal

            points = draw(
                st.lists(
                    st.sampled_from(["100", "85", "70.5", "0", "33.3", "85"]),
                    min_size=1,
                    max_size=4,
                )
            )
            rubric = {
                "kind": "grades",
                "grades": [{"key": f"g{i}", "points": Decimal(p)} for i, p in enumerate(points)],
            }
        rubric["abstain"] = draw(st.booleans())
        tracks.append({"key": f"t{t}", "units": units, "rubric": rubric})
    from decimal import Decimal

    panels = [
        {"key": f"p{i}", "weight": Decimal(draw(st.sampled_from(["1", "0.4", "0.3", "2.5"])))}
        for i in range(draw(st.integers(1, 4)))
    ]
    method = {
        "weighting": draw(st.sampled_from(["panels", "pooled"])),
        "trim": draw(st.integers(0, 2)),
        "trim_min": draw(st.integers(0, 6)),
        "decimals": draw(st.integers(0, 4)),
    }
    return parse_event(
        {
            "format": "pingyi-event/1",
            "key": "e",
            "tracks": tracks,
            "panels": panels,
            "method": method,
        }
    )


def random_ballots(spec: EventSpec, seed: int, count: int) -> list[Ballot]:
    """Random valid ballots (no quota in these specs): coverage, abstentions, bound units."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        panel = rng.choice(spec.panels).key
        marks: dict[str, dict[str, Any]] = {}
        all_units = [u.key for t in spec.tracks for u in t.units]
        bound = rng.choice(all_units) if rng.random() < 0.2 else None
        for track in spec.tracks:
            if rng.random() < 0.2:
                continue
            out_units: dict[str, Any] = {}
            for unit in track.units:
                if unit.key == bound:
                    continue
                r = track.rubric
                if r.abstain and rng.random() < 0.2:
                    out_units[unit.key] = ABSTAIN
                elif r.kind == "criteria":
                    out_units[unit.key] = tuple(
                        rng.randint(0, int(c.max / r.step)) for c in r.criteria
                    )
                else:
                    out_units[unit.key] = rng.randrange(len(r.grades))
            marks[track.key] = out_units
        if marks:
            out.append(make_ballot(panel, marks))
    return out


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=events(), seed=st.integers(0, 10**6), count=st.integers(0, 40))
def test_tally_equals_fraction_reference(spec: EventSpec, seed: int, count: int) -> None:
    ballots = random_ballots(spec, seed, count)
    expected = reference(spec, ballots)
    matrix = matrix_from_ballots(spec, ballots)
    for strategy in ("auto", "histogram", "sort"):
        for chunk in (3, 1 << 13):
            got = results_to_json(tally(spec, matrix, strategy=strategy, chunk_rows=chunk))
            assert got == expected


@settings(max_examples=60, deadline=None)
@given(spec=events(), seed=st.integers(0, 10**6), count=st.integers(1, 30))
def test_permutation_invariance(spec: EventSpec, seed: int, count: int) -> None:
    ballots = random_ballots(spec, seed, count)
    shuffled = list(ballots)
    random.Random(seed + 1).shuffle(shuffled)
    a = dump_results(results_to_json(tally(spec, matrix_from_ballots(spec, ballots))))
    b = dump_results(results_to_json(tally(spec, matrix_from_ballots(spec, shuffled))))
    assert a == b


@settings(max_examples=60, deadline=None)
@given(spec=events(), seed=st.integers(0, 10**6), count=st.integers(1, 30))
def test_scores_lie_within_the_totals(spec: EventSpec, seed: int, count: int) -> None:
    ballots = random_ballots(spec, seed, count)
    results = tally(spec, matrix_from_ballots(spec, ballots))
    for track in results.tracks:
        for unit in track.ranking:
            if unit.score is None:
                assert unit.ballots == 0 and unit.rank is None
                continue
            assert unit.lowest is not None and unit.highest is not None
            assert unit.lowest <= unit.score <= unit.highest
            for panel in unit.panels.values():
                assert unit.lowest <= panel.score <= unit.highest


# --------------------------------------------------------------------------- examples


def simple_spec(
    method: dict[str, Any] | None = None,
    weights: tuple[str, ...] = ("1", "1"),
    abstain: bool = True,
) -> EventSpec:
    from decimal import Decimal

    return parse_event(
        {
            "format": "pingyi-event/1",
            "key": "x",
            "tracks": [
                {
                    "key": "t",
                    "units": [{"key": k} for k in ("a", "b", "c", "d")],
                    "rubric": {
                        "kind": "criteria",
                        "step": Decimal("0.001"),
                        "abstain": abstain,
                        "criteria": [{"key": "s", "max": 100}],
                    },
                }
            ],
            "panels": [{"key": f"p{i}", "weight": Decimal(w)} for i, w in enumerate(weights)],
            "method": method or {"trim": 0},
        }
    )


def ballot(panel: str, **scores: Any) -> Ballot:
    marks = {u: (ABSTAIN if v is ABSTAIN else (round(v * 1000),)) for u, v in scores.items()}
    return make_ballot(panel, {"t": marks})


def ranking(spec: EventSpec, ballots: list[Ballot]) -> list[tuple[Any, str, Any]]:
    out = results_to_json(tally(spec, matrix_from_ballots(spec, ballots)))
    return [(r["rank"], r["unit"], r["score"]) for r in out["tracks"][0]["ranking"]]


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    spec = simple_spec()
    got = ranking(spec, [ballot("p0", a=90, b=80, c=80, d=70)])
    assert got == [(1, "a", "90.00"), (2, "b", "80.00"), (2, "c", "80.00"), (4, "d", "70.00")]


def test_ties_are_decided_on_the_rounded_score_then_listed_by_key() -> None:
    spec = simple_spec()
    # 80.004 and 80.001 both round to 80.00: a tie, listed by key (b before d)
    got = ranking(spec, [ballot("p0", a=90, b=80.001, c=10, d=80.004)])
    assert got == [(1, "a", "90.00"), (2, "b", "80.00"), (2, "d", "80.00"), (4, "c", "10.00")]


def test_half_up_rounding_is_exact() -> None:
    assert score_text(Fraction("2.675"), 2) == "2.68"  # float(2.675) rounds to 2.67
    assert score_text(Fraction("2.665"), 2) == "2.67"  # half-up, not half-even
    assert score_text(Fraction(1, 3), 0) == "0"
    assert score_text(Fraction(5, 2), 0) == "3"
    assert score_text(Fraction(7), 3) == "7.000"
    assert round_half_up(Fraction("-2.5"), 0) == -3
    spec = simple_spec()
    assert ranking(spec, [ballot("p0", a=2.675)])[0] == (1, "a", "2.68")


def test_weights_are_renormalised_over_panels_with_totals() -> None:
    spec = simple_spec(weights=("0.4", "0.6"))
    ballots = [ballot("p0", a=90, b=50), ballot("p1", a=60), ballot("p1", b=ABSTAIN, a=70)]
    out = results_to_json(tally(spec, matrix_from_ballots(spec, ballots)))
    rows = {r["unit"]: r for r in out["tracks"][0]["ranking"]}
    # a: 0.4*90 + 0.6*65 = 75 ; b: only p0 has a total -> 50, not 0.4*50
    assert rows["a"]["score"] == "75.00"
    assert rows["b"]["score"] == "50.00"
    assert rows["b"]["panels"] == {"p0": {"score": "50.00", "ballots": 1}}
    assert rows["b"]["ballots"] == 1  # the abstention is not counted
    assert rows["c"] == {
        "rank": None,
        "unit": "c",
        "name": "c",
        "score": None,
        "ballots": 0,
        "panels": {},
    }
    assert [r["unit"] for r in out["tracks"][0]["ranking"]] == ["a", "b", "c", "d"]


def test_abstentions_are_counted_apart_and_ignored_in_scores() -> None:
    spec = simple_spec()
    ballots = [ballot("p0", a=80), ballot("p0", a=ABSTAIN), ballot("p1", a=ABSTAIN)]
    unit = next(
        u for u in tally(spec, matrix_from_ballots(spec, ballots)).tracks[0].ranking if u.key == "a"
    )
    assert unit.score == 80 and unit.ballots == 1
    assert unit.abstentions == 2 and unit.abstentions_by_panel == {"p0": 1, "p1": 1}


def test_trimming_applies_only_from_trim_min() -> None:
    spec = simple_spec({"trim": 1, "trim_min": 5, "weighting": "pooled"})
    four = [ballot("p0", a=v) for v in (0, 50, 60, 100)]
    assert ranking(spec, four)[0][2] == "52.50"  # 4 < trim_min: plain mean
    five = [*four, ballot("p1", a=70)]
    assert ranking(spec, five)[0][2] == "60.00"  # drop 0 and 100: (50+60+70)/3


def test_trim_needs_more_than_twice_k_values() -> None:
    spec = simple_spec({"trim": 2, "trim_min": 0, "weighting": "pooled"})
    four = [ballot("p0", a=v) for v in (0, 50, 60, 100)]
    assert ranking(spec, four)[0][2] == "52.50"  # n = 4 = 2k: nothing dropped
    five = [*four, ballot("p0", a=70)]
    assert ranking(spec, five)[0][2] == "60.00"  # n = 5 > 4: drop two at each end


def test_extra_facts_for_screens() -> None:
    spec = parse_event(
        {
            "format": "pingyi-event/1",
            "key": "x",
            "tracks": [
                {
                    "key": "c",
                    "units": [{"key": "a"}],
                    "rubric": {
                        "kind": "criteria",
                        "criteria": [{"key": "x", "max": 10}, {"key": "y", "max": 10}],
                    },
                },
                {
                    "key": "g",
                    "units": [{"key": "a"}, {"key": "b"}],
                    "rubric": {
                        "kind": "grades",
                        "abstain": True,
                        "grades": [{"key": "top", "points": 10}, {"key": "low", "points": 1}],
                    },
                },
            ],
            "panels": [{"key": "p"}, {"key": "q"}],
        }
    )
    ballots = [
        make_ballot("p", {"c": {"a": (2, 4)}, "g": {"a": 0, "b": 1}}),
        make_ballot("p", {"c": {"a": (3, 10)}, "g": {"a": ABSTAIN, "b": 1}}),
        make_ballot("q", {"g": {"a": 1, "b": 1}}),
    ]
    results = tally(spec, matrix_from_ballots(spec, ballots))
    c, g = results.tracks
    assert c.ranking[0].criterion_means == (Fraction(5, 2), Fraction(7))
    a = next(u for u in g.ranking if u.key == "a")
    assert a.grade_counts == (1, 1) and a.abstentions == 1
    assert results.ballots == 3 and results.ballots_per_panel == {"p": 2, "q": 1}
    assert c.ballots_per_panel == {"p": 2, "q": 0}


def test_empty_matrix_gives_unranked_units() -> None:
    spec = simple_spec()
    out = results_to_json(tally(spec, BallotMatrix.empty(spec)))
    assert [r["rank"] for r in out["tracks"][0]["ranking"]] == [None] * 4


def test_matrix_with_foreign_values_is_refused() -> None:
    spec = simple_spec()
    slots = np.full((1, 4), 200_000, dtype="<i4")
    with pytest.raises(ValueError, match="outside the rubric"):
        tally(spec, BallotMatrix(np.zeros(1, np.int16), slots))
    with pytest.raises(ValueError, match="panel"):
        tally(spec, BallotMatrix(np.full(1, 5, np.int16), np.zeros((1, 4), "<i4")))


def test_dump_results_is_canonical() -> None:
    text = dump_results({"format": "pingyi-results/1", "event": "评议", "tracks": []})
    assert text == '{\n  "format": "pingyi-results/1",\n  "event": "评议",\n  "tracks": []\n}\n'


def test_tally_module_does_not_import_django() -> None:
    code = (
        "import sys, pingyi.appraisal.method.tally, pingyi.appraisal.method.bundle, "
        "pingyi.appraisal.cli_tally; assert 'django' not in sys.modules, 'django imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
