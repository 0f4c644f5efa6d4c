"""``orgs.selectors.one_unit``: the one unit a cell of a one-unit-a-row sheet names (year
targets, projects), or the problem with row, cell and the closest known units."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from pingyi.orgs.models import UnitGroup
from pingyi.orgs.selectors import UnitNameIndex, one_unit

pytestmark = pytest.mark.django_db


def test_one_unit_a_cell_or_the_problem(unit_hualong: Any, unit_puyang: Any) -> None:
    UnitGroup.objects.create(code="counties", name="县（区）").units.set(
        [unit_hualong, unit_puyang]
    )
    index = UnitNameIndex()
    with translation.override("en"):
        assert one_unit(index, " 华龙区 ", row=3, cell="B3") == (unit_hualong, "")
        assert one_unit(index, "华龙去", row=7, cell="B7") == (
            None,
            "row 7, cell B7: unknown unit “华龙去” (closest known units: 华龙区)",
        )
        assert one_unit(index, "火星局", row=4, cell="C4") == (
            None,
            "row 4, cell C4: unknown unit “火星局”",
        )
        # a group word, or two names, is more than one unit: refused, not the first taken
        for text in ("各县（区）", "华龙区、濮阳县"):
            unit, problem = one_unit(index, text, row=5, cell="B5")
            assert unit is None
            assert problem == f"row 5, cell B5: “{text}” names 2 units; write one unit a row"
        unit, problem = one_unit(index, "", row=6, cell="B6")
        assert unit is None and "names 0 units" in problem
    with translation.override("zh-hans"):
        _unit, problem = one_unit(index, "华龙去", row=7, cell="B7")
        assert "B7" in problem and "华龙区" in problem and "unknown unit" not in problem
