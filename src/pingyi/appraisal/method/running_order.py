"""The running order of a track: the one rule for the meeting console, the big screen and the
phone ballot (DESIGN.md, "Running order").

A unit is **placed** when the office gave it a place (1, 2, …; the console accepts 1–999); a
place of 0, or no place at all, means not placed. Placed units come first, by place; units
with the same place keep the order of ``event.json`` ("顺序号相同的按评议活动原有顺序排列");
units never placed follow, in the order of ``event.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def running_order(units: Sequence[str], places: Mapping[str, int]) -> list[str]:
    """``units`` (the track's unit keys, in ``event.json`` order) in running order, given each
    placed unit's place in ``places`` (missing or 0: not placed)."""

    def key(index: int) -> tuple[int, int, int]:
        place = places.get(units[index], 0)
        return (0, place, index) if place > 0 else (1, 0, index)

    return [units[i] for i in sorted(range(len(units)), key=key)]


__all__ = ["running_order"]
