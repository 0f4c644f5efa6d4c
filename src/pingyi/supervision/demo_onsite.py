"""The demo's on-site office (issue 13): a meeting held 13 days before the day of loading
(2026年11月现场办公会 when loaded on 1 December 2026) in 濮阳工业园区 with 12 problems of the
demo counties and zones, three decided at the meeting (点办理), and one batch decided two days
later for the four dead-end road problems (批处理: each item's first step done); one batch
member and one problem decided alone are closed since, so the counts show a problem solved by
batch and one solved one by one. Everything goes through the services; loading twice changes
nothing (the meeting is found by its title)."""

from __future__ import annotations

from datetime import date, timedelta

from pingyi.supervision import onsite, services
from pingyi.supervision.models import OnsiteMeeting
from pingyi.supervision.onsite import MeetingSpec, ProblemRow

ACTOR = "demo"
ROAD = "市交通运输局牵头，会同各县（区）制定断头路打通计划，年底前完成规划路段贯通"

#: unit, category, problem, decision at the meeting, responsible unit, deadline
PROBLEMS: list[tuple[str, str, str, str, str, str]] = [
    ("gongyeyuan", "基础设施", "园区内道路未打通，企业货车绕行", "", "jtj", "12月底前"),
    ("hualong", "基础设施", "华龙区昆吾路断头路影响企业通行", "", "jtj", "12月底前"),
    ("puyang", "基础设施", "濮阳县产业集聚区规划路尚未打通，企业货运车辆绕行严重", "", "jtj",
     "年底前"),
    ("nanle", "基础设施", "南乐县食品产业园规划道路未打通，制约企业落地", "", "jtj", "年底前"),
    ("kaifaqu", "基础设施", "园区供水压力不足，企业生产用水时断时续",
     "市住房和城乡建设局督促供水公司10日内完成加压泵站调试", "zjj", "10个工作日内"),
    ("qingfeng", "要素保障", "企业招工难，熟练技术工人短缺", "", "gxj", "1个月内"),
    ("taiqian", "要素保障", "台前县羽绒企业缝纫工短缺，订单不敢接",
     "市工业和信息化局组织专场招聘会，开展订单式培训", "gxj", "12月20日前"),
    ("kaifaqu", "要素保障", "中小企业融资难、融资贵，银行抽贷压贷", "", "czj", "年底前"),
    ("gongyeyuan", "政务服务", "施工许可审批慢，项目开工延误", "", "yshj", "15个工作日内"),
    ("hualong", "城市管理", "华龙区人民医院周边停车难，车辆乱停乱放",
     "华龙区牵头，利用医院周边闲置地块建设临时停车场", "zjj", "3个月内"),
    ("shifanqu", "营商环境", "示范区代建项目结算滞后，工程尾款拖欠", "", "czj", "年底前"),
    ("fanxian", "城市管理", "范县工业园区不通公交，职工上下班难", "", "jtj", "1个月内"),
]  # fmt: skip


def load_demo_onsite(today: date) -> str:
    held_on = today - timedelta(days=13)
    title = f"{held_on.year}年{held_on.month}月现场办公会"
    if OnsiteMeeting.objects.filter(title=title).exists():
        return "on-site office already loaded"
    meeting = onsite.meeting_record(
        MeetingSpec(
            title=title,
            held_on=held_on,
            place="濮阳工业园区管委会会议室",
            leader="李明",
            attendees="市发展改革委 市工业和信息化局 市财政局 市住房和城乡建设局 市交通运输局 "
            "市营商环境和社会信用建设中心 各县（区）政府",
            summary="现场察看园区企业，听取企业和县（区）反映的问题，逐一研究解决办法。",
        ),
        [
            ProblemRow(unit=u, category=c, description=t, decision=d, responsible=r, deadline=dl)
            for u, c, t, d, r, dl in PROBLEMS
        ],
        actor=ACTOR,
    )
    problems = list(meeting.problems.select_related("item").order_by("number"))
    decided_on = held_on + timedelta(days=2)
    onsite.batch_decide(
        problems[0], problems[1:4], decision=ROAD, decided_by="李明", decided_on=decided_on,
        actor=ACTOR,
    )  # fmt: skip
    for problem, evidence in (
        (problems[1], "昆吾路断头路段已贯通，现场核实通车"),
        (problems[4], "加压泵站已调试运行，企业用水恢复正常"),
    ):
        assert problem.item is not None  # nosec B101 # type narrowing: recording makes the item
        closure = services.closure_apply(
            problem.item, evidence=evidence, applied_on=today - timedelta(days=3), actor=ACTOR
        )
        services.closure_verify(
            closure, passed=True, method="现场", decided_on=today - timedelta(days=2), actor=ACTOR
        )
    return f"on-site office: {len(problems)} problems, 1 batch"
