"""The appraisal event specification (``event.json``, format ``pingyi-event/1``).

:func:`load_event_json` parses the bytes of an ``event.json``; :func:`parse_event`
validates an already decoded JSON object.  Both return an :class:`EventSpec`, a tree
of frozen dataclasses.  All numbers are exact :class:`fractions.Fraction` values:
JSON is decoded with ``parse_float=Decimal`` so ``0.4`` is exactly ``2/5``; binary
floats never enter the arithmetic.  Every number is held to the bounds of
:mod:`pingyi.core.pure.numbers` before it is converted (``1e999999999`` is refused in
microseconds, not expanded), and the JSON text to those of
:mod:`pingyi.core.pure.strict_json` (nesting depth, lone surrogates).  Every problem
raises :class:`SpecError` whose message starts with the JSON path of the offending
value, for example ``tracks[1].rubric.criteria[0].max: must be a positive number``.

Unknown members are ignored on the descriptive objects (event, track, unit) so the
platform may add fields, but refused on the objects that define the arithmetic
(rubric, criterion, grade, panel, method), where a misspelt member would silently
change a result.

:func:`spec_to_json` is the inverse of :func:`parse_event` (numbers as ``int`` or
exact ``Decimal``) and :func:`dump_event_json` writes it as JSON text, Decimals as
plain JSON numbers (``0.4``, never ``0.4000000000000000222``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Literal

from pingyi.appraisal.method.event_keys import event_key_problem
from pingyi.core.pure.numbers import exact, number_problem, show
from pingyi.core.pure.strict_json import JsonInputError, loads, printable

FORMAT = "pingyi-event/1"
#: What an event is (``"kind"``, default ``"meeting"``): a work-report appraisal meeting
#: (评议会) or a quarterly observation (季观摩). The tally is the same; pages list them apart.
EVENT_KINDS = ("meeting", "observation")
RESERVED_ITEM_KEYS = frozenset({"grade", "abstain"})
#: The three rubric kinds: criteria (sum of points), grades (a grade's points), ranking
#: (the Jining method of the quarterly observation: a ballot ranks the units 1…m and a
#: unit's total is ``first − step·(rank − 1)``). A ranking rubric is allowed in either
#: kind of event (the tally is the same); the quarterly observation is what it is for.
RUBRIC_KINDS = ("criteria", "grades", "ranking")
#: A ranking rubric's defaults: rank 1 is worth 100, each rank below it 3 less.
RANKING_FIRST = Fraction(100)
RANKING_STEP = Fraction(3)
MAX_STEPS = 10**9  # max/step above this would not fit the int32 ballot slots safely

_KEY_FORBIDDEN = re.compile(r"[\s,]")


class SpecError(ValueError):
    """An ``event.json`` that breaks a rule; the message starts with the JSON path."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
class UnitSpec:
    """An appraised body (county, department, lead unit) inside one track."""

    key: str
    name: str
    presenter: str | None = None


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a criteria rubric, scored in ``[0, max]`` by ``step``."""

    key: str
    name: str
    max: Fraction


@dataclass(frozen=True)
class GradeSpec:
    """One grade of a grades rubric; the first grade of a rubric is the top grade."""

    key: str
    name: str
    points: Fraction


@dataclass(frozen=True)
class RubricSpec:
    """How a track's units are scored: ``criteria`` (sum of points), ``grades``, or
    ``ranking`` (rank 1…m; the total is ``first − step·(rank − 1)``; ``step`` is then
    the points between two ranks, default 3, and ``first`` the points of rank 1)."""

    kind: Literal["criteria", "grades", "ranking"]
    step: Fraction = Fraction(1)
    criteria: tuple[CriterionSpec, ...] = ()
    grades: tuple[GradeSpec, ...] = ()
    top_grade_max_share: Fraction | None = None
    abstain: bool = False
    first: Fraction = RANKING_FIRST

    @property
    def items(self) -> tuple[str, ...]:
        """The keys of the scored items (criteria), ``("grade",)`` or ``("rank",)``."""
        if self.kind == "criteria":
            return tuple(c.key for c in self.criteria)
        if self.kind == "ranking":
            return ("rank",)
        return ("grade",)

    def rank_points(self, rank: int) -> Fraction:
        """A ranking rubric's total for ``rank`` (1-based): ``first − step·(rank − 1)``."""
        return self.first - self.step * (rank - 1)


@dataclass(frozen=True)
class TrackSpec:
    """Units appraised against each other with one rubric."""

    key: str
    name: str
    units: tuple[UnitSpec, ...]
    rubric: RubricSpec

    def unit(self, key: str) -> UnitSpec | None:
        """The unit with ``key`` in this track, if any."""
        for unit in self.units:
            if unit.key == key:
                return unit
        return None


@dataclass(frozen=True)
class PanelSpec:
    """A group of evaluators with a weight and an optional expected attendance."""

    key: str
    name: str
    weight: Fraction = Fraction(1)
    expected: int | None = None


@dataclass(frozen=True)
class MethodSpec:
    """How totals become a score (see DESIGN.md "Appraisal rules")."""

    weighting: Literal["panels", "pooled"] = "panels"
    trim: int = 1
    trim_min: int = 5
    decimals: int = 2


@dataclass(frozen=True)
class EventSpec:
    """One appraisal event: tracks, panels and the tally method."""

    key: str
    name: str
    held_on: str | None
    tracks: tuple[TrackSpec, ...]
    panels: tuple[PanelSpec, ...]
    method: MethodSpec = MethodSpec()
    previous: str | None = None
    kind: str = EVENT_KINDS[0]

    def track(self, key: str) -> TrackSpec | None:
        """The track with ``key``, if any."""
        for track in self.tracks:
            if track.key == key:
                return track
        return None

    def panel_index(self, key: str) -> int | None:
        """The position of panel ``key`` in :attr:`panels`, if any."""
        for i, panel in enumerate(self.panels):
            if panel.key == key:
                return i
        return None


# --------------------------------------------------------------------------- parsing


def load_event_json(data: bytes | str) -> EventSpec:
    """Parse the text of an ``event.json`` (UTF-8, optional BOM) into an :class:`EventSpec`."""
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError("", f"not UTF-8 text (byte {exc.start})") from exc
    else:
        text = data.removeprefix("\ufeff")
    try:
        obj = loads(text)
    except JsonInputError as exc:
        raise SpecError(exc.path, exc.reason) from None
    return parse_event(obj)


def parse_event(obj: Any) -> EventSpec:
    """Validate a decoded ``event.json`` object and build the :class:`EventSpec`."""
    root = _object(obj, "")
    fmt = root.get("format")
    if fmt != FORMAT:
        raise SpecError("format", f'must be "{FORMAT}", got {_show(fmt)}')
    key = _event_key(root.get("key"), "key")
    name = _name(root, "", key)
    held_on = _date(root.get("held_on"), "held_on")
    previous = None if root.get("previous") is None else _event_key(root["previous"], "previous")
    kind = _event_kind(root.get("kind"), "kind")
    tracks = _nonempty_list(root.get("tracks"), "tracks")
    track_specs = tuple(_track(t, f"tracks[{i}]") for i, t in enumerate(tracks))
    _unique([t.key for t in track_specs], "tracks", "track")
    panels = _nonempty_list(root.get("panels"), "panels")
    panel_specs = tuple(_panel(p, f"panels[{i}]") for i, p in enumerate(panels))
    _unique([p.key for p in panel_specs], "panels", "panel")
    method = _method(root.get("method"), "method")
    return EventSpec(key, name, held_on, track_specs, panel_specs, method, previous, kind)


def _event_kind(value: Any, path: str) -> str:
    """``"meeting"`` (also when absent) or ``"observation"``."""
    if value is None:
        return EVENT_KINDS[0]
    if not isinstance(value, str) or value not in EVENT_KINDS:
        raise SpecError(path, f'must be "meeting" or "observation", got {_show(value)}')
    return value


def _track(obj: Any, path: str) -> TrackSpec:
    """A track: a key, a name, at least one unit (keys unique) and a rubric."""
    track = _object(obj, path)
    key = _key(track.get("key"), f"{path}.key")
    name = _name(track, path, key)
    units = _nonempty_list(track.get("units"), f"{path}.units")
    unit_specs = tuple(_unit(u, f"{path}.units[{i}]") for i, u in enumerate(units))
    _unique([u.key for u in unit_specs], f"{path}.units", "unit")
    rubric = _rubric(track.get("rubric"), f"{path}.rubric")
    return TrackSpec(key, name, unit_specs, rubric)


def _unit(obj: Any, path: str) -> UnitSpec:
    unit = _object(obj, path)
    key = _key(unit.get("key"), f"{path}.key")
    presenter = unit.get("presenter")
    if presenter is not None and not isinstance(presenter, str):
        raise SpecError(f"{path}.presenter", "must be a string")
    return UnitSpec(key, _name(unit, path, key), presenter)


_RUBRIC_MEMBERS = {
    "kind",
    "step",
    "criteria",
    "grades",
    "top_grade_max_share",
    "abstain",
    "first",
}


def _rubric(obj: Any, path: str) -> RubricSpec:
    """A rubric: criteria with ``max`` (multiples of ``step``), grades with ``points``, or
    a ranking with ``first`` and ``step``."""
    rubric = _object(obj, path, _RUBRIC_MEMBERS)
    kind = rubric.get("kind")
    if kind not in RUBRIC_KINDS:
        raise SpecError(
            f"{path}.kind", f'must be "criteria", "grades" or "ranking", got {_show(kind)}'
        )
    if kind == "ranking":
        return _ranking(rubric, path)
    if "first" in rubric:
        raise SpecError(f"{path}.first", "is only allowed in a ranking rubric")
    step = _number(rubric.get("step", 1), f"{path}.step", positive=True)
    abstain = rubric.get("abstain", False)
    if not isinstance(abstain, bool):
        raise SpecError(f"{path}.abstain", "must be true or false")
    if kind == "criteria":
        for member in ("grades", "top_grade_max_share"):
            if member in rubric:
                raise SpecError(f"{path}.{member}", "is only allowed in a grades rubric")
        items = _nonempty_list(rubric.get("criteria"), f"{path}.criteria")
        criteria = tuple(_criterion(c, f"{path}.criteria[{i}]", step) for i, c in enumerate(items))
        _unique([c.key for c in criteria], f"{path}.criteria", "criterion")
        return RubricSpec("criteria", step, criteria=criteria, abstain=abstain)
    if "criteria" in rubric:
        raise SpecError(f"{path}.criteria", "is only allowed in a criteria rubric")
    items = _nonempty_list(rubric.get("grades"), f"{path}.grades")
    grades = tuple(_grade(g, f"{path}.grades[{i}]") for i, g in enumerate(items))
    _unique([g.key for g in grades], f"{path}.grades", "grade")
    share = rubric.get("top_grade_max_share")
    q = None
    if share is not None:
        q = _number(share, f"{path}.top_grade_max_share", positive=True)
        if q > 1:
            raise SpecError(f"{path}.top_grade_max_share", "must be a number in (0, 1]")
    return RubricSpec("grades", step, grades=grades, top_grade_max_share=q, abstain=abstain)


def _ranking(rubric: Mapping[str, Any], path: str) -> RubricSpec:
    """A ranking rubric: ``first`` >= 0 (default 100) and ``step`` > 0 (default 3), exact
    numbers; no criteria, grades, quota, nor "don't know" (every unit is ranked)."""
    for member in ("criteria", "grades", "top_grade_max_share"):
        if member in rubric:
            raise SpecError(f"{path}.{member}", "is not allowed in a ranking rubric")
    if rubric.get("abstain", False) is not False:
        raise SpecError(
            f"{path}.abstain", "must be false in a ranking rubric: every unit is ranked"
        )
    first = _number(rubric.get("first", 100), f"{path}.first", positive=False)
    step = _number(rubric.get("step", 3), f"{path}.step", positive=True)
    return RubricSpec("ranking", step, first=first)


def _criterion(obj: Any, path: str, step: Fraction) -> CriterionSpec:
    """A criterion: ``max`` > 0, a multiple of the rubric's step; key not grade/abstain."""
    item = _object(obj, path, {"key", "name", "max"})
    key = _key(item.get("key"), f"{path}.key")
    if key in RESERVED_ITEM_KEYS:
        raise SpecError(f"{path}.key", f'"{key}" is reserved and cannot be a criterion key')
    top = _number(item.get("max"), f"{path}.max", positive=True)
    steps = top / step
    if steps.denominator != 1:
        raise SpecError(f"{path}.max", f"must be a multiple of step {format_number(step)}")
    if steps > MAX_STEPS:
        raise SpecError(f"{path}.max", f"allows more than {MAX_STEPS} steps")
    return CriterionSpec(key, _name(item, path, key), top)


def _grade(obj: Any, path: str) -> GradeSpec:
    item = _object(obj, path, {"key", "name", "points"})
    key = _key(item.get("key"), f"{path}.key")
    points = _number(item.get("points"), f"{path}.points", positive=False)
    return GradeSpec(key, _name(item, path, key), points)


def _panel(obj: Any, path: str) -> PanelSpec:
    """A panel: a key, a name, ``weight`` > 0 (default 1), ``expected`` attendance."""
    panel = _object(obj, path, {"key", "name", "weight", "expected"})
    key = _key(panel.get("key"), f"{path}.key")
    weight = _number(panel.get("weight", 1), f"{path}.weight", positive=True)
    expected = panel.get("expected")
    if expected is not None:
        expected = _integer(expected, f"{path}.expected", minimum=0)
    return PanelSpec(key, _name(panel, path, key), weight, expected)


def _method(obj: Any, path: str) -> MethodSpec:
    """The tally method; absent means all defaults (panels, trim 1, trim_min 5, 2 places)."""
    if obj is None:
        return MethodSpec()
    method = _object(obj, path, {"weighting", "trim", "trim_min", "decimals"})
    weighting = method.get("weighting", "panels")
    if weighting not in ("panels", "pooled"):
        raise SpecError(
            f"{path}.weighting", f'must be "panels" or "pooled", got {_show(weighting)}'
        )
    trim = _integer(method.get("trim", 1), f"{path}.trim", minimum=0)
    trim_min = _integer(method.get("trim_min", 5), f"{path}.trim_min", minimum=0)
    decimals = _integer(method.get("decimals", 2), f"{path}.decimals", minimum=0)
    if decimals > 6:
        raise SpecError(f"{path}.decimals", "must be an integer from 0 to 6")
    return MethodSpec(weighting, trim, trim_min, decimals)


# --------------------------------------------------------------------------- primitives


def _object(obj: Any, path: str, allowed: set[str] | None = None) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise SpecError(path, "must be a JSON object")
    if allowed is not None:
        for member in obj:
            if member not in allowed:
                where = f"{path}.{member}" if path else str(member)
                raise SpecError(where, "is not a known member")
    return obj


def _nonempty_list(obj: Any, path: str) -> Sequence[Any]:
    if not isinstance(obj, list):
        raise SpecError(path, "must be a non-empty list")
    if not obj:
        raise SpecError(path, "must not be empty")
    return obj


def is_valid_key(value: object) -> bool:
    """A key is a non-empty string without whitespace or commas."""
    return isinstance(value, str) and bool(value) and not _KEY_FORBIDDEN.search(value)


def _key(value: Any, path: str) -> str:
    if not is_valid_key(value):
        raise SpecError(
            path, f"must be a non-empty string without spaces or commas, got {_show(value)}"
        )
    return value


def _event_key(value: Any, path: str) -> str:
    """An event's key: the rule of :mod:`pingyi.appraisal.method.event_keys` (web addresses)."""
    problem = event_key_problem(value)
    if problem is not None:
        raise SpecError(path, problem)
    return str(value)


def _name(obj: Mapping[str, Any], path: str, default: str) -> str:
    """The display name; defaults to the key when absent."""
    name = obj.get("name", default)
    if not isinstance(name, str) or not name.strip():
        raise SpecError(f"{path}.name" if path else "name", "must be a non-empty string")
    return name


def _date(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if len(value) == 10:
                return value
    raise SpecError(path, f"must be a date written YYYY-MM-DD, got {_show(value)}")


def _number(value: Any, path: str, *, positive: bool) -> Fraction:
    """An exact number; ``positive`` demands > 0, otherwise >= 0.  Booleans are refused."""
    what = "a positive number" if positive else "a number >= 0"
    problem = number_problem(value)
    if problem is not None:
        raise SpecError(path, problem)
    number = to_fraction(value)
    if number is None or (number <= 0 if positive else number < 0):
        raise SpecError(path, f"must be {what}")
    return number


def _integer(value: Any, path: str, *, minimum: int) -> int:
    problem = number_problem(value)
    if problem is not None:
        raise SpecError(path, problem)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecError(path, f"must be an integer >= {minimum}")
    return value


def to_fraction(value: Any) -> Fraction | None:
    """The exact value of a JSON number (int, Decimal or float), or None if not a number.

    Floats are read through their shortest ``repr`` so ``0.4`` is ``2/5``; booleans,
    strings, NaN and infinities are not numbers, and neither is a number outside the
    bounds of :func:`pingyi.core.pure.numbers.number_problem` (never expanded).
    """
    if isinstance(value, Fraction):
        return value
    return exact(value)


def _unique(keys: list[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise SpecError(f"{path}[{i}].key", f'duplicate {what} key "{key}"')
        seen.add(key)


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return show(value)
    if isinstance(value, str):
        return show(f'"{printable(value)}"')
    try:
        return show(printable(json.dumps(value, ensure_ascii=False, default=str)))
    except (ValueError, RecursionError):  # an int beyond 4300 digits, a cycle, deep nesting
        return show(type(value).__name__)


# --------------------------------------------------------------------------- writing


def fraction_to_json(value: Fraction) -> int | Decimal:
    """An exact JSON number for ``value``: an int, or a Decimal with no exponent.

    Raises ValueError if ``value`` has no finite decimal expansion (never the case for
    numbers read from JSON).
    """
    if value.denominator == 1:
        return value.numerator
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    with localcontext() as ctx:
        ctx.prec = len(str(value.numerator)) + len(str(value.denominator)) + 10
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(format(exact.normalize(), "f"))


def format_number(value: Fraction) -> str:
    """Plain decimal text for an exact terminating number: ``35``, ``7.5``, ``0.4``."""
    return str(fraction_to_json(value))


def spec_to_json(spec: EventSpec) -> dict[str, Any]:
    """The ``event.json`` object for ``spec``; :func:`parse_event` reads it back equal."""
    out: dict[str, Any] = {"format": FORMAT, "key": spec.key, "name": spec.name}
    if spec.kind != EVENT_KINDS[0]:  # a meeting's event.json reads as it always has
        out["kind"] = spec.kind
    if spec.held_on is not None:
        out["held_on"] = spec.held_on
    if spec.previous is not None:
        out["previous"] = spec.previous
    out["tracks"] = [_track_to_json(t) for t in spec.tracks]
    out["panels"] = [_panel_to_json(p) for p in spec.panels]
    m = spec.method
    out["method"] = {
        "weighting": m.weighting,
        "trim": m.trim,
        "trim_min": m.trim_min,
        "decimals": m.decimals,
    }
    return out


def _track_to_json(track: TrackSpec) -> dict[str, Any]:
    units = []
    for unit in track.units:
        item: dict[str, Any] = {"key": unit.key, "name": unit.name}
        if unit.presenter is not None:
            item["presenter"] = unit.presenter
        units.append(item)
    r = track.rubric
    rubric: dict[str, Any] = {"kind": r.kind}
    if r.kind == "ranking":
        rubric["first"] = fraction_to_json(r.first)
        rubric["step"] = fraction_to_json(r.step)
    elif r.kind == "criteria":
        rubric["step"] = fraction_to_json(r.step)
        rubric["criteria"] = [
            {"key": c.key, "name": c.name, "max": fraction_to_json(c.max)} for c in r.criteria
        ]
    else:
        if r.step != 1:
            rubric["step"] = fraction_to_json(r.step)
        if r.top_grade_max_share is not None:
            rubric["top_grade_max_share"] = fraction_to_json(r.top_grade_max_share)
        rubric["grades"] = [
            {"key": g.key, "name": g.name, "points": fraction_to_json(g.points)} for g in r.grades
        ]
    if r.abstain:
        rubric["abstain"] = True
    return {"key": track.key, "name": track.name, "units": units, "rubric": rubric}


def _panel_to_json(panel: PanelSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"key": panel.key, "name": panel.name}
    out["weight"] = fraction_to_json(panel.weight)
    if panel.expected is not None:
        out["expected"] = panel.expected
    return out


def dumps_exact(obj: Any, indent: int | None = 2) -> str:
    """``json.dumps`` that writes :class:`Decimal` values as plain JSON numbers.

    Output matches ``json.dumps(obj, ensure_ascii=False, indent=indent)`` for the
    other types.  Floats are refused: they have no place in exact data.
    """
    return "".join(_encode(obj, indent, 0))


def _encode(obj: Any, indent: int | None, level: int) -> list[str]:
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise ValueError("non-finite Decimal")
        return [format(obj, "f")]
    if isinstance(obj, float):
        raise TypeError("binary floats are not allowed in exact JSON")
    if isinstance(obj, Mapping):
        parts = [
            [json.dumps(str(k), ensure_ascii=False), ": ", *_encode(v, indent, level + 1)]
            for k, v in obj.items()
        ]
        return _container("{", "}", parts, indent, level)
    if isinstance(obj, list | tuple):
        return _container("[", "]", [_encode(v, indent, level + 1) for v in obj], indent, level)
    return [json.dumps(obj, ensure_ascii=False)]


def _container(
    open_: str, close: str, parts: list[list[str]], indent: int | None, level: int
) -> list[str]:
    if not parts:
        return [open_ + close]
    if indent is None:
        return [open_, ", ".join("".join(p) for p in parts), close]
    inner = "\n" + " " * (indent * (level + 1))
    outer = "\n" + " " * (indent * level)
    return [open_, inner, ("," + inner).join("".join(p) for p in parts), outer, close]


def dump_event_json(spec: EventSpec) -> str:
    """The canonical ``event.json`` text for ``spec`` (UTF-8 characters, 2-space indent)."""
    return dumps_exact(spec_to_json(spec)) + "\n"


__all__ = [
    "EVENT_KINDS",
    "FORMAT",
    "RANKING_FIRST",
    "RANKING_STEP",
    "RUBRIC_KINDS",
    "CriterionSpec",
    "EventSpec",
    "GradeSpec",
    "MethodSpec",
    "PanelSpec",
    "RubricSpec",
    "SpecError",
    "TrackSpec",
    "UnitSpec",
    "dump_event_json",
    "dumps_exact",
    "format_number",
    "fraction_to_json",
    "is_valid_key",
    "load_event_json",
    "parse_event",
    "spec_to_json",
    "to_fraction",
]
