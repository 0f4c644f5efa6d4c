"""The packed storage form of a ballot and the ballot matrix the tally reads.

Each event has a fixed slot layout: for every track in event order, for every unit
in track order, one slot per criterion (criteria rubric, value = number of steps)
or one slot (grades rubric, value = grade index, 0 = top grade).  A packed ballot
is that row as little-endian int32, with two sentinels:

* ``NOT_SCORED`` (-1): the track is not covered by the ballot, or the unit is the
  one the card is bound to;
* ``ABSTAIN`` (-2): the evaluator marked the unit 「不了解」 (every slot of the unit).

A :class:`BallotMatrix` is ``n`` such rows as one ``(n, width)`` int32 array plus
the panel index of each row (int16); :class:`BallotMatrixBuilder` assembles it from
packed rows incrementally (a list of byte chunks joined once).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pingyi.appraisal.method.ballots import ABSTAIN, Ballot, Mark, make_ballot
from pingyi.appraisal.method.spec import EventSpec

NOT_SCORED = -1
ABSTAINED = -2
DTYPE = np.dtype("<i4")


@dataclass(frozen=True)
class TrackSlots:
    """Where one track's slots are: ``offset``, ``units`` x ``per_unit`` slots."""

    key: str
    offset: int
    units: int
    per_unit: int
    kind: str

    @property
    def width(self) -> int:
        return self.units * self.per_unit

    def slot(self, unit_index: int, item_index: int = 0) -> int:
        """The absolute slot of (unit, criterion-or-grade)."""
        return self.offset + unit_index * self.per_unit + item_index


@dataclass(frozen=True)
class SlotLayout:
    """The slot layout of one event (see module docstring)."""

    tracks: tuple[TrackSlots, ...]
    width: int

    def labels(self, spec: EventSpec) -> list[tuple[str, str, str]]:
        """``(track, unit, criterion-or-"grade")`` for every slot, in slot order."""
        out: list[tuple[str, str, str]] = []
        for track in spec.tracks:
            for unit in track.units:
                out.extend((track.key, unit.key, item) for item in track.rubric.items)
        return out


@lru_cache(maxsize=64)
def layout(spec: EventSpec) -> SlotLayout:
    """The slot layout of ``spec`` (cached; specs are immutable)."""
    tracks = []
    offset = 0
    for track in spec.tracks:
        per_unit = len(track.rubric.criteria) if track.rubric.kind == "criteria" else 1
        slots = TrackSlots(track.key, offset, len(track.units), per_unit, track.rubric.kind)
        tracks.append(slots)
        offset += slots.width
    return SlotLayout(tuple(tracks), offset)


def pack_marks(spec: EventSpec, ballot: Ballot) -> np.ndarray:
    """The slot row of ``ballot`` as an int32 array of the layout's width."""
    lay = layout(spec)
    row = np.full(lay.width, NOT_SCORED, dtype=DTYPE)
    for track, slots in zip(spec.tracks, lay.tracks, strict=True):
        marks = ballot.marks.get(track.key)
        if marks is None:
            continue
        for u, unit in enumerate(track.units):
            mark = marks.get(unit.key)
            if mark is None:
                continue
            start = slots.slot(u)
            if mark is ABSTAIN:
                row[start : start + slots.per_unit] = ABSTAINED
            elif isinstance(mark, tuple):
                row[start : start + slots.per_unit] = mark
            else:
                row[start] = mark
    return row


def pack(spec: EventSpec, ballot: Ballot) -> bytes:
    """The packed storage form of a valid ballot (little-endian int32 slots)."""
    return pack_marks(spec, ballot).tobytes()


def unpack(spec: EventSpec, panel: str, data: bytes) -> Ballot:
    """The :class:`Ballot` of a packed row (inverse of :func:`pack`)."""
    lay = layout(spec)
    row = np.frombuffer(data, dtype=DTYPE)
    if row.shape != (lay.width,):
        raise ValueError(f"packed ballot has {row.size} slots, the event has {lay.width}")
    values = row.tolist()
    marks: dict[str, dict[str, Mark]] = {}
    for track, slots in zip(spec.tracks, lay.tracks, strict=True):
        out: dict[str, Mark] = {}
        for u, unit in enumerate(track.units):
            start = slots.slot(u)
            cell = values[start : start + slots.per_unit]
            if cell[0] == NOT_SCORED:
                continue
            if cell[0] == ABSTAINED:
                out[unit.key] = ABSTAIN
            elif slots.kind == "criteria":
                out[unit.key] = tuple(cell)
            else:
                out[unit.key] = cell[0]
        if out:
            marks[track.key] = out
    return make_ballot(panel, marks)


@dataclass(frozen=True)
class BallotMatrix:
    """Counted ballots: ``slots`` (n x width int32) and ``panels`` (n int16 panel indices)."""

    panels: np.ndarray
    slots: np.ndarray

    def __post_init__(self) -> None:
        if self.slots.ndim != 2 or self.panels.shape != (self.slots.shape[0],):
            raise ValueError("panels must have one entry per row of slots")

    @property
    def count(self) -> int:
        return int(self.slots.shape[0])

    @classmethod
    def empty(cls, spec: EventSpec) -> BallotMatrix:
        return cls(np.zeros(0, np.int16), np.zeros((0, layout(spec).width), DTYPE))


class BallotMatrixBuilder:
    """Collects packed ballots (bytes) with their panel, then builds one matrix.

    ``add`` takes one packed ballot; ``add_chunk`` takes many rows already joined
    (``len(panels)`` rows).  ``build`` concatenates once and wraps the bytes with
    ``np.frombuffer`` (no per-ballot Python objects survive).
    """

    def __init__(self, spec: EventSpec) -> None:
        self.spec = spec
        self.width = layout(spec).width
        self._row_bytes = self.width * DTYPE.itemsize
        self._chunks: list[bytes] = []
        self._panels = array("h")
        self._panel_index = {p.key: i for i, p in enumerate(spec.panels)}

    def panel_index(self, panel: str | int) -> int:
        if isinstance(panel, str):
            return self._panel_index[panel]
        if not 0 <= panel < len(self._panel_index):
            raise ValueError(f"panel index {panel} out of range")
        return panel

    def add(self, panel: str | int, packed: bytes) -> None:
        """Add one packed ballot of ``panel`` (key or index)."""
        if len(packed) != self._row_bytes:
            raise ValueError(f"packed ballot has {len(packed)} bytes, expected {self._row_bytes}")
        self._panels.append(self.panel_index(panel))
        self._chunks.append(packed)

    def add_chunk(self, panels: Iterable[str | int], packed_rows: bytes) -> None:
        """Add several packed ballots joined into one bytes object."""
        indices = [self.panel_index(p) for p in panels]
        if len(packed_rows) != len(indices) * self._row_bytes:
            raise ValueError("packed rows do not match the number of panels")
        self._panels.extend(indices)
        self._chunks.append(packed_rows)

    def __len__(self) -> int:
        return len(self._panels)

    def build(self) -> BallotMatrix:
        data = b"".join(self._chunks)
        self._chunks = [data]
        slots = np.frombuffer(data, dtype=DTYPE).reshape(-1, self.width)
        panels = np.frombuffer(self._panels.tobytes(), dtype=np.int16).copy()
        return BallotMatrix(panels, slots)


def matrix_from_ballots(spec: EventSpec, ballots: Iterable[Ballot]) -> BallotMatrix:
    """The matrix of some :class:`Ballot` objects (convenience for tests and small data)."""
    builder = BallotMatrixBuilder(spec)
    for ballot in ballots:
        builder.add(ballot.panel, pack(spec, ballot))
    return builder.build()


__all__ = [
    "ABSTAINED",
    "DTYPE",
    "NOT_SCORED",
    "BallotMatrix",
    "BallotMatrixBuilder",
    "SlotLayout",
    "TrackSlots",
    "layout",
    "matrix_from_ballots",
    "pack",
    "pack_marks",
    "unpack",
]
