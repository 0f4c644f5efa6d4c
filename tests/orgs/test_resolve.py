"""``resolve_unit_names``: a cell of unit names, as offices write it, into units.

Against the demo units (their names, short names and aliases, and the 县（区） group): every
way a cell separates names, notes around a name, group words, duplicates, and unknown names,
which come back as written with the closest units, never dropped and never guessed.
The pure part (``pingyi.orgs.names``) is also tested without a database, and hypothesis
checks that no text at all makes the resolver raise.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.orgs.names import NameIndex, find_clashes, name_key, split_aliases, split_cell

pytestmark = pytest.mark.django_db

COUNTY_CODES = [
    "hualong",
    "puyang",
    "qingfeng",
    "nanle",
    "fanxian",
    "taiqian",
    "kaifaqu",
    "gongyeyuan",
    "shifanqu",
]


@pytest.fixture
def index():
    from pingyi.orgs.demo import load_demo_units
    from pingyi.orgs.selectors import UnitNameIndex

    load_demo_units()
    return UnitNameIndex()


def codes(index, text: str) -> list[str]:
    found = index.resolve(text)
    assert found.unknown == [], [u.name for u in found.unknown]
    return [u.code for u in found.units]


# --- splitting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "市发改委、市工信局",
        "市发改委，市工信局",
        "市发改委,市工信局",
        "市发改委;市工信局",
        "市发改委；市工信局",
        "市发改委/市工信局",
        "市发改委／市工信局",
        "市发改委\n市工信局",
        "市发改委\r\n市工信局",
        "市发改委 市工信局",
        "市发改委　市工信局",  # an ideographic space
        "市发改委   市工信局",
        "市发改委及市工信局",
        "市发改委以及市工信局",
        "市发改委和市工信局",
        "市发改委与市工信局",
        "市发改委、\n 市工信局、",
        "  市发改委 ,, 市工信局  ",
    ],
)
def test_every_way_of_separating_two_names(index, text) -> None:
    assert codes(index, text) == ["fgw", "gxj"]


def test_he_inside_a_name_is_not_a_separator(index) -> None:
    assert codes(index, "市工业和信息化局") == ["gxj"]
    assert codes(index, "市住房和城乡建设局、市自然资源和规划局") == ["zjj", "zrzyj"]
    assert codes(index, "市工业和信息化局和市发改委") == ["gxj", "fgw"]
    assert codes(index, "市文化广电和旅游局与市商务局") == ["wglj", "swj"]


def test_an_unknown_name_with_he_stays_one_name(index) -> None:
    found = index.resolve("市人力资源和社会保障局")
    assert found.units == []
    assert [u.name for u in found.unknown] == ["市人力资源和社会保障局"]


def test_he_is_split_only_when_every_part_is_a_unit(index) -> None:
    found = index.resolve("市发改委和市统计局")
    assert found.units == []
    assert [u.name for u in found.unknown] == ["市发改委和市统计局"]


def test_a_name_broken_by_a_space_is_joined_again(index) -> None:
    assert codes(index, "濮阳经济 技术开发区 市工信局") == ["kaifaqu", "gxj"]
    assert codes(index, "市发展 改革委") == ["fgw"]


def test_names_match_by_name_short_name_or_alias(index) -> None:
    assert codes(index, "市发展改革委") == ["fgw"]  # name
    assert codes(index, "发改委") == ["fgw"]  # short name
    assert codes(index, "市发改委") == ["fgw"]  # alias
    assert codes(index, "开发区、经开区、濮阳经济技术开发区") == ["kaifaqu"]
    assert codes(index, "市环保局") == ["sthjj"]  # an older name


def test_full_width_and_case_are_normalised(index, make_unit) -> None:
    from pingyi.orgs.selectors import UnitNameIndex

    unit = make_unit("ab", "ＡＢ中心")
    index = UnitNameIndex()
    assert index.resolve("ab中心").units == [unit]
    assert index.resolve("Ａ Ｂ 中 心").units == [unit]


def test_city_and_county_prefixes_are_not_dropped_blindly(index) -> None:
    # 工信局 is a short name; 财政 is nothing (only 市财政 is an alias).
    assert codes(index, "工信局") == ["gxj"]
    found = index.resolve("财政")
    assert found.units == []
    assert [u.name for u in found.unknown] == ["财政"]
    found = index.resolve("县发改委")
    assert found.units == [] and found.unknown[0].name == "县发改委"


# --- notes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "市发改委（牵头）",
        "市发改委(牵头)",
        "市发改委【牵头】",
        "市发改委牵头",
        "市发改委等",
        "市发改委等单位",
        "1.市发改委",
        "①市发改委",
        "（1）市发改委",
        "1.市发改委（牵头）等",
    ],
)
def test_notes_around_a_name_are_read_away(index, text) -> None:
    assert codes(index, text) == ["fgw"]


@pytest.mark.parametrize(
    "text",
    ["1、市发改委 2、市工信局", "①市发改委、②市工信局", "（一）市发改委；（二）市工信局"],
)
def test_list_numbers_between_names_are_not_names(index, text) -> None:
    assert codes(index, text) == ["fgw", "gxj"]


def test_digits_that_begin_a_name_are_kept(index) -> None:
    found = index.resolve("12345热线")
    assert [u.name for u in found.unknown] == ["12345热线"]
    assert codes(index, "1)市发改委") == ["fgw"]


def test_brackets_that_belong_to_a_name_are_kept(make_unit) -> None:
    from pingyi.orgs.selectors import UnitNameIndex

    unit = make_unit("rsj", "市人力资源和社会保障局（市医保局）")
    assert UnitNameIndex().resolve("市人力资源和社会保障局（市医保局）").units == [unit]


def test_a_role_note_is_left_out_of_an_unknown_name(index) -> None:
    found = index.resolve("市统计局（牵头）")
    assert [u.name for u in found.unknown] == ["市统计局"]


# --- groups -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "各县（区）",
        "各县(区)",
        "各县区",
        "县（区）",
        "各县（区）政府",
        "各县(区)人民政府",
        "全市各县区",
    ],
)
def test_group_words_expand_to_the_group_in_its_order(index, text) -> None:
    assert codes(index, text) == COUNTY_CODES


def test_a_group_with_other_names_keeps_first_occurrences(index) -> None:
    assert codes(index, "开发区牵头，各县（区）、市发改委配合") == [
        "kaifaqu",
        *[c for c in COUNTY_CODES if c != "kaifaqu"],
        "fgw",
    ]


def test_the_lead_units_group_by_its_name(index) -> None:
    assert codes(index, "各重点工作牵头单位")[:2] == ["fgw", "gxj"]
    assert len(codes(index, "各重点工作牵头单位")) == 14


def test_a_group_word_without_a_group_is_unknown(index) -> None:
    found = index.resolve("各有关单位、市发改委")
    assert [u.code for u in found.units] == ["fgw"]
    assert [u.name for u in found.unknown] == ["各有关单位"]


def test_a_group_without_units_is_unknown_not_nothing(index) -> None:
    from pingyi.orgs.models import UnitGroup
    from pingyi.orgs.selectors import UnitNameIndex

    UnitGroup.objects.get(code="counties").units.clear()
    found = UnitNameIndex().resolve("各县（区）、市发改委")
    assert [u.code for u in found.units] == ["fgw"]
    assert [u.name for u in found.unknown] == ["各县(区)"]


def test_a_group_made_by_the_office_is_found_by_its_name(index) -> None:
    from pingyi.orgs.models import Unit, UnitGroup
    from pingyi.orgs.selectors import UnitNameIndex

    group = UnitGroup.objects.create(code="eco", name="经济组", order=5)
    group.units.add(Unit.objects.get(code="swj"), Unit.objects.get(code="fgw"))
    assert codes(UnitNameIndex(), "各经济组") == ["fgw", "swj"]  # in unit order


# --- duplicates ---------------------------------------------------------------------------


def test_duplicates_keep_the_first_occurrence(index) -> None:
    assert codes(index, "市工信局、市发改委、发改委、市发展改革委、工信局") == ["gxj", "fgw"]
    found = index.resolve("市统计局、市统计局，市统计局")
    assert [u.name for u in found.unknown] == ["市统计局"]


# --- unknown names ------------------------------------------------------------------------


def test_an_unknown_name_gets_the_closest_units_first(index) -> None:
    found = index.resolve("市发改局")
    assert found.units == []
    [unknown] = found.unknown
    assert unknown.name == "市发改局"
    assert 1 <= len(unknown.suggestions) <= 3
    best = unknown.suggestions[0]
    assert (best.unit.code, best.name, best.matched) == ("fgw", "市发展改革委", "市发改委")
    assert 0 < best.score <= 100
    scores = [s.score for s in unknown.suggestions]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("typo", "code"),
    [
        ("市工业信息化局", "gxj"),
        ("市卫健局", "wjw"),
        ("清丰", "qingfeng"),  # an alias, so not even unknown
        ("市住房城乡建设委", "zjj"),
        ("濮阳经济开发区", "kaifaqu"),
        ("市场监督管理局", "scjgj"),
    ],
)
def test_typos_suggest_the_unit_meant(index, typo, code) -> None:
    found = index.resolve(typo)
    if found.units:
        assert [u.code for u in found.units] == [code]
    else:
        assert found.unknown[0].suggestions[0].unit.code == code


def test_unknown_names_are_never_dropped_nor_invented(index) -> None:
    found = index.resolve("市发改委、市统计局、某某公司，市工信局")
    assert [u.code for u in found.units] == ["fgw", "gxj"]
    assert [u.name for u in found.unknown] == ["市统计局", "某某公司"]


def test_a_spelling_two_units_share_is_unknown_with_both_suggested(make_unit) -> None:
    from pingyi.orgs.models import Unit
    from pingyi.orgs.selectors import UnitNameIndex

    a = make_unit("a", "甲局")
    b = make_unit("b", "乙局")
    Unit.objects.filter(pk__in=[a.pk, b.pk]).update(short_name="同名局")  # legacy data
    found = UnitNameIndex().resolve("同名局")
    assert found.units == []
    assert {s.unit.code for s in found.unknown[0].suggestions} == {"a", "b"}


def test_empty_cells(index) -> None:
    for text in (None, "", "  ", "、，\n"):
        found = index.resolve(text)
        assert (found.units, found.unknown) == ([], [])


def test_resolve_unit_names_builds_its_own_index(index, django_assert_max_num_queries) -> None:
    from pingyi.orgs.selectors import resolve_unit_names

    assert [u.code for u in resolve_unit_names("市发改委").units] == ["fgw"]
    with django_assert_max_num_queries(0):
        index.resolve("市发改委、各县区、市未知局")


# --- speed --------------------------------------------------------------------------------


def test_2000_cells_against_100_units_well_under_a_second(make_unit) -> None:
    from pingyi.orgs.models import Unit, UnitKind
    from pingyi.orgs.selectors import UnitNameIndex

    Unit.objects.bulk_create(
        Unit(
            code=f"u{i}",
            name=f"市第{i}局",
            short_name=f"{i}局",
            kind=UnitKind.DEPARTMENT,
            aliases=[f"市{i}号局", f"第{i}局"],
        )
        for i in range(100)
    )
    cells = [
        f"市第{i % 100}局（牵头）、{(i * 7) % 100}局，市{(i * 3) % 100}号局和市第{i % 50}局"
        + ("、市未知局" if i % 10 == 0 else "")
        for i in range(2000)
    ]
    start = time.perf_counter()
    index = UnitNameIndex()
    results = [index.resolve(cell) for cell in cells]
    elapsed = time.perf_counter() - start
    for i, found in enumerate(results):
        expected = list(dict.fromkeys([i % 100, (i * 7) % 100, (i * 3) % 100, i % 50]))
        assert [u.code for u in found.units] == [f"u{n}" for n in expected]
    assert sum(len(r.unknown) for r in results) == 200
    assert elapsed < 0.5, elapsed


# --- the pure part, no database ----------------------------------------------------------


PURE = NameIndex(
    [("市发展改革委", 1, "市发展改革委"), ("市发改委", 1, "市发展改革委"), ("华龙区", 2, "华龙区")],
    [("县（区）", [2])],
)


@pytest.mark.parametrize(
    ("text", "keys"),
    [("市发改委、各县区", [1, 2]), ("华龙区和市发改委", [2, 1]), ("各县(区)政府", [2])],
)
def test_the_pure_index_resolves_keys(text, keys) -> None:
    assert PURE.resolve(text).keys == keys


def test_split_cell_and_keys() -> None:
    assert split_cell("甲、乙，丙;丁；戊/己\n庚") == ["甲", "乙", "丙", "丁", "戊", "己", "庚"]
    assert name_key("Ｓ 市　发改委") == name_key("s市发改委")
    assert split_aliases("市发改委、 市发改委 ，发改 委；ＦＧＷ\n") == [
        "市发改委",
        "发改 委",
        "FGW",
    ]


def test_find_clashes_names_both_sides() -> None:
    clashes = find_clashes(
        [("a", "甲局", "甲", ["乙"]), ("b", "乙局", "乙", []), ("c", "丙局", "", ["甲 局"])]
    )
    assert [(c.spelling, c.owner, c.other, c.other_field) for c in clashes] == [
        ("乙", "a", "b", "short_name"),
        ("甲 局", "c", "a", "name"),
    ]


TEXT = st.text(
    alphabet=st.sampled_from(
        list("市发改委工信局和及与县区各（）()【】[]、，,;；/ \n\t　牵头等1①.政府经开华龙")
    )
    | st.characters(),
    max_size=200,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_resolve_never_raises_on_any_text(text) -> None:
    found = PURE.resolve(text)
    assert set(found.keys) <= {1, 2}
    assert len(found.keys) == len(set(found.keys))
    for unknown in found.unknown:
        assert unknown.name
        assert len(unknown.suggestions) <= 3


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_split_aliases_and_find_clashes_never_raise(text) -> None:
    aliases = split_aliases(text)
    assert all(a and a == a.strip() for a in aliases)
    find_clashes([("a", text, "", aliases), ("b", "乙", text[:5], aliases[:1])])


def test_a_long_hostile_cell_is_read_quickly() -> None:
    text = ("市 " * 5000) + ("和" * 3000) + ("（" * 2000) + "及" * 1000
    start = time.perf_counter()
    PURE.resolve(text)
    assert time.perf_counter() - start < 1.0
