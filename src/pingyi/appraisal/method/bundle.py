"""The anonymous appraisal bundle: ``event.json`` + ``ballots.csv`` (DESIGN.md, "Contracts").

:func:`read_bundle` reads a bundle from a folder or a ``.zip`` (files at the root of
the archive, or inside its one top folder) and returns the event and the matrix of
its ballots, ready for :func:`pingyi.appraisal.method.tally.tally`.

``ballots.csv`` is UTF-8 (a BOM is allowed), with the header
``ballot,panel,track,unit,item,value`` and one row per score: criteria rows carry a
criterion key and a plain decimal value (``35``, ``7.5``); grades rows carry item
``grade`` and a grade key; ranking rows (one per ranked unit) carry item ``rank``
and the rank, a whole number from 1 to m; an abstention is one row with item
``abstain`` and an empty value.  The rows of one ballot need not be adjacent; an all-empty row is
ignored.  Every ballot is held to the rules of
:func:`pingyi.appraisal.method.ballots.check_ballot`, with one difference: a bundle does
not say which unit a card was bound to, so a ballot may leave unscored the units of
**one** unit key of the tracks it covers (as if its card had been bound to that
unit); two different unscored units are an error.  All rows of a ballot must name
the same panel.

Errors are :class:`BundleError` naming the file, the row (1-based, the header is
row 1, as a spreadsheet shows it) and the column.  Row rules (unknown keys, values,
duplicates, abstention conflicts, panel changes) are checked first over the whole
file, and the first offending row is reported; then ballot rules (missing items,
missing units, the top-grade quota), reported at the first row of the first
offending ballot.

Large files are read with pyarrow's streaming CSV reader; keys become indices by
dictionary look-ups and the checks are numpy expressions over whole batches.  Only a
batch known to hold an error is replayed row by row through the ballot checker to
name the first offending row.

:func:`write_bundle` writes ``event.json``, ``ballots.csv`` (fresh random ballot ids,
ballots in random order), ``results.json`` and ``receipts.txt``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import secrets
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pingyi.appraisal.method.ballots import ABSTAIN, ABSTAIN_ITEM, Ballot, BallotError, _Checker
from pingyi.appraisal.method.packing import (
    ABSTAINED,
    DTYPE,
    NOT_SCORED,
    BallotMatrix,
    BallotMatrixBuilder,
    layout,
    pack,
)
from pingyi.appraisal.method.spec import (
    EventSpec,
    SpecError,
    dump_event_json,
    format_number,
    load_event_json,
)
from pingyi.appraisal.method.tally import dump_results
from pingyi.core.pure.i18n import _
from pingyi.core.pure.numbers import exact as bounded
from pingyi.core.pure.numbers import parse_decimal_text

EVENT_FILE = "event.json"
BALLOTS_FILE = "ballots.csv"
RESULTS_FILE = "results.json"
RECEIPTS_FILE = "receipts.txt"
COLUMNS = ("ballot", "panel", "track", "unit", "item", "value")
BLOCK_SIZE = 8 << 20

# value classification codes (negative; >= 0 are step counts or grade indices)
_BAD = -10
_RANGE = -11
_STEP = -12
_GRADE = -13
_ITEM_UNKNOWN = -1
_ITEM_ABSTAIN = -2


def _locate(file: str | None, row: int | None, column: str | None) -> str:
    """``ballots.csv row 17, column value: `` — the prefix of a bundle error, translated."""
    where = {"file": file or "", "row": row, "column": column}
    if row is not None and column is not None:
        return _("%(file)s row %(row)d, column %(column)s: ") % where
    if row is not None:
        return _("%(file)s row %(row)d: ") % where
    if column is not None:
        return _("%(file)s column %(column)s: ") % where
    return f"{file}: " if file else ""


class BundleError(ValueError):
    """A broken bundle; the message names the file, row and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(_locate(file, row, column) + message)
        self.file = file
        self.row = row
        self.column = column
        self.code = code
        self.reason = message


# --------------------------------------------------------------------------- opening

#: The largest ``event.json`` read, from a folder, a file or a zip, whatever the zip declares
#: (the browser's import takes no bigger upload either): a large event, 20 tracks of 100
#: units with their criteria, is about 300 KB.
EVENT_JSON_MAX_BYTES = 2 * 1024 * 1024
#: What reading a damaged, encrypted or exotic zip member can raise.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def _event_json_member(names: Iterable[str]) -> str | None:
    """Where a zip keeps its ``event.json``: at the root, or inside its one top folder."""
    names = set(names)
    if EVENT_FILE in names:
        return EVENT_FILE
    nested = [n for n in names if n.count("/") == 1 and n.endswith("/" + EVENT_FILE)]
    return nested[0] if len(nested) == 1 else None


def _read_capped(stream: IO[bytes], name: str) -> bytes:
    """At most :data:`EVENT_JSON_MAX_BYTES` of ``stream`` (a zip member is inflated no
    further), or a BundleError naming ``name``."""
    try:
        data = stream.read(EVENT_JSON_MAX_BYTES + 1)
    except _ZIP_ERRORS as exc:
        message = _("cannot be read from the .zip: %(error)s") % {"error": exc}
        raise BundleError(message, file=name) from exc
    if len(data) > EVENT_JSON_MAX_BYTES:
        raise BundleError(
            _("larger than %(limit)d MB: too large for an event.json")
            % {"limit": EVENT_JSON_MAX_BYTES >> 20},
            file=name,
            code="too_large",
        )
    return data


def read_event_json(source: str | os.PathLike[str] | IO[bytes], name: str | None = None) -> bytes:
    """The bytes of ``event.json``, at most :data:`EVENT_JSON_MAX_BYTES`, from a bundle
    folder, a .zip (a path, or an open binary file such as an upload; the member at its root
    or in its one top folder), or the file itself. A BundleError names what is wrong.

    The one reader of an event.json for ``pingyi event import``, the browser's import and
    :func:`read_bundle`."""
    if not isinstance(source, str | os.PathLike):
        return _event_json_of_file(source, name or EVENT_FILE)
    path = Path(source)
    if path.is_dir():
        try:
            with (path / EVENT_FILE).open("rb") as f:
                return _read_capped(f, EVENT_FILE)
        except FileNotFoundError:
            raise BundleError(_("missing from the bundle"), file=EVENT_FILE) from None
    if not path.exists():
        raise BundleError(_("no such folder or file"), file=name or str(path))
    with path.open("rb") as f:
        return _event_json_of_file(f, name or str(path))


def _event_json_of_file(f: IO[bytes], name: str) -> bytes:
    """event.json from an open file: the file itself, or the member of the zip it is (one
    that starts like a zip but is damaged is not taken for JSON)."""
    f.seek(0)
    zipped = f.read(4) == b"PK\x03\x04" or zipfile.is_zipfile(f)
    f.seek(0)
    if not zipped:
        return _read_capped(f, name)
    try:
        with zipfile.ZipFile(f) as archive:
            member = _event_json_member(archive.namelist())
            if member is None:
                raise BundleError(_("the archive holds no event.json"), file=name)
            with archive.open(member) as data:
                return _read_capped(data, member)
    except _ZIP_ERRORS as exc:
        raise BundleError(_("damaged .zip archive: %(error)s") % {"error": exc}, file=name) from exc


class _Source:
    """The files of a bundle, in a folder or a zip archive."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if self.path.is_dir():
            return
        if not self.path.exists():
            raise BundleError(_("no such folder or file"), file=str(self.path))
        if not zipfile.is_zipfile(self.path):
            raise BundleError(_("not a folder or a .zip archive"), file=str(self.path))
        try:
            self.zip = zipfile.ZipFile(self.path)
        except _ZIP_ERRORS as exc:
            raise BundleError(
                _("damaged .zip archive: %(error)s") % {"error": exc}, file=str(self.path)
            ) from exc
        member = _event_json_member(self.zip.namelist())
        if member is None:
            self.zip.close()
            raise BundleError(_("the archive holds no event.json"), file=str(self.path))
        self.prefix = member[: -len(EVENT_FILE)]

    def open(self, name: str) -> IO[bytes]:
        if self.zip is not None:
            try:
                return self.zip.open(self.prefix + name)
            except KeyError:
                raise BundleError(_("missing from the bundle"), file=name) from None
        try:
            return (self.path / name).open("rb")
        except FileNotFoundError:
            raise BundleError(_("missing from the bundle"), file=name) from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def read_bundle(path: str | os.PathLike[str]) -> tuple[EventSpec, BallotMatrix]:
    """Read and check a bundle (folder or .zip); see the module docstring for the rules."""
    source = _Source(path)
    try:
        with source.open(EVENT_FILE) as f:
            data = _read_capped(f, EVENT_FILE)
        try:
            spec = load_event_json(data)
        except SpecError as exc:
            raise BundleError(str(exc), file=EVENT_FILE) from exc
        matrix = read_ballots_csv(spec, lambda: source.open(BALLOTS_FILE), BALLOTS_FILE)
    finally:
        source.close()
    return spec, matrix


# --------------------------------------------------------------------------- reading ballots


def read_ballots_csv(
    spec: EventSpec, opener: Callable[[], IO[bytes]], name: str = BALLOTS_FILE
) -> BallotMatrix:
    """Read and check ``ballots.csv`` (``opener`` returns a fresh binary stream)."""
    reader = _BallotReader(spec, name)
    with opener() as stream:
        columns = _read_header(stream, name)
        options = pacsv.ReadOptions(column_names=columns, block_size=BLOCK_SIZE)
        parse = pacsv.ParseOptions(ignore_empty_lines=False)
        convert = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        try:
            batches = pacsv.open_csv(
                stream, read_options=options, parse_options=parse, convert_options=convert
            )
            for batch in batches:
                reader.add_batch(batch)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            # a header and no rows: pyarrow calls it empty; that is an event nobody voted in
            arrow_error = None if "Empty CSV file" in str(exc) else exc
        else:
            arrow_error = None
    if arrow_error is not None:
        with opener() as stream:
            _locate_structural_error(stream, name)
        raise BundleError(_("cannot be read as CSV: %(error)s") % {"error": arrow_error}, file=name)
    return reader.finish()


def _read_header(stream: IO[bytes], name: str) -> list[str]:
    """Check the header row (any order of the six columns) and return its names."""
    raw = stream.readline()
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BundleError(_("not UTF-8 text"), file=name, row=1) from None
    header = next(csv.reader([line]), [])
    if sorted(header) != sorted(COLUMNS):
        raise BundleError(
            _("the header must be %(expected)s, found %(found)s")
            % {"expected": ",".join(COLUMNS), "found": ",".join(header) or "nothing"},
            file=name,
            row=1,
        )
    return header


def _locate_structural_error(stream: IO[bytes], name: str) -> None:
    """Find the first row that is not UTF-8 or does not have six fields, and raise."""
    stream.readline()  # header, already checked
    decoder = codecs.getincrementaldecoder("utf-8")()
    state = {"row": 1}

    def lines() -> Iterator[str]:
        for raw in stream:
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError:
                raise BundleError(_("not UTF-8 text"), file=name, row=state["row"] + 1) from None

    for record in csv.reader(lines()):
        state["row"] += 1
        if record and len(record) != len(COLUMNS):
            raise BundleError(
                _("expected %(expected)s fields, found %(found)s")
                % {"expected": len(COLUMNS), "found": len(record)},
                file=name,
                row=state["row"],
            )


def parse_csv_number(text: str) -> Decimal | None:
    """A plain decimal (``35``, ``7.5``, ``-1``) as an exact Decimal; None otherwise.

    The Decimal may be out of bounds (a cell of a million digits): convert it with
    :func:`pingyi.core.pure.numbers.exact`, never ``Fraction`` directly."""
    return parse_decimal_text(text)


def _rank_class(number: Decimal | None, units: int) -> int:
    """A ranking row's value: rank − 1 for a whole number 1…``units``, else a bad code."""
    exact = None if number is None else bounded(number)
    if exact is None or exact.denominator != 1:
        return _BAD
    if not 1 <= exact <= units:
        return _RANGE
    return int(exact) - 1


def _has_duplicates(values: np.ndarray) -> bool:
    """Whether an integer array holds a value twice (sort-based; faster than np.unique)."""
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


class _Growing:
    """A numpy array that grows along axis 0 (capacity doubling)."""

    def __init__(self, shape_tail: tuple[int, ...], dtype: Any, fill: int) -> None:
        self.fill = fill
        self.data = np.full((1024, *shape_tail), fill, dtype=dtype)

    def ensure(self, n: int) -> None:
        if n <= self.data.shape[0]:
            return
        cap = max(n, 2 * self.data.shape[0])
        grown = np.full((cap, *self.data.shape[1:]), self.fill, dtype=self.data.dtype)
        grown[: self.data.shape[0]] = self.data
        self.data = grown


@dataclass
class _Batch:
    """One batch of CSV rows as index arrays (blank rows removed)."""

    rows: np.ndarray  # 1-based row numbers as a spreadsheet shows them
    columns: dict[str, pa.Array]  # the raw text, for messages
    ballot: np.ndarray  # global ballot number
    local: np.ndarray  # ballot number within the batch, in order of first appearance
    first_in_batch: np.ndarray  # per local ballot number: its first row in the batch
    panel: np.ndarray
    track: np.ndarray
    unit: np.ndarray
    item: np.ndarray
    value: np.ndarray  # step count / grade index, or a negative code
    value_empty: np.ndarray
    empty_id: np.ndarray


class _BallotReader:
    """Streaming, vectorised reader of ballots.csv into the ballot matrix."""

    def __init__(self, spec: EventSpec, name: str) -> None:
        self.spec = spec
        self.name = name
        lay = layout(spec)
        self.layout = lay
        self.next_row = 2
        self.ids: dict[str, int] = {}
        self.id_list: list[str] = []
        tracks = spec.tracks
        self.panel_keys = pa.array([p.key for p in spec.panels], pa.string())
        self.track_keys = pa.array([t.key for t in tracks], pa.string())
        unit_keys = sorted({u.key for t in tracks for u in t.units})
        self.unit_keys = pa.array(unit_keys, pa.string())
        item_keys = sorted(
            {c.key for t in tracks for c in t.rubric.criteria} | {"grade", "abstain", "rank"}
        )
        self.item_keys = pa.array(item_keys, pa.string())
        self.unit_gid = {k: i for i, k in enumerate(unit_keys)}
        n_tracks = len(tracks)
        self.unit_local = np.full((n_tracks, len(unit_keys)), -1, dtype=np.int64)
        self.item_code = np.full((n_tracks, len(item_keys)), _ITEM_UNKNOWN, dtype=np.int64)
        self.cell_base = np.zeros(n_tracks, dtype=np.int64)
        self.slot_base = np.array([s.offset for s in lay.tracks], dtype=np.int64)
        self.per_unit = np.array([s.per_unit for s in lay.tracks], dtype=np.int64)
        self.abstain_ok = np.array([t.rubric.abstain for t in tracks], dtype=bool)
        self.is_grades = np.array([t.rubric.kind != "criteria" for t in tracks], dtype=bool)
        self.ranking = [t for t, track in enumerate(tracks) if track.rubric.kind == "ranking"]
        self.kid = np.zeros((n_tracks, max(int(x) for x in self.per_unit)), dtype=np.int64)
        self.criteria: list[tuple[Fraction, Fraction]] = []  # (step, max) per (track, criterion)
        cells = 0
        for t, track in enumerate(tracks):
            self.cell_base[t] = cells
            cells += len(track.units)
            for u, unit in enumerate(track.units):
                self.unit_local[t, self.unit_gid[unit.key]] = u
            self.item_code[t, item_keys.index("abstain")] = _ITEM_ABSTAIN
            if track.rubric.kind == "grades":
                self.item_code[t, item_keys.index("grade")] = 0
            if track.rubric.kind == "ranking":
                self.item_code[t, item_keys.index("rank")] = 0
            for c, criterion in enumerate(track.rubric.criteria):
                self.item_code[t, item_keys.index(criterion.key)] = c
                self.kid[t, c] = len(self.criteria)
                self.criteria.append((track.rubric.step, criterion.max))
        self.cells = cells
        self.cell_unit_gid = np.array(
            [self.unit_gid[u.key] for t in tracks for u in t.units], dtype=np.int64
        )
        self.slots = _Growing((lay.width,), DTYPE, NOT_SCORED)
        self.state = _Growing((cells,), np.uint8, 0)  # bit 1: scored rows, bit 2: abstained
        self.ballot_panel = _Growing((), np.int16, -1)
        self.first_row = _Growing((), np.int64, 0)
        self.value_cache: dict[str, tuple[Decimal | None, list[int], list[int]]] = {}

    # ------------------------------------------------------------- decoding

    def _lookup(self, column: pa.Array, keys: pa.Array) -> np.ndarray:
        return pc.index_in(column, value_set=keys).fill_null(-1).to_numpy(zero_copy_only=False)

    def _classify(self, text: str) -> tuple[Decimal | None, list[int], list[int]]:
        """A value string: its number, its class per (track, criterion), grade per track."""
        cached = self.value_cache.get(text)
        if cached is not None:
            return cached
        number = parse_csv_number(text)
        per_criterion = []
        for step, top in self.criteria:
            if number is None:
                per_criterion.append(_BAD)
                continue
            exact = bounded(number)
            if exact is None:  # out of bounds: the replay names the reason
                per_criterion.append(_BAD)
                continue
            ratio = exact / step
            if exact < 0 or exact > top:
                per_criterion.append(_RANGE)
            elif ratio.denominator != 1:
                per_criterion.append(_STEP)
            else:
                per_criterion.append(ratio.numerator)
        per_track = []
        for track in self.spec.tracks:
            keys = [g.key for g in track.rubric.grades]
            if track.rubric.kind == "ranking":
                per_track.append(_rank_class(number, len(track.units)))
            elif not text:
                per_track.append(_BAD)
            else:
                per_track.append(keys.index(text) if text in keys else _GRADE)
        result = (number, per_criterion, per_track)
        if len(self.value_cache) < 100_000:
            self.value_cache[text] = result
        return result

    def _decode(self, batch: pa.RecordBatch) -> _Batch | None:
        """Turn a batch of text rows into index arrays (None if it holds only blank rows)."""
        n = batch.num_rows
        rows = np.arange(self.next_row, self.next_row + n, dtype=np.int64)
        self.next_row += n
        col = {c: batch.column(c) for c in COLUMNS}
        lengths = [pc.binary_length(col[c]).to_numpy(zero_copy_only=False) for c in COLUMNS]
        blank = np.all(np.stack(lengths) == 0, axis=0)
        if blank.any():
            keep = np.flatnonzero(~blank)
            rows = rows[keep]
            take = pa.array(keep)
            col = {c: pc.take(col[c], take) for c in COLUMNS}
        if rows.size == 0:
            return None
        encoded = pc.dictionary_encode(col["ballot"])
        local_ids = encoded.dictionary.to_pylist()
        mapping = np.empty(len(local_ids), dtype=np.int64)
        for i, key in enumerate(local_ids):
            gid = self.ids.get(key)
            if gid is None:
                gid = self.ids[key] = len(self.id_list)
                self.id_list.append(key)
            mapping[i] = gid
        local = encoded.indices.to_numpy(zero_copy_only=False)
        ballot = mapping[local]
        # dictionary_encode numbers ids in order of first appearance: a row is its
        # ballot's first in the batch when its local id exceeds all before it
        running = np.maximum.accumulate(local)
        first_in_batch = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
        track = self._lookup(col["track"], self.track_keys)
        tsafe = np.maximum(track, 0)
        unit_gid = self._lookup(col["unit"], self.unit_keys)
        unit = np.where((track >= 0) & (unit_gid >= 0), self.unit_local[tsafe, unit_gid], -1)
        item_gid = self._lookup(col["item"], self.item_keys)
        item = np.where(
            (track >= 0) & (item_gid >= 0), self.item_code[tsafe, item_gid], _ITEM_UNKNOWN
        )
        values = pc.dictionary_encode(col["value"])
        texts = values.dictionary.to_pylist()
        classes = [self._classify(t) for t in texts]
        vidx = values.indices.to_numpy(zero_copy_only=False)
        crit_table = np.array([c[1] for c in classes], dtype=np.int64).reshape(len(texts), -1)
        grade_table = np.array([c[2] for c in classes], dtype=np.int64).reshape(len(texts), -1)
        criterion = np.maximum(item, 0)
        if crit_table.shape[1]:
            kid = self.kid[tsafe, np.minimum(criterion, self.kid.shape[1] - 1)]
            crit_value = crit_table[vidx, kid]
        else:
            crit_value = np.full(vidx.size, _BAD, dtype=np.int64)
        value = np.where(self.is_grades[tsafe], grade_table[vidx, tsafe], crit_value)
        value_empty = np.array([t == "" for t in texts], dtype=bool)[vidx]
        return _Batch(
            rows=rows,
            columns=col,
            ballot=ballot,
            local=local,
            first_in_batch=first_in_batch,
            panel=self._lookup(col["panel"], self.panel_keys),
            track=track,
            unit=unit,
            item=item,
            value=value,
            value_empty=value_empty,
            empty_id=pc.equal(col["ballot"], "").to_numpy(zero_copy_only=False),
        )

    # ------------------------------------------------------------- checking and applying

    def add_batch(self, batch: pa.RecordBatch) -> None:
        """Check one batch of rows and fold it into the ballots."""
        b = self._decode(batch)
        if b is None:
            return
        self.slots.ensure(len(self.id_list))
        self.state.ensure(len(self.id_list))
        self.ballot_panel.ensure(len(self.id_list))
        self.first_row.ensure(len(self.id_list))
        if self._suspect(b):
            self._replay(b)  # raises at the first offending row, if any
        self._apply(b)

    def _suspect(self, b: _Batch) -> bool:
        """True if the batch may break a row rule (no false negatives)."""
        tsafe = np.maximum(b.track, 0)
        abstain = b.item == _ITEM_ABSTAIN
        bad = b.empty_id | (b.panel < 0) | (b.track < 0) | (b.unit < 0) | (b.item == _ITEM_UNKNOWN)
        bad |= abstain & (~self.abstain_ok[tsafe] | ~b.value_empty)
        bad |= ~abstain & (b.value < 0)
        if bad.any():
            return True
        # panel: the ballot's known panel, or the panel of its first row in this batch
        known = self.ballot_panel.data[b.ballot]
        expected = np.where(known >= 0, known, b.panel[b.first_in_batch][b.local])
        if np.any(expected != b.panel):
            return True
        cell = self.cell_base[b.track] + b.unit
        state = self.state.data[b.ballot, cell]
        if np.any(state[abstain] != 0) or np.any(state[~abstain] & 2):
            return True
        slot = self.slot_base[b.track] + b.unit * self.per_unit[b.track] + b.item
        score_slots = b.ballot[~abstain] * self.layout.width + slot[~abstain]
        if np.any(self.slots.data[b.ballot[~abstain], slot[~abstain]] != NOT_SCORED):
            return True
        if _has_duplicates(score_slots):
            return True
        abstain_cells = b.ballot[abstain] * self.cells + cell[abstain]
        if _has_duplicates(abstain_cells):
            return True
        score_cells = b.ballot[~abstain] * self.cells + cell[~abstain]
        if np.isin(abstain_cells, score_cells).any():
            return True
        return self._rank_reused(b, ~abstain)

    def _rank_reused(self, b: _Batch, score: np.ndarray) -> bool:
        """Whether a ranking row gives a rank its ballot already gave in that track."""
        for t in self.ranking:
            sel = score & (b.track == t)
            if not sel.any():
                continue
            units = self.layout.tracks[t].units
            start = int(self.slot_base[t])
            earlier = self.slots.data[b.ballot[sel], start : start + units]
            if np.any(earlier == b.value[sel][:, None]):
                return True
            if _has_duplicates(b.ballot[sel] * units + b.value[sel]):
                return True
        return False

    def _apply(self, b: _Batch) -> None:
        """Write a checked batch into the ballot state."""
        abstain = b.item == _ITEM_ABSTAIN
        cell = self.cell_base[b.track] + b.unit
        first = b.first_in_batch
        fresh = self.ballot_panel.data[b.ballot[first]] < 0
        self.first_row.data[b.ballot[first][fresh]] = b.rows[first][fresh]
        self.ballot_panel.data[b.ballot] = b.panel
        score = ~abstain
        self.state.data[b.ballot[score], cell[score]] |= 1
        self.state.data[b.ballot[abstain], cell[abstain]] |= 2
        slot = self.slot_base[b.track] + b.unit * self.per_unit[b.track]
        self.slots.data[b.ballot[score], slot[score] + b.item[score]] = b.value[score]
        for j in range(int(self.per_unit.max())):
            sel = abstain & (j < self.per_unit[b.track])
            self.slots.data[b.ballot[sel], slot[sel] + j] = ABSTAINED

    def _checker(self, gid: int) -> _Checker:
        """A ballot checker holding what earlier rows recorded for ballot ``gid``."""
        checker = _Checker(self.spec, None, allow_one_missing=True)
        state = self.state.data[gid]
        slots = self.slots.data[gid]
        for t, track in enumerate(self.spec.tracks):
            for u, unit in enumerate(track.units):
                flag = state[self.cell_base[t] + u]
                if not flag:
                    continue
                marks = checker.rows.setdefault(track.key, {})
                if flag & 2:
                    marks[unit.key] = ABSTAIN
                    continue
                start = int(self.slot_base[t] + u * self.per_unit[t])
                items = track.rubric.items
                marks[unit.key] = {
                    item: int(slots[start + i])
                    for i, item in enumerate(items)
                    if slots[start + i] != NOT_SCORED
                }
        return checker

    def _replay(self, b: _Batch) -> None:
        """Check the rows of a suspect batch one by one; raise at the first bad one."""
        text = {c: b.columns[c].to_pylist() for c in COLUMNS}
        checkers: dict[int, _Checker] = {}
        panels: dict[int, int] = {}
        for i in range(b.rows.size):
            row = int(b.rows[i])
            where: dict[str, Any] = {"file": self.name, "row": row}
            if b.empty_id[i]:
                raise BundleError(_("the ballot id is empty"), column="ballot", **where)
            gid = int(b.ballot[i])
            panel = int(b.panel[i])
            if panel < 0:
                message = _("There is no panel %(panel)s in this event.")
                raise BundleError(
                    message % {"panel": f'"{text["panel"][i]}"'},
                    column="panel",
                    code="unknown_panel",
                    **where,
                )
            known = panels.get(gid, int(self.ballot_panel.data[gid]))
            if known >= 0 and known != panel:
                message = _('ballot "%(ballot)s" was given panel %(known)s on an earlier row')
                raise BundleError(
                    message % {"ballot": text["ballot"][i], "known": self.spec.panels[known].key},
                    column="panel",
                    code="panel_mismatch",
                    **where,
                )
            panels[gid] = panel
            checker = checkers.get(gid)
            if checker is None:
                checker = checkers[gid] = self._checker(gid)
            try:
                checker.add_row(i, self._http_row(text, i))
            except BallotError as exc:
                raise BundleError(exc.message, column=exc.column, code=exc.code, **where) from exc

    def _http_row(self, text: dict[str, list[Any]], i: int) -> dict[str, Any]:
        """A CSV row in the HTTP shape: empty value is null, numbers are Decimals."""
        value: Any = text["value"][i]
        track = self.spec.track(text["track"][i])
        if value == "":
            value = None
        elif (
            track is not None
            and track.rubric.kind in ("criteria", "ranking")
            and text["item"][i] != ABSTAIN_ITEM
        ):
            number = parse_csv_number(value)
            value = number if number is not None else value
        return {
            "track": text["track"][i],
            "unit": text["unit"][i],
            "item": text["item"][i],
            "value": value,
        }

    def finish(self) -> BallotMatrix:
        """Check the ballot rules (items, units, quota) and return the matrix."""
        n = len(self.id_list)
        slots = self.slots.data[:n]
        state = self.state.data[:n]
        suspect = self._suspect_ballots(slots, state)
        for gid in suspect[np.argsort(self.first_row.data[suspect], kind="stable")]:
            checker = self._checker(int(gid))
            panel = self.spec.panels[int(self.ballot_panel.data[gid])].key
            try:
                checker.finish(panel)
            except BallotError as exc:
                message = _('ballot "%(ballot)s": %(error)s') % {
                    "ballot": self.id_list[int(gid)],
                    "error": exc.message,
                }
                raise BundleError(
                    message,
                    file=self.name,
                    row=int(self.first_row.data[gid]),
                    column=exc.column,
                    code=exc.code,
                ) from exc
        return BallotMatrix(self.ballot_panel.data[:n].astype(np.int16), slots)

    def _suspect_ballots(self, slots: np.ndarray, state: np.ndarray) -> np.ndarray:
        """Ballots that may break a ballot rule (no false negatives)."""
        n = slots.shape[0]
        bad = np.zeros(n, dtype=bool)
        missing_count = np.zeros(n, dtype=np.int64)
        big = np.iinfo(np.int64).max
        missing_min = np.full(n, big, dtype=np.int64)
        missing_max = np.full(n, -1, dtype=np.int64)
        for t, (track, lay) in enumerate(zip(self.spec.tracks, self.layout.tracks, strict=True)):
            cells = state[:, self.cell_base[t] : self.cell_base[t] + lay.units]
            cube = slots[:, lay.offset : lay.offset + lay.width].reshape(n, lay.units, lay.per_unit)
            scored = (cells & 1) != 0
            bad |= np.any(scored & np.any(cube == NOT_SCORED, axis=2), axis=1)
            covered = np.any(cells != 0, axis=1)
            missing = covered[:, None] & (cells == 0)
            gids = self.cell_unit_gid[self.cell_base[t] : self.cell_base[t] + lay.units]
            missing_count += missing.sum(axis=1)
            missing_min = np.minimum(missing_min, np.where(missing, gids, big).min(axis=1))
            missing_max = np.maximum(missing_max, np.where(missing, gids, -1).max(axis=1))
            if track.rubric.kind == "ranking":  # a rank above the number of units ranked
                ranked = scored.sum(axis=1)
                bad |= np.any(scored & (cube[:, :, 0] >= ranked[:, None]), axis=1)
            q = track.rubric.top_grade_max_share
            if track.rubric.kind == "grades" and q is not None:
                graded = scored.sum(axis=1)
                top = (scored & (cube[:, :, 0] == 0)).sum(axis=1)
                bad |= top * q.denominator > q.numerator * graded
        bad |= (missing_count > 0) & (missing_min != missing_max)
        return np.flatnonzero(bad)


# --------------------------------------------------------------------------- writing


def _matrix_of(spec: EventSpec, ballots: Any) -> BallotMatrix:
    if isinstance(ballots, BallotMatrix):
        return ballots
    builder = BallotMatrixBuilder(spec)

    for item in ballots:
        if isinstance(item, Ballot):
            builder.add(item.panel, pack(spec, item))
        else:
            panel, packed = item
            builder.add(panel, packed)
    return builder.build()


def write_ballots_csv(spec: EventSpec, matrix: BallotMatrix, out: IO[bytes]) -> None:
    """Write ``ballots.csv``: fresh random ids, ballots in random order, exact values.

    Criteria values are written as step count x step in plain decimals (``35``, ``7.5``),
    grades as the grade key, ranks as the rank (``1`` … ``m``), abstentions as item
    ``abstain`` with an empty value.  The
    rows of one ballot are adjacent, in event order.
    """
    writer = _ArrowRows(spec) if _arrow_safe(spec) else _PythonRows(spec)
    out.write((",".join(COLUMNS) + "\n").encode("utf-8"))
    rng = np.random.default_rng(secrets.randbits(128))
    order = rng.permutation(matrix.count)
    first_of_unit = np.zeros(layout(spec).width, dtype=bool)
    for slots in layout(spec).tracks:
        first_of_unit[slots.offset : slots.offset + slots.width : slots.per_unit] = True
    chunk = 32768
    for start in range(0, matrix.count, chunk):
        idx = order[start : start + chunk]
        rows = matrix.slots[idx]
        emit = (rows >= 0) | ((rows == ABSTAINED) & first_of_unit)
        ballot_i, slot_i = np.nonzero(emit)
        ids = secrets.token_hex(10 * idx.size)
        writer.write(
            out,
            [ids[20 * i : 20 * i + 20] for i in range(idx.size)],
            matrix.panels[idx][ballot_i],
            ballot_i,
            slot_i,
            rows[ballot_i, slot_i],
        )


_MAX_VALUE_TABLE = 1 << 20


def _arrow_safe(spec: EventSpec) -> bool:
    """Whether every key can be written unquoted and every value table is small."""
    keys = [p.key for p in spec.panels]
    for track in spec.tracks:
        keys += [track.key, *(u.key for u in track.units), *track.rubric.items]
        keys += [g.key for g in track.rubric.grades]
        if any(c.max / track.rubric.step > _MAX_VALUE_TABLE for c in track.rubric.criteria):
            return False
    return not any('"' in k for k in keys)


class _PythonRows:
    """Rows through the csv module (any key; slow, for unusual events)."""

    def __init__(self, spec: EventSpec) -> None:
        self.labels = layout(spec).labels(spec)
        self.panels = [p.key for p in spec.panels]
        self.kinds = []
        for track in spec.tracks:
            names = [g.key for g in track.rubric.grades]
            if track.rubric.kind == "ranking":
                names = [str(r) for r in range(1, len(track.units) + 1)]
            for _unit in track.units:
                for _item in track.rubric.items:
                    self.kinds.append((track.rubric.step, names))

    def write(
        self,
        out: IO[bytes],
        ids: list[str],
        panels: np.ndarray,
        ballot_i: np.ndarray,
        slot_i: np.ndarray,
        values: np.ndarray,
    ) -> None:
        writer = csv.writer(_Utf8(out), lineterminator="\n")
        for b, p, s, v in zip(
            ballot_i.tolist(), panels.tolist(), slot_i.tolist(), values.tolist(), strict=True
        ):
            track, unit, item = self.labels[s]
            step, grades = self.kinds[s]
            if v == ABSTAINED:
                item, text = ABSTAIN_ITEM, ""
            elif grades:
                text = grades[v]
            else:
                text = format_number(v * step)
            writer.writerow((ids[b], self.panels[p], track, unit, item, text))


class _ArrowRows:
    """Rows as dictionary-encoded Arrow columns written by pyarrow (vectorised)."""

    def __init__(self, spec: EventSpec) -> None:
        labels = layout(spec).labels(spec)
        width = len(labels)
        track_keys = [t.key for t in spec.tracks]
        self.panels = pa.array([p.key for p in spec.panels], pa.string())
        self.tracks = pa.array(track_keys, pa.string())
        self.slot_track = np.array([track_keys.index(t) for t, _u, _i in labels], np.int32)
        self.units = pa.array([u for _t, u, _i in labels], pa.string())
        self.items = pa.array([i for _t, _u, i in labels] + [ABSTAIN_ITEM], pa.string())
        self.width = width
        texts: list[str] = [""]  # index 0: the empty value of an abstention
        base = []
        for track in spec.tracks:
            base.append(len(texts))
            rubric = track.rubric
            if rubric.kind == "grades":
                texts += [g.key for g in rubric.grades]
            elif rubric.kind == "ranking":
                texts += [str(r) for r in range(1, len(track.units) + 1)]
            else:
                top = max(int(c.max / rubric.step) for c in rubric.criteria)
                texts += [format_number(k * rubric.step) for k in range(top + 1)]
        self.values = pa.array(texts, pa.string())
        self.slot_base = np.array([base[t] for t in self.slot_track], np.int64)

    def write(
        self,
        out: IO[bytes],
        ids: list[str],
        panels: np.ndarray,
        ballot_i: np.ndarray,
        slot_i: np.ndarray,
        values: np.ndarray,
    ) -> None:
        abstained = values == ABSTAINED
        value_index = np.where(abstained, 0, self.slot_base[slot_i] + values)
        item_index = np.where(abstained, self.width, slot_i)

        def column(indices: np.ndarray, dictionary: pa.Array) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)

        table = pa.Table.from_arrays(
            [
                column(ballot_i, pa.array(ids, pa.string())),
                column(panels, self.panels),
                column(self.slot_track[slot_i], self.tracks),
                column(slot_i, self.units),
                column(item_index, self.items),
                column(value_index, self.values),
            ],
            names=list(COLUMNS),
        )
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, out, options)


class _Utf8(io.TextIOBase):
    """A minimal text wrapper writing UTF-8 into a binary stream."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(text.encode("utf-8"))
        return len(text)


def write_bundle(
    directory: str | os.PathLike[str],
    spec: EventSpec,
    ballots: BallotMatrix | Iterable[Ballot | tuple[str | int, bytes]],
    results_json: dict[str, Any],
    receipts: Iterable[str],
) -> None:
    """Write a bundle folder: event.json, ballots.csv, results.json, receipts.txt.

    ``ballots`` is a :class:`BallotMatrix`, or :class:`Ballot` objects, or
    ``(panel, packed bytes)`` pairs.  ``results.json`` is written with
    :func:`pingyi.appraisal.method.tally.dump_results` so that ``pingyi tally`` reproduces
    it byte for byte.  Receipts are written one a line, sorted.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EVENT_FILE).write_text(dump_event_json(spec), encoding="utf-8")
    matrix = _matrix_of(spec, ballots)
    with (folder / BALLOTS_FILE).open("wb") as out:
        write_ballots_csv(spec, matrix, out)
    (folder / RESULTS_FILE).write_text(dump_results(results_json), encoding="utf-8")
    lines = "".join(f"{r}\n" for r in sorted(receipts))
    (folder / RECEIPTS_FILE).write_text(lines, encoding="utf-8")


__all__ = [
    "BALLOTS_FILE",
    "COLUMNS",
    "EVENT_FILE",
    "EVENT_JSON_MAX_BYTES",
    "RECEIPTS_FILE",
    "RESULTS_FILE",
    "BundleError",
    "parse_csv_number",
    "read_ballots_csv",
    "read_bundle",
    "read_event_json",
    "write_ballots_csv",
    "write_bundle",
]
