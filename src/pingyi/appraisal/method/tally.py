"""The one tally of pingyi (server, command line and export all use it).

Rules (DESIGN.md, "Appraisal rules"), per track, per unit:

* a ballot's **total** for a unit is the sum of its criterion scores (criteria
  rubric), the chosen grade's points (grades rubric), or ``first − step·(rank − 1)``
  (ranking rubric: rank 1 of 8 is worth 100, rank 8 is worth 79 with the defaults);
  abstentions and unscored slots give no total and are not counted in ``ballots``;
* **trimmed mean** with ``trim`` k and ``trim_min`` m: when a set of n totals has
  n >= m and n > 2k, drop the k highest and the k lowest, then average; otherwise
  average all;
* ``weighting: "panels"``: S_p is the trimmed mean of panel p's totals; the unit's
  score is sum(W_p * S_p) / sum(W_p) over the panels with at least one total for
  the unit; ``"pooled"``: one trimmed mean over all totals.  Per-panel scores are
  reported in both modes;
* arithmetic is exact (:class:`~fractions.Fraction`); scores are rounded half-up to
  ``decimals`` places and written as strings with exactly that many places;
* rank by the rounded score, highest first; equal rounded scores share a rank and
  the next rank skips (1, 2, 2, 4); a tie is listed by unit key; units with no
  total have no score and no rank and come last, by key.

Implementation: totals are whole numbers in a per-track scale (criteria: ``step``;
grades and ranking: 1 / the common denominator of the points; a ranking track is
tallied as a grades track whose i-th grade, rank i + 1, is worth ``first − step·i``).
The matrix is read in row
chunks; per track, numpy turns each chunk into codes ``(unit, panel, total)`` and
``np.bincount`` accumulates a histogram per unit and panel.  Trimming and sums are
then exact integer work on the histograms; Fractions are built only per (unit,
panel).  When the range of totals is too wide for histograms, the totals are kept
per unit and trimmed after sorting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from pingyi.appraisal.method.packing import ABSTAINED, NOT_SCORED, BallotMatrix, TrackSlots, layout
from pingyi.appraisal.method.spec import EventSpec, MethodSpec, TrackSpec

RESULTS_FORMAT = "pingyi-results/1"
HISTOGRAM_MAX_BINS = 1 << 22
CHUNK_ROWS = 1 << 13
_SAFE = 1 << 62

Strategy = Literal["auto", "histogram", "sort"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PanelScore:
    """One panel's view of a unit: exact trimmed mean, rounded text, ballots counted."""

    score: Fraction
    text: str
    ballots: int


@dataclass(frozen=True)
class UnitResult:
    """One unit's result.  ``score`` is exact; ``text`` is the rounded string."""

    key: str
    name: str
    rank: int | None
    score: Fraction | None
    text: str | None
    ballots: int
    panels: Mapping[str, PanelScore]
    abstentions: int
    abstentions_by_panel: Mapping[str, int]
    #: criteria rubric: mean of each criterion over the counted ballots (None if none)
    criterion_means: tuple[Fraction | None, ...] = ()
    #: grades rubric: how many counted ballots gave each grade (rubric order); ranking
    #: rubric: how many gave each rank (rank 1 first)
    grade_counts: tuple[int, ...] = ()
    #: lowest and highest total among the counted ballots (None if none)
    lowest: Fraction | None = None
    highest: Fraction | None = None

    @property
    def mean_rank(self) -> Fraction | None:
        """Ranking rubric: the mean rank over the counted ballots (None otherwise)."""
        counted = sum(self.grade_counts)
        if not counted:
            return None
        return Fraction(sum(i * c for i, c in enumerate(self.grade_counts, start=1)), counted)


@dataclass(frozen=True)
class TrackResult:
    """A track's ranking (ranked units first, then unranked units by key)."""

    key: str
    name: str
    ranking: tuple[UnitResult, ...]
    #: ballots that covered the track, per panel key
    ballots_per_panel: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    """The tally of an event (``results_to_json`` gives the ``results.json`` shape)."""

    event: str
    method: MethodSpec
    tracks: tuple[TrackResult, ...]
    ballots: int
    ballots_per_panel: Mapping[str, int]


# --------------------------------------------------------------------------- rounding


def round_half_up(value: Fraction, decimals: int) -> int:
    """``value`` x 10^decimals rounded half-up (ties away from zero), as an integer."""
    scaled = abs(value) * 10**decimals
    rounded = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return -rounded if value < 0 else rounded


def format_fixed(scaled: int, decimals: int) -> str:
    """The text of ``scaled`` / 10^decimals with exactly ``decimals`` places."""
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}" if decimals else f"{sign}{whole}"


def score_text(value: Fraction, decimals: int) -> str:
    """A score as results.json writes it: rounded half-up, exactly ``decimals`` places."""
    return format_fixed(round_half_up(value, decimals), decimals)


# --------------------------------------------------------------------------- trimming


def trim_count(n: int, trim: int, trim_min: int) -> int:
    """How many totals to drop at each end: ``trim`` if n >= trim_min and n > 2 trim."""
    return trim if n >= trim_min and n > 2 * trim else 0


def _dot(values: np.ndarray, counts: np.ndarray) -> int:
    """Exact sum of values x counts (numpy int64 when it cannot overflow)."""
    if values.size == 0:
        return 0
    bound = int(np.abs(values).max()) * int(counts.sum())
    if bound < _SAFE:
        return int(np.dot(values.astype(np.int64), counts.astype(np.int64)))
    return sum(int(v) * int(c) for v, c in zip(values.tolist(), counts.tolist(), strict=True))


def _lowest_sum(values: np.ndarray, counts: np.ndarray, k: int) -> int:
    """Sum of the k lowest totals of a histogram (values ascending)."""
    before = np.cumsum(counts) - counts
    take = np.clip(k - before, 0, counts)
    return _dot(values, take)


@dataclass(frozen=True)
class Trimmed:
    """A set of totals: n, and the trimmed sum / count (in scaled integer units)."""

    n: int
    total: int
    count: int
    lowest: int
    highest: int

    def mean(self, scale: Fraction) -> Fraction:
        return Fraction(self.total, self.count) * scale


def trimmed_from_histogram(
    values: np.ndarray, counts: np.ndarray, method: MethodSpec
) -> Trimmed | None:
    """Trim a histogram (``values`` ascending, ``counts`` per value); None if empty."""
    n = int(counts.sum())
    if n == 0:
        return None
    present = np.flatnonzero(counts)
    lowest, highest = int(values[present[0]]), int(values[present[-1]])
    total = _dot(values, counts)
    k = trim_count(n, method.trim, method.trim_min)
    if k:
        total -= _lowest_sum(values, counts, k) + _lowest_sum(values[::-1], counts[::-1], k)
    return Trimmed(n, total, n - 2 * k, lowest, highest)


def trimmed_from_totals(totals: np.ndarray, method: MethodSpec) -> Trimmed | None:
    """Trim a plain array of totals; None if empty."""
    n = int(totals.size)
    if n == 0:
        return None
    ordered = np.sort(totals)
    k = trim_count(n, method.trim, method.trim_min)
    kept = ordered[k : n - k]
    ones = np.ones(kept.size, dtype=np.int64)
    return Trimmed(n, _dot(kept, ones), n - 2 * k, int(ordered[0]), int(ordered[-1]))


# --------------------------------------------------------------------------- accumulation


class _TrackTally:
    """Accumulates one track over row chunks (histograms, or totals when too wide)."""

    def __init__(self, spec: EventSpec, track: TrackSpec, slots: TrackSlots, strategy: Strategy):
        self.track = track
        self.slots = slots
        self.panels = len(spec.panels)
        units, panels = slots.units, self.panels
        rubric = track.rubric
        if rubric.kind == "criteria":
            self.scale = rubric.step
            self.bins = int(sum(c.max / rubric.step for c in rubric.criteria)) + 1
            self.values = np.arange(self.bins, dtype=np.int64)
            self.order = np.arange(self.bins)
        else:
            points = [g.points for g in rubric.grades]
            if rubric.kind == "ranking":
                points = [rubric.rank_points(r) for r in range(1, len(track.units) + 1)]
            den = math.lcm(*(p.denominator for p in points))
            self.scale = Fraction(1, den)
            scaled = [int(p * den) for p in points]
            self.bins = len(scaled)
            self.order = np.argsort(np.array(scaled, dtype=object), kind="stable").astype(np.intp)
            self.values = np.array(scaled, dtype=object)[self.order]
            if max(abs(v) for v in scaled) < _SAFE:
                self.values = self.values.astype(np.int64)
        wide = units * panels * self.bins > HISTOGRAM_MAX_BINS
        self.use_histogram = strategy == "histogram" or (strategy == "auto" and not wide)
        if rubric.kind != "criteria":
            self.use_histogram = True
        self.status = np.zeros(units * panels * 3, dtype=np.int64)  # scored, abstained, none
        self.column_sums = np.zeros(slots.width, dtype=np.int64)
        self.covered = np.zeros(panels, dtype=np.int64)
        if self.use_histogram:
            self.histogram = np.zeros(units * panels * self.bins + 1, dtype=np.int64)
        else:
            self.kept: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(units)]
        self.unit_codes = np.arange(units, dtype=np.int64)[None, :]

    def add(self, rows: np.ndarray, panels: np.ndarray) -> None:
        """Fold a chunk of ballot rows (and their panel indices) into the tally."""
        s = self.slots
        block = rows[:, s.offset : s.offset + s.width]
        m = block.shape[0]
        if s.kind == "criteria":
            cube = block.reshape(m, s.units, s.per_unit)
            first = cube[:, :, 0]
            totals = first.astype(np.int64)
            for c in range(1, s.per_unit):
                totals += cube[:, :, c]
            self.column_sums += block.sum(axis=0, dtype=np.int64)
        else:
            first = block
            totals = block.astype(np.int64)
        scored = first >= 0
        abstained = first == ABSTAINED
        if totals.max(initial=-1) >= self.bins or first.min(initial=0) < ABSTAINED:
            raise ValueError(f"track {s.key}: the ballot matrix holds values outside the rubric")
        pan = panels[:, None].astype(np.int64)
        unit_panel = self.unit_codes * self.panels + pan  # (m, units)
        status = np.where(scored, 0, np.where(abstained, 1, 2))
        self.status += np.bincount((unit_panel * 3 + status).ravel(), minlength=self.status.size)
        covered = (first != NOT_SCORED).any(axis=1)
        self.covered += np.bincount(panels[covered], minlength=self.panels)
        if self.use_histogram:
            trash = self.histogram.size - 1
            codes = np.where(scored, unit_panel * self.bins + totals, trash)
            self.histogram += np.bincount(codes.ravel(), minlength=self.histogram.size)
        else:
            for u in range(s.units):
                mask = scored[:, u]
                self.kept[u].append((panels[mask], totals[mask, u]))

    def _sets(self, u: int, method: MethodSpec) -> tuple[list[Trimmed | None], Trimmed | None]:
        """Per-panel and pooled trimmed sets of unit ``u``."""
        if self.use_histogram:
            size = self.panels * self.bins
            hist = self.histogram[u * size : (u + 1) * size].reshape(self.panels, self.bins)
            hist = hist[:, self.order]
            per_panel = [trimmed_from_histogram(self.values, h, method) for h in hist]
            return per_panel, trimmed_from_histogram(self.values, hist.sum(axis=0), method)
        parts = self.kept[u]
        pans = np.concatenate([p for p, _t in parts]) if parts else np.zeros(0, np.int16)
        tots = np.concatenate([t for _p, t in parts]) if parts else np.zeros(0, np.int64)
        per_panel = [trimmed_from_totals(tots[pans == p], method) for p in range(self.panels)]
        return per_panel, trimmed_from_totals(tots, method)

    def grade_counts(self, u: int) -> tuple[int, ...]:
        size = self.panels * self.bins
        hist = self.histogram[u * size : (u + 1) * size].reshape(self.panels, self.bins)
        return tuple(int(x) for x in hist.sum(axis=0))

    def finish(self, spec: EventSpec) -> TrackResult:
        """Scores, per-panel scores, breakdowns and the ranking of the track."""
        method = spec.method
        status = self.status.reshape(self.slots.units, self.panels, 3)
        units = []
        for u, unit in enumerate(self.track.units):
            per_panel, pooled = self._sets(u, method)
            panel_scores = {}
            for p, trimmed in enumerate(per_panel):
                if trimmed is not None:
                    mean = trimmed.mean(self.scale)
                    text = score_text(mean, method.decimals)
                    panel_scores[spec.panels[p].key] = PanelScore(mean, text, trimmed.n)
            score = self._score(spec, per_panel, pooled)
            counted = int(status[u, :, 0].sum())
            units.append(
                UnitResult(
                    key=unit.key,
                    name=unit.name,
                    rank=None,
                    score=score,
                    text=None if score is None else score_text(score, method.decimals),
                    ballots=counted,
                    panels=panel_scores,
                    abstentions=int(status[u, :, 1].sum()),
                    abstentions_by_panel={
                        spec.panels[p].key: int(status[u, p, 1])
                        for p in range(self.panels)
                        if status[u, p, 1]
                    },
                    criterion_means=self._criterion_means(u, status[u], counted),
                    grade_counts=self.grade_counts(u) if self.slots.kind != "criteria" else (),
                    lowest=None if pooled is None else pooled.lowest * self.scale,
                    highest=None if pooled is None else pooled.highest * self.scale,
                )
            )
        covered = {spec.panels[p].key: int(self.covered[p]) for p in range(self.panels)}
        return TrackResult(self.track.key, self.track.name, rank_units(units, method), covered)

    def _score(
        self, spec: EventSpec, per_panel: list[Trimmed | None], pooled: Trimmed | None
    ) -> Fraction | None:
        """Pooled trimmed mean, or the weighted mean of panel trimmed means."""
        if pooled is None:
            return None
        if spec.method.weighting == "pooled":
            return pooled.mean(self.scale)
        weighted = Fraction(0)
        weights = Fraction(0)
        for panel, trimmed in zip(spec.panels, per_panel, strict=True):
            if trimmed is not None:
                weighted += panel.weight * trimmed.mean(self.scale)
                weights += panel.weight
        return weighted / weights

    def _criterion_means(
        self, u: int, status: np.ndarray, counted: int
    ) -> tuple[Fraction | None, ...]:
        """Mean of each criterion over the ballots that scored the unit."""
        if self.slots.kind != "criteria":
            return ()
        c = self.slots.per_unit
        # sentinel slots added -1 (not scored) or -2 (abstained) to every column sum
        correction = int(status[:, 2].sum()) * -NOT_SCORED + int(status[:, 1].sum()) * -ABSTAINED
        sums = self.column_sums[u * c : (u + 1) * c]
        if not counted:
            return tuple(None for _ in range(c))
        return tuple(Fraction(int(s) + correction, counted) * self.track.rubric.step for s in sums)


def rank_units(units: list[UnitResult], method: MethodSpec) -> tuple[UnitResult, ...]:
    """Order and rank units: by rounded score (desc) then key; shared ranks skip."""
    scored = [u for u in units if u.score is not None]
    unscored = sorted((u for u in units if u.score is None), key=lambda u: u.key)
    keyed = sorted(
        ((round_half_up(u.score, method.decimals), u) for u in scored if u.score is not None),
        key=lambda pair: (-pair[0], pair[1].key),
    )
    ranked = []
    previous: int | None = None
    rank = 0
    for position, (rounded, unit) in enumerate(keyed, start=1):
        if rounded != previous:
            rank, previous = position, rounded
        ranked.append(_with_rank(unit, rank))
    return tuple(ranked + unscored)


def _with_rank(unit: UnitResult, rank: int) -> UnitResult:
    return UnitResult(**{**unit.__dict__, "rank": rank})


# --------------------------------------------------------------------------- entry points


def tally(
    spec: EventSpec,
    matrix: BallotMatrix,
    *,
    strategy: Strategy = "auto",
    chunk_rows: int = CHUNK_ROWS,
) -> Results:
    """Tally the counted ballots of ``matrix`` under the rules of ``spec``."""
    lay = layout(spec)
    if matrix.slots.shape[1] != lay.width:
        raise ValueError(f"ballot matrix has {matrix.slots.shape[1]} slots, event has {lay.width}")
    panels = np.asarray(matrix.panels, dtype=np.int64)
    if panels.size and (panels.min() < 0 or panels.max() >= len(spec.panels)):
        raise ValueError("ballot matrix refers to a panel the event does not have")
    trackers = [
        _TrackTally(spec, track, slots, strategy)
        for track, slots in zip(spec.tracks, lay.tracks, strict=True)
    ]
    for start in range(0, matrix.count, chunk_rows):
        rows = matrix.slots[start : start + chunk_rows]
        chunk_panels = panels[start : start + chunk_rows]
        for tracker in trackers:
            tracker.add(rows, chunk_panels)
    per_panel = np.bincount(panels, minlength=len(spec.panels))
    return Results(
        event=spec.key,
        method=spec.method,
        tracks=tuple(t.finish(spec) for t in trackers),
        ballots=matrix.count,
        ballots_per_panel={p.key: int(per_panel[i]) for i, p in enumerate(spec.panels)},
    )


def results_to_json(results: Results) -> dict[str, Any]:
    """The ``results.json`` object (DESIGN.md, "Contracts")."""
    return {
        "format": RESULTS_FORMAT,
        "event": results.event,
        "tracks": [
            {"key": track.key, "ranking": [_unit_json(u) for u in track.ranking]}
            for track in results.tracks
        ],
    }


def _unit_json(unit: UnitResult) -> dict[str, Any]:
    return {
        "rank": unit.rank,
        "unit": unit.key,
        "name": unit.name,
        "score": unit.text,
        "ballots": unit.ballots,
        "panels": {key: {"score": p.text, "ballots": p.ballots} for key, p in unit.panels.items()},
    }


def results_from_json(data: Mapping[str, Any], spec: EventSpec) -> Results:
    """The typed :class:`Results` of a stored ``results.json`` (the figures fixed when voting
    closed): ranking order, ranks, names, score texts, ballots and panel scores, exactly as
    stored. ``score`` is the rounded score (the exact one and the details, criterion means,
    grades, spread, abstentions, come from a recount: :func:`with_recount`)."""
    tracks = []
    for track_json in data.get("tracks", []):
        spec_track = spec.track(track_json["key"])
        ranking = tuple(
            UnitResult(
                key=entry["unit"],
                name=entry["name"],
                rank=entry["rank"],
                score=None if entry["score"] is None else Fraction(entry["score"]),
                text=entry["score"],
                ballots=entry["ballots"],
                panels={
                    key: PanelScore(Fraction(p["score"]), p["score"], p["ballots"])
                    for key, p in (entry.get("panels") or {}).items()
                    if p and p.get("score") is not None
                },
                abstentions=0,
                abstentions_by_panel={},
            )
            for entry in track_json["ranking"]
        )
        tracks.append(
            TrackResult(
                key=track_json["key"],
                name=spec_track.name if spec_track else track_json["key"],
                ranking=ranking,
            )
        )
    return Results(
        event=data.get("event", spec.key),
        method=spec.method,
        tracks=tuple(tracks),
        ballots=0,
        ballots_per_panel={},
    )


def with_recount(fixed: Results, recount: Results) -> Results:
    """``fixed`` (the stored figures: order, ranks, names, score texts, ballots, panel
    scores) with the details only a recount of the ballots has (exact scores, criterion
    means, grade counts, spread, abstentions, ballots per panel and track). The figures
    every page shows always win, so an output never says something a page does not."""
    recounted = {(track.key, unit.key): unit for track in recount.tracks for unit in track.ranking}
    recount_tracks = {track.key: track for track in recount.tracks}
    tracks = []
    for track in fixed.tracks:
        ranking = []
        for unit in track.ranking:
            detail = recounted.get((track.key, unit.key))
            if detail is None:
                ranking.append(unit)
                continue
            panels = {
                key: PanelScore(
                    detail.panels[key].score
                    if key in detail.panels and detail.panels[key].text == p.text
                    else p.score,
                    p.text,
                    p.ballots,
                )
                for key, p in unit.panels.items()
            }
            exact = detail.score if detail.text == unit.text else unit.score
            ranking.append(
                UnitResult(
                    **{
                        **detail.__dict__,
                        "name": unit.name,
                        "rank": unit.rank,
                        "score": exact,
                        "text": unit.text,
                        "ballots": unit.ballots,
                        "panels": panels,
                    }
                )
            )
        other = recount_tracks.get(track.key)
        tracks.append(
            TrackResult(
                key=track.key,
                name=track.name,
                ranking=tuple(ranking),
                ballots_per_panel=other.ballots_per_panel if other else {},
            )
        )
    return Results(
        event=fixed.event,
        method=fixed.method,
        tracks=tuple(tracks),
        ballots=recount.ballots,
        ballots_per_panel=recount.ballots_per_panel,
    )


def rank_changes(current: Results, previous: Results | None) -> dict[str, dict[str, int | None]]:
    """争先进位: per track key, per unit key, the places a unit rose (+) or fell (−) since
    ``previous`` (matched by track and unit key); None where either has no rank, or where
    there is no previous event (``{}`` for every track)."""
    before = {
        (track.key, unit.key): unit.rank
        for track in (previous.tracks if previous else ())
        for unit in track.ranking
        if unit.rank is not None
    }
    changes: dict[str, dict[str, int | None]] = {}
    for track in current.tracks:
        moves: dict[str, int | None] = {}
        for unit in track.ranking:
            old = before.get((track.key, unit.key))
            moves[unit.key] = None if old is None or unit.rank is None else old - unit.rank
        changes[track.key] = moves
    return changes


def dump_results(results_json: Mapping[str, Any]) -> str:
    """The one canonical text of ``results.json``: UTF-8 characters, indent 2, final newline."""
    return json.dumps(results_json, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "RESULTS_FORMAT",
    "PanelScore",
    "Results",
    "TrackResult",
    "Trimmed",
    "UnitResult",
    "dump_results",
    "format_fixed",
    "rank_changes",
    "rank_units",
    "results_from_json",
    "results_to_json",
    "round_half_up",
    "score_text",
    "tally",
    "trim_count",
    "trimmed_from_histogram",
    "trimmed_from_totals",
    "with_recount",
]
