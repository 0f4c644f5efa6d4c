"""Demo units from the seed meeting: the 9 counties/zones and the 14 key-work lead units.

Each carries the other names Puyang's offices write for it (:data:`ALIASES`): the short
forms with 市 (市发改委), older names (市环保局), the full committee names; ``开发区`` is the
development zone's short name, so it needs no alias. Group words (各县（区）) name the
``县（区）`` group.

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

#: code -> aliases (the units sheet's 别名 column). None spells another unit's name, short
#: name or alias (tests/orgs/test_aliases.py loads them through Unit.clean's check).
ALIASES: dict[str, list[str]] = {
    "hualong": ["华龙"],
    "qingfeng": ["清丰"],
    "nanle": ["南乐"],
    "taiqian": ["台前"],
    "kaifaqu": ["经开区", "濮阳经开区", "经济技术开发区", "濮阳开发区"],
    "gongyeyuan": ["工业园", "濮阳工业园"],
    "shifanqu": ["濮阳城乡一体化示范区", "一体化示范区", "城乡示范区"],
    "fgw": ["市发改委", "市发展和改革委员会", "市发展改革委员会"],
    "gxj": ["市工信局", "市工业和信息化委员会"],
    "kjj": ["市科学技术局"],
    "czj": ["市财政"],
    "zrzyj": ["市自然资源局", "市自规局", "市资源规划局"],
    "sthjj": ["市环保局", "环保局"],
    "zjj": ["市住建局", "市住房城乡建设局"],
    "jtj": ["市交通局", "市交通运输委"],
    "nyncj": ["市农业局", "市农委"],
    "wglj": ["市文广旅局", "市文旅局", "市文化广电旅游局"],
    "wjw": ["市卫健委", "市卫生健康委员会", "市卫生和健康委员会"],
    "scjgj": ["市市场监管局", "市场监管"],
    "yshj": ["市营商中心", "市营商环境中心", "市信用中心"],
}


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
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "order": order,
                "aliases": ALIASES.get(code, []),
            },
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
                "aliases": ALIASES.get(code, []),
            },
        )
        leads.units.add(unit)
        created += new
    return f"{Unit.objects.count()} units ({created} new)"
