"""Validation of one ballot against an event's rules (DESIGN.md, "Appraisal rules").

:func:`check_ballot` takes the HTTP shape of a ballot (a list of
``{"track", "unit", "item", "value"}`` rows) and returns a normalised
:class:`Ballot`, or raises :class:`BallotError` naming the unit and the rule.
A ballot that breaks a rule is refused as a whole.

The rules, in the order they are checked:

1. at least one row (``empty``); the panel exists (``unknown_panel``);
2. row by row: a JSON object with track, unit, item, value (``bad_row``); a known
   track (``unknown_track``) and unit of that track (``unknown_unit``); not the unit
   the card is bound to (``self_appraisal``); an ``abstain`` row only where the rubric
   allows it (``abstain_not_allowed``) and with a null value (``bad_value``);
   criteria rubric: a known criterion (``unknown_item``), a number (int, float or
   Decimal; not bool, NaN, infinite or text; within the bounds of
   :func:`pingyi.core.pure.numbers.number_problem`, checked before any arithmetic so
   ``1e999999999`` is refused at once: ``bad_value``) within ``[0, max]``
   (``out_of_range``) that is an exact multiple of ``step`` (``off_step``); grades
   rubric: item ``grade`` (``unknown_item``) with a known grade key
   (``unknown_grade``); ranking rubric: item ``rank`` (``unknown_item``) with a whole
   number (``bad_value``) from 1 to m, m the number of units the card may rank (the
   track's units, less the bound unit) (``out_of_range``), a rank no other unit of the
   track has on this ballot (``duplicate_rank``); no (track, unit, item) twice
   (``duplicate``); an abstention replaces all rows of its unit (``abstain_conflict``);
3. ballot as a whole: every criterion of every scored unit (``missing_item``);
   every unit of every covered track except the bound unit (``missing_unit``); in a
   grades track with ``top_grade_max_share`` q, at most floor(q x units graded) units
   given the first grade (``quota_exceeded``; abstentions are not graded); in a ranking
   track, every rank at most the number of units ranked (``out_of_range``: a bundle's
   ballot that leaves one unit unranked ranks 1…units − 1), so the ranks are exactly 1…m.

Comparisons are exact: floats are read through their shortest ``repr``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from pingyi.appraisal.method.spec import (
    EventSpec,
    RubricSpec,
    TrackSpec,
    UnitSpec,
    format_number,
    to_fraction,
)
from pingyi.core.pure.i18n import _
from pingyi.core.pure.numbers import number_problem, show
from pingyi.core.pure.strict_json import printable

ABSTAIN_ITEM = "abstain"
GRADE_ITEM = "grade"
RANK_ITEM = "rank"


class Abstain(enum.Enum):
    """The mark of a unit the evaluator chose not to score (「不了解」)."""

    ABSTAIN = "abstain"

    def __repr__(self) -> str:
        return "ABSTAIN"


ABSTAIN = Abstain.ABSTAIN

#: A unit's mark: step counts per criterion (rubric order), a grade index, a rank index
#: (rank − 1: 0 is the first rank), or ABSTAIN.
Mark = tuple[int, ...] | int | Abstain


class BallotError(ValueError):
    """A ballot that breaks a rule.

    ``code`` is a short machine code, ``track``/``unit`` locate the problem (or are
    None), ``row`` is the index of the offending row in ``scores`` when one row is
    to blame, and ``column`` the field of that row (``track``, ``unit``, ``item``,
    ``value``).  ``str(error)`` is the readable message, translated when Django runs.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        track: str | None = None,
        unit: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.track = track
        self.unit = unit
        self.row = row
        self.column = column


@dataclass(frozen=True)
class Ballot:
    """A valid ballot: its panel and, per covered track, per scored unit, its mark.

    ``marks[track_key][unit_key]`` is a tuple of step counts (value / step) per
    criterion in rubric order, a grade index (0 is the top grade), a rank index (rank − 1,
    ranking rubric), or ``ABSTAIN``.
    Tracks and units appear in event order; uncovered tracks and the bound unit are
    absent.
    """

    panel: str
    marks: Mapping[str, Mapping[str, Mark]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ballot):
            return NotImplemented
        return self.panel == other.panel and _plain(self.marks) == _plain(other.marks)

    def __hash__(self) -> int:
        return hash((self.panel, tuple((t, tuple(u.items())) for t, u in self.marks.items())))

    def __repr__(self) -> str:
        return f"Ballot(panel={self.panel!r}, marks={_plain(self.marks)!r})"


def _plain(marks: Mapping[str, Mapping[str, Mark]]) -> dict[str, dict[str, Mark]]:
    return {t: dict(u) for t, u in marks.items()}


def make_ballot(panel: str, marks: Mapping[str, Mapping[str, Mark]]) -> Ballot:
    """A :class:`Ballot` with read-only mappings (no validation)."""
    frozen = {t: MappingProxyType(dict(u)) for t, u in marks.items()}
    return Ballot(panel, MappingProxyType(frozen))


# --------------------------------------------------------------------------- helpers


def unit_label(unit: UnitSpec) -> str:
    """How a message names a unit: ``华龙区 (hualong)``."""
    return f"{unit.name} ({unit.key})"


def exact_value(value: Any) -> Fraction | None:
    """The exact number in a ballot value (int, float, Decimal; not bool or text)."""
    if isinstance(value, Fraction):
        return None  # not a JSON type
    return to_fraction(value)


def steps_of(value: Fraction, step: Fraction) -> int | None:
    """``value / step`` if it is a whole number, else None."""
    ratio = value / step
    return ratio.numerator if ratio.denominator == 1 else None


def top_grade_limit(q: Fraction, graded: int) -> int:
    """At most floor(q x graded) units may get the first grade."""
    return (q.numerator * graded) // q.denominator


class _Checker:
    """Row-by-row state of one ballot check (see module docstring for the rules)."""

    def __init__(self, spec: EventSpec, bound_unit: str | None, allow_one_missing: bool) -> None:
        self.spec = spec
        self.bound_unit = bound_unit
        self.allow_one_missing = allow_one_missing
        # track key -> unit key -> {item: value} | ABSTAIN ; insertion order irrelevant
        self.rows: dict[str, dict[str, dict[str, int] | Abstain]] = {}
        self.first_row: dict[str, int] = {}

    def error(self, code: str, message: str, params: dict[str, Any], **where: Any) -> BallotError:
        return BallotError(code, message % params, **where)

    def add_row(self, index: int, row: Any) -> None:
        """Check one row and record its mark."""
        if not isinstance(row, Mapping) or not {"track", "unit", "item"} <= set(row):
            raise self.error(
                "bad_row",
                _("Score %(row)s must be an object with track, unit, item and value."),
                {"row": index + 1},
                row=index,
            )
        track = self.spec.track(row["track"]) if isinstance(row["track"], str) else None
        if track is None:
            raise self.error(
                "unknown_track",
                _("There is no track %(track)s in this event."),
                {"track": _quote(row["track"])},
                row=index,
                column="track",
            )
        unit = track.unit(row["unit"]) if isinstance(row["unit"], str) else None
        if unit is None:
            raise self.error(
                "unknown_unit",
                _("There is no unit %(unit)s in track %(track)s."),
                {"unit": _quote(row["unit"]), "track": f"{track.name} ({track.key})"},
                track=track.key,
                row=index,
                column="unit",
            )
        where = {"track": track.key, "unit": unit.key, "row": index}
        label = unit_label(unit)
        if unit.key == self.bound_unit:
            raise self.error(
                "self_appraisal",
                _("%(unit)s is your own unit: it cannot be scored on this card."),
                {"unit": label},
                column="unit",
                **where,
            )
        item, value = row["item"], row.get("value")
        marks = self.rows.setdefault(track.key, {})
        self.first_row.setdefault(track.key, index)
        if item == ABSTAIN_ITEM:
            self._abstain(track.rubric, label, marks, unit, value, where)
            return
        existing = marks.get(unit.key)
        if existing is ABSTAIN:
            raise self.error(
                "abstain_conflict",
                _('%(unit)s is marked both "don\'t know" and scored.'),
                {"unit": label},
                column="item",
                **where,
            )
        scores = marks.setdefault(unit.key, {})
        assert isinstance(scores, dict)  # nosec B101 # type narrowing, not input validation
        rubric = track.rubric
        if rubric.kind == "criteria":
            index_and_steps = self._criterion(rubric, label, item, value, where)
        elif rubric.kind == "ranking":
            index_and_steps = self._rank(track, label, item, value, where)
        else:
            index_and_steps = self._grade(rubric, label, item, value, where)
        if item in scores:
            raise self.error(
                "duplicate",
                _("%(unit)s is scored twice for %(item)s."),
                {"unit": label, "item": item},
                column="item",
                **where,
            )
        if rubric.kind == "ranking":
            self._rank_once(track, marks, unit, index_and_steps, where)
        scores[item] = index_and_steps

    def _rank(
        self, track: TrackSpec, label: str, item: Any, value: Any, where: dict[str, Any]
    ) -> int:
        """A rank row: item ``rank``, a whole number from 1 to m; returns rank − 1."""
        if item != RANK_ITEM:
            raise self.error(
                "unknown_item",
                _("%(unit)s: this track is ranked; %(item)s is not a rank row."),
                {"unit": label, "item": _quote(item)},
                column="item",
                **where,
            )
        params: dict[str, Any] = {"unit": label, "value": _quote(value), "item": RANK_ITEM}
        problem = number_problem(value)
        if problem is not None:
            params["reason"] = problem
            raise self.error(
                "bad_value",
                _("%(reason)s, for %(unit)s / %(item)s."),
                params,
                column="value",
                **where,
            )
        exact = exact_value(value)
        if exact is None or exact.denominator != 1:
            raise self.error(
                "bad_value",
                _("%(value)s is not a rank (a whole number), for %(unit)s."),
                params,
                column="value",
                **where,
            )
        rankable = len(track.units) - (1 if track.unit(self.bound_unit or "") else 0)
        if not 1 <= exact <= rankable:
            params["m"] = rankable
            raise self.error(
                "out_of_range",
                _("%(unit)s is ranked %(value)s: the ranks run from 1 to %(m)s, one per unit."),
                params,
                column="value",
                **where,
            )
        return int(exact) - 1

    def _rank_once(
        self,
        track: TrackSpec,
        marks: dict[str, dict[str, int] | Abstain],
        unit: UnitSpec,
        index: int,
        where: dict[str, Any],
    ) -> None:
        """No two units of a ranking track share a rank on one ballot."""
        for other_key, other in marks.items():
            if other_key == unit.key or not isinstance(other, dict):
                continue
            if other.get(RANK_ITEM) == index:
                other_unit = track.unit(other_key)
                raise self.error(
                    "duplicate_rank",
                    _("%(unit)s is ranked %(rank)s, and so is %(other)s: each rank is used once."),
                    {
                        "unit": unit_label(unit),
                        "rank": index + 1,
                        "other": unit_label(other_unit) if other_unit else other_key,
                    },
                    column="value",
                    **where,
                )

    def _abstain(
        self,
        rubric: RubricSpec,
        label: str,
        marks: dict[str, dict[str, int] | Abstain],
        unit: UnitSpec,
        value: Any,
        where: dict[str, Any],
    ) -> None:
        """An abstention: allowed by the rubric, null value, and the unit's only row."""
        if not rubric.abstain:
            raise self.error(
                "abstain_not_allowed",
                _('%(unit)s: "don\'t know" is not allowed in this track.'),
                {"unit": label},
                column="item",
                **where,
            )
        if value is not None and value != "":
            raise self.error(
                "bad_value",
                _('%(unit)s: a "don\'t know" mark takes no value.'),
                {"unit": label},
                column="value",
                **where,
            )
        existing = marks.get(unit.key)
        if existing is ABSTAIN:
            raise self.error(
                "duplicate",
                _('%(unit)s is marked "don\'t know" twice.'),
                {"unit": label},
                column="item",
                **where,
            )
        if existing is not None:
            raise self.error(
                "abstain_conflict",
                _('%(unit)s is marked both "don\'t know" and scored.'),
                {"unit": label},
                column="item",
                **where,
            )
        marks[unit.key] = ABSTAIN

    def _criterion(
        self, rubric: RubricSpec, label: str, item: Any, value: Any, where: dict[str, Any]
    ) -> int:
        """A criterion score: a number, a multiple of step, within [0, max]; returns steps."""
        criterion = next((c for c in rubric.criteria if c.key == item), None)
        if criterion is None:
            raise self.error(
                "unknown_item",
                _("%(unit)s: there is no criterion %(item)s."),
                {"unit": label, "item": _quote(item)},
                column="item",
                **where,
            )
        params = {
            "unit": label,
            "item": f"{criterion.name} ({criterion.key})",
            "value": _quote(value),
        }
        problem = number_problem(value)
        if problem is not None:
            params["reason"] = problem
            raise self.error(
                "bad_value",
                _("%(reason)s, for %(unit)s / %(item)s."),
                params,
                column="value",
                **where,
            )
        exact = exact_value(value)
        if exact is None:
            raise self.error(
                "bad_value",
                _("%(value)s is not a number, for %(unit)s / %(item)s."),
                params,
                column="value",
                **where,
            )
        if exact < 0 or exact > criterion.max:
            params["max"] = format_number(criterion.max)
            raise self.error(
                "out_of_range",
                _("%(value)s is outside 0 to %(max)s for %(unit)s / %(item)s."),
                params,
                column="value",
                **where,
            )
        steps = steps_of(exact, rubric.step)
        if steps is None:
            params["step"] = format_number(rubric.step)
            raise self.error(
                "off_step",
                _("%(value)s is not a multiple of step %(step)s for %(unit)s / %(item)s."),
                params,
                column="value",
                **where,
            )
        return steps

    def _grade(
        self, rubric: RubricSpec, label: str, item: Any, value: Any, where: dict[str, Any]
    ) -> int:
        """A grade row: item ``grade`` and a known grade key; returns the grade index."""
        if item != GRADE_ITEM:
            raise self.error(
                "unknown_item",
                _("%(unit)s: this track is graded; %(item)s is not a grade row."),
                {"unit": label, "item": _quote(item)},
                column="item",
                **where,
            )
        if not isinstance(value, str):
            raise self.error(
                "bad_value",
                _("%(unit)s: the grade %(value)s is not a grade key."),
                {"unit": label, "value": _quote(value)},
                column="value",
                **where,
            )
        for i, grade in enumerate(rubric.grades):
            if grade.key == value:
                return i
        raise self.error(
            "unknown_grade",
            _("%(unit)s: there is no grade %(value)s."),
            {"unit": label, "value": _quote(value)},
            column="value",
            **where,
        )

    def finish(self, panel: str) -> Ballot:
        """Check completeness and the top-grade quota; build the normalised ballot."""
        marks: dict[str, dict[str, Mark]] = {}
        missing: list[tuple[TrackSpec, UnitSpec]] = []
        for track in self.spec.tracks:
            given = self.rows.get(track.key)
            if given is None:
                continue
            out: dict[str, Mark] = {}
            for unit in track.units:
                mark = given.get(unit.key)
                if mark is None:
                    if unit.key != self.bound_unit:
                        missing.append((track, unit))
                    continue
                out[unit.key] = self._mark(track, unit, mark)
            marks[track.key] = out
        self._check_missing(missing)
        for track in self.spec.tracks:
            if track.key in marks:
                self._check_quota(track, marks[track.key])
                self._check_ranks(track, marks[track.key])
        return make_ballot(panel, marks)

    def _mark(self, track: TrackSpec, unit: UnitSpec, mark: dict[str, int] | Abstain) -> Mark:
        if mark is ABSTAIN:
            return ABSTAIN
        assert isinstance(mark, dict)  # nosec B101 # type narrowing, ABSTAIN handled above
        rubric = track.rubric
        if rubric.kind == "grades":
            return mark[GRADE_ITEM]
        if rubric.kind == "ranking":
            return mark[RANK_ITEM]
        for criterion in rubric.criteria:
            if criterion.key not in mark:
                raise self.error(
                    "missing_item",
                    _("%(unit)s has no score for %(item)s."),
                    {"unit": unit_label(unit), "item": f"{criterion.name} ({criterion.key})"},
                    track=track.key,
                    unit=unit.key,
                    column="item",
                )
        return tuple(mark[c.key] for c in rubric.criteria)

    def _check_missing(self, missing: list[tuple[TrackSpec, UnitSpec]]) -> None:
        """Every unit of a covered track must be scored, except the bound unit.

        ``allow_one_missing`` (bundles, where the bound unit is unknown) tolerates the
        units of one single unit key, as if the card had been bound to it.
        """
        if not missing:
            return
        if self.allow_one_missing and len({u.key for _t, u in missing}) == 1:
            return
        track, unit = missing[0]
        raise self.error(
            "missing_unit",
            _("%(unit)s in %(track)s has no score: every unit of the track must be scored."),
            {"unit": unit_label(unit), "track": f"{track.name} ({track.key})"},
            track=track.key,
            unit=unit.key,
            column="unit",
        )

    def _check_ranks(self, track: TrackSpec, marks: dict[str, Mark]) -> None:
        """A ranking track's ranks are 1…m, m the number of units ranked (they are
        distinct already, so a rank above m is the only way to miss one)."""
        if track.rubric.kind != "ranking":
            return
        ranked = [u for u in track.units if isinstance(marks.get(u.key), int)]
        for unit in ranked:
            index = marks[unit.key]
            assert isinstance(index, int)  # nosec B101 # type narrowing
            if index >= len(ranked):
                raise self.error(
                    "out_of_range",
                    _("%(unit)s is ranked %(value)s: the ranks run from 1 to %(m)s, one per unit."),
                    {"unit": unit_label(unit), "value": index + 1, "m": len(ranked)},
                    track=track.key,
                    unit=unit.key,
                    column="value",
                )

    def _check_quota(self, track: TrackSpec, marks: dict[str, Mark]) -> None:
        """At most floor(q x units graded) units of the track get the first grade."""
        q = track.rubric.top_grade_max_share
        if track.rubric.kind != "grades" or q is None:
            return
        graded = [u for u in track.units if isinstance(marks.get(u.key), int)]
        limit = top_grade_limit(q, len(graded))
        top = [u for u in graded if marks[u.key] == 0]
        if len(top) <= limit:
            return
        unit = top[limit]
        grade = track.rubric.grades[0]
        raise self.error(
            "quota_exceeded",
            _(
                "%(unit)s: at most %(limit)s of the %(graded)s units graded in %(track)s may "
                "be given %(grade)s."
            ),
            {
                "unit": unit_label(unit),
                "limit": limit,
                "graded": len(graded),
                "track": f"{track.name} ({track.key})",
                "grade": grade.name,
            },
            track=track.key,
            unit=unit.key,
            column="value",
        )


def _quote(value: Any) -> str:
    """How a message shows a submitted value: text quoted, numbers plain; never long, and
    a lone surrogate written as ``\\udc00`` (the message must be valid UTF-8)."""
    if isinstance(value, str):
        return show(f'"{printable(value)}"')
    if value is None:
        return _("an empty value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return show(value)
    try:
        return show(printable(repr(value)))
    except (ValueError, RecursionError):  # an int beyond 4300 digits, deep nesting
        return show(type(value).__name__)


def check_ballot(
    spec: EventSpec,
    panel_key: str,
    scores: list[dict[str, Any]],
    bound_unit: str | None = None,
    *,
    allow_one_missing: bool = False,
) -> Ballot:
    """Validate one ballot (HTTP shape) and return it normalised, or raise BallotError.

    ``bound_unit`` is the unit the card is bound to: it must not be scored and is not
    required.  ``allow_one_missing`` is for bundles (see :mod:`.bundle`).
    """
    if not isinstance(panel_key, str) or spec.panel_index(panel_key) is None:
        raise BallotError(
            "unknown_panel",
            _("There is no panel %(panel)s in this event.") % {"panel": _quote(panel_key)},
        )
    if not isinstance(scores, list) or not scores:
        raise BallotError("empty", _("The ballot has no scores."))
    checker = _Checker(spec, bound_unit, allow_one_missing)
    for index, row in enumerate(scores):
        checker.add_row(index, row)
    return checker.finish(panel_key)


__all__ = [
    "ABSTAIN",
    "ABSTAIN_ITEM",
    "GRADE_ITEM",
    "RANK_ITEM",
    "Abstain",
    "Ballot",
    "BallotError",
    "Mark",
    "check_ballot",
    "exact_value",
    "make_ballot",
    "steps_of",
    "top_grade_limit",
    "unit_label",
]
