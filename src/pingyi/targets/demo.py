"""Demo year targets: 8 counties and zones, 5 indicators each (three growth rates and two
amounts in 亿元), with cumulative actuals of the last two months so that every status shows:
华龙区 is 全年红, 台前县 lags on most, the others are mixed. Through the service (audited);
loading twice changes nothing (targets by unit and indicator, actuals by month)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone

from pingyi.targets.method.progress import Direction, Kind
from pingyi.targets.method.sheet import TargetRow, TargetSheet
from pingyi.targets.models import YearTarget
from pingyi.targets.services import targets_import

INDICATORS = [
    ("地区生产总值增速", "%", Kind.RATE),
    ("规上工业增加值增速", "%", Kind.RATE),
    ("固定资产投资增速", "%", Kind.RATE),
    ("社会消费品零售总额", "亿元", Kind.AMOUNT),
    ("一般公共预算收入", "亿元", Kind.AMOUNT),
]
#: unit name → (target, completion of the expected share in percent) per indicator: 100 is
#: exactly on schedule, 103 ahead, 99.5 within the point, 90 behind
UNITS: dict[str, list[tuple[str, int]]] = {
    "华龙区": [("7.0", 103), ("8.0", 105), ("10.0", 101), ("260", 104), ("32", 100)],
    "濮阳县": [("6.5", 100), ("7.5", 96), ("9.0", 103), ("120", 101), ("12.5", 99)],
    "清丰县": [("6.5", 104), ("8.0", 99), ("12.0", 80), ("95", 102), ("9.8", 97)],
    "南乐县": [("6.8", 95), ("8.5", 102), ("10.0", 104), ("88", 99), ("8.6", 103)],
    "范县": [("6.5", 101), ("7.0", 110), ("8.0", 92), ("76", 100), ("7.2", 101)],
    "台前县": [("6.0", 88), ("7.0", 85), ("8.0", 102), ("52", 93), ("5.1", 90)],
    "开发区": [("8.0", 106), ("9.0", 104), ("15.0", 100), ("60", 98), ("11.0", 107)],
    "工业园区": [("7.5", 99), ("10.0", 91), ("12.0", 105), ("30", 102), ("6.4", 100)],
}


def _rows(month: int) -> list[TargetRow]:
    rows = []
    number = 3
    for unit, values in UNITS.items():
        for (indicator, measure, kind), (target, completion) in zip(
            INDICATORS, values, strict=True
        ):
            t = Decimal(target)
            share = Decimal(1) if kind == Kind.RATE else Decimal(month) / 12
            actual = (t * share * completion / 100).quantize(Decimal("0.01"))
            rows.append(
                TargetRow(
                    number,
                    unit,
                    number,
                    f"B{number}",
                    indicator,
                    measure,
                    Direction.HIGHER,
                    kind,
                    t,
                    actual,
                )
            )
            number += 1
    return rows


def load_demo_targets() -> str:
    today = timezone.localdate()
    year = today.year
    month = max(today.month - 1, 2)
    if YearTarget.objects.filter(year=year).exists():
        return "year targets: already loaded"
    for m in (month - 1, month):
        # the earlier month a little behind the later one: the page can show both
        rows = _rows(m)
        if m != month:
            rows = [replace(r, actual=(r.actual or Decimal(0)) * Decimal("0.98")) for r in rows]
        targets_import(
            TargetSheet(
                title=f"{year}年各县（区）主要经济指标完成情况（1-{m}月）",
                month=m,
                has_actuals=True,
                rows=rows,
            ),
            year=year,
            month=m,
            actor="demo",
        )
    return f"year targets {year}: 8 units × 5 indicators, months {month - 1}-{month}"
