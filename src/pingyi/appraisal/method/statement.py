"""The method of an event in plain words: the one wording of the rules, shown by the public
results page, the results workbook's "Method" sheet and the PDF report.

Pure (no Django): messages go through :mod:`pingyi.core.pure.i18n`, translated into the active
language when a server runs. ``tests/appraisal/test_one_home.py`` checks that the page, the
workbook and the report say the same words.
"""

from __future__ import annotations

from fractions import Fraction

from pingyi.appraisal.method.spec import EventSpec, RubricSpec, format_number
from pingyi.core.pure.i18n import _, pgettext


def list_separator() -> str:
    return pgettext("separator between items of a list in a sentence", "; ")


def rubric_statement(rubric: RubricSpec) -> str:
    step = format_number(rubric.step)
    if rubric.kind == "criteria":
        parts = list_separator().join(
            _("%(name)s %(max)s points") % {"name": c.name, "max": format_number(c.max)}
            for c in rubric.criteria
        )
        total = format_number(sum((c.max for c in rubric.criteria), Fraction(0)))
        text = _(
            "Criteria (a unit's total is the sum): %(parts)s; out of %(total)s; scored in "
            "steps of %(step)s."
        ) % {"parts": parts, "total": total, "step": step}
    elif rubric.kind == "ranking":
        text = _(
            "Ranking (the Jining method): each ballot ranks the units it may score 1, 2, … m, "
            "each rank used once (a card bound to a unit does not rank that unit); a unit's "
            "total on a ballot is %(first)s − %(step)s × (rank − 1): 1st %(first)s, 2nd "
            "%(second)s, 3rd %(third)s points."
        ) % {
            "first": format_number(rubric.first),
            "step": step,
            "second": format_number(rubric.rank_points(2)),
            "third": format_number(rubric.rank_points(3)),
        }
    else:
        parts = list_separator().join(
            _("%(name)s = %(points)s points") % {"name": g.name, "points": format_number(g.points)}
            for g in rubric.grades
        )
        text = _("Grades (a unit's total is the grade's points): %(parts)s.") % {"parts": parts}
        if rubric.top_grade_max_share is not None:
            text += " " + _(
                "On one ballot at most %(share)s of the units graded in this track may get "
                "“%(grade)s” (rounded down)."
            ) % {
                "share": f"{format_number(rubric.top_grade_max_share * 100)}%",
                "grade": rubric.grades[0].name,
            }
    if rubric.abstain:
        text += " " + _(
            "An evaluator may mark a unit “don't know”: an abstention, counted as such and not "
            "in the score."
        )
    return str(text)


def method_statement(spec: EventSpec) -> list[tuple[str, str]]:
    """The rules applied to this event, as (topic, plain words) pairs."""
    m = spec.method
    weights = list_separator().join(f"{p.name} {format_number(p.weight)}" for p in spec.panels)
    if m.weighting == "panels":
        weighting = _(
            "By panel: each panel's trimmed mean is multiplied by the panel's weight; the "
            "unit's score is the sum divided by the sum of the weights of the panels that "
            "scored the unit. Weights: %(weights)s."
        ) % {"weights": weights}
    else:
        weighting = _(
            "Pooled: one trimmed mean over the totals of all evaluators together; per-panel "
            "scores are reported for information. Panel weights (not used for the score): "
            "%(weights)s."
        ) % {"weights": weights}
    if m.trim:
        trim = _(
            "When a unit has at least %(min)d totals and more than %(twice)d, the %(k)d highest "
            "and the %(k)d lowest are dropped before averaging; otherwise all are averaged."
        ) % {"min": m.trim_min, "twice": 2 * m.trim, "k": m.trim}
    else:
        trim = _("No totals are dropped: every total is averaged.")
    rows: list[tuple[str, str]] = [
        (_("Weighting"), str(weighting)),
        (_("Trimmed mean"), str(trim)),
        (
            _("Rounding"),
            _(
                "Arithmetic is exact (fractions, no floating-point drift); the score is rounded "
                "half-up to %(decimals)d decimal places."
            )
            % {"decimals": m.decimals},
        ),
        (
            _("Ranking"),
            _(
                "Units are ranked by the rounded score, highest first. Equal rounded scores "
                "share a rank and the next rank is skipped (1, 2, 2, 4); tied units are listed "
                "by their key. A unit without any counted total has no score and no rank and "
                "is listed last."
            ),
        ),
        (
            _("Own unit"),
            _(
                "A card may be bound to the unit its holder belongs to; that unit is not scored "
                "on it (no self-appraisal)."
            ),
        ),
        (
            _("Quorum"),
            _("A panel meets its quorum when more than half of those expected cast a ballot."),
        ),
    ]
    for track in spec.tracks:
        topic = _("Rubric: %(track)s") % {"track": track.name}
        rows.append((topic, rubric_statement(track.rubric)))
    return rows


__all__ = ["list_separator", "method_statement", "rubric_statement"]
