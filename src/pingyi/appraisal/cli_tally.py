"""``pingyi tally DIR``: recompute ``results.json`` from a bundle (no Django involved)."""

from __future__ import annotations

import os
import sys

from pingyi.appraisal.method.bundle import BundleError, read_bundle
from pingyi.appraisal.method.spec import SpecError
from pingyi.appraisal.method.tally import dump_results, results_to_json, tally


def main_tally(path: str | os.PathLike[str]) -> int:
    """Print the results of the bundle at ``path`` (folder or .zip) as UTF-8 JSON.

    Returns 0; on a broken bundle prints ``pingyi tally: <message>`` to stderr and
    returns 2.
    """
    try:
        spec, matrix = read_bundle(path)
    except (BundleError, SpecError) as exc:
        sys.stderr.write(f"pingyi tally: {exc}\n")
        sys.stderr.flush()
        return 2
    text = dump_results(results_to_json(tally(spec, matrix)))
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


__all__ = ["main_tally"]
