"""Bundles: reading (folder, zip), the same rules as check_ballot, errors with row and
column, writing, and the byte-for-byte round trip export -> tally."""

from __future__ import annotations

import csv
import io
import random
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.method import bundle as bundle_module
from pingyi.appraisal.method.ballots import BallotError, check_ballot
from pingyi.appraisal.method.bundle import BundleError, parse_csv_number, read_bundle, write_bundle
from pingyi.appraisal.method.packing import matrix_from_ballots, unpack
from pingyi.appraisal.method.spec import EventSpec, dump_event_json
from pingyi.appraisal.method.tally import dump_results, results_to_json, tally

from .test_tally import events, random_ballots

MINI = Path(__file__).parent / "data" / "mini"
SRC = Path(__file__).resolve().parents[2] / "src"
LINES = (MINI / "ballots.csv").read_text(encoding="utf-8").splitlines()


def results_text(spec: EventSpec, matrix: Any) -> str:
    return dump_results(results_to_json(tally(spec, matrix)))


def make_bundle(tmp_path: Path, lines: list[str] | None = None, raw: bytes | None = None) -> Path:
    folder = tmp_path / "b"
    folder.mkdir(exist_ok=True)
    shutil.copy(MINI / "event.json", folder / "event.json")
    if raw is None:
        raw = ("\n".join(LINES if lines is None else lines) + "\n").encode("utf-8")
    (folder / "ballots.csv").write_bytes(raw)
    return folder


def error_of(path: Path) -> BundleError:
    with pytest.raises(BundleError) as info:
        read_bundle(path)
    return info.value


# --------------------------------------------------------------------------- good bundles


def test_mini_bundle_gives_the_hand_computed_results() -> None:
    spec, matrix = read_bundle(MINI)
    assert matrix.count == 13
    assert results_text(spec, matrix) == (MINI / "results.json").read_text(encoding="utf-8")


def test_cli_prints_results_and_refuses_broken_bundles(tmp_path: Path) -> None:
    code = (
        "import sys; from pingyi.appraisal.cli_tally import main_tally; "
        "sys.exit(main_tally(sys.argv[1]))"
    )
    ok = subprocess.run(
        [sys.executable, "-c", code, str(MINI)],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == (MINI / "results.json").read_bytes()
    bad = make_bundle(tmp_path, [*LINES[:5], "zz,leaders,counties,hualong,results,4.25"])
    result = subprocess.run(
        [sys.executable, "-c", code, str(bad)],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("pingyi tally: ballots.csv row 6, column value:")
    assert result.stdout == ""


@pytest.mark.parametrize("prefix", ["", "export-2026/"])
def test_zip_bundles(tmp_path: Path, prefix: str) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("event.json", "ballots.csv", "results.json"):
            zf.write(MINI / name, prefix + name)
    spec, matrix = read_bundle(archive)
    assert results_text(spec, matrix) == (MINI / "results.json").read_text(encoding="utf-8")


def test_zip_without_event_json(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(MINI / "ballots.csv", "ballots.csv")
    assert "no event.json" in str(error_of(archive))


def test_bom_crlf_and_blank_rows_are_accepted(tmp_path: Path) -> None:
    text = "\r\n".join([*LINES[:20], "", ",,,,,", *LINES[20:]]) + "\r\n\r\n"
    spec, matrix = read_bundle(make_bundle(tmp_path, raw=b"\xef\xbb\xbf" + text.encode()))
    assert results_text(spec, matrix) == (MINI / "results.json").read_text(encoding="utf-8")


def test_columns_may_come_in_any_order(tmp_path: Path) -> None:
    rows = [line.split(",") for line in LINES]
    reordered = [",".join([r[5], r[0], r[1], r[2], r[3], r[4]]) for r in rows]
    spec, matrix = read_bundle(make_bundle(tmp_path, reordered))
    assert results_text(spec, matrix) == (MINI / "results.json").read_text(encoding="utf-8")


def test_many_small_batches_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle_module, "BLOCK_SIZE", 200)
    spec, matrix = read_bundle(MINI)
    assert results_text(spec, matrix) == (MINI / "results.json").read_text(encoding="utf-8")
    lines = list(LINES)
    lines.insert(100, lines[3])  # a duplicate far from its original, in a later batch
    error = error_of(make_bundle(tmp_path, lines))
    assert (error.code, error.row, error.column) == ("duplicate", 101, "item")


def test_write_bundle_round_trip(tmp_path: Path) -> None:
    spec, matrix = read_bundle(MINI)
    results = results_to_json(tally(spec, matrix))
    out = tmp_path / "export"
    write_bundle(out, spec, matrix, results, ["r-b", "r-a"])
    assert (out / "receipts.txt").read_text() == "r-a\nr-b\n"
    assert (out / "event.json").read_text(encoding="utf-8") == dump_event_json(spec)
    assert (out / "results.json").read_text(encoding="utf-8") == dump_results(results)
    with (out / "ballots.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(LINES) - 1
    ids = {r["ballot"] for r in rows}
    assert len(ids) == 13 and not ids & {line.split(",")[0] for line in LINES}
    assert {r["value"] for r in rows} >= {"55.5", "30.5", "36.5", "good", ""}
    spec2, matrix2 = read_bundle(out)
    assert spec2 == spec
    assert results_text(spec2, matrix2) == (out / "results.json").read_text(encoding="utf-8")


def test_write_bundle_accepts_ballots_and_packed_rows(tmp_path: Path) -> None:
    spec, matrix = read_bundle(MINI)
    from pingyi.appraisal.method.packing import pack

    ballots = [
        unpack(spec, spec.panels[int(p)].key, row.tobytes())
        for p, row in zip(matrix.panels, matrix.slots, strict=True)
    ]
    results = results_to_json(tally(spec, matrix))
    write_bundle(tmp_path / "a", spec, ballots, results, [])
    write_bundle(tmp_path / "b", spec, [(b.panel, pack(spec, b)) for b in ballots], results, [])
    for name in ("a", "b"):
        s, m = read_bundle(tmp_path / name)
        assert results_text(s, m) == dump_results(results)


# --------------------------------------------------------------------------- broken bundles


def replace_row(row: int, old: str, new: str) -> list[str]:
    lines = list(LINES)
    assert old in lines[row - 1]
    lines[row - 1] = lines[row - 1].replace(old, new)
    return lines


ROW_ERRORS = [
    # (lines, code, row, column, words in the message)
    (
        replace_row(6, ",qingfeng,results,55.5", ",qingfeng,results,4.25"),
        "off_step",
        6,
        "value",
        ["4.25", "step 0.5", "清丰县 (qingfeng)", "results"],
    ),
    (replace_row(6, ",55.5", ",61"), "out_of_range", 6, "value", ["61", "60"]),
    (replace_row(6, ",55.5", ",abc"), "bad_value", 6, "value", ['"abc"']),
    (replace_row(6, ",55.5", ",1e1"), "bad_value", 6, "value", ['"1e1"']),
    (replace_row(6, ",55.5", ","), "bad_value", 6, "value", ["empty"]),
    (replace_row(9, "leaders,", "bosses,"), "unknown_panel", 9, "panel", ['"bosses"']),
    (replace_row(9, ",counties,", ",towns,"), "unknown_track", 9, "track", ['"towns"']),
    (replace_row(9, ",hualong,", ",nowhere,"), "unknown_unit", 9, "unit", ['"nowhere"']),
    (replace_row(8, ",results,", ",speed,"), "unknown_item", 8, "item", ['"speed"']),
    (
        replace_row(14, ",fgw,grade,fair", ",fgw,grade,great"),
        "unknown_grade",
        14,
        "value",
        ['"great"'],
    ),
    (
        replace_row(14, ",fgw,grade,fair", ",fgw,abstain,"),
        "quota_exceeded",
        8,
        "value",
        ["gxj", "at most 0", 'ballot "x1m9"'],
    ),
    (
        replace_row(8, ",hualong,results,", ",hualong,abstain,"),
        "abstain_not_allowed",
        8,
        "item",
        [],
    ),
    (replace_row(9, "x1m9,leaders", "x1m9,deputies"), "panel_mismatch", 9, "panel", ["x1m9"]),
    (replace_row(9, "x1m9,", ","), "bad_row", 9, "ballot", ["empty"]),
]


@pytest.mark.parametrize(
    ("lines", "code", "row", "column", "words"), ROW_ERRORS, ids=[e[1] for e in ROW_ERRORS]
)
def test_broken_rows_are_named_by_row_and_column(
    tmp_path: Path, lines: list[str], code: str, row: int, column: str, words: list[str]
) -> None:
    error = error_of(make_bundle(tmp_path, lines))
    assert (error.code or "bad_row", error.row, error.column) == (code, row, column), str(error)
    assert str(error).startswith(f"ballots.csv row {row}, column {column}: ")
    for word in words:
        assert word in str(error)


def test_duplicate_and_conflicting_rows(tmp_path: Path) -> None:
    dup = error_of(make_bundle(tmp_path, [*LINES[:30], LINES[25], *LINES[30:]]))
    assert (dup.code, dup.row) == ("duplicate", 31)
    abstain = next(i for i, line in enumerate(LINES) if ",abstain," in line)
    scored = LINES[abstain].replace(",abstain,", ",grade,fair")
    conflict = error_of(make_bundle(tmp_path, [*LINES, scored]))
    assert (conflict.code, conflict.row) == ("abstain_conflict", len(LINES) + 1)


def test_missing_units_and_items(tmp_path: Path) -> None:
    # one unit left out of a ballot: accepted (as if the card were bound to it)
    read_bundle(make_bundle(tmp_path, LINES[:3] + LINES[5:]))
    # two different units left out: refused at the ballot's first row
    error = error_of(make_bundle(tmp_path, LINES[:3] + LINES[7:]))
    assert (error.code, error.row, error.column) == ("missing_unit", 2, "unit")
    assert 'ballot "k7q2"' in str(error)
    error = error_of(make_bundle(tmp_path, LINES[:3] + LINES[4:]))
    assert (error.code, error.row) == ("missing_item", 2)


def test_structural_errors(tmp_path: Path) -> None:
    error = error_of(make_bundle(tmp_path, ["ballot,panel,track,unit,item", *LINES[1:]]))
    assert error.row == 1 and "header" in str(error)
    error = error_of(make_bundle(tmp_path, [*LINES[:10], "a,b", *LINES[10:]]))
    assert error.row == 11 and "6 fields" in str(error)
    raw = ("\n".join(LINES[:20]) + "\n").encode() + b"zz,leaders,counties,hualong,results,\xff\n"
    error = error_of(make_bundle(tmp_path, raw=raw))
    assert error.row == 21 and "UTF-8" in str(error)
    error = error_of(make_bundle(tmp_path, raw=b"\xff\xfe" + "\n".join(LINES).encode("utf-16")))
    assert error.row == 1


def test_event_json_errors(tmp_path: Path) -> None:
    folder = make_bundle(tmp_path)
    (folder / "event.json").write_text('{"format": "pingyi-event/1", ', encoding="utf-8")
    assert str(error_of(folder)).startswith("event.json: malformed JSON")
    (folder / "event.json").write_text('{"format": "pingyi-event/9"}', encoding="utf-8")
    assert str(error_of(folder)).startswith("event.json: format: must be")
    (folder / "event.json").unlink()
    assert "event.json" in str(error_of(folder))
    assert "no such" in str(error_of(tmp_path / "nowhere"))
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(MINI / "event.json", empty / "event.json")
    assert "ballots.csv" in str(error_of(empty))


def test_parse_csv_number() -> None:
    assert parse_csv_number("7.5") == Decimal("7.5")
    assert parse_csv_number("-1") == Decimal(-1)
    for text in ("", "1e3", "NaN", "Infinity", " 1", "1,5", "0x10"):
        assert parse_csv_number(text) is None


# --------------------------------------------------------------------------- properties


def csv_lines(spec: EventSpec, ballots: list[Any]) -> list[list[str]]:
    """Ballots as CSV rows, each ballot's rows in event order."""
    from pingyi.appraisal.method.ballots import ABSTAIN

    out = []
    for n, ballot in enumerate(ballots):
        rows = []
        for track in spec.tracks:
            for unit_key, mark in ballot.marks.get(track.key, {}).items():
                base = [f"b{n}", ballot.panel, track.key, unit_key]
                r = track.rubric
                if mark is ABSTAIN:
                    rows.append([*base, "abstain", ""])
                elif r.kind == "grades":
                    rows.append([*base, "grade", r.grades[mark].key])
                else:
                    for c, steps in zip(r.criteria, mark, strict=True):
                        rows.append(
                            [*base, c.key, str(Decimal(steps) * Decimal(str(float(r.step))))]
                        )
        out.append(rows)
    return out


def reference_code(spec: EventSpec, rows: list[list[str]]) -> str | None:
    """The code check_ballot gives the ballots of these CSV rows (bundle semantics)."""
    by_ballot: dict[str, list[list[str]]] = {}
    for row in rows:
        by_ballot.setdefault(row[0], []).append(row)
    for ballot_rows in by_ballot.values():
        scores = []
        for _b, _p, track, unit, item, value in ballot_rows:
            v: Any = value if value != "" else None
            t = spec.track(track)
            if (
                v is not None
                and t is not None
                and t.rubric.kind == "criteria"
                and item != "abstain"
            ):
                v = parse_csv_number(value) if parse_csv_number(value) is not None else value
            scores.append({"track": track, "unit": unit, "item": item, "value": v})
        try:
            check_ballot(spec, ballot_rows[0][1], scores, allow_one_missing=True)
        except BallotError as exc:
            return exc.code
    return None


def write_rows(folder: Path, spec: EventSpec, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "event.json").write_text(dump_event_json(spec), encoding="utf-8")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["ballot", "panel", "track", "unit", "item", "value"])
    writer.writerows(rows)
    (folder / "ballots.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=events(), seed=st.integers(0, 10**6), count=st.integers(0, 25), small=st.booleans())
def test_bundle_reads_what_was_written(
    tmp_path_factory: pytest.TempPathFactory, spec: EventSpec, seed: int, count: int, small: bool
) -> None:
    ballots = random_ballots(spec, seed, count)
    folder = tmp_path_factory.mktemp("w")
    matrix = matrix_from_ballots(spec, ballots)
    expected = results_text(spec, matrix)
    write_bundle(folder, spec, matrix, results_to_json(tally(spec, matrix)), [])
    old = bundle_module.BLOCK_SIZE
    bundle_module.BLOCK_SIZE = 64 if small else old
    try:
        spec2, matrix2 = read_bundle(folder)
    finally:
        bundle_module.BLOCK_SIZE = old
    assert results_text(spec2, matrix2) == expected
    assert (folder / "results.json").read_text(encoding="utf-8") == expected


MUTATIONS = ["track", "unit", "item", "value", "delete", "duplicate", "abstain", "swap_unit"]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    spec=events(),
    seed=st.integers(0, 10**6),
    count=st.integers(1, 8),
    mutation=st.sampled_from(MUTATIONS),
    small=st.booleans(),
)
def test_bundle_rules_match_check_ballot(
    tmp_path_factory: pytest.TempPathFactory,
    spec: EventSpec,
    seed: int,
    count: int,
    mutation: str,
    small: bool,
) -> None:
    rng = random.Random(seed)
    ballots = random_ballots(spec, seed, count)
    per_ballot = csv_lines(spec, ballots)
    rows = [r for rs in per_ballot for r in rs]
    if not rows:
        return
    i = rng.randrange(len(rows))
    row = list(rows[i])
    pools = {
        "track": [t.key for t in spec.tracks] + ["zz"],
        "unit": [u.key for t in spec.tracks for u in t.units] + ["zz"],
        "item": ["grade", "abstain", "c0", "c1", "zz"],
        "value": ["", "0", "1", "0.5", "0.25", "-1", "7", "12", "100", "g0", "g1", "x", "1e1"],
    }
    if mutation in pools:
        row[(["ballot", "panel", "track", "unit", "item", "value"]).index(mutation)] = rng.choice(
            pools[mutation]
        )
        rows[i] = row
    elif mutation == "delete":
        del rows[i]
    elif mutation == "duplicate":
        rows.insert(rng.randrange(len(rows) + 1), row)
    elif mutation == "abstain":
        rows.insert(rng.randrange(len(rows) + 1), [*row[:4], "abstain", ""])
    else:
        rows[i] = [*row[:3], rng.choice(pools["unit"]), *row[4:]]
    if not rows:
        return
    expected = reference_code(spec, rows)
    folder = write_rows(tmp_path_factory.mktemp("m"), spec, rows)
    old = bundle_module.BLOCK_SIZE
    bundle_module.BLOCK_SIZE = 64 if small else old
    try:
        read_bundle(folder)
        got = None
    except BundleError as exc:
        got = exc.code
    finally:
        bundle_module.BLOCK_SIZE = old
    assert got == expected


def test_keys_that_need_quoting_use_the_csv_module(tmp_path: Path) -> None:
    _spec, matrix = read_bundle(MINI)
    text = (MINI / "event.json").read_text(encoding="utf-8").replace('"fgw"', '"f\\"gw"')
    from pingyi.appraisal.method.spec import load_event_json

    quoted = load_event_json(text)
    results = results_to_json(tally(quoted, matrix))
    write_bundle(tmp_path / "q", quoted, matrix, results, [])
    assert '"f""gw"' in (tmp_path / "q" / "ballots.csv").read_text(encoding="utf-8")
    spec2, matrix2 = read_bundle(tmp_path / "q")
    assert results_text(spec2, matrix2) == dump_results(results)
