"""``pingyi arena tally DIR``: recompute an arena's ``results.json`` (no Django involved)."""

from __future__ import annotations

import os
import sys

from pingyi.scoreboard.method.arena import (
    ArenaError,
    dump_json,
    read_bundle,
    results_to_json,
    tally,
)


def main_arena_tally(path: str | os.PathLike[str]) -> int:
    """Print the results of the arena bundle at ``path`` (folder or .zip) as UTF-8 JSON.

    Returns 0; on a broken bundle prints ``pingyi arena tally: <file> <where>: <why>`` to
    stderr and returns 2.
    """
    try:
        spec, values = read_bundle(path)
    except ArenaError as exc:
        sys.stderr.write(f"pingyi arena tally: {exc}\n")
        sys.stderr.flush()
        return 2
    text = dump_json(results_to_json(tally(spec, values)))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


__all__ = ["main_arena_tally"]
