"""Demo supervision list: the city's key tasks of the year (重点工作任务清单), about twenty
items of the demo units with deadlines in the office's varied phrasings, and a history that
makes every status show on the day the demo is loaded: done (a verified closure), overdue, lagging
(behind schedule, a missed milestone, a report rated 差, no report for too long), due soon and on
track; a few reports (one filed late, one rated 差), one approved extension, one closure.

Dates that decide a colour are written relative to the day of loading (as an office writes
"11月20日前"), so the colours show whatever the day. Everything goes through the services (so
the audit trail tells the story too). Loading twice changes nothing: the list is keyed, its
items by number, and the history is written only once.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from django.utils import timezone

from pingyi.supervision import selectors, services
from pingyi.supervision.demo_notices import load_demo_notices
from pingyi.supervision.demo_onsite import load_demo_onsite
from pingyi.supervision.demo_weekly import load_demo_weekly
from pingyi.supervision.method.status import occurrence_before
from pingyi.supervision.models import Item, SupervisionList
from pingyi.supervision.services import ItemRow, ListSpec

KEY_FORMAT = "{year}-key-tasks"
ACTOR = "demo"


def _written(day: date, year: int, suffix: str = "前") -> str:
    """A date as an office writes it: 11月20日前; with the year when it is not the list's."""
    text = f"{day.month}月{day.day}日{suffix}"
    return text if day.year == year else f"{day.year}年{text}"


def _rows(today: date, year: int) -> list[ItemRow]:
    w = selectors.working_days()
    soon = w.add_working_days(today, 2)
    past = today - timedelta(days=12)
    later = today + timedelta(days=75)
    far = today + timedelta(days=150)
    stage_one = today - timedelta(days=20)
    raw: list[tuple[str, str, str, str, str, str, str, tuple[str, ...]]] = [
        # number, category, title, lead unit, co-units, leader, deadline, flags
        (
            "1",
            "一、扩大有效投资",
            "推进濮阳东站综合交通枢纽建设",
            "市发展改革委",
            "市交通运输局、市自然资源和规划局",
            "李明",
            _written(later, year),
            ("难点",),
        ),
        (
            "2",
            "一、扩大有效投资",
            "实施重大项目“三个一批”活动，全年集中签约、开工、投产项目各不少于50个",
            "市发展改革委",
            "华龙区、濮阳县、清丰县",
            "李明",
            "每月5日前",
            (),
        ),
        (
            "3",
            "一、扩大有效投资",
            "争取超长期特别国债和中央预算内投资项目",
            "市财政局",
            "市发展改革委",
            "王强",
            _written(soon, year),
            (),
        ),
        (
            "4",
            "一、扩大有效投资",
            "加快濮阳经济技术开发区化工园区基础设施提升",
            "濮阳经济技术开发区",
            "市生态环境局、市住房和城乡建设局",
            "王强",
            f"①{_written(stage_one, year)}完成管网设计；②{_written(far, year)}完工",
            ("堵点",),
        ),
        (
            "5",
            "二、建设现代化产业体系",
            "培育新材料、新能源千亿级产业集群",
            "市工业和信息化局",
            "市科技局、濮阳工业园区",
            "张华",
            _written(later, year),
            (),
        ),
        (
            "6",
            "二、建设现代化产业体系",
            "新增国家高新技术企业30家以上",
            "市科技局",
            "各县（区）",
            "张华",
            "年底前",
            (),
        ),
        (
            "7",
            "二、建设现代化产业体系",
            "实施制造业数字化转型行动，新建智能工厂10个",
            "市工业和信息化局",
            "",
            "张华",
            _written(past, year),
            (),
        ),
        (
            "8",
            "三、优化营商环境",
            "深化“高效办成一件事”改革，政务服务事项全程网办率达到90%",
            "市营商环境和社会信用建设中心",
            "华龙区",
            "赵敏",
            "立行立改",
            ("痛点",),
        ),
        (
            "9",
            "三、优化营商环境",
            "开展涉企违规收费专项整治",
            "市市场监督管理局",
            "市财政局",
            "赵敏",
            "长期坚持",
            ("痛点",),
        ),
        (
            "10",
            "三、优化营商环境",
            "建立企业诉求“接诉即办”闭环机制",
            "市营商环境和社会信用建设中心",
            "各县（区）",
            "赵敏",
            "常态化推进",
            (),
        ),
        (
            "11",
            "四、推进乡村全面振兴",
            "新建高标准农田20万亩",
            "市农业农村局",
            "市财政局、范县、台前县",
            "刘洋",
            _written(later, year),
            (),
        ),
        (
            "12",
            "四、推进乡村全面振兴",
            "实施黄河滩区居民迁建后续扶持",
            "台前县",
            "范县、市农业农村局",
            "刘洋",
            _written(far, year),
            ("难点",),
        ),
        (
            "13",
            "五、城市提质",
            "完成老旧小区改造120个",
            "市住房和城乡建设局",
            "华龙区",
            "陈静",
            _written(past, year),
            (),
        ),
        (
            "14",
            "五、城市提质",
            "推进中心城区雨污分流改造",
            "市住房和城乡建设局",
            "市生态环境局、华龙区",
            "陈静",
            _written(later, year),
            ("堵点",),
        ),
        (
            "15",
            "五、城市提质",
            "打造戚城文化旅游片区",
            "市文化广电和旅游局",
            "华龙区",
            "陈静",
            _written(soon, year),
            (),
        ),
        (
            "16",
            "六、生态环境",
            "PM2.5平均浓度下降到45微克/立方米以下",
            "市生态环境局",
            "各县（区）",
            "周涛",
            "年底前",
            (),
        ),
        (
            "17",
            "六、生态环境",
            "每季度开展一次黄河流域生态保护专项督查",
            "市生态环境局",
            "市自然资源和规划局",
            "周涛",
            "每季度末",
            (),
        ),
        (
            "18",
            "七、民生保障",
            "建成区域医疗中心，三级医院服务能力提升",
            "市卫生健康委",
            "",
            "吴芳",
            _written(later, year),
            (),
        ),
        (
            "19",
            "七、民生保障",
            "新增城镇就业4万人",
            "市商务局",
            "各县（区）",
            "吴芳",
            "择机推进",
            (),
        ),
        (
            "20",
            "七、民生保障",
            "完成华龙区老城区供热管网改造",
            "华龙区",
            "市住房和城乡建设局",
            "吴芳",
            _written(later, year),
            (),
        ),
    ]
    return [
        ItemRow(
            number=number,
            category=category,
            title=title,
            lead_unit=lead,
            co_units=(co,) if co else (),
            leader=leader,
            deadline=deadline,
            flags=flags,
            row=position + 3,
            sheet="重点任务",
            raw_cells={"序号": number, "重点任务": title, "牵头单位": lead, "完成时限": deadline},
        )
        for position, (number, category, title, lead, co, leader, deadline, flags) in enumerate(
            raw, start=1
        )
    ]


def _expected_percent(item: Item, today: date) -> int:
    status = selectors.item_status(item, today)
    return 0 if status.expected is None else math.ceil(status.expected)


def _history(the_list: SupervisionList, today: date) -> None:
    items = {i.number: i for i in the_list.items.select_related("lead_unit")}

    def report(number: str, days_ago: int, percent: int, text: str, **kw: object) -> None:
        item = items[number]
        filed = services.report_file(
            item,
            unit=item.lead_unit,
            reported_on=today - timedelta(days=days_ago),
            percent=percent,
            done_text=text,
            problems=str(kw.get("problems", "")),
            next_steps=str(kw.get("next_steps", "")),
            actor=ACTOR,
        )
        if kw.get("returned"):
            services.report_return(filed, reason=str(kw["returned"]), actor=ACTOR)
            return
        services.report_accept(filed, actor=ACTOR)
        if kw.get("rating"):
            services.report_comment(
                filed,
                rating=str(kw["rating"]),
                comment=str(kw.get("comment", "")),
                leader=str(kw.get("leader", "李明")),
                actor=ACTOR,
            )

    def on_schedule(number: str, days_ago: int, text: str, extra: int = 5) -> None:
        percent = min(
            99, _expected_percent(items[number], today - timedelta(days=days_ago)) + extra
        )
        report(number, days_ago, percent, text)

    # on track: recent reports at or ahead of schedule
    on_schedule("1", 6, "站房主体结构封顶，站前广场完成招标", extra=8)
    on_schedule("5", 9, "引进新材料项目6个，产业集群规划通过评审")
    on_schedule("11", 12, "已建成高标准农田15.2万亩")
    on_schedule("14", 4, "完成改造管网38公里")
    on_schedule("18", 15, "医疗中心主体完工，正在设备安装", extra=10)
    on_schedule("20", 5, "完成管网改造2.1公里")
    # due soon: nearly done, reported recently
    report("3", 3, 90, "已争取项目28个，资金12.6亿元", next_steps="跟踪第四批项目申报")
    report("15", 2, 92, "片区主体工程完成，正在布展")
    # lagging: behind schedule; a report rated 差; a returned report
    report(
        "6",
        25,
        30,
        "新认定高新技术企业9家",
        problems="企业申报积极性不高",
        rating="差",
        comment="进度明显滞后，请加大培育力度",
        leader="张华",
    )
    report("12", 10, 10, "完成迁建安置点规划", problems="资金缺口较大")
    report("20", 40, 50, "数据有误，请核实", returned="完成比例与台账不符")
    # a recurring item reported on time, a quarterly one
    for number, every, anchor, percent, text in (
        ("2", "month", 5, 70, "本月集中签约项目12个、开工9个"),
        ("17", "quarter", None, 75, "完成本季度专项督查"),
    ):
        last = occurrence_before(today, every, anchor)
        if last >= the_list.assigned_on:
            report(number, (today - last).days, percent, text)
    # overdue: a report filed late, after its due
    report("7", 5, 80, "新建智能工厂8个，剩余2个正在验收", problems="设备到货延迟")
    # one approved extension: item 13 was due 12 days ago, extended before its due
    item = items["13"]
    if item.due is not None:
        ext = services.extension_request(
            item,
            reason="部分小区居民意见未统一，需二次征询",
            progress="已完成改造96个",
            proposed_due=today + timedelta(days=45),
            requested_on=item.due - timedelta(days=10),
            actor=ACTOR,
        )
        services.extension_decide(
            ext,
            approve=True,
            approved_due=today + timedelta(days=40),
            decided_on=item.due - timedelta(days=5),
            actor=ACTOR,
        )
        report("13", 7, 85, "已完成改造104个")
    # one closure, verified: the immediate item is done
    item = items["8"]
    report("8", 20, 100, "全程网办率达到92.3%")
    closure = services.closure_apply(
        item,
        evidence="市政务服务平台统计报表（截至上月底）",
        applied_on=today - timedelta(days=15),
        actor=ACTOR,
    )
    services.closure_verify(
        closure, passed=True, method="资料", decided_on=today - timedelta(days=10), actor=ACTOR
    )


def load_demo_list(today: date | None = None) -> str:
    today = today or timezone.localdate()
    year = today.year
    assigned = date(year, 2, 10) if today >= date(year, 4, 1) else date(year, 1, 1)
    spec = ListSpec(
        key=KEY_FORMAT.format(year=year),
        kind="tasks",
        name=f"{year}年市政府重点工作任务清单",
        year=year,
        assigned_on=assigned,
        cadence="month",
        doc_number=f"濮政办〔{year}〕8号",
        source_file=f"{year}年重点工作任务清单.xlsx",
    )
    exists = SupervisionList.objects.filter(key=spec.key).exists()
    if exists:
        return f"{Item.objects.filter(supervision_list__key=spec.key).count()} supervision items"
    summary = services.list_import(spec, _rows(today, year), actor=ACTOR)
    if summary.supervision_list is not None:  # always: not a dry run
        _history(summary.supervision_list, today)
        load_demo_notices(today)  # the sweeps of the last 10 working days (demo_notices.py)
        load_demo_weekly(today)  # last week's sheet and bulletin, this week's sheet
    return f"{len(summary.items)} supervision items"


def load_demo(today: date | None = None) -> str:
    """``pingyi demo`` (SupervisionConfig.demo_loader): the list and its history, then the
    on-site office's meeting and batch (demo_onsite.py)."""
    today = today or timezone.localdate()
    return f"{load_demo_list(today)}; {load_demo_onsite(today)}"
