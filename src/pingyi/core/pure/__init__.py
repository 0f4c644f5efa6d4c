"""Pure helpers shared by every app: bounded numbers, strict JSON, translation indirection.

No Django import (an import-linter contract in pyproject.toml says so and CI checks it).
"""
