"""The demo's weekly cycle (issue 13): last week's assignment sheet (交办单), issued, with the
lead units' reports — most on time, some late (filed after Friday 12:00), one missing — the
leader's comments (点评) and the issued bulletin (周通报); and this week's sheet, issued.
Everything goes through the services; loading twice changes nothing (only while no sheet
exists)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from pingyi.supervision import services, weekly
from pingyi.supervision.method.week import Week
from pingyi.supervision.models import Item, Report, WeekSheet

ACTOR = "demo"
LEADER = "王副市长"
DEMANDS = [
    "本周完成施工图审查，报送形象进度照片",
    "倒排工期，周五前报送资金拨付情况",
    "协调解决征迁遗留问题，明确完成时限",
    "报送本周招商对接成果",
    "加快审批手续办理，报送办理节点",
    "落实督查室上周点评意见",
]
#: last week, in the sheet's order: on time, late, or missing (None)
OUTCOMES = ["on_time", "on_time", "late", "on_time", None, "late"]
COMMENTS = [
    ("好", "进度明显，值得肯定。"),
    ("较好", ""),
    ("一般", "报送迟缓，要加快进度。"),
]


def _items(today: date) -> list[Item]:
    """Open items of the demo list, one per lead unit, at most six."""
    seen: set[int] = set()
    chosen = []
    for item in (
        Item.objects.filter(closed_on__isnull=True)
        .select_related("supervision_list", "lead_unit")
        .order_by("supervision_list", "position", "id")
    ):
        if item.lead_unit_id in seen:
            continue
        seen.add(item.lead_unit_id)
        chosen.append(item)
        if len(chosen) == len(DEMANDS):
            break
    return chosen


def load_demo_weekly(today: date | None = None) -> str:
    if WeekSheet.objects.exists():
        return "weekly cycle already there"
    today = today or timezone.localdate()
    items = _items(today)
    if not items:
        return "no items for a weekly sheet"
    last = Week.of(today).previous()
    sheet = weekly.sheet_save(last, list(zip(items, DEMANDS, strict=False)), actor=ACTOR)
    monday_morning = timezone.make_aware(datetime.combine(last.monday, time(9, 0)))
    weekly.sheet_issue(sheet, actor=ACTOR, now=monday_morning)
    comments = iter(COMMENTS)
    for item, result in zip(items, OUTCOMES, strict=False):
        if result is None:
            continue
        day = last.day(3) if result == "on_time" else last.day(4)
        report = services.report_file(
            item,
            unit=item.lead_unit,
            reported_on=day,
            percent=min(100, 40 + 10 * items.index(item)),
            done_text="按交办要求推进，本周完成阶段性任务。",
            next_steps="下周继续推进。",
            accepted=True,
            actor=ACTOR,
        )
        filed = sheet.deadline + (
            timedelta(hours=-20) if result == "on_time" else timedelta(hours=5)
        )
        Report.objects.filter(pk=report.pk).update(created_at=filed)
        rating = next(comments, None)
        if rating is not None:
            services.report_comment(
                report, rating=rating[0], comment=rating[1], leader=LEADER, actor=ACTOR
            )
    bulletin = weekly.bulletin_compile(last, today=today, actor=ACTOR)
    weekly.bulletin_edit(
        bulletin,
        intro="现将上周重点工作任务交办落实情况通报如下。",
        remarks="各责任单位要对照交办要求，按时报送进展；迟报、未报单位要说明原因，限期整改。",
        actor=ACTOR,
    )
    weekly.bulletin_issue(bulletin, actor=ACTOR)
    this = Week.of(today)
    current = weekly.sheet_save(this, list(zip(items, DEMANDS[::-1], strict=False)), actor=ACTOR)
    weekly.sheet_issue(current, actor=ACTOR)
    return f"weekly sheets {last} and {this}, bulletin {last}"
