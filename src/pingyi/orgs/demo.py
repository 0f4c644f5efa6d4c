"""Demo units from the seed meeting: the 9 counties/zones and the 14 key-work lead units.

Loading twice changes nothing (everything is keyed by code). ``pingyi demo`` runs this
through :func:`pingyi.core.demo.load_demo_data` (``OrgsConfig.demo_loader``).
"""

from __future__ import annotations

from pingyi.orgs.models import Unit, UnitGroup, UnitKind

COUNTIES: list[tuple[str, str, str, str]] = [
    ("hualong", "华龙区", "华龙区", UnitKind.COUNTY),
    ("puyang", "濮阳县", "濮阳县", UnitKind.COUNTY),
    ("qingfeng", "清丰县", "清丰县", UnitKind.COUNTY),
    ("nanle", "南乐县", "南乐县", UnitKind.COUNTY),
    ("fanxian", "范县", "范县", UnitKind.COUNTY),
    ("taiqian", "台前县", "台前县", UnitKind.COUNTY),
    ("kaifaqu", "濮阳经济技术开发区", "开发区", UnitKind.ZONE),
    ("gongyeyuan", "濮阳工业园区", "工业园区", UnitKind.ZONE),
    ("shifanqu", "城乡一体化示范区", "示范区", UnitKind.ZONE),
]

LEAD_UNITS: list[tuple[str, str, str]] = [
    ("fgw", "市发展改革委", "发改委"),
    ("gxj", "市工业和信息化局", "工信局"),
    ("kjj", "市科技局", "科技局"),
    ("swj", "市商务局", "商务局"),
    ("czj", "市财政局", "财政局"),
    ("zrzyj", "市自然资源和规划局", "自然资源局"),
    ("sthjj", "市生态环境局", "生态环境局"),
    ("zjj", "市住房和城乡建设局", "住建局"),
    ("jtj", "市交通运输局", "交通局"),
    ("nyncj", "市农业农村局", "农业农村局"),
    ("wglj", "市文化广电和旅游局", "文广旅局"),
    ("wjw", "市卫生健康委", "卫健委"),
    ("scjgj", "市市场监督管理局", "市场监管局"),
    ("yshj", "市营商环境和社会信用建设中心", "营商中心"),
]


def load_demo_units() -> str:
    counties, _ = UnitGroup.objects.update_or_create(
        code="counties", defaults={"name": "县（区）", "order": 1}
    )
    leads, _ = UnitGroup.objects.update_or_create(
        code="leads", defaults={"name": "重点工作牵头单位", "order": 2}
    )
    created = 0
    for order, (code, name, short, kind) in enumerate(COUNTIES, start=1):
        unit, new = Unit.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": kind, "order": order}
        )
        counties.units.add(unit)
        created += new
    for order, (code, name, short) in enumerate(LEAD_UNITS, start=101):
        unit, new = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": UnitKind.DEPARTMENT,
                "order": order,
            },
        )
        leads.units.add(unit)
        created += new
    return f"{Unit.objects.count()} units ({created} new)"
