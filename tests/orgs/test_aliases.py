"""Unit aliases (别名): the units sheet's column, the clash rule, the edit page, admin, demo.

The rule: an alias is stored half-width with its whitespace collapsed, and may not spell (by
``name_key``: no spaces, half-width, case-folded) another unit's name, short name or alias;
the refusal names both units. It holds wherever aliases are written: the Excel import (the
row and the 别名 column named, nothing imported), the office's edit page and the admin.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pingyi.orgs.models import Unit, UnitKind
from pingyi.orgs.services import UnitImportError, read_unit_workbook, units_import
from tests.orgs.workbooks import HEADER, workbook_bytes

ALIAS_HEADER = (*HEADER, "别名")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def import_rows(rows, header=ALIAS_HEADER):
    return units_import(rows=read_unit_workbook(io.BytesIO(workbook_bytes(rows, header=header))))


def aliases_of(code: str) -> list[str]:
    return Unit.objects.get(code=code).aliases


FGW = ("fgw", "市发展改革委", "发改委", "市直部门", 101, "")
GXJ = ("gxj", "市工业和信息化局", "工信局", "市直部门", 102, "")
KFQ = ("kaifaqu", "濮阳经济技术开发区", "开发区", "功能区", 7, "")


# --- the units sheet's 别名 column -------------------------------------------------------


@pytest.mark.django_db
def test_the_alias_column_is_split_by_every_separator_and_normalised() -> None:
    import_rows(
        [
            (*FGW, "市发改委、市发展和改革委员会，市发展改革委员会"),
            (*GXJ, "市工信局;市工业和信息化委员会；工信委/ 市 工信委 \n市经信委"),
            (*KFQ, "经开区\n濮阳经开区\r\nＰＹ开发区,, 、"),
        ]
    )
    assert aliases_of("fgw") == ["市发改委", "市发展和改革委员会", "市发展改革委员会"]
    assert aliases_of("gxj") == [
        "市工信局",
        "市工业和信息化委员会",
        "工信委",
        "市 工信委",
        "市经信委",
    ]
    assert aliases_of("kaifaqu") == ["经开区", "濮阳经开区", "PY开发区"]


@pytest.mark.django_db
def test_repeats_and_the_units_own_names_are_not_kept_as_aliases() -> None:
    import_rows([(*FGW, "市发改委、市发改委、 市发改委 、发改委、市发展改革委")])
    assert aliases_of("fgw") == ["市发改委"]


@pytest.mark.django_db
def test_a_sheet_without_the_column_keeps_aliases_and_an_empty_cell_clears_them() -> None:
    import_rows([(*FGW, "市发改委")])
    import_rows([FGW], header=HEADER)  # no 别名 column at all
    assert aliases_of("fgw") == ["市发改委"]
    import_rows([(*FGW, "")])  # the column is there, the cell is empty
    assert aliases_of("fgw") == []


@pytest.mark.django_db
def test_an_imported_alias_resolves() -> None:
    from pingyi.orgs.selectors import resolve_unit_names

    import_rows([(*FGW, "市发改委"), (*KFQ, "经开区")])
    found = resolve_unit_names("市发改委牵头，经开区、开发区配合")
    assert [u.code for u in found.units] == ["fgw", "kaifaqu"]


def clash_errors(rows, header=ALIAS_HEADER):
    before = list(Unit.objects.values_list("code", "name", "short_name", "aliases"))
    with pytest.raises(UnitImportError) as caught:
        import_rows(rows, header)
    assert list(Unit.objects.values_list("code", "name", "short_name", "aliases")) == before
    return [(e.row, e.column, str(e)) for e in caught.value.errors]


@pytest.mark.django_db
def test_an_alias_that_is_another_rows_name_is_refused_naming_both() -> None:
    [(row, column, message)] = clash_errors([(*FGW, "市工业和信息化局"), GXJ_WITH_NO_ALIAS])
    assert (row, column) == (3, "别名")
    assert "市工业和信息化局" in message and "市发展改革委" in message
    assert message == (
        "Row 3, column “别名”: “市工业和信息化局” cannot be an alias of “市发展改革委”: "
        "it is the name of “市工业和信息化局”."
    )


GXJ_WITH_NO_ALIAS = (*GXJ, "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fgw_aliases", "gxj_aliases", "what"),
    [
        ("工信局", "", "the short name"),  # another row's short name
        ("工 信 局", "", "the short name"),  # spaces do not hide it
        ("ＧＸＪ", "gxj", "an alias"),  # another row's alias, full-width and case aside
        ("市发改委", "市发改委", "an alias"),  # two rows, one alias
    ],
)
def test_an_alias_clashing_inside_the_sheet_is_refused(fgw_aliases, gxj_aliases, what) -> None:
    errors = clash_errors([(*FGW, fgw_aliases), (*GXJ, gxj_aliases)])
    assert errors[0][:2] == (3, "别名")
    assert f"it is {what} of “市" in errors[0][2]
    assert all(column == "别名" for _row, column, _message in errors)


@pytest.mark.django_db
def test_an_alias_clashing_with_a_unit_not_in_the_sheet_is_refused(make_unit) -> None:
    old = make_unit("old", "市统计局")
    old.aliases = ["市统计"]
    old.save()
    [(row, column, message)] = clash_errors([(*FGW, "市统计")])
    assert (row, column) == (3, "别名")
    assert "“市统计” cannot be an alias of “市发展改革委”: it is an alias of “市统计局”." in message


@pytest.mark.django_db
def test_a_name_that_is_another_units_alias_is_refused_in_the_name_column(make_unit) -> None:
    old = make_unit("old", "市统计局")
    old.aliases = ["市发改委"]
    old.save()
    # the sheet has no 别名 column: the clash is the new unit's short name
    [(row, column, message)] = clash_errors(
        [("fgw", "市发展改革委", "市发改委", "市直部门", 101, "")], header=HEADER
    )
    assert (row, column) == (3, "简称")
    assert (
        "“市发改委” cannot be an alias of “市统计局”: it is the short name of “市发展改革委”."
        in (message)
    )


@pytest.mark.django_db
def test_an_alias_too_long_is_named() -> None:
    with pytest.raises(UnitImportError) as caught:
        import_rows([(*FGW, "市" * 101)])
    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "别名")
    assert "longer than 100" in str(error)
    assert Unit.objects.count() == 0


# --- Unit.clean: the rule itself --------------------------------------------------------


@pytest.mark.django_db
def test_clean_normalises_and_refuses_a_clash_naming_both_units(make_unit) -> None:
    fgw = make_unit("fgw", "市发展改革委", UnitKind.DEPARTMENT)
    gxj = make_unit("gxj", "市工业和信息化局", UnitKind.DEPARTMENT)
    fgw.aliases = [" 市发改委 ", "市　发改　委", "ＦＧＷ"]
    fgw.full_clean()
    assert fgw.aliases == ["市发改委", "FGW"]  # the second spelled the first again
    fgw.save()
    gxj.aliases = ["市发改委"]
    with pytest.raises(ValidationError) as caught:
        gxj.full_clean()
    assert caught.value.message_dict == {
        "aliases": [
            "“市发改委” cannot be an alias of “市工业和信息化局”: it is an alias of “市发展改革委”."
        ]
    }


@pytest.mark.django_db
def test_clean_refuses_a_rename_onto_another_units_alias(make_unit) -> None:
    fgw = make_unit("fgw", "市发展改革委", UnitKind.DEPARTMENT)
    fgw.aliases = ["市发改委"]
    fgw.save()
    other = make_unit("x", "市某局")
    other.short_name = "市发改委"
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert list(caught.value.message_dict) == ["short_name"]
    assert "市发展改革委" in caught.value.messages[0] and "市某局" in caught.value.messages[0]


# --- the edit page ----------------------------------------------------------------------


@pytest.fixture
def units(make_unit):
    fgw = make_unit("fgw", "市发展改革委", UnitKind.DEPARTMENT, 101)
    fgw.short_name = "发改委"
    fgw.save()
    gxj = make_unit("gxj", "市工业和信息化局", UnitKind.DEPARTMENT, 102)
    gxj.aliases = ["市工信局"]
    gxj.save()
    return fgw, gxj


def login(client, make_user, role, unit=None):
    from django.conf import settings

    client.force_login(make_user(f"alias-{role}", role, unit))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(unit, aliases: str) -> dict[str, object]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "aliases": aliases,
        "kind": unit.kind,
        "order": unit.order,
        "active": "on",
    }


def test_the_office_edits_aliases_on_the_units_page(client, make_user, units) -> None:
    from pingyi.core.models import AuditEntry

    fgw, _gxj = units
    login(client, make_user, "office")
    page = client.get("/units/fgw/")
    assert b'href="/units/fgw/edit/"' in page.content
    assert client.get("/units/fgw/edit/").status_code == 200
    response = client.post(
        "/units/fgw/edit/", form_data(fgw, "市发改委\n市发展和改革委员会、 ＦＧＷ ")
    )
    assert response.status_code == 302 and response["Location"] == "/units/fgw/"
    assert aliases_of("fgw") == ["市发改委", "市发展和改革委员会", "FGW"]
    entry = AuditEntry.objects.filter(action="orgs.unit.saved").get()
    assert entry.target == "unit:fgw" and "市发展和改革委员会" in entry.data
    page = client.get("/units/fgw/").content.decode()
    assert "市发展和改革委员会" in page
    assert "市发改委、市发展和改革委员会、FGW" in client.get("/units/fgw/edit/").content.decode()


def test_the_edit_page_names_both_units_of_a_clash_and_saves_nothing(
    client, make_user, units
) -> None:
    fgw, _gxj = units
    login(client, make_user, "office")
    response = client.post("/units/fgw/edit/", form_data(fgw, "市发改委、市 工信局"))
    assert response.status_code == 200
    assert response.context["form"].errors["aliases"] == [
        "“市 工信局” cannot be an alias of “市发展改革委”: it is an alias of “市工业和信息化局”."
    ]
    assert aliases_of("fgw") == []


@pytest.mark.parametrize("role", ["leader", "viewer", "unit"])
def test_only_the_office_may_edit_a_unit(client, make_user, units, role) -> None:
    fgw, _gxj = units
    login(client, make_user, role, fgw if role == "unit" else None)
    assert b"/units/fgw/edit/" not in client.get("/units/fgw/").content
    assert client.get("/units/fgw/edit/").status_code == 403
    assert client.post("/units/fgw/edit/", form_data(fgw, "市发改委")).status_code == 403
    assert aliases_of("fgw") == []


def test_an_anonymous_visitor_is_sent_to_sign_in(client, units) -> None:
    response = client.post("/units/fgw/edit/", form_data(units[0], "市发改委"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert aliases_of("fgw") == []


def test_editing_an_unknown_unit_is_404(client, make_user, units) -> None:
    login(client, make_user, "office")
    assert client.get("/units/nope/edit/").status_code == 404


def test_a_huge_alias_text_is_refused_readably(client, make_user, units) -> None:
    fgw, _gxj = units
    login(client, make_user, "office")
    cases = {
        "、".join(f"{i}" + "甲" * 90 for i in range(60)): "at most 4000 characters",
        "、".join(f"别名{i}" for i in range(31)): "A unit has at most 30 aliases.",
        "乙" * 101: "is longer than 100 characters",
    }
    for text, words in cases.items():
        response = client.post("/units/fgw/edit/", form_data(fgw, text))
        assert response.status_code == 200
        [error] = response.context["form"].errors["aliases"]
        assert words in error
    assert aliases_of("fgw") == []


# --- the admin --------------------------------------------------------------------------


def test_the_admin_edits_aliases_as_text_with_the_same_rule(client, make_user, units) -> None:
    fgw, gxj = units
    login(client, make_user, "office")
    url = f"/admin/orgs/unit/{fgw.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="aliases"' in page.content
    data = {**form_data(fgw, "市工信局"), "code": "fgw", "_save": "Save"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "it is an alias of “市工业和信息化局”" in response.content.decode()
    assert aliases_of("fgw") == []
    response = client.post(url, {**data, "aliases": "市发改委\n市发展和改革委员会"})
    assert response.status_code == 302
    assert aliases_of("fgw") == ["市发改委", "市发展和改革委员会"]
    listing = client.get("/admin/orgs/unit/").content.decode()
    assert "市发改委、市发展和改革委员会" in listing
    assert gxj.pk


# --- the demo data ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_aliases_pass_the_rule_and_resolve() -> None:
    from pingyi.orgs.demo import ALIASES, load_demo_units
    from pingyi.orgs.selectors import resolve_unit_names

    load_demo_units()
    load_demo_units()  # twice changes nothing
    for unit in Unit.objects.all():
        stored = list(unit.aliases)
        unit.full_clean()
        assert unit.aliases == stored, unit.code
        assert stored == ALIASES.get(unit.code, [])
    found = resolve_unit_names("市发改委、开发区、经开区、市工信局、市环保局、清丰")
    assert [u.code for u in found.units] == ["fgw", "kaifaqu", "gxj", "sthjj", "qingfeng"]
    assert found.unknown == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("order", str(10**20)),
        ("order", "-1"),
        ("order", "第四"),
        ("kind", "bogus"),
        ("name", ""),
        ("name", "名" * 101),
        ("short_name", "简" * 41),
        ("aliases", "\x00市发改委"),
        ("name", "市工业和信息化局"),  # another unit's name
    ],
)
def test_bad_input_on_the_edit_page_is_a_form_error_not_a_500(
    client, make_user, units, field, value
) -> None:
    fgw, _gxj = units
    login(client, make_user, "office")
    response = client.post("/units/fgw/edit/", {**form_data(fgw, "市发改委"), field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Unit.objects.get(code="fgw").name == "市发展改革委"
    assert aliases_of("fgw") == []


def test_an_alias_with_markup_is_shown_as_text(client, make_user, units) -> None:
    fgw, _gxj = units
    login(client, make_user, "office")
    script = "<img src=x onerror=alert(1)>"  # ("/" would split it: a separator)
    assert client.post("/units/fgw/edit/", form_data(fgw, script)).status_code == 302
    assert aliases_of("fgw") == [script]
    for url in ("/units/fgw/", "/units/fgw/edit/", "/admin/orgs/unit/"):
        body = client.get(url).content.decode()
        assert script not in body, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in body, url
