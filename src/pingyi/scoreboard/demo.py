"""The demo's monthly arena: 县区擂台赛 over the counties' group, October 2026 frozen and
published, November 2026 frozen and published against it (so ▲▼ show), December open."""

from __future__ import annotations

from decimal import Decimal

from pingyi.orgs.models import Unit
from pingyi.scoreboard import selectors, services
from pingyi.scoreboard.models import Arena, Source

KEY = "counties"
#: key, name, weight, direction, method, target, source, appraisal event
INDICATORS = [
    ("invest", "固定资产投资增速（%）", "25", "higher", "minmax", None, Source.ENTERED, ""),
    ("revenue", "一般公共预算收入完成率（%）", "20", "higher", "target", "100", Source.ENTERED, ""),
    ("hotline", "12345热线投诉量（件）", "15", "lower", "rank", None, Source.ENTERED, ""),
    ("started", "重点项目开工率（%）", "15", "higher", "target", "100", Source.ENTERED, ""),
    ("appraisal", "述职评议得分", "25", "higher", "raw", None, Source.APPRAISAL, "2025-h2"),
]
ENTERED = ("invest", "revenue", "hotline", "started")
#: per county: October's and November's (invest, revenue, hotline, started)
VALUES = {
    "hualong": (("8.6", "96.5", "42", "88"), ("9.1", "98.2", "38", "92")),
    "puyang": (("6.2", "91.0", "57", "75"), ("7.4", "93.5", "49", "81")),
    "qingfeng": (("10.3", "99.1", "31", "93"), ("9.8", "101.2", "35", "95")),
    "nanle": (("5.1", "88.4", "44", "70"), ("6.0", "90.1", "41", "78")),
    "fanxian": (("7.7", "94.2", "29", "85"), ("5.9", "92.0", "47", "72")),
    "taiqian": (("4.3", "85.0", "63", "64"), ("4.9", "87.6", "58", "69")),
    "kaifaqu": (("12.1", "102.4", "18", "97"), ("11.2", "97.8", "22", "96")),
    "gongyeyuan": (("9.4", "97.3", "25", "90"), ("10.6", "99.0", "20", "94")),
    "shifanqu": (("3.2", "82.7", "36", "58"), ("6.8", "95.4", "30", "80")),
}


def load_demo_arena() -> str:
    if Arena.objects.filter(key=KEY).exists():
        return "arena: already there"
    arena = services.create_arena(
        key=KEY, name="县区擂台赛", group="counties", red_top=3, black_bottom=2, actor="demo"
    )
    for key, name, weight, direction, method_name, target, source, event in INDICATORS:
        services.add_indicator(
            arena=arena,
            key=key,
            name=name,
            weight=Decimal(weight),
            direction=direction,
            method_name=method_name,
            target=Decimal(target) if target else None,
            source=source,
            event_key=event,
            actor="demo",
        )
    units = {u.code: u for u in selectors.arena_units(arena)}
    items = {x.key: x for x in selectors.indicators(arena)}
    for index, period in enumerate(("2026-10", "2026-11")):
        month = services.open_month(arena=arena, period=period, actor="demo")
        for code, months in VALUES.items():
            unit = units.get(code)
            if unit is None:
                continue
            for key, value in zip(ENTERED, months[index], strict=True):
                services.set_value(
                    month=month,
                    unit=unit,
                    indicator=items[key],
                    value=Decimal(value),
                    actor="demo",
                )
        if index == 1 and "shifanqu" in units:
            month.exempt.add(Unit.objects.get(code="shifanqu"))  # 新设示范区: 免于黑榜
        services.freeze_month(month=month, actor="demo")
        services.publish_month(month=month, actor="demo")
    # December is being filled in: open, the first two counties' investment entered
    december = services.open_month(arena=arena, period="2026-12", actor="demo")
    for code, value in (("hualong", "9.6"), ("puyang", "7.9")):
        if code in units:
            services.set_value(
                month=december,
                unit=units[code],
                indicator=items["invest"],
                value=Decimal(value),
                actor="demo",
            )
    return f"arena: {arena.name}, 2026-10 and 2026-11 published, 2026-12 open"
