"""Rater diagnostics: Kendall's W against the textbook formula, straight-lining and
all-maximum detection, and the leave-one-out check (pivotal ballot found, landslide stable,
pruning never changes the answer)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.method import diagnostics as diag
from pingyi.appraisal.method.packing import NOT_SCORED, BallotMatrix, layout
from pingyi.appraisal.method.spec import EventSpec, parse_event

# --------------------------------------------------------------------------- reference


def ref_w(table: list[list[int]]) -> Fraction | None:
    """Kendall's W, tie-corrected, written out with Fractions and plain loops."""
    m, n = len(table), len(table[0])
    rank_sums = [Fraction(0)] * n
    ties = 0
    for row in table:
        for i, x in enumerate(row):
            below = sum(1 for y in row if y < x)
            same = sum(1 for y in row if y == x)
            rank_sums[i] += below + Fraction(same + 1, 2)
        for value in set(row):
            t = row.count(value)
            ties += t**3 - t
    mean = sum(rank_sums) / n
    s = sum((r - mean) ** 2 for r in rank_sums)
    denominator = m * m * (n**3 - n) - m * ties
    if denominator == 0:
        return None
    return 12 * s / denominator


def test_perfect_agreement_is_one() -> None:
    table = np.array([[1, 2, 3, 4, 5]] * 4)
    assert diag.kendalls_w(table) == 1.0


def test_reversed_pair_is_zero() -> None:
    assert diag.kendalls_w(np.array([[1, 2, 3, 4], [4, 3, 2, 1]])) == 0.0


def test_hand_case_with_ties() -> None:
    table = [[10, 8, 8, 5], [9, 9, 7, 6], [10, 7, 8, 8]]
    w = diag.kendalls_w(np.array(table))
    assert w is not None
    assert abs(w - float(ref_w(table))) < 1e-12  # type: ignore[arg-type]


def test_undefined_cases() -> None:
    assert diag.kendalls_w(np.array([[1, 2, 3]])) is None  # one rater
    assert diag.kendalls_w(np.array([[5], [6]])) is None  # one unit
    assert diag.kendalls_w(np.array([[5, 5], [7, 7]])) is None  # everybody tied everything
    assert diag.agreement_band(None)[0] == "undefined"
    assert diag.agreement_band(0.95)[0] == "very_strong"
    assert diag.agreement_band(0.05)[0] == "none"


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=2, max_size=8
        )
    )
)
def test_w_matches_the_formula(table: list[list[int]]) -> None:
    expected = ref_w(table)
    got = diag.kendalls_w(np.array(table), chunk=3)  # chunking must not matter
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert abs(got - float(expected)) < 1e-9


# --------------------------------------------------------------------------- events


def event(
    units: int = 3,
    panels: tuple[tuple[str, float], ...] = (("a", 1.0),),
    method: dict[str, Any] | None = None,
    grades: bool = False,
) -> EventSpec:
    rubric: dict[str, Any]
    if grades:
        rubric = {
            "kind": "grades",
            "grades": [
                {"key": "good", "name": "好", "points": 100},
                {"key": "fair", "name": "较好", "points": 85},
                {"key": "poor", "name": "差", "points": 55},
            ],
        }
    else:
        rubric = {
            "kind": "criteria",
            "criteria": [
                {"key": "work", "name": "实绩", "max": 6},
                {"key": "style", "name": "作风", "max": 4},
            ],
        }
    return parse_event(
        {
            "format": "pingyi-event/1",
            "key": "d1",
            "name": "诊断",
            "tracks": [
                {
                    "key": "t",
                    "name": "县区",
                    "units": [{"key": f"u{i}", "name": f"单位{i}"} for i in range(units)],
                    "rubric": rubric,
                }
            ],
            "panels": [{"key": k, "name": k.upper(), "weight": w} for k, w in panels],
            "method": method or {"trim": 0},
        }
    )


def matrix(spec: EventSpec, ballots: list[tuple[int, list[Any]]]) -> BallotMatrix:
    """Ballots as (panel index, per unit: (work, style) or grade index or None)."""
    lay = layout(spec)
    rows = np.full((len(ballots), lay.width), NOT_SCORED, dtype="<i4")
    slots = lay.tracks[0]
    for r, (_panel, marks) in enumerate(ballots):
        for u, mark in enumerate(marks):
            if mark is None:
                continue
            cells = mark if isinstance(mark, tuple) else (mark,)
            for c, value in enumerate(cells):
                rows[r, slots.slot(u, c)] = value
    return BallotMatrix(np.array([p for p, _m in ballots], dtype=np.int16), rows)


def test_straight_lining_and_all_maximum() -> None:
    spec = event()
    m = matrix(
        spec,
        [
            (0, [(3, 2), (4, 1), (2, 3)]),  # every unit 5: straight-lining
            (0, [(6, 4), (6, 4), (6, 4)]),  # full marks: straight-lining and all-maximum
            (0, [(6, 4), (5, 4), (1, 1)]),  # a real ballot
            (0, [(6, 4), None, None]),  # one unit only (bound card): not straight-lining
        ],
    )
    result = diag.diagnose(spec, m)
    track = result.tracks[0]
    assert track.overall.straight == 2
    assert track.overall.straight_rows == (0, 1)
    assert track.overall.all_max == 2  # the full-marks ballot and the one-unit full ballot
    assert track.overall.all_max_rows == (1, 3)
    checks = {c.key: c for c in track.checks}
    assert set(checks) == {"straight_lining", "all_maximum", "agreement", "leave_one_out"}
    assert checks["straight_lining"].level == "warning"  # 2 of 4 is far above 10 %
    assert checks["straight_lining"].rows[-1][1:] == ("4", "2", "50.0%")
    for check in checks.values():
        assert check.title and check.explanation and check.summary
        assert all(len(row) == len(check.columns) for row in check.rows)
    # agreement uses the three complete ballots only
    assert track.overall.agreement.raters == 3


def test_all_top_grade_is_all_maximum() -> None:
    spec = event(grades=True)
    m = matrix(spec, [(0, [0, 0, 0]), (0, [0, 1, 2]), (0, [1, 1, 1])])
    track = diag.diagnose(spec, m).tracks[0]
    assert track.overall.all_max_rows == (0,)
    assert track.overall.straight_rows == (0, 2)


def test_clean_ballots_give_ok() -> None:
    spec = event()
    m = matrix(spec, [(0, [(6, 4), (4, 3), (1, 1)])] * 5 + [(0, [(5, 4), (4, 2), (2, 1)])] * 5)
    track = diag.diagnose(spec, m).tracks[0]
    assert track.overall.straight == track.overall.all_max == 0
    assert track.overall.agreement.w == 1.0
    assert track.overall.agreement.band == "very_strong"
    assert track.level == "ok"


# --------------------------------------------------------------------------- leave one out


def near_tie() -> tuple[EventSpec, BallotMatrix]:
    """u0 leads u1 only thanks to ballot 0 (means 6 vs 4.8; without it 5 vs 6)."""
    spec = event(units=2)
    ballots = [(0, [(6, 4), (0, 0)])] + [(0, [(3, 2), (4, 2)])] * 4
    return spec, matrix(spec, ballots)


def test_leave_one_out_finds_the_pivotal_ballot() -> None:
    spec, m = near_tie()
    for prune in (True, False):
        sens = diag.leave_one_out(spec, m, "t", prune=prune)
        assert not sens.stable
        assert len(sens.pivotal) == 1
        group = sens.pivotal[0]
        assert group.rows == (0,)
        assert group.panel == "a"
        moves = {mv.unit: (mv.before, mv.after) for mv in group.moves}
        assert moves == {"u0": (1, 2), "u1": (2, 1)}
        assert sens.exact
    check = next(c for c in diag.diagnose(spec, m).tracks[0].checks if c.key == "leave_one_out")
    assert check.level == "warning"
    assert check.rows == (("A", "1", "单位0 1→2; 单位1 2→1"),)


def test_leave_one_out_landslide_is_stable_and_pruned() -> None:
    spec = event(units=3, panels=(("a", 0.6), ("b", 0.4)), method={"trim": 1, "trim_min": 5})
    ballots = [(p, [(6, 4), (3, 2), (0, 1)]) for p in (0, 1) for _ in range(30)]
    ballots += [(0, [(5, 4), (3, 3), (1, 0)]), (1, [(6, 3), (2, 2), (1, 1)])]
    m = matrix(spec, ballots)
    sens = diag.leave_one_out(spec, m, "t")
    assert sens.stable
    assert sens.checked == 0 and sens.proven == sens.groups  # the bound proved it
    assert diag.leave_one_out(spec, m, "t", prune=False).stable
    check = next(c for c in diag.diagnose(spec, m).tracks[0].checks if c.key == "leave_one_out")
    assert check.level == "ok" and check.rows == ()


def test_leave_one_out_duplicates_are_grouped_and_sample_is_flagged() -> None:
    spec = event(units=2)
    # two identical pivotal ballots: removing either one flips the order
    ballots = [(0, [(6, 4), (0, 0)])] * 2 + [(0, [(3, 2), (4, 2)])] * 15
    m = matrix(spec, ballots)
    sens = diag.leave_one_out(spec, m, "t")
    assert [g.rows for g in sens.pivotal] == [(0, 1)]
    assert sens.pivotal_ballots == 2
    sampled = diag.leave_one_out(spec, m, "t", limit=1, prune=False)
    assert not sampled.exact and sampled.checked == 1 and sampled.groups == 2
    track = diag.diagnose_track(spec, m, "t", loo_limit=1)
    loo = next(c for c in track.checks if c.key == "leave_one_out")
    assert "sample" in loo.note


unit_mark = st.one_of(
    st.none(), st.tuples(st.integers(0, 6), st.integers(0, 4)), st.tuples(st.just(-2), st.just(-2))
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ballots=st.lists(
        st.tuples(st.integers(0, 1), st.lists(unit_mark, min_size=3, max_size=3)),
        min_size=1,
        max_size=14,
    ),
    trim=st.integers(0, 1),
    trim_min=st.integers(0, 6),
    pooled=st.booleans(),
    decimals=st.integers(0, 2),
)
def test_pruning_never_changes_the_answer(
    ballots: list[tuple[int, list[Any]]], trim: int, trim_min: int, pooled: bool, decimals: int
) -> None:
    method = {
        "trim": trim,
        "trim_min": trim_min,
        "decimals": decimals,
        "weighting": "pooled" if pooled else "panels",
    }
    spec = event(units=3, panels=(("a", 0.7), ("b", 0.3)), method=method)
    m = matrix(spec, ballots)
    fast = diag.leave_one_out(spec, m, "t")
    slow = diag.leave_one_out(spec, m, "t", prune=False)
    assert fast.pivotal == slow.pivotal
    assert fast.checked + fast.proven == slow.checked == slow.groups


def test_demo_sized_event_runs_quickly() -> None:
    """129 random ballots, 9 units, 4 panels: the whole diagnosis in well under seconds."""
    import time

    rng = np.random.default_rng(7)
    spec = event(units=9, panels=(("a", 0.4), ("b", 0.2), ("c", 0.2), ("d", 0.2)), method={})
    strength = rng.uniform(0.5, 0.95, 9)
    ballots = []
    for _ in range(129):
        marks = [
            (int(np.clip(round(6 * (s + rng.normal(0, 0.1))), 0, 6)), int(rng.integers(2, 5)))
            for s in strength
        ]
        ballots.append((int(rng.integers(0, 4)), marks))
    m = matrix(spec, ballots)
    start = time.perf_counter()
    result = diag.diagnose(spec, m)
    assert time.perf_counter() - start < 5
    assert result.tracks[0].sensitivity.ballots == 129
    assert result.tracks[0].overall.agreement.raters == 129
