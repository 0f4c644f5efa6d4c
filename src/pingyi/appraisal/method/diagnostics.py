"""Rater diagnostics: can the office trust this ranking?

Pure (no Django): :func:`diagnose` takes an :class:`~pingyi.appraisal.method.spec.EventSpec` and
the :class:`~pingyi.appraisal.method.packing.BallotMatrix` of its counted ballots and returns,
per track, four signals, each explained in plain words and laid out as a table that a web
page, a workbook or a PDF report can render as is:

* **straight-lining** — ballots that gave every unit of the track the same total
  (at least two units scored): the rater did not tell the units apart;
* **all-maximum** — ballots that gave every scored unit full marks (criteria rubric:
  every criterion at its maximum; grades rubric: every unit the top grade);
* **agreement** — Kendall's coefficient of concordance W between the raters of each
  panel (and of all panels together), over the units of the track, with the usual
  correction for ties, on the ballots that scored every unit of the track;
* **leave-one-out sensitivity** — would any unit's rank change if any single ballot
  were removed?  Each removal is re-tallied exactly with :func:`pingyi.appraisal.method.tally.tally`
  on the track alone.  Ballots of the same panel with the same totals for every unit
  have the same effect, so each such group is tallied once.  When there are more than
  ``loo_limit`` distinct groups, a random sample of ``loo_limit`` of them is checked and
  the result says so.

Texts are English msgids passed through :mod:`pingyi.core.pure.i18n` (translated when
Django is running, e.g. in the web server and the report).  Numbers in table cells are
already formatted strings; the typed fields (``w``, ``straight``, ``pivotal`` …) carry the
raw values for code and tests.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from pingyi.appraisal.method.packing import BallotMatrix, TrackSlots, layout
from pingyi.appraisal.method.spec import EventSpec, MethodSpec, TrackSpec
from pingyi.appraisal.method.tally import TrackResult, score_text, tally, trim_count
from pingyi.core.pure.i18n import _


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction (``makemessages``) without translating it yet."""
    return message


#: Exact leave-one-out up to this many distinct removals per track; above, a sample.
LOO_LIMIT = 2000
#: Share of a panel's ballots above which straight-lining / all-maximum is a warning.
WARN_SHARE = 0.10

Level = Literal["ok", "note", "warning"]

# Kendall's W interpretation bands (Schmidt 1997): lower bound, key, label msgid.
W_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.7, "very_strong", gettext_noop("very strong agreement")),
    (0.5, "strong", gettext_noop("strong agreement")),
    (0.3, "moderate", gettext_noop("moderate agreement")),
    (0.1, "weak", gettext_noop("weak agreement")),
    (float("-inf"), "none", gettext_noop("little or no agreement")),
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Agreement:
    """Kendall's W of some raters over the units of a track.

    ``w`` is None when it cannot be computed (fewer than 2 raters or 2 units, or every
    rater tied every unit).  ``raters`` counts the ballots that scored every unit.
    """

    w: float | None
    raters: int
    units: int
    band: str
    label: str

    @property
    def chi_square(self) -> float | None:
        """Friedman's statistic m(n−1)W (df = n−1), for readers who want a test."""
        if self.w is None:
            return None
        return self.raters * (self.units - 1) * self.w


@dataclass(frozen=True)
class PanelQuality:
    """One panel's ballots on one track (``panel`` is None for all panels together)."""

    panel: str | None
    name: str
    ballots: int
    straight: int
    all_max: int
    agreement: Agreement
    #: matrix row indices of the straight-lining and all-maximum ballots
    straight_rows: tuple[int, ...] = ()
    all_max_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class RankMove:
    unit: str
    name: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class PivotalGroup:
    """Ballots (same panel, same totals) whose removal alone would change the ranking."""

    panel: str
    panel_name: str
    rows: tuple[int, ...]
    moves: tuple[RankMove, ...]


@dataclass(frozen=True)
class Sensitivity:
    """The leave-one-out check of one track."""

    #: ballots that covered the track
    ballots: int
    #: distinct removals (same panel and totals = one removal)
    groups: int
    #: removals re-tallied
    checked: int
    #: removals proven harmless by a bound, without re-tallying
    proven: int
    #: False when a sample of the removals was checked
    exact: bool
    pivotal: tuple[PivotalGroup, ...]
    #: smallest gap between two neighbouring ranked units' scores, as text (None if < 2)
    closest_gap: str | None
    closest_pair: tuple[str, str] | None

    @property
    def pivotal_ballots(self) -> int:
        return sum(len(g.rows) for g in self.pivotal)

    @property
    def stable(self) -> bool:
        return not self.pivotal


@dataclass(frozen=True)
class Check:
    """One signal ready to render: title, plain-words explanation, verdict and a table."""

    key: str
    title: str
    explanation: str
    summary: str
    level: Level
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class TrackDiagnostics:
    key: str
    name: str
    units: int
    panels: tuple[PanelQuality, ...]
    overall: PanelQuality
    sensitivity: Sensitivity
    checks: tuple[Check, ...]

    @property
    def level(self) -> Level:
        return _worst(c.level for c in self.checks)


@dataclass(frozen=True)
class Diagnostics:
    event: str
    title: str
    explanation: str
    ballots: int
    tracks: tuple[TrackDiagnostics, ...]

    @property
    def level(self) -> Level:
        return _worst(t.level for t in self.tracks)


def _worst(levels: Iterable[Level]) -> Level:
    order = {"ok": 0, "note": 1, "warning": 2}
    found: list[Level] = list(levels)
    return max(found, key=order.__getitem__) if found else "ok"


# --------------------------------------------------------------------------- statistics


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Per row, the rank of each value (1 = lowest), ties sharing their average rank."""
    x = np.asarray(values)
    less = (x[:, None, :] < x[:, :, None]).sum(axis=2)
    equal = (x[:, None, :] == x[:, :, None]).sum(axis=2)
    return less + (equal + 1) / 2.0


def kendalls_w(values: np.ndarray, chunk: int = 4096) -> float | None:
    """Kendall's W of an (m raters × n items) array of scores, corrected for ties.

    W = 12 S / (m² (n³ − n) − m Σ_j T_j), where S is the sum of squared deviations of the
    items' rank sums from their mean and T_j = Σ (t³ − t) over the groups of t tied
    items of rater j.  None when m < 2, n < 2 or the denominator is 0.
    """
    x = np.asarray(values)
    if x.ndim != 2:
        raise ValueError("kendalls_w needs a 2-D array (raters × items)")
    m, n = x.shape
    if m < 2 or n < 2:
        return None
    rank_sums = np.zeros(n, dtype=np.float64)
    ties = 0
    for start in range(0, m, chunk):
        block = x[start : start + chunk]
        rank_sums += average_ranks(block).sum(axis=0)
        equal = (block[:, None, :] == block[:, :, None]).sum(axis=2)
        ties += int((equal.astype(np.int64) ** 2 - 1).sum())  # Σ t(t²−1) per rater
    s = float(((rank_sums - rank_sums.mean()) ** 2).sum())
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        return None
    return max(0.0, min(1.0, 12.0 * s / denominator))


def agreement_band(w: float | None) -> tuple[str, str]:
    """The band key and plain-words label of a W value."""
    if w is None:
        return "undefined", _("not enough complete ballots to measure")
    for bound, key, label in W_BANDS:
        if w >= bound:
            return key, _(label)
    return "none", _(W_BANDS[-1][2])  # pragma: no cover


def _agreement(totals: np.ndarray, complete: np.ndarray, units: int) -> Agreement:
    rows = totals[complete]
    w = kendalls_w(rows) if units >= 2 else None
    band, label = agreement_band(w)
    return Agreement(w, int(rows.shape[0]), units, band, label)


# --------------------------------------------------------------------------- per track


@dataclass(frozen=True)
class _Track:
    """A track's view of the matrix: totals per (ballot, unit) and masks."""

    spec: TrackSpec
    slots: TrackSlots
    block: np.ndarray  # (n, width) int32
    totals: np.ndarray  # (n, units) int64, in steps / grade index order
    scored: np.ndarray  # (n, units) bool
    covered: np.ndarray  # (n,) bool
    full_marks: np.ndarray  # (n, units) bool


def _track_view(track: TrackSpec, slots: TrackSlots, matrix: BallotMatrix) -> _Track:
    block = np.asarray(matrix.slots[:, slots.offset : slots.offset + slots.width])
    n = block.shape[0]
    cube = block.reshape(n, slots.units, slots.per_unit)
    first = cube[:, :, 0]
    scored = first >= 0
    covered = (first != -1).any(axis=1)
    rubric = track.rubric
    if rubric.kind == "criteria":
        totals = cube.astype(np.int64).sum(axis=2)
        tops = np.array([int(c.max / rubric.step) for c in rubric.criteria], dtype=np.int64)
        full = (cube == tops[None, None, :]).all(axis=2)
    else:
        marks = [g.points for g in rubric.grades]
        if rubric.kind == "ranking":  # rank index i is worth first − step·i
            marks = [rubric.rank_points(r) for r in range(1, slots.units + 1)]
        points = np.array(
            [float(p) for p in marks], dtype=np.float64
        )  # ordering only (W ranks); grade 0 is the top grade, rank index 0 the first rank
        totals = np.where(scored, points[np.clip(first, 0, None)], 0.0)
        full = first == 0
    totals = np.where(scored, totals, 0)
    return _Track(track, slots, block, totals, scored, covered, full & scored)


def _quality(view: _Track, rows: np.ndarray, panel: str | None, name: str) -> PanelQuality:
    """Straight-lining, all-maximum and agreement of the ballots in the mask ``rows``."""
    scored = view.scored[rows]
    totals = view.totals[rows]
    count = scored.sum(axis=1)
    wide = totals.astype(np.float64)
    big = np.where(scored, wide, np.inf)
    small = np.where(scored, wide, -np.inf)
    straight = (count >= 2) & (big.min(axis=1) == small.max(axis=1))
    all_max = (count >= 1) & (view.full_marks[rows] | ~scored).all(axis=1)
    complete = scored.all(axis=1)
    index = np.flatnonzero(rows)
    return PanelQuality(
        panel=panel,
        name=name,
        ballots=int(index.size),
        straight=int(straight.sum()),
        all_max=int(all_max.sum()),
        agreement=_agreement(totals, complete, view.slots.units),
        straight_rows=tuple(int(i) for i in index[straight]),
        all_max_rows=tuple(int(i) for i in index[all_max]),
    )


def _ranks(track: TrackResult) -> dict[str, int | None]:
    return {u.key: u.rank for u in track.ranking}


def leave_one_out(
    spec: EventSpec,
    matrix: BallotMatrix,
    track_key: str,
    *,
    limit: int = LOO_LIMIT,
    seed: int = 0,
    prune: bool = True,
) -> Sensitivity:
    """Would any unit's rank on ``track_key`` change if any single ballot were removed?

    With ``prune``, the ballots of a panel are not re-tallied when a bound proves that
    removing any one of them cannot reorder any two neighbouring units (see
    :func:`_safe_panels`); the answer is the same, only faster.
    """
    track = spec.track(track_key)
    if track is None:
        raise KeyError(track_key)
    slots = next(s for s in layout(spec).tracks if s.key == track_key)
    view = _track_view(track, slots, matrix)
    rows = np.flatnonzero(view.covered)
    sub_spec = dataclasses.replace(spec, tracks=(track,))
    block = np.ascontiguousarray(view.block[rows])
    panels = np.asarray(matrix.panels)[rows]
    base = tally(sub_spec, BallotMatrix(panels, block)).tracks[0]
    before = _ranks(base)
    names = {u.key: u.name for u in track.units}

    # Group ballots with the same panel and the same totals: removing any one of them
    # changes the tally the same way.
    keys = np.concatenate(
        [panels[:, None].astype(np.float64), np.where(view.scored[rows], view.totals[rows], -1)],
        axis=1,
    )
    if keys.shape[0]:
        _unique, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        first = np.zeros(0, dtype=np.intp)
        inverse = np.zeros(0, dtype=np.intp)
    groups = int(first.size)
    order = np.arange(groups)
    if prune and groups:
        safe = _safe_panels(spec, view, rows, panels, base)
        order = order[~np.isin(panels[first], list(safe))]
    proven = groups - int(order.size)
    exact = order.size <= limit
    if not exact:
        order = np.sort(np.random.default_rng(seed).choice(order, size=limit, replace=False))
    pivotal: list[PivotalGroup] = []
    keep = np.ones(block.shape[0], dtype=bool)
    for g in order:
        row = int(first[g])
        keep[row] = False
        without = BallotMatrix(panels[keep], block[keep])
        keep[row] = True
        after = _ranks(tally(sub_spec, without).tracks[0])
        if after == before:
            continue
        moves = tuple(
            RankMove(key, names[key], before[key], after.get(key))
            for key in before
            if before[key] != after.get(key)
        )
        members = tuple(int(rows[i]) for i in np.flatnonzero(inverse == g))
        panel = spec.panels[int(panels[row])]
        pivotal.append(PivotalGroup(panel.key, panel.name, members, moves))

    ranked = [u for u in base.ranking if u.rank is not None and u.score is not None]
    closest_gap: str | None = None
    closest_pair: tuple[str, str] | None = None
    best = None
    for a, b in itertools.pairwise(ranked):
        gap = a.score - b.score  # type: ignore[operator]
        if best is None or gap < best:
            best, closest_pair = gap, (a.key, b.key)
    if best is not None:
        closest_gap = score_text(best, spec.method.decimals + 2)
    return Sensitivity(
        ballots=int(rows.size),
        groups=groups,
        checked=int(order.size),
        proven=proven,
        exact=exact,
        pivotal=tuple(pivotal),
        closest_gap=closest_gap,
        closest_pair=closest_pair,
    )


def _set_bound(values: np.ndarray, method: MethodSpec) -> float:
    """How far removing one value can move the trimmed mean of ``values`` (an upper bound).

    Both means lie within [min, max]; when the trim count stays the same, the new mean is
    (S − x) / (c − 1) against S / c, a change of |S/c − x| / (c − 1) <= range / (c − 1).
    """
    n = int(values.size)
    if n <= 1:
        return math.inf
    spread = float(values.max() - values.min())
    k = trim_count(n, method.trim, method.trim_min)
    if k != trim_count(n - 1, method.trim, method.trim_min) or n - 1 - 2 * k <= 0:
        return spread
    return spread / (n - 1 - 2 * k)


def _safe_panels(
    spec: EventSpec, view: _Track, rows: np.ndarray, panels: np.ndarray, base: TrackResult
) -> set[int]:
    """Panels none of whose ballots can change the track's ranking when removed alone.

    For a removal from panel p, unit u's score moves by at most B(u, p) (its share of the
    weights times the bound of :func:`_set_bound`).  The order of rounded scores can only
    change if some neighbouring pair (a, b) changes, which needs the exact gap to be within
    B(a, p) + B(b, p) + 10^-decimals.  Floats are used with a safety margin: the test is
    conservative, never optimistic.
    """
    method = spec.method
    rubric = view.spec.rubric
    scale = float(rubric.step) if rubric.kind == "criteria" else 1.0
    totals = view.totals[rows].astype(np.float64) * scale
    scored = view.scored[rows]
    unit_index = {u.key: i for i, u in enumerate(view.spec.units)}
    ranked = [u for u in base.ranking if u.rank is not None and u.score is not None]
    weights = [float(p.weight) for p in spec.panels]
    bounds = np.zeros((len(view.spec.units), len(spec.panels)))
    for u in range(len(view.spec.units)):
        mask = scored[:, u]
        if spec.method.weighting == "pooled":
            bounds[u, :] = _set_bound(totals[mask, u], method)
            continue
        present = [p for p in range(len(spec.panels)) if (mask & (panels == p)).any()]
        weight_sum = sum(weights[p] for p in present)
        for p in present:
            values = totals[mask & (panels == p), u]
            if values.size <= 1:
                bounds[u, p] = math.inf  # the panel would drop out: weights change
            else:
                bounds[u, p] = weights[p] / weight_sum * _set_bound(values, method)
    resolution = 10.0**-method.decimals
    safe = set()
    for p in range(len(spec.panels)):
        # a unit whose only total (in the panel) is removed may lose its rank or jump
        ok = all(math.isfinite(bounds[unit_index[u.key], p]) for u in ranked)
        for a, b in itertools.pairwise(ranked):
            gap = float(a.score - b.score)  # type: ignore[operator]
            need = bounds[unit_index[a.key], p] + bounds[unit_index[b.key], p] + resolution
            if not ok or not gap > need * 1.001 + 1e-9:
                ok = False
                break
        if ok:
            safe.add(p)
    return safe


# --------------------------------------------------------------------------- texts


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _share_level(qualities: Sequence[PanelQuality], attr: str) -> Level:
    worst: Level = "ok"
    for q in qualities:
        count = getattr(q, attr)
        if count and q.ballots and count / q.ballots > WARN_SHARE:
            return "warning"
        if count:
            worst = "note"
    return worst


def _w_text(a: Agreement) -> str:
    return "—" if a.w is None else f"{a.w:.2f}"


def _checks(
    track: TrackSpec, panels: tuple[PanelQuality, ...], overall: PanelQuality, sens: Sensitivity
) -> tuple[Check, ...]:
    everyone = (*panels, overall)
    unit_names = {u.key: u.name for u in track.units}

    straight_rows = tuple(
        (q.name, str(q.ballots), str(q.straight), _pct(q.straight, q.ballots)) for q in everyone
    )
    straight = Check(
        key="straight_lining",
        title=_("Straight-lining ballots"),
        explanation=_(
            "A straight-lining ballot gives every unit of the track the same total. "
            "Such a rater did not tell the units apart, so the ballot adds nothing to the "
            "order of the units; many of them may mean the rubric or the time was not "
            "enough. They are counted like every other ballot."
        ),
        summary=(
            _("No ballot gave every unit the same score.")
            if not overall.straight
            else _("%(count)d of %(total)d ballots (%(share)s) gave every unit the same score.")
            % {
                "count": overall.straight,
                "total": overall.ballots,
                "share": _pct(overall.straight, overall.ballots),
            }
        ),
        level=_share_level(panels, "straight"),
        columns=(_("Panel"), _("Ballots"), _("Straight-lining"), _("Share")),
        rows=straight_rows,
    )

    full_label = (
        _("every criterion at its maximum")
        if track.rubric.kind == "criteria"
        else _("every unit the top grade")
    )
    all_max = Check(
        key="all_maximum",
        title=_("All-maximum ballots"),
        explanation=_(
            "An all-maximum ballot gives full marks to every unit it scores (%(what)s). "
            "It raises every unit equally and hides differences; a high share suggests "
            "raters who did not appraise."
        )
        % {"what": full_label},
        summary=(
            _("No ballot gave full marks to every unit.")
            if not overall.all_max
            else _("%(count)d of %(total)d ballots (%(share)s) gave full marks to every unit.")
            % {
                "count": overall.all_max,
                "total": overall.ballots,
                "share": _pct(overall.all_max, overall.ballots),
            }
        ),
        level=_share_level(panels, "all_max"),
        columns=(_("Panel"), _("Ballots"), _("All-maximum"), _("Share")),
        rows=tuple(
            (q.name, str(q.ballots), str(q.all_max), _pct(q.all_max, q.ballots)) for q in everyone
        ),
    )

    a = overall.agreement
    agreement = Check(
        key="agreement",
        title=_("Agreement between raters (Kendall's W)"),
        explanation=_(
            "Kendall's W measures how far the raters put the units in the same order: "
            "1 means every rater ranked the units identically, 0 means no common order at "
            "all. Only ballots that scored every unit of the track are used, and ties are "
            "corrected for. As a rule of thumb: below 0.1 little or no agreement, 0.1–0.3 "
            "weak, 0.3–0.5 moderate, 0.5–0.7 strong, 0.7 and above very strong. Weak "
            "agreement is not an error: it says the units were hard to tell apart."
        ),
        summary=(
            _("All panels together: W = %(w)s over %(raters)d complete ballots, %(label)s.")
            % {"w": _w_text(a), "raters": a.raters, "label": a.label}
        ),
        level="note" if a.w is not None and a.w < 0.3 else "ok",
        columns=(_("Panel"), _("Complete ballots"), _("Kendall's W"), _("Meaning")),
        rows=tuple(
            (q.name, str(q.agreement.raters), _w_text(q.agreement), q.agreement.label)
            for q in everyone
        ),
    )

    def move_text(m: RankMove) -> str:
        before = "—" if m.before is None else str(m.before)
        after = "—" if m.after is None else str(m.after)
        return f"{m.name} {before}→{after}"

    if sens.stable:
        summary = _("Stable: removing any single ballot would not change any unit's rank.")
    else:
        summary = _(
            "Sensitive: ballots whose removal alone would change the ranking: %(count)d."
        ) % {"count": sens.pivotal_ballots}
    if sens.closest_pair is not None:
        summary += " " + _("The closest neighbours are %(a)s and %(b)s, %(gap)s points apart.") % {
            "a": unit_names[sens.closest_pair[0]],
            "b": unit_names[sens.closest_pair[1]],
            "gap": sens.closest_gap,
        }
    note = ""
    if not sens.exact:
        note = _(
            "There are %(groups)d different ballots; a random sample of %(checked)d of them "
            "was checked, so a change may have been missed."
        ) % {"groups": sens.groups, "checked": sens.checked}
    loo = Check(
        key="leave_one_out",
        title=_("Would one ballot change the ranking?"),
        explanation=_(
            "For every ballot, the track is tallied again without it, with the same rules. "
            "If some unit's rank changes, the ranking hangs on a single rater: the units "
            "concerned are practically tied, and the announced order between them should "
            "be read with care. Ballots of the same panel with the same totals are checked "
            "once and listed together."
        ),
        summary=summary,
        level="ok" if sens.stable else "warning",
        columns=(_("Panel"), _("Ballots like this"), _("Rank changes if one is removed")),
        rows=tuple(
            (g.panel_name, str(len(g.rows)), "; ".join(move_text(m) for m in g.moves))
            for g in sens.pivotal
        ),
        note=note,
    )
    return (straight, all_max, agreement, loo)


# --------------------------------------------------------------------------- entry point


def diagnose_track(
    spec: EventSpec,
    matrix: BallotMatrix,
    track_key: str,
    *,
    loo_limit: int = LOO_LIMIT,
    seed: int = 0,
) -> TrackDiagnostics:
    """The four signals of one track."""
    track = spec.track(track_key)
    if track is None:
        raise KeyError(track_key)
    slots = next(s for s in layout(spec).tracks if s.key == track_key)
    view = _track_view(track, slots, matrix)
    panel_of = np.asarray(matrix.panels)
    qualities = tuple(
        _quality(view, view.covered & (panel_of == p), panel.key, panel.name)
        for p, panel in enumerate(spec.panels)
    )
    overall = _quality(view, view.covered, None, _("All panels"))
    sens = leave_one_out(spec, matrix, track_key, limit=loo_limit, seed=seed)
    return TrackDiagnostics(
        key=track.key,
        name=track.name,
        units=len(track.units),
        panels=qualities,
        overall=overall,
        sensitivity=sens,
        checks=_checks(track, qualities, overall, sens),
    )


def diagnose(
    spec: EventSpec, matrix: BallotMatrix, *, loo_limit: int = LOO_LIMIT, seed: int = 0
) -> Diagnostics:
    """Rater diagnostics of every track of an event (see the module docstring)."""
    if matrix.slots.shape[1] != layout(spec).width:
        raise ValueError("the ballot matrix does not fit the event")
    return Diagnostics(
        event=spec.key,
        title=_("Rater diagnostics"),
        explanation=_(
            "These signals help judge how far the ranking can be trusted. They never change "
            "the result: every valid ballot is counted as cast. They are for the office and "
            "the leaders, not for publication."
        ),
        ballots=matrix.count,
        tracks=tuple(
            diagnose_track(spec, matrix, t.key, loo_limit=loo_limit, seed=seed) for t in spec.tracks
        ),
    )


__all__ = [
    "LOO_LIMIT",
    "Agreement",
    "Check",
    "Diagnostics",
    "PanelQuality",
    "PivotalGroup",
    "RankMove",
    "Sensitivity",
    "TrackDiagnostics",
    "agreement_band",
    "average_ranks",
    "diagnose",
    "diagnose_track",
    "kendalls_w",
    "leave_one_out",
]
