"""The supervision method: deadlines, working days, statuses.

Pure: no Django import (the "pure" import-linter contract in pyproject.toml), so the
command line, the sweep and the pages use exactly the same rules.
"""
