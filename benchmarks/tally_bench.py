"""Time the tally of a large random ballot matrix.

Default: 1,000,000 ballots x 22 units x 4 criteria (8 counties + 14 lead units, both
criteria rubrics with 4 criteria of max 40/30/20/10, step 1), 4 weighted panels,
about 3% abstentions and 1% cards bound to one unit.  Seeded, so runs are comparable.

    PYTHONPATH=src python benchmarks/tally_bench.py [--ballots N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from pingyi.appraisal.method.packing import ABSTAINED, NOT_SCORED, BallotMatrix, layout
from pingyi.appraisal.method.spec import parse_event
from pingyi.appraisal.method.tally import results_to_json, tally

MAXIMA = (40, 30, 20, 10)


def bench_spec():
    """The benchmark event: 2 criteria tracks (8 and 14 units), 4 panels."""
    criteria = [{"key": f"c{i}", "name": f"criterion {i}", "max": m} for i, m in enumerate(MAXIMA)]
    rubric = {"kind": "criteria", "step": 1, "criteria": criteria, "abstain": True}
    tracks = [
        {"key": "counties", "units": [{"key": f"county{i}"} for i in range(8)], "rubric": rubric},
        {"key": "leads", "units": [{"key": f"lead{i}"} for i in range(14)], "rubric": rubric},
    ]
    panels = [
        {"key": "leaders", "weight": 0.4},
        {"key": "deputies", "weight": 0.3},
        {"key": "enterprises", "weight": 0.2},
        {"key": "attendees", "weight": 0.1},
    ]
    return parse_event(
        {"format": "pingyi-event/1", "key": "bench", "tracks": tracks, "panels": panels}
    )


def random_matrix(spec, n: int, seed: int) -> BallotMatrix:
    """n random valid ballots as a matrix (generated in chunks to bound memory)."""
    rng = np.random.default_rng(seed)
    width = layout(spec).width
    units = width // len(MAXIMA)
    slots = np.empty((n, width), dtype="<i4")
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        cube = np.stack([rng.integers(m_ // 2, m_ + 1, size=(m, units)) for m_ in MAXIMA], axis=2)
        cube[rng.random((m, units)) < 0.03] = ABSTAINED
        bound = np.flatnonzero(rng.random(m) < 0.01)  # cards bound to one unit
        cube[bound, rng.integers(0, units, size=bound.size)] = NOT_SCORED
        slots[start : start + m] = cube.reshape(m, width)
    panels = rng.integers(0, len(spec.panels), size=n).astype(np.int16)
    return BallotMatrix(panels, slots)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = bench_spec()
    matrix = random_matrix(spec, args.ballots, args.seed)
    print(
        f"matrix: {matrix.count:,} ballots x {matrix.slots.shape[1]} slots "
        f"({matrix.slots.nbytes / 2**20:.0f} MiB)"
    )
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = tally(spec, matrix)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    tally(spec, matrix)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    top = results_to_json(results)["tracks"][0]["ranking"][0]
    print(f"tally: best {min(times):.3f} s, worst {max(times):.3f} s over {args.repeat} runs")
    print(f"extra memory during tally (tracemalloc peak): {peak / 2**20:.0f} MiB")
    print(
        f"top of {results.tracks[0].key}: {top['unit']} {top['score']} ({top['ballots']} ballots)"
    )


if __name__ == "__main__":
    main()
