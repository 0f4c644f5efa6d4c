"""Demo projects (三个一批): 40 projects of 8 counties and zones in two batches, 第13期 (signed
about eight months before the day of loading, most started, some producing) and 第14期
(signed two months before, a few started), dated relative to the day of loading so that some
lag whatever the day: not started past the planned start, not producing past the planned
production. Through the service (audited); loading twice changes nothing (by batch and name).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pingyi.pipeline.method.funnel import STAGES, Stage
from pingyi.pipeline.method.sheet import ProjectRow, ProjectSheet
from pingyi.pipeline.models import Project
from pingyi.pipeline.services import projects_import

UNITS = ["华龙区", "濮阳县", "清丰县", "南乐县", "范县", "台前县", "开发区", "工业园区"]
PROJECTS = [
    ("年产10万吨可降解材料项目", "新材料", "18.6"),
    ("智能装备产业园一期", "装备制造", "12.35"),
    ("冷链物流仓储中心", "现代物流", "6.8"),
    ("氢能产业示范项目", "新能源", "25"),
    ("绿色食品精深加工项目", "食品加工", "4.52"),
    ("光伏组件智能制造项目", "新能源", "15.2"),
    ("羽绒及服装产业园", "轻工纺织", "3.9"),
    ("生物基新材料项目", "新材料", "21.4"),
    ("电子元器件生产线", "电子信息", "7.35"),
    ("乡村振兴示范园", "现代农业", "2.8"),
    ("医药中间体项目", "生物医药", "9.6"),
    ("家居产业园二期", "家居制造", "5.25"),
    ("数据中心项目", "数字经济", "11"),
    ("农产品批发市场升级", "商贸流通", "1.8"),
    ("汽车零部件项目", "装备制造", "8.4"),
    ("文旅综合体项目", "文化旅游", "13.5"),
    ("精细化工新材料项目", "化工", "16.75"),
    ("储能电池项目", "新能源", "30.2"),
    ("预制菜产业园", "食品加工", "3.2"),
    ("智慧物流园", "现代物流", "4.6"),
]
BATCH_MONTHS = {"第13期": 8, "第14期": 2}  # signed this many months before the day of loading


def _day(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def _rows(today: dt.date) -> list[ProjectRow]:
    rows = []
    number = 4
    for b, (batch, months) in enumerate(BATCH_MONTHS.items()):
        for i, (name, sector, investment) in enumerate(PROJECTS):
            unit = UNITS[(i + b * 3) % len(UNITS)]
            signed = _day(today, -30 * months + i)
            planned_start = _day(signed, 60 + (i % 4) * 15)
            planned_production = _day(planned_start, 150 + (i % 3) * 30)
            # every fifth project slips: no start although due; every seventh has started
            # but does not produce although due
            started = None
            if planned_start <= today and i % 5 != 2:
                started = _day(planned_start, (i % 3) * 5)
                started = started if started <= today else None
            producing = None
            if started and planned_production <= today and i % 7 != 3:
                producing = planned_production
            planned: dict[Stage, dt.date | None] = {
                Stage.SIGNED: signed,
                Stage.STARTED: planned_start,
                Stage.PRODUCING: planned_production,
            }
            actual = {Stage.SIGNED: signed, Stage.STARTED: started, Stage.PRODUCING: producing}
            rows.append(
                ProjectRow(
                    number,
                    f"{unit}{name}",
                    unit,
                    f"C{number}",
                    sector,
                    Decimal(investment),
                    batch,
                    planned,
                    actual,
                )
            )
            number += 1
    assert all(set(r.planned) == set(STAGES) for r in rows)  # nosec B101
    return rows


def load_demo_projects() -> str:
    if Project.objects.exists():
        return "projects: already loaded"
    today = timezone.localdate()
    summary = projects_import(
        ProjectSheet(title="濮阳市“三个一批”项目推进情况表", rows=_rows(today)), actor="demo"
    )
    return f"projects: {summary.created} in {'、'.join(summary.batches)}"
