"""The monthly arena (月打擂): its bundle and its tally (SUPERVISION.md, "Monthly arena").

No Django here: ``pingyi arena tally DIR`` and the product's freeze both use this module,
so a published ranking can be recomputed by anyone from ``arena.json`` and ``values.csv``.

Rules, exactly as the spec says, per indicator (points in [0, 100], exact
:class:`~fractions.Fraction` arithmetic; ``v`` the unit's value):

* ``minmax`` over the units that have a value: higher 100·(v − min)/(max − min), lower
  100·(max − v)/(max − min); all values equal (one unit with a value included) → 100;
* ``target`` (t > 0): higher 100·clamp(v/t, 0, 1); lower 100 if v ≤ t else 100·t/v;
* ``rank`` (step k, default 5): the units with a value ranked best first (ties share a
  rank: 1, 2, 2, 4), points max(0, 100 − k·(rank − 1));
* ``raw``: v clamped to [0, 100] (the direction plays no part);
* no value → 0 points and a warning ``{"unit", "indicator", "code": "missing_value"}``.

Composite = Σ wᵢ·sᵢ / Σ wᵢ (exact), rounded half-up to ``decimals``; ranked by the rounded
composite, highest first, ties share a rank (1, 2, 2, 4) and are listed by unit key.
``change`` = previous rank − rank (null without a previous rank). Red list: rank ≤
``red_top``. Black list: among the units neither exempt nor red, the last ``black_bottom``
in ranking order plus every such unit tied in rank with the first of them. Decisions the
spec leaves open are in docs/scoreboard.md, each with the test that proves it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from pingyi.appraisal.method.tally import round_half_up, score_text
from pingyi.core.pure.numbers import exact, number_problem, parse_decimal_text, show
from pingyi.core.pure.strict_json import JsonInputError, loads

FORMAT = "pingyi-arena/1"
RESULTS_FORMAT = "pingyi-arena-results/1"
ARENA_FILE = "arena.json"
VALUES_FILE = "values.csv"
RESULTS_FILE = "results.json"
VALUES_HEADER = ("unit", "indicator", "value")
EXEMPT = "exempt"
METHODS = ("minmax", "target", "rank", "raw")
DIRECTIONS = ("higher", "lower")
DEFAULT_RANK_STEP = 5
DEFAULT_DECIMALS = 2
MAX_DECIMALS = 6
MISSING_VALUE = "missing_value"
#: The largest arena.json and values.csv read (a 1,000-unit, 50-indicator month is ~2 MB).
MAX_ARENA_BYTES = 2 * 1024 * 1024
MAX_VALUES_BYTES = 32 * 1024 * 1024
HUNDRED = Fraction(100)

_KEY_FORBIDDEN = re.compile(r"[\s,\"]")
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

_TOP_MEMBERS = frozenset(
    {
        "format",
        "key",
        "name",
        "period",
        "previous_ranks",
        "units",
        "indicators",
        "decimals",
        "red_top",
        "black_bottom",
    }
)
_UNIT_MEMBERS = frozenset({"key", "name"})
_INDICATOR_MEMBERS = frozenset(
    {"key", "name", "weight", "direction", "method", "target", "rank_step"}
)


class ArenaError(ValueError):
    """A broken arena bundle. The message names the file, then the JSON path or the row
    (1-based, the header is row 1, as a spreadsheet shows it) and column."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.path = path
        self.row = row
        self.column = column
        self.reason = reason
        where = file or ""
        if path:
            where = f"{where} {path}" if where else path
        if row is not None:
            where = f"{where} row {row}"
            if column is not None:
                where = f"{where}, column {column}"
        elif column is not None:
            where = f"{where} column {column}"
        super().__init__(f"{where.strip()}: {reason}" if where.strip() else reason)


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    name: str
    weight: Fraction
    direction: str
    method: str
    target: Fraction | None = None
    rank_step: Fraction = Fraction(DEFAULT_RANK_STEP)


@dataclass(frozen=True)
class ArenaSpec:
    key: str
    name: str
    units: tuple[UnitSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    period: str | None = None
    previous_ranks: Mapping[str, int] = field(default_factory=dict)
    decimals: int = DEFAULT_DECIMALS
    red_top: int = 0
    black_bottom: int = 0


@dataclass(frozen=True)
class ArenaValues:
    """values.csv: each (unit, indicator) with a value, and the units exempt from 黑榜."""

    values: Mapping[tuple[str, str], Decimal]
    exempt: frozenset[str] = frozenset()


def _err(path: str, reason: str) -> ArenaError:
    return ArenaError(reason, file=ARENA_FILE, path=path)


def _object(obj: Any, path: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise _err(path or "(top)", "must be a JSON object")
    for member in obj:
        if member not in allowed:
            raise _err(f"{path}.{member}" if path else str(member), "is not a known member")
    return obj


def is_valid_key(value: object) -> bool:
    """A key: a non-empty string of at most 100 characters, no whitespace, commas, quotes."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 100
        and not _KEY_FORBIDDEN.search(value)
        and value == value.strip()
    )


def _key(value: Any, path: str) -> str:
    if not is_valid_key(value):
        raise _err(path, f"must be a non-empty string without spaces or commas, got {show(value)}")
    return str(value)


def _name(obj: Mapping[str, Any], path: str, default: str) -> str:
    name = obj.get("name", default)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        where = f"{path}.name" if path else "name"
        raise _err(where, "must be a non-empty string of at most 200 characters")
    return name


def _number(value: Any, path: str, *, positive: bool) -> Fraction:
    problem = number_problem(value)
    if problem is not None:
        raise _err(path, problem)
    number = exact(value)
    if number is None or (number <= 0 if positive else number < 0):
        raise _err(path, "must be a number > 0" if positive else "must be a number >= 0")
    return number


def _integer(value: Any, path: str, *, minimum: int, maximum: int | None = None) -> int:
    problem = number_problem(value)
    if problem is not None:
        raise _err(path, problem)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _err(path, f"must be an integer >= {minimum}")
    if maximum is not None and value > maximum:
        raise _err(path, f"must be an integer from {minimum} to {maximum}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _err(path, "must be a non-empty list")
    return value


def _unique(keys: Sequence[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise _err(f"{path}[{i}].key", f'{what} "{key}" appears twice')
        seen.add(key)


def parse_arena(obj: Any) -> ArenaSpec:
    """Validate a decoded ``arena.json`` and build the :class:`ArenaSpec`."""
    root = _object(obj, "", _TOP_MEMBERS)
    if root.get("format") != FORMAT:
        raise _err("format", f'must be "{FORMAT}", got {show(root.get("format"))}')
    key = _key(root.get("key"), "key")
    name = _name(root, "", key)
    period = root.get("period")
    if period is not None and (not isinstance(period, str) or not _PERIOD.fullmatch(period)):
        raise _err("period", f"must be a month written YYYY-MM, got {show(period)}")
    units = tuple(_unit(u, f"units[{i}]") for i, u in enumerate(_list(root.get("units"), "units")))
    _unique([u.key for u in units], "units", "unit")
    raw_indicators = _list(root.get("indicators"), "indicators")
    indicators = tuple(_indicator(x, f"indicators[{i}]") for i, x in enumerate(raw_indicators))
    _unique([x.key for x in indicators], "indicators", "indicator")
    if sum(x.weight for x in indicators) == 0:
        raise _err("indicators", "every weight is 0: at least one indicator must weigh > 0")
    decimals = _integer(
        root.get("decimals", DEFAULT_DECIMALS), "decimals", minimum=0, maximum=MAX_DECIMALS
    )
    red_top = _integer(root.get("red_top", 0), "red_top", minimum=0)
    black_bottom = _integer(root.get("black_bottom", 0), "black_bottom", minimum=0)
    previous = _previous_ranks(root.get("previous_ranks", {}))
    return ArenaSpec(
        key, name, units, indicators, period, previous, decimals, red_top, black_bottom
    )


def _unit(obj: Any, path: str) -> UnitSpec:
    unit = _object(obj, path, _UNIT_MEMBERS)
    key = _key(unit.get("key"), f"{path}.key")
    return UnitSpec(key, _name(unit, path, key))


def _indicator(obj: Any, path: str) -> IndicatorSpec:
    item = _object(obj, path, _INDICATOR_MEMBERS)
    key = _key(item.get("key"), f"{path}.key")
    if key == EXEMPT:
        raise _err(f"{path}.key", f'"{EXEMPT}" is reserved (values.csv marks exempt units with it)')
    name = _name(item, path, key)
    weight = _number(item.get("weight"), f"{path}.weight", positive=False)
    direction = item.get("direction")
    if direction not in DIRECTIONS:
        raise _err(f"{path}.direction", f'must be "higher" or "lower", got {show(direction)}')
    method = item.get("method")
    if method not in METHODS:
        raise _err(
            f"{path}.method", f'must be "minmax", "target", "rank" or "raw", got {show(method)}'
        )
    target = None
    if method == "target" or "target" in item:
        target = _number(item.get("target"), f"{path}.target", positive=True)
    step = Fraction(DEFAULT_RANK_STEP)
    if "rank_step" in item:
        step = _number(item["rank_step"], f"{path}.rank_step", positive=False)
    return IndicatorSpec(key, name, weight, direction, method, target, step)


def _previous_ranks(obj: Any) -> dict[str, int]:
    if not isinstance(obj, dict):
        raise _err("previous_ranks", "must be a JSON object: unit key → rank")
    out: dict[str, int] = {}
    for unit, rank in obj.items():
        path = f"previous_ranks.{show(unit)}"
        if rank is None:
            continue
        out[_key(unit, path)] = _integer(rank, path, minimum=1)
    return out


def load_arena_json(data: bytes | str) -> ArenaSpec:
    """Parse the bytes (or text) of an ``arena.json`` (UTF-8, a BOM allowed)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _err("", f"is not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    try:
        obj = loads(text.removeprefix("\ufeff"))
    except JsonInputError as exc:
        raise _err(exc.path, exc.reason) from None
    return parse_arena(obj)


def _json_number(value: Fraction) -> int | float:
    """An exact number for JSON: an int, or a float whose shortest repr is exactly it."""
    if value.denominator == 1:
        return value.numerator
    as_float = float(value)
    if Fraction(repr(as_float)) != value:
        raise ValueError(f"{value} has no exact short decimal form")
    return as_float


def arena_to_json(spec: ArenaSpec) -> dict[str, Any]:
    """The ``arena.json`` object of ``spec``; :func:`parse_arena` reads it back equal."""
    out: dict[str, Any] = {"format": FORMAT, "key": spec.key, "name": spec.name}
    if spec.period is not None:
        out["period"] = spec.period
    out["previous_ranks"] = dict(spec.previous_ranks)
    out["units"] = [{"key": u.key, "name": u.name} for u in spec.units]
    indicators = []
    for x in spec.indicators:
        item: dict[str, Any] = {
            "key": x.key,
            "name": x.name,
            "weight": _json_number(x.weight),
            "direction": x.direction,
            "method": x.method,
        }
        if x.target is not None:
            item["target"] = _json_number(x.target)
        if x.method == "rank":
            item["rank_step"] = _json_number(x.rank_step)
        indicators.append(item)
    out["indicators"] = indicators
    out["decimals"] = spec.decimals
    out["red_top"] = spec.red_top
    out["black_bottom"] = spec.black_bottom
    return out


# --------------------------------------------------------------------------- values.csv


def parse_values(data: bytes | str, spec: ArenaSpec) -> ArenaValues:
    """Read ``values.csv`` against ``spec``: all or nothing, the first bad row named.

    Header ``unit,indicator,value``; rows ``unit,indicator,value`` (a plain decimal such as
    ``35``, ``-1.5``; an empty value is the same as no row: no value) or ``unit,exempt,1``.
    An all-empty row is ignored; an unknown unit or indicator, a second row for the same
    unit and indicator (or a second exempt row) is refused.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArenaError(f"is not UTF-8 text (byte {exc.start})", file=VALUES_FILE) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ArenaError("holds a NUL character", file=VALUES_FILE, row=line)
    units = {u.key for u in spec.units}
    indicators = {x.key for x in spec.indicators}
    values: dict[tuple[str, str], Decimal] = {}
    exempt: set[str] = set()
    seen: set[tuple[str, str]] = set()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(c.strip() for c in header) != VALUES_HEADER:
            got = ",".join(header) if header else "nothing"
            raise ArenaError(
                f"the header must be unit,indicator,value, got {show(got)}", file=VALUES_FILE, row=1
            )
        for row_number, row in enumerate(reader, start=2):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) != 3:
                raise ArenaError(
                    f"must have 3 cells (unit, indicator, value), got {len(cells)}",
                    file=VALUES_FILE,
                    row=row_number,
                )
            _row_value(row_number, cells, units, indicators, seen, values, exempt)
    except csv.Error as exc:
        raise ArenaError(
            f"is not valid CSV: {exc}", file=VALUES_FILE, row=reader.line_num or 1
        ) from None
    return ArenaValues(values, frozenset(exempt))


def _row_value(
    row: int,
    cells: list[str],
    units: set[str],
    indicators: set[str],
    seen: set[tuple[str, str]],
    values: dict[tuple[str, str], Decimal],
    exempt: set[str],
) -> None:
    unit, indicator, value = cells

    def refuse(column: str, reason: str) -> ArenaError:
        return ArenaError(reason, file=VALUES_FILE, row=row, column=column)

    if unit not in units:
        raise refuse("unit", f'unit "{show(unit)}" is not one of arena.json\'s units')
    if indicator == EXEMPT:
        if value != "1":
            raise refuse("value", f'an exempt row must have the value 1, got "{show(value)}"')
        if unit in exempt:
            raise refuse("indicator", f'unit "{unit}" is marked exempt twice')
        exempt.add(unit)
        return
    if indicator not in indicators:
        raise refuse(
            "indicator", f'indicator "{show(indicator)}" is not one of arena.json\'s indicators'
        )
    if (unit, indicator) in seen:
        raise refuse("indicator", f'a second row for unit "{unit}" and indicator "{indicator}"')
    seen.add((unit, indicator))
    if value == "":
        return
    number = parse_decimal_text(value)
    if number is None:
        raise refuse("value", f'"{show(value)}" is not a decimal number (such as 35 or 7.5)')
    problem = number_problem(number)
    if problem is not None:
        raise refuse("value", problem)
    values[(unit, indicator)] = number


def values_to_csv(values: ArenaValues, spec: ArenaSpec) -> str:
    """The canonical ``values.csv``: header, then units and indicators in arena.json's
    order (values as written, e.g. ``7.50``), then the exempt rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VALUES_HEADER)
    for unit in spec.units:
        for indicator in spec.indicators:
            value = values.values.get((unit.key, indicator.key))
            if value is not None:
                writer.writerow((unit.key, indicator.key, _decimal_text(value)))
    for unit in spec.units:
        if unit.key in values.exempt:
            writer.writerow((unit.key, EXEMPT, "1"))
    return out.getvalue()


def _decimal_text(value: Decimal) -> str:
    """A Decimal as plain text with no exponent (``1E+2`` → ``100``)."""
    text = format(value, "f")
    return "0" if text in {"-0", "+0"} else text


# --------------------------------------------------------------------------- the tally


@dataclass(frozen=True)
class UnitResult:
    rank: int
    key: str
    name: str
    score: Fraction
    text: str
    points: Mapping[str, Fraction]
    points_text: Mapping[str, str]
    change: int | None
    previous_rank: int | None
    exempt: bool


@dataclass(frozen=True)
class ArenaResults:
    arena: str
    ranking: tuple[UnitResult, ...]
    red: tuple[str, ...]
    black: tuple[str, ...]
    warnings: tuple[Mapping[str, str], ...]


def competition_ranks(ordered: Sequence[Any]) -> list[int]:
    """Ranks of an already ordered sequence of comparable keys: 1, 2, 2, 4."""
    ranks: list[int] = []
    for position, value in enumerate(ordered, start=1):
        if position > 1 and value == ordered[position - 2]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position)
    return ranks


def indicator_points(
    indicator: IndicatorSpec, values: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Points s(v) in [0, 100] of every unit that has a value (``values``: unit → v)."""
    if not values:
        return {}
    higher = indicator.direction == "higher"
    if indicator.method == "minmax":
        low, high = min(values.values()), max(values.values())
        if low == high:
            return dict.fromkeys(values, HUNDRED)
        span = high - low
        if higher:
            return {u: HUNDRED * (v - low) / span for u, v in values.items()}
        return {u: HUNDRED * (high - v) / span for u, v in values.items()}
    if indicator.method == "target":
        t = indicator.target
        assert t is not None and t > 0  # nosec B101 # checked when arena.json is read
        if higher:
            return {
                u: HUNDRED * min(max(v / t, Fraction(0)), Fraction(1)) for u, v in values.items()
            }
        return {u: HUNDRED if v <= t else HUNDRED * t / v for u, v in values.items()}
    if indicator.method == "rank":
        ordered = sorted(values.items(), key=lambda kv: -kv[1] if higher else kv[1])
        ranks = competition_ranks([v for _, v in ordered])
        step = indicator.rank_step
        return {
            u: max(Fraction(0), HUNDRED - step * (r - 1))
            for (u, _), r in zip(ordered, ranks, strict=True)
        }
    # raw: the value itself, clamped to [0, 100]
    return {u: min(max(v, Fraction(0)), HUNDRED) for u, v in values.items()}


def tally(spec: ArenaSpec, values: ArenaValues) -> ArenaResults:
    """The month's ranking, red and black lists and warnings (the module docstring)."""
    points: dict[str, dict[str, Fraction]] = {u.key: {} for u in spec.units}
    warnings: list[dict[str, str]] = []
    for indicator in spec.indicators:
        present = {
            u.key: Fraction(values.values[(u.key, indicator.key)])
            for u in spec.units
            if (u.key, indicator.key) in values.values
        }
        scored = indicator_points(indicator, present)
        for unit in spec.units:
            points[unit.key][indicator.key] = scored.get(unit.key, Fraction(0))
            if unit.key not in present:
                warnings.append(
                    {"unit": unit.key, "indicator": indicator.key, "code": MISSING_VALUE}
                )
    total_weight = sum((x.weight for x in spec.indicators), Fraction(0))
    composite = {
        u.key: sum((x.weight * points[u.key][x.key] for x in spec.indicators), Fraction(0))
        / total_weight
        for u in spec.units
    }
    rounded = {key: round_half_up(score, spec.decimals) for key, score in composite.items()}
    order = sorted(spec.units, key=lambda u: (-rounded[u.key], u.key))
    ranks = competition_ranks([rounded[u.key] for u in order])
    ranking = []
    for unit, rank in zip(order, ranks, strict=True):
        previous = spec.previous_ranks.get(unit.key)
        ranking.append(
            UnitResult(
                rank=rank,
                key=unit.key,
                name=unit.name,
                score=composite[unit.key],
                text=score_text(composite[unit.key], spec.decimals),
                points=points[unit.key],
                points_text={k: score_text(p, spec.decimals) for k, p in points[unit.key].items()},
                change=None if previous is None else previous - rank,
                previous_rank=previous,
                exempt=unit.key in values.exempt,
            )
        )
    red, black = red_and_black(ranking, spec.red_top, spec.black_bottom)
    return ArenaResults(spec.key, tuple(ranking), red, black, tuple(warnings))


def red_and_black(
    ranking: Sequence[UnitResult], red_top: int, black_bottom: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """红榜: rank ≤ red_top. 黑榜: among the units neither exempt nor red, the last
    ``black_bottom`` in ranking order and every one tied in rank with the first of them.
    Both in ranking order; no unit on both."""
    red = tuple(u.key for u in ranking if u.rank <= red_top)
    red_set = set(red)
    candidates = [u for u in ranking if not u.exempt and u.key not in red_set]
    if black_bottom <= 0 or not candidates:
        return red, ()
    tail = candidates[-black_bottom:]
    cut_rank = tail[0].rank
    black = tuple(u.key for u in candidates if u.rank >= cut_rank)
    return red, black


def results_to_json(results: ArenaResults) -> dict[str, Any]:
    """The ``results.json`` object (key order fixed: docs/scoreboard.md)."""
    return {
        "format": RESULTS_FORMAT,
        "arena": results.arena,
        "ranking": [
            {
                "rank": u.rank,
                "unit": u.key,
                "name": u.name,
                "score": u.text,
                "indicators": dict(u.points_text),
                "change": u.change,
            }
            for u in results.ranking
        ],
        "red": list(results.red),
        "black": list(results.black),
        "warnings": [dict(w) for w in results.warnings],
    }


def dump_json(obj: Mapping[str, Any]) -> str:
    """The canonical text of a bundle's JSON: UTF-8 characters, indent 2, final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- bundles


def _read_member(archive: zipfile.ZipFile, names: set[str], name: str, cap: int) -> bytes:
    member = name if name in names else None
    if member is None:
        nested = [n for n in names if n.count("/") == 1 and n.endswith("/" + name)]
        member = nested[0] if len(nested) == 1 else None
    if member is None:
        raise ArenaError("missing from the bundle", file=name)
    try:
        with archive.open(member) as f:
            data = f.read(cap + 1)
    except _ZIP_ERRORS as exc:
        raise ArenaError(f"cannot be read from the .zip: {exc}", file=name) from None
    if len(data) > cap:
        raise ArenaError(f"larger than {cap >> 20} MB", file=name)
    return data


def _read_file(path: Path, name: str, cap: int) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(cap + 1)
    except FileNotFoundError:
        raise ArenaError("missing from the bundle", file=name) from None
    except OSError as exc:
        raise ArenaError(f"cannot be read: {exc.strerror}", file=name) from None
    if len(data) > cap:
        raise ArenaError(f"larger than {cap >> 20} MB", file=name)
    return data


def read_bundle_files(source: str | os.PathLike[str] | IO[bytes]) -> tuple[bytes, bytes]:
    """The bytes of ``arena.json`` and ``values.csv`` from a folder or a .zip (at its root
    or in its one top folder)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            return (
                _read_file(path / ARENA_FILE, ARENA_FILE, MAX_ARENA_BYTES),
                _read_file(path / VALUES_FILE, VALUES_FILE, MAX_VALUES_BYTES),
            )
        if not path.exists():
            raise ArenaError("no such folder or file", file=str(path))
        with path.open("rb") as f:
            return _read_zip(f, str(path))
    return _read_zip(source, "upload")


def _read_zip(f: IO[bytes], name: str) -> tuple[bytes, bytes]:
    try:
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
            return (
                _read_member(archive, names, ARENA_FILE, MAX_ARENA_BYTES),
                _read_member(archive, names, VALUES_FILE, MAX_VALUES_BYTES),
            )
    except _ZIP_ERRORS as exc:
        raise ArenaError(
            f"is neither a bundle folder nor a readable .zip ({exc})", file=name
        ) from None


def read_bundle(source: str | os.PathLike[str] | IO[bytes]) -> tuple[ArenaSpec, ArenaValues]:
    """The arena and its values from a bundle folder or .zip; :class:`ArenaError` if broken."""
    arena_bytes, values_bytes = read_bundle_files(source)
    spec = load_arena_json(arena_bytes)
    return spec, parse_values(values_bytes, spec)


def bundle_files(spec: ArenaSpec, values: ArenaValues) -> dict[str, bytes]:
    """``arena.json``, ``values.csv`` and ``results.json`` of a month, as bytes."""
    results = results_to_json(tally(spec, values))
    return {
        ARENA_FILE: dump_json(arena_to_json(spec)).encode("utf-8"),
        VALUES_FILE: values_to_csv(values, spec).encode("utf-8"),
        RESULTS_FILE: dump_json(results).encode("utf-8"),
    }


def zip_bundle(files: Mapping[str, bytes], folder: str) -> bytes:
    """The files in one top folder of a .zip (fixed dates: the same files, the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def write_bundle(spec: ArenaSpec, values: ArenaValues, folder: str | os.PathLike[str]) -> None:
    """Write the three files into ``folder`` (created if needed)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in bundle_files(spec, values).items():
        (target / name).write_bytes(data)


def values_from_pairs(
    pairs: Iterable[tuple[str, str, Decimal]], exempt: Iterable[str] = ()
) -> ArenaValues:
    """ArenaValues from (unit, indicator, value) triples (the product's freeze)."""
    return ArenaValues({(u, i): v for u, i, v in pairs}, frozenset(exempt))


__all__ = [
    "ARENA_FILE",
    "FORMAT",
    "RESULTS_FILE",
    "RESULTS_FORMAT",
    "VALUES_FILE",
    "ArenaError",
    "ArenaResults",
    "ArenaSpec",
    "ArenaValues",
    "IndicatorSpec",
    "UnitResult",
    "UnitSpec",
    "arena_to_json",
    "bundle_files",
    "dump_json",
    "indicator_points",
    "load_arena_json",
    "parse_arena",
    "parse_values",
    "read_bundle",
    "results_to_json",
    "tally",
    "values_from_pairs",
    "values_to_csv",
    "write_bundle",
    "zip_bundle",
]
