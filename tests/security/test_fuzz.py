"""Fuzzing the parsers that take outside input: the ballot checker, the ballot API's body and
the bundle reader. Whatever arrives, they answer with their documented errors (``BallotError``,
``SpecError``, ``BundleError``) carrying a message — never another exception — and the HTTP
route answers 400/403/409/422, never 5xx. Examples are bounded so this runs in well under a
minute.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.ballots import BallotError, check_ballot
from pingyi.appraisal.bundle import BundleError, read_bundle
from pingyi.appraisal.spec import SpecError, load_event_json

from .conftest import event_json, full_scores

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
SPEC = load_event_json(event_json("fz"))
KEYS = [
    "counties",
    "leads",
    "hualong",
    "puyang",
    "qingfeng",
    "fgw",
    "gxj",
    "results",
    "style",
    "grade",
    "abstain",
    "good",
    "fair",
    "average",
    "leaders",
    "attendees",
    "",
]

# --- values that tend to break parsers ----------------------------------------------------------

odd_numbers = st.sampled_from(
    [
        0,
        -0.0,
        -1,
        1e308,
        -1e308,
        10**400,
        -(10**400),
        2**63,
        2**64 + 1,
        1e-320,
        0.1 + 0.2,
        float("nan"),
        float("inf"),
        float("-inf"),
        59.999999999999999,
        60.0000001,
        True,
        False,
    ]
)
odd_strings = st.sampled_from(
    [
        "",
        " ",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "1e999",
        "1e-999",
        "0x10",
        "١٢",
        "５０",
        "50 ",
        "+50",
        "-0",
        "5_0",
        "50.",
        ".5",
        "\x00",
        "\ud800",
        "<script>alert(1)</script>",
        "=1+1",
        "'; DROP TABLE x; --",
        "a" * 10_000,
        "\u202e",
        "null",
        "[]",
        "{}",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(KEYS),
    odd_numbers,
    odd_strings,
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
score_rows = (
    st.fixed_dictionaries(
        {},
        optional={
            "track": st.one_of(st.sampled_from(KEYS), json_like),
            "unit": st.one_of(st.sampled_from(KEYS), json_like),
            "item": st.one_of(st.sampled_from(KEYS), json_like),
            "value": st.one_of(odd_numbers, odd_strings, st.sampled_from(KEYS), json_like),
        },
    )
    | json_like
)


def mutated_ballot() -> Any:
    """A valid ballot with a few rows changed, dropped or added."""

    @st.composite
    def build(draw: Any) -> list[Any]:
        rows: list[Any] = [dict(r) for r in full_scores()]
        for _ in range(draw(st.integers(0, 3))):
            action = draw(st.sampled_from(["change", "drop", "add", "dup"]))
            i = draw(st.integers(0, len(rows) - 1)) if rows else 0
            if action == "change" and rows:
                field = draw(st.sampled_from(["track", "unit", "item", "value"]))
                rows[i][field] = draw(st.one_of(scalars, json_like))
            elif action == "drop" and rows:
                rows.pop(i)
            elif action == "dup" and rows:
                rows.append(dict(rows[i]))
            else:
                rows.append(draw(score_rows))
        return rows

    return build()


def assert_clear(exc: Exception) -> None:
    assert str(exc).strip(), f"{type(exc).__name__} without a message"


# --- the ballot checker --------------------------------------------------------------------------


@FUZZ
@given(
    panel=st.one_of(st.sampled_from(["leaders", "attendees", "nobody"]), scalars),
    scores=st.one_of(mutated_ballot(), st.lists(score_rows, max_size=12), json_like),
    bound=st.one_of(st.none(), st.sampled_from(["hualong", "fgw", "nowhere"])),
)
def test_check_ballot_only_raises_ballot_error(panel: Any, scores: Any, bound: Any) -> None:
    try:
        check_ballot(SPEC, panel, scores, bound)
    except BallotError as exc:
        assert_clear(exc)
        assert exc.code


def test_a_valid_ballot_passes_the_checker() -> None:
    ballot = check_ballot(SPEC, "leaders", full_scores())
    assert ballot.panel == "leaders"


# --- the ballot API ------------------------------------------------------------------------------

ALLOWED = {400, 403, 409, 422}


@pytest.fixture(scope="module")
def open_event(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """An open event in a transaction rolled back at the end of the module."""
    from django.db import transaction

    from pingyi.appraisal import services

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            event = services.event_import(data=event_json("fz-open"))
            services.event_open(key=event.key)
            cards = services.tokens_issue(event=event, panel="leaders", count=2)
            yield cards
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def post_ballot(client: Any, body: bytes) -> Any:
    return client.generic("POST", "/api/v1/ballots", body, content_type="application/json")


@FUZZ
@given(body=st.binary(max_size=400))
def test_ballot_route_survives_arbitrary_bytes(
    open_event: Any, client: Any, db: None, body: bytes
) -> None:
    response = post_ballot(client, body)
    assert response.status_code in ALLOWED, (body, response.status_code, response.content)
    assert response.json()["detail"]


@FUZZ
@given(
    token=st.one_of(st.just("CARD"), scalars, json_like),
    scores=st.one_of(mutated_ballot(), st.lists(score_rows, max_size=8), json_like),
    extra=st.dictionaries(st.text(max_size=6), json_like, max_size=2),
)
def test_ballot_route_survives_arbitrary_json(
    open_event: Any, client: Any, db: None, token: Any, scores: Any, extra: dict[str, Any]
) -> None:
    if token == "CARD":
        token = open_event[0].token  # a real card: the scores decide (the first valid use wins)
    body = {**extra, "token": token, "scores": scores}
    try:
        raw = json.dumps(body, allow_nan=True).encode()
    except (ValueError, TypeError):  # e.g. lone surrogates cannot be encoded
        return
    response = post_ballot(client, raw)
    assert response.status_code in ALLOWED | {201}, (body, response.status_code, response.content)
    if response.status_code != 201:
        assert response.json()["detail"]


def test_nan_and_huge_numbers_are_refused_over_http(open_event: Any, client: Any, db: None) -> None:
    for value in ("NaN", "Infinity", "1e999", "1" + "0" * 5000):
        scores = json.dumps(full_scores()).replace('"value": 50', f'"value": {value}', 1)
        body = f'{{"token": "{open_event[1].token}", "scores": {scores}}}'.encode()
        response = post_ballot(client, body)
        assert response.status_code in (400, 422), (value, response.status_code)
        assert response.json()["detail"]


# --- the bundle reader ---------------------------------------------------------------------

GOOD_EVENT = event_json("fz-bundle").encode()
GOOD_ROWS = [
    ["b1", "leaders", r["track"], r["unit"], r["item"], str(r["value"])] for r in full_scores()
]
cells = st.one_of(
    st.sampled_from(KEYS),
    odd_strings.filter(lambda s: "\ud800" not in s),
    st.text(max_size=12).filter(lambda s: "\ud800" not in s),
    st.sampled_from(["1e308", "99999999999999999999999999", "-1", "NaN", "b1", "b2"]),
)


@st.composite
def csv_bytes(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["binary", "rows", "mutated", "header"]))
    if kind == "binary":
        return draw(st.binary(max_size=600))
    header = "ballot,panel,track,unit,item,value"
    if kind == "header":
        header = draw(
            st.sampled_from(
                [
                    "",
                    "ballot,panel",
                    "value,ballot,panel,track,unit,item",
                    "ballot,panel,track,unit,item,value,extra",
                    "\ufeff" + header,
                ]
            )
        )
    rows = [list(r) for r in GOOD_ROWS] if kind != "rows" else []
    for _ in range(draw(st.integers(0, 6))):
        if rows and draw(st.booleans()):
            row = draw(st.sampled_from(rows))
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        else:
            rows.append(draw(st.lists(cells, min_size=0, max_size=8)))
    text = (
        header
        + "\n"
        + "\n".join(",".join(json.dumps(c) if "," in c else c for c in r) for r in rows)
    )
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        junk = draw(st.binary(min_size=1, max_size=4))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data


def junk_json_value() -> Any:
    return st.one_of(json_like, st.just(float("nan")), st.just(10**400), st.just(1e308))


@st.composite
def event_bytes(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["good", "good", "binary", "junk", "mutated"]))
    if kind == "good":
        return GOOD_EVENT
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "junk":
        return json.dumps(draw(junk_json_value()), allow_nan=True).encode("utf-8", "surrogatepass")
    data = json.loads(GOOD_EVENT)
    target = data
    for step in draw(
        st.lists(st.sampled_from(["tracks", 0, "units", "rubric", "panels", 1]), max_size=3)
    ):
        nxt = (
            target.get(step)
            if isinstance(target, dict)
            else (
                target[step]
                if isinstance(target, list) and isinstance(step, int) and step < len(target)
                else None
            )
        )
        if nxt is None or not isinstance(nxt, dict | list):
            break
        target = nxt
    if isinstance(target, dict) and target:
        field = draw(st.sampled_from(sorted(target)))
        target[field] = draw(junk_json_value())
    return json.dumps(data, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(event=event_bytes(), ballots=csv_bytes())
def test_read_bundle_only_raises_bundle_error(event: bytes, ballots: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="pingyi-fuzz-") as tmp:
        folder = Path(tmp)
        (folder / "event.json").write_bytes(event)
        (folder / "ballots.csv").write_bytes(ballots)
        try:
            spec, matrix = read_bundle(folder)
        except (BundleError, SpecError) as exc:
            assert_clear(exc)
        else:
            assert spec.key == "fz-bundle"
            for value in getattr(matrix, "values", []):
                assert not (isinstance(value, float) and math.isnan(value))


def test_a_valid_bundle_reads(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_bytes(GOOD_EVENT)
    rows = ["ballot,panel,track,unit,item,value", *(",".join(r) for r in GOOD_ROWS)]
    (tmp_path / "ballots.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec, _matrix = read_bundle(tmp_path)
    assert spec.key == "fz-bundle"


@pytest.mark.parametrize(
    "event",
    [b"\xff\xfe\x00{", b"{" * 10_000, b'{"format": "pingyi-event/1", "key": 1e999}', b"NaN", b""],
)
def test_event_json_junk_is_a_spec_error(event: bytes) -> None:
    with pytest.raises(SpecError) as info:
        load_event_json(event)
    assert_clear(info.value)
