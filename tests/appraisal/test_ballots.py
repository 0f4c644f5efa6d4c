"""check_ballot: every rule and error code, normalisation, and packing round trips."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pingyi.appraisal.method.ballots import ABSTAIN, BallotError, check_ballot
from pingyi.appraisal.method.packing import (
    ABSTAINED,
    NOT_SCORED,
    BallotMatrixBuilder,
    layout,
    pack,
    unpack,
)
from pingyi.appraisal.method.spec import EventSpec, load_event_json

MINI = Path(__file__).parent / "data" / "mini" / "event.json"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def spec() -> EventSpec:
    return load_event_json(MINI.read_bytes())


def counties(skip: str | None = None, **override: Any) -> list[dict[str, Any]]:
    rows = []
    for unit in ("hualong", "puyang", "qingfeng"):
        if unit == skip:
            continue
        rows.append(
            {"track": "counties", "unit": unit, "item": "results", "value": override.get(unit, 50)}
        )
        rows.append({"track": "counties", "unit": unit, "item": "style", "value": 30.5})
    return rows


def leads(*grades: str | None) -> list[dict[str, Any]]:
    rows = []
    for unit, grade in zip(("fgw", "gxj", "kjj", "swj"), grades, strict=True):
        if grade is None:
            rows.append({"track": "leads", "unit": unit, "item": "abstain", "value": None})
        else:
            rows.append({"track": "leads", "unit": unit, "item": "grade", "value": grade})
    return rows


def test_valid_ballot_is_normalised(spec: EventSpec) -> None:
    ballot = check_ballot(spec, "leaders", counties() + leads("average", "fair", None, "poor"))
    assert ballot.panel == "leaders"
    assert dict(ballot.marks["counties"]) == dict.fromkeys(
        ("hualong", "puyang", "qingfeng"), (100, 61)
    )
    assert dict(ballot.marks["leads"]) == {"fgw": 2, "gxj": 1, "kjj": ABSTAIN, "swj": 3}


def test_a_ballot_may_cover_one_track(spec: EventSpec) -> None:
    ballot = check_ballot(spec, "deputies", leads("fair", "fair", "fair", "fair"))
    assert list(ballot.marks) == ["leads"]


def test_bound_unit_is_not_required(spec: EventSpec) -> None:
    ballot = check_ballot(spec, "attendees", counties(skip="puyang"), bound_unit="puyang")
    assert set(ballot.marks["counties"]) == {"hualong", "qingfeng"}


@pytest.mark.parametrize("value", [7.5, Decimal("7.5"), 7, 0, 60, Decimal("60.0"), 59.5])
def test_numbers_of_every_json_kind_are_accepted_exactly(spec: EventSpec, value: Any) -> None:
    ballot = check_ballot(spec, "leaders", counties(hualong=value))
    assert ballot.marks["counties"]["hualong"][0] == int(Decimal(str(value)) * 2)


def case(code: str, scores: list[dict[str, Any]], **kw: Any) -> Any:
    return pytest.param(scores, kw, code, id=code + "-" + str(len(scores)))


HUALONG = {"track": "counties", "unit": "hualong"}
BAD = [
    case("empty", []),
    case("bad_row", ["not a row"]),
    case("bad_row", [{"track": "counties"}]),
    case("unknown_track", [{"track": "towns", "unit": "x", "item": "results", "value": 1}]),
    case("unknown_unit", [{"track": "counties", "unit": "fgw", "item": "results", "value": 1}]),
    case("unknown_item", [*counties(), {**HUALONG, "item": "speed", "value": 1}]),
    case("unknown_item", [{"track": "leads", "unit": "fgw", "item": "results", "value": "good"}]),
    case("off_step", counties(hualong=50.25)),
    case("off_step", counties(hualong=Decimal("0.1"))),
    case("out_of_range", counties(hualong=60.5)),
    case("out_of_range", counties(hualong=-1)),
    case("bad_value", counties(hualong=True)),
    case("bad_value", counties(hualong="50")),
    case("bad_value", counties(hualong=float("nan"))),
    case("bad_value", counties(hualong=float("inf"))),
    case("bad_value", counties(hualong=None)),
    case(
        "bad_value",
        [
            *leads("good", "fair", "fair", "fair")[:3],
            {"track": "leads", "unit": "swj", "item": "grade", "value": 2},
        ],
    ),
    case(
        "bad_value",
        [
            *leads("fair", "fair", "fair", "fair")[:3],
            {"track": "leads", "unit": "swj", "item": "abstain", "value": "x"},
        ],
    ),
    case("unknown_grade", leads("good", "fair", "fair", "great")),
    case("missing_unit", counties(skip="puyang")),
    case("missing_unit", leads("good", "fair", "fair", "fair")[:3]),
    case("missing_item", counties()[1:]),
    case("duplicate", [*counties(), counties()[0]]),
    case("duplicate", [*leads("fair", "fair", None, "fair"), leads("fair", "fair", None, "x")[2]]),
    case(
        "abstain_conflict",
        [
            *leads("fair", "fair", "fair", "fair"),
            {"track": "leads", "unit": "fgw", "item": "abstain", "value": None},
        ],
    ),
    case(
        "abstain_conflict",
        [
            *leads(None, "fair", "fair", "fair"),
            {"track": "leads", "unit": "fgw", "item": "grade", "value": "fair"},
        ],
    ),
    case("abstain_not_allowed", [{**HUALONG, "item": "abstain", "value": None}]),
    case("quota_exceeded", leads("good", "good", "fair", "fair")),
    case("quota_exceeded", leads("good", "fair", None, "fair")),  # floor(0.3 x 3) = 0
    case("self_appraisal", counties(), bound_unit="puyang"),
    case("unknown_panel", counties(), panel="nobody"),
]


@pytest.mark.parametrize(("scores", "kw", "code"), BAD)
def test_each_rule_has_its_code(
    spec: EventSpec, scores: list[Any], kw: dict[str, Any], code: str
) -> None:
    panel = kw.pop("panel", "leaders")
    with pytest.raises(BallotError) as info:
        check_ballot(spec, panel, scores, **kw)
    assert info.value.code == code, str(info.value)
    assert str(info.value)


def test_messages_name_the_unit_and_the_rule(spec: EventSpec) -> None:
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "leaders", counties(puyang=50.25))
    error = info.value
    assert (error.code, error.track, error.unit, error.column) == (
        "off_step",
        "counties",
        "puyang",
        "value",
    )
    assert "濮阳县 (puyang)" in str(error) and "step 0.5" in str(error)
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "leaders", leads("good", "good", "fair", "fair"))
    assert "市工业和信息化局 (gxj)" in str(info.value) and "at most 1" in str(info.value)
    assert info.value.unit == "gxj"


def test_quota_counts_only_graded_units(spec: EventSpec) -> None:
    # four graded: floor(1.2) = 1 top grade allowed
    check_ballot(spec, "leaders", leads("good", "fair", "fair", "fair"))
    # abstentions everywhere but one: floor(0.3) = 0
    with pytest.raises(BallotError, match="at most 0"):
        check_ballot(spec, "leaders", leads(None, None, None, "good"))


def test_floats_are_compared_exactly(spec: EventSpec) -> None:
    # 0.1 + 0.2 is 0.30000000000000004: not a multiple of 0.5, and read through repr
    with pytest.raises(BallotError) as info:
        check_ballot(spec, "leaders", counties(hualong=0.1 + 0.2))
    assert info.value.code == "off_step"


def test_pack_and_unpack_round_trip(spec: EventSpec) -> None:
    ballot = check_ballot(
        spec,
        "attendees",
        counties(skip="puyang", hualong=7.5) + leads("average", None, "fair", "poor"),
        bound_unit="puyang",
    )
    data = pack(spec, ballot)
    lay = layout(spec)
    assert len(data) == 4 * lay.width == 4 * (3 * 2 + 4)
    row = np.frombuffer(data, dtype="<i4")
    assert row.tolist() == [15, 61, NOT_SCORED, NOT_SCORED, 100, 61, 2, ABSTAINED, 1, 3]
    assert unpack(spec, "attendees", data) == ballot
    only_leads = check_ballot(spec, "deputies", leads("fair", "fair", "fair", "fair"))
    assert np.frombuffer(pack(spec, only_leads), "<i4").tolist()[:6] == [NOT_SCORED] * 6
    assert unpack(spec, "deputies", pack(spec, only_leads)) == only_leads


def test_matrix_builder(spec: EventSpec) -> None:
    a = check_ballot(spec, "leaders", counties())
    b = check_ballot(spec, "deputies", leads("fair", "fair", "fair", "fair"))
    builder = BallotMatrixBuilder(spec)
    builder.add("leaders", pack(spec, a))
    builder.add_chunk(["deputies", 2], pack(spec, b) + pack(spec, b))
    matrix = builder.build()
    assert matrix.count == 3 and matrix.panels.tolist() == [0, 1, 2]
    assert matrix.slots.dtype == np.dtype("<i4") and matrix.slots.shape == (3, 10)
    with pytest.raises(ValueError):
        builder.add("leaders", b"\x00")


def test_messages_go_through_django_only_when_configured() -> None:
    code = (
        "import sys; from pingyi.core.pure.i18n import _; assert _('x') == 'x'; "
        "assert 'django' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
