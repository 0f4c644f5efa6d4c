"""The appraisal method: event.json, ballots, packing, the tally, the bundle, diagnostics.

Pure: no Django import (an import-linter contract in pyproject.toml says so and CI checks
it), so the command line (`pingyi tally`) and the exports use exactly the same rules.
"""
