"""Shared fixtures of the arena's tests: four counties in a group and an arena over them."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from pingyi.orgs.models import Unit, UnitGroup, UnitKind
from pingyi.scoreboard import services

COUNTIES = [("aa", "甲县"), ("bb", "乙县"), ("cc", "丙县"), ("dd", "丁区")]


@pytest.fixture
def arena(db: None) -> Any:
    group = UnitGroup.objects.create(code="g", name="县区")
    for order, (code, name) in enumerate(COUNTIES, start=1):
        unit = Unit.objects.create(
            code=code, name=name, short_name=name[:1], kind=UnitKind.COUNTY, order=order
        )
        group.units.add(unit)
    arena = services.create_arena(key="t", name="擂台", group="g", red_top=1, black_bottom=1)
    services.add_indicator(
        arena=arena,
        key="invest",
        name="投资增速",
        weight=Decimal(60),
        direction="higher",
        method_name="minmax",
    )
    services.add_indicator(
        arena=arena,
        key="hotline",
        name="投诉量",
        weight=Decimal(40),
        direction="lower",
        method_name="rank",
        rank_step=Decimal(10),
    )
    return arena


def sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
