"""Fuzzing the parsers that take outside input: the ballot checker, the ballot API's body and
the bundle reader. Whatever arrives, they answer with their documented errors (``BallotError``,
``SpecError``, ``BundleError``) carrying a message — never another exception — and the HTTP
route answers 400/403/409/422, never 5xx. Examples are bounded so this runs in well under a
minute.

The inputs of issue 9 (items 1 and 6) are always among them: numbers that expand into a
billion digits (``1e999999999``, ``1e-999999999``, a million digits), lone surrogates
(``"\udc00"``) in every field, 100,000 ``[`` and 5,000-deep nesting; each answer is a JSON
refusal in the API's shape, within :data:`FAST` seconds, on ``POST /api/v1/ballots`` (with a
fresh card, so the checker sees them) and ``POST /api/v1/events``.
"""

from __future__ import annotations

import copy
import json
import math
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.appraisal.method.ballots import BallotError, check_ballot
from pingyi.appraisal.method.bundle import BundleError, read_bundle
from pingyi.appraisal.method.spec import SpecError, load_event_json

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
        "\udc00",
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
#: Numbers that used to expand into a billion digits (issue 9 item 1); Decimals as JSON reads them.
hostile_numbers = st.sampled_from(
    [
        Decimal("1e999999999"),
        Decimal("-1e999999999"),
        Decimal("1e-999999999"),
        Decimal("0e999999999"),
        Decimal("9" * 1_000_000),
        Decimal("0." + "0" * 10_000 + "1"),
        10**5000,
    ]
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
            "value": st.one_of(
                odd_numbers, hostile_numbers, odd_strings, st.sampled_from(KEYS), json_like
            ),
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
            if action == "change" and rows and isinstance(rows[i], dict):
                field = draw(st.sampled_from(["track", "unit", "item", "value"]))
                rows[i][field] = draw(st.one_of(scalars, json_like))
            elif action == "change" and rows:  # an added row that is no object: replace it
                rows[i] = draw(st.one_of(scalars, json_like))
            elif action == "drop" and rows:
                rows.pop(i)
            elif action == "dup" and rows:
                rows.append(copy.deepcopy(rows[i]))
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
#: Seconds: a guard against the billion-digit expansion, not a benchmark.
FAST = 2.0


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


def raw_json(obj: Any) -> bytes:
    """``obj`` as JSON text, Decimals written as raw numbers (``1e999999999``) as an attacker
    sends them; ValueError/TypeError for what has no JSON spelling (an int over 4300 digits)."""
    raws: dict[str, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, Decimal):
            mark = f"@raw{len(raws)}@"
            raws[mark] = str(value)
            return mark
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    text = json.dumps(swap(obj), allow_nan=True)
    for mark, raw in raws.items():
        text = text.replace(f'"{mark}"', raw, 1)
    return text.encode()


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
        raw = raw_json(body)
    except (ValueError, TypeError):  # e.g. an int over 4300 digits has no JSON spelling here
        return
    start = time.perf_counter()
    response = post_ballot(client, raw)
    assert time.perf_counter() - start < FAST
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


# --- issue 9: hostile numbers and hostile JSON, always tried -------------------------------

HOSTILE_NUMBER_TEXTS = [
    "1e999999999",
    "-1e999999999",
    "1E+999999999",
    "1e-999999999",
    "0e999999999",
    "9" * 1_000_000,
    "-" + "9" * 5_000,
    "0." + "0" * 100_000 + "1",
]
#: Raw JSON put in place of one field of a valid ballot: (fragment, statuses allowed).
HOSTILE_FRAGMENTS = [
    *((n, {422}) for n in HOSTILE_NUMBER_TEXTS),
    ("NaN", {400}),
    ("-Infinity", {400}),
    ('"\\udc00"', {400}),
    ('"\\ud800x"', {400}),
    ('"a\\u0000"', {400}),
    ("[" * 100_000, {400}),
    ("[" * 5_000 + "]" * 5_000, {400}),
    ("{" + '"a": {' * 40 + "}" * 41, {400}),
    ('"' + "9" * 1_000_000 + '"', {422}),
]


def hostile_body(token: str, field: str, fragment: str) -> bytes:
    """A valid ballot whose first row's ``field`` is the raw JSON ``fragment``."""
    text = json.dumps({"token": token, "scores": full_scores()})
    row = '"track": "counties", "unit": "hualong", "item": "results", "value": 50'
    assert row in text
    hostile_row = row.replace(f'"{field}": ', f'"{field}": {fragment}, "_": ', 1)
    return text.replace(row, hostile_row, 1).encode()


@pytest.mark.parametrize("field", ["track", "unit", "item", "value"])
@pytest.mark.parametrize(
    ("fragment", "statuses"), HOSTILE_FRAGMENTS, ids=[f[:12] for f, _ in HOSTILE_FRAGMENTS]
)
def test_ballot_route_refuses_hostile_json_at_once(
    open_event: Any, client: Any, db: None, field: str, fragment: str, statuses: set[int]
) -> None:
    """With a fresh card, so the ballot checker (not the used-card path) meets the input."""
    from pingyi.appraisal import services
    from pingyi.appraisal.models import Event

    event = Event.objects.get(key="fz-open")
    (card,) = services.tokens_issue(event=event, panel="leaders", count=1)
    start = time.perf_counter()
    response = post_ballot(client, hostile_body(card.token, field, fragment))
    assert time.perf_counter() - start < FAST
    if field != "value" and fragment.startswith(("1", "-1", "0", "9", "-9", "1E", '"9')):
        statuses = {422}  # a number or text where a key belongs: unknown track, unit, item
    assert response.status_code in statuses, (field, fragment[:20], response.content[:300])
    assert response.json()["detail"] and response.json()["code"]
    valid = raw_json({"token": card.token, "scores": full_scores()})
    assert post_ballot(client, valid).status_code == 201  # the refusal spent nothing


EVENT_MEMBERS = ['"max": 60', '"weight": 0.6', '"points": 100', '"expected": 3', '"trim": 0']


@pytest.mark.parametrize("member", [*EVENT_MEMBERS, '"name": "华龙区"'])
@pytest.mark.parametrize(
    ("fragment", "statuses"), HOSTILE_FRAGMENTS, ids=[f[:12] for f, _ in HOSTILE_FRAGMENTS]
)
def test_event_route_refuses_hostile_json_at_once(
    client: Any, office_user: Any, member: str, fragment: str, statuses: set[int]
) -> None:
    import base64

    from tests.conftest import STRONG_PASSWORD

    text = event_json("fz-hostile")
    assert member in text
    name = member.split(":")[0]
    body = text.replace(member, f"{name}: {fragment}", 1).encode()
    auth = base64.b64encode(f"{office_user.username}:{STRONG_PASSWORD}".encode()).decode()
    start = time.perf_counter()
    headers = {"HTTP_AUTHORIZATION": f"Basic {auth}"}
    response = client.generic(
        "POST", "/api/v1/events", body, content_type="application/json", **headers
    )
    assert time.perf_counter() - start < FAST
    if member.startswith('"name"') and fragment.startswith('"9'):
        assert response.status_code == 201  # a (long) name made of digits is a name
        return
    assert response.status_code == 422, (member, fragment[:20], response.content[:300])
    assert response.json()["code"] == "invalid_event" and response.json()["detail"]


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
