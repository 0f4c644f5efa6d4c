"""Demo supervision list (filled in below)."""

from __future__ import annotations


def load_demo_list() -> str:
    return "0 supervision items"
