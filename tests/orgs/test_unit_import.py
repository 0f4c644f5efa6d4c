"""The Excel unit import: the reader, the service, the page and the CLI agree.

A bad row is named by the row number Excel shows and by its column, and then nothing at all
is imported — also when only the last row is bad.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pingyi.orgs.models import Unit, UnitGroup, UnitKind
from pingyi.orgs.services import UnitImportError, read_unit_workbook, units_import
from tests.orgs.workbooks import (
    CSV_BYTES,
    GOOD_ROWS,
    PNG_BYTES,
    excel_row,
    workbook_bytes,
    write_workbook,
)

IMPORT_URL = "/units/import/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(data: bytes):
    return read_unit_workbook(io.BytesIO(data))


def import_bytes(data: bytes):
    return units_import(rows=read(data))


#: (what is wrong, the bad row's cells, the column the error must name, words in the message)
BAD_ROWS = [
    ("unknown kind", ("nanle", "南乐县", "", "乡镇", 4, ""), "类别", "乡镇"),
    ("empty kind", ("nanle", "南乐县", "", "", 4, ""), "类别", "unknown kind"),
    (
        "duplicate code",
        ("hualong", "南乐县", "", "县区", 4, ""),
        "编码",
        "already appears in row 3",
    ),
    (
        "duplicate name",
        ("nanle", "华龙区", "", "县区", 4, ""),
        "单位名称",
        "already appears in row 3",
    ),
    ("empty name", ("nanle", "", "", "县区", 4, ""), "单位名称", "name is empty"),
    ("empty code", ("", "南乐县", "", "县区", 4, ""), "编码", "code is empty"),
    ("bad order", ("nanle", "南乐县", "", "县区", "第四", ""), "排序", "第四"),
    ("negative order", ("nanle", "南乐县", "", "县区", -4, ""), "排序", "-4"),
    ("fractional order", ("nanle", "南乐县", "", "县区", 4.5, ""), "排序", "4.5"),
    ("huge order", ("nanle", "南乐县", "", "县区", 10**12, ""), "排序", str(10**12)),
    ("invalid code", ("南乐 县", "南乐县", "", "县区", 4, ""), "编码", "not a valid code"),
    ("code with slash", ("a/b", "南乐县", "", "县区", 4, ""), "编码", "not a valid code"),
    ("name too long", ("nanle", "南" * 101, "", "县区", 4, ""), "单位名称", "too long"),
    ("short name too long", ("nanle", "南乐县", "南" * 41, "县区", 4, ""), "简称", "too long"),
    ("group name too long", ("nanle", "南乐县", "", "县区", 4, "组" * 65), "分组", "longer than"),
]
BAD_IDS = [case[0] for case in BAD_ROWS]


def count_all() -> tuple[int, int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {UnitGroup.units.through._meta.db_table}")
        links = cursor.fetchone()[0]
    return Unit.objects.count(), UnitGroup.objects.count(), links


# --- the reader ---------------------------------------------------------------------------


def test_reads_a_sheet_with_a_title_row() -> None:
    rows = read(workbook_bytes(GOOD_ROWS))
    assert [r.code for r in rows] == ["hualong", "puyang", "kaifaqu", "fgw", "gxj"]
    assert [r.row for r in rows] == [3, 4, 5, 6, 7]  # as Excel numbers them
    first, _, zone, fgw, gxj = rows
    assert (first.name, first.short_name, first.kind, first.order) == (
        "华龙区",
        "华龙",
        "county",
        1,
    )
    assert first.groups == ["县（区）"]
    assert zone.kind == UnitKind.ZONE
    assert fgw.kind == gxj.kind == UnitKind.DEPARTMENT
    assert fgw.groups == gxj.groups == ["重点工作牵头单位", "经济组"]
    assert gxj.order == 102  # written as text in the sheet


def test_reads_a_sheet_without_a_title_row_and_skips_blank_rows() -> None:
    rows = read(workbook_bytes([GOOD_ROWS[0], (None,) * 6, GOOD_ROWS[1]], title=None))
    assert [(r.row, r.code) for r in rows] == [(2, "hualong"), (4, "puyang")]


def test_codes_are_read_case_insensitively_and_numbers_as_text() -> None:
    rows = read(
        workbook_bytes(
            [("HuaLong", "华龙区", "", "county", 1.0, ""), (101, "市直一", "", "其他", None, "")]
        )
    )
    assert [(r.code, r.kind, r.order) for r in rows] == [
        ("hualong", "county", 1),
        ("101", "other", 0),
    ]


def test_missing_required_column_is_named() -> None:
    data = workbook_bytes([("hualong", "华龙区")], header=("编码", "单位名称"))
    with pytest.raises(UnitImportError) as caught:
        read(data)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "类别")]


def test_sheet_without_header_is_refused() -> None:
    data = workbook_bytes([("hualong", "华龙区", "县区")], header=("a", "b", "c"))
    with pytest.raises(UnitImportError, match="no header row"):
        read(data)


def test_sheet_with_no_units_is_refused() -> None:
    with pytest.raises(UnitImportError, match="no units"):
        read(workbook_bytes([]))


@pytest.mark.parametrize(("case", "bad", "column", "words"), BAD_ROWS, ids=BAD_IDS)
@pytest.mark.parametrize("where", ["middle", "last"])
def test_bad_row_is_named_by_row_and_column(case, bad, column, words, where) -> None:
    rows = (
        [GOOD_ROWS[0], GOOD_ROWS[1], bad, GOOD_ROWS[3]] if where == "middle" else [*GOOD_ROWS, bad]
    )
    number = excel_row(rows.index(bad) + 1)
    with pytest.raises(UnitImportError) as caught:
        read(workbook_bytes(rows))
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(number, column)], case
    message = str(errors[0])
    assert f"Row {number}" in message
    assert f"“{column}”" in message
    assert words in message


def test_every_bad_row_is_reported_at_once() -> None:
    rows = [
        GOOD_ROWS[0],
        ("x y", "甲", "", "县区", 1, ""),
        GOOD_ROWS[1],
        ("z", "", "", "乡", "a", ""),
    ]
    with pytest.raises(UnitImportError) as caught:
        read(workbook_bytes(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (4, "编码"),
        (6, "单位名称"),
        (6, "类别"),
        (6, "排序"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        CSV_BYTES,
        PNG_BYTES,
        b"",
        b"PK\x03\x04 a damaged zip",
        pytest.param("zip", id="zip-without-workbook"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_readably(data) -> None:
    if data == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not a workbook")
        data = out.getvalue()
    with pytest.raises(UnitImportError) as caught:
        read(data)
    assert str(caught.value) == "This is not an .xlsx workbook (save it as .xlsx and retry)."


# --- the service --------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_units_and_groups() -> None:
    summary = import_bytes(workbook_bytes(GOOD_ROWS))
    assert (summary.created, summary.updated, summary.groups_created) == (5, 0, 3)
    assert Unit.objects.count() == 5
    hualong = Unit.objects.get(code="hualong")
    assert (hualong.name, hualong.short_name, hualong.kind, hualong.order) == (
        "华龙区",
        "华龙",
        "county",
        1,
    )
    groups = {
        g.name: sorted(g.units.values_list("code", flat=True)) for g in UnitGroup.objects.all()
    }
    assert groups == {
        "县（区）": ["hualong", "kaifaqu", "puyang"],
        "重点工作牵头单位": ["fgw", "gxj"],
        "经济组": ["fgw", "gxj"],
    }


@pytest.mark.django_db
def test_importing_again_updates_without_duplicates() -> None:
    import_bytes(workbook_bytes(GOOD_ROWS))
    before = count_all()
    changed = [("hualong", "华龙区", "华龙区", "县区", 9, "县（区）"), *GOOD_ROWS[1:]]
    summary = import_bytes(workbook_bytes(changed))
    assert (summary.created, summary.updated, summary.groups_created) == (0, 5, 0)
    assert count_all() == before
    assert Unit.objects.get(code="hualong").order == 9
    assert Unit.objects.get(code="hualong").short_name == "华龙区"


@pytest.mark.django_db
def test_import_adds_new_units_to_existing_groups_by_name_or_code() -> None:
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    counties = UnitGroup.objects.get(code="counties")
    before = counties.units.count()
    summary = import_bytes(
        workbook_bytes(
            [
                ("xinqu", "新区", "", "功能区", 20, "县（区）"),  # the group's name
                ("xinqu2", "新区二", "", "功能区", 21, "counties"),  # the group's code
            ]
        )
    )
    assert summary.groups_created == 0
    assert counties.units.count() == before + 2


@pytest.mark.django_db
def test_name_taken_by_another_unit_imports_nothing(make_unit) -> None:
    make_unit("old-code", "南乐县")
    before = count_all()
    rows = [*GOOD_ROWS, ("nanle", "南乐县", "", "县区", 4, "新分组")]  # the LAST row is bad
    with pytest.raises(UnitImportError) as caught:
        import_bytes(workbook_bytes(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(excel_row(6), "单位名称")]
    assert "old-code" in str(caught.value)
    assert count_all() == before


# --- the page -----------------------------------------------------------------------------


def upload(data: bytes, name: str = "单位名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def office_client(client, make_user, settings):
    client.force_login(make_user("import-office", "office"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages speak Chinese by default
    return client


def test_page_imports_a_good_sheet(office_client) -> None:
    response = office_client.post(IMPORT_URL, {"file": upload(workbook_bytes(GOOD_ROWS))})
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:unit_list")
    assert Unit.objects.count() == 5
    page = office_client.get(response["Location"]).content.decode()
    assert "5 new units" in page
    assert "市工业和信息化局" in page


@pytest.mark.parametrize(("case", "bad", "column", "words"), BAD_ROWS, ids=BAD_IDS)
def test_page_names_the_bad_last_row_and_imports_nothing(
    office_client, make_unit, case, bad, column, words
) -> None:
    make_unit("existing", "已有单位")
    before = count_all()
    rows = [*GOOD_ROWS, bad]
    response = office_client.post(IMPORT_URL, {"file": upload(workbook_bytes(rows))})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Row {excel_row(len(rows))}, column “{column}”" in body
    assert "nothing was imported" in body
    assert count_all() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("units.csv", CSV_BYTES),
        ("units.xlsx", CSV_BYTES),
        ("logo.xlsx", PNG_BYTES),
        ("units.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100),
    ],
)
def test_page_refuses_files_that_are_not_workbooks(office_client, name, data) -> None:
    response = office_client.post(IMPORT_URL, {"file": upload(data, name)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This is not an .xlsx workbook (save it as .xlsx and retry)."
    ]
    assert Unit.objects.count() == 0


def test_page_refuses_a_damaged_zip_readably(office_client) -> None:
    response = office_client.post(IMPORT_URL, {"file": upload(b"PK\x03\x04" + b"\0" * 200)})
    assert response.status_code == 200
    assert "This is not an .xlsx workbook" in response.content.decode()
    assert Unit.objects.count() == 0


def test_page_refuses_a_file_that_is_too_large(office_client, settings) -> None:
    data = workbook_bytes(GOOD_ROWS)
    settings.PINGYI_UNIT_IMPORT_MAX_BYTES = len(data) - 1
    response = office_client.post(IMPORT_URL, {"file": upload(data)})
    assert response.status_code == 200
    assert "larger than" in response.context["form"].errors["file"][0]
    assert Unit.objects.count() == 0
    settings.PINGYI_UNIT_IMPORT_MAX_BYTES = len(data)
    assert office_client.post(IMPORT_URL, {"file": upload(data)}).status_code == 302


def test_the_default_size_limit_is_5_mb(office_client) -> None:
    big = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)
    response = office_client.post(IMPORT_URL, {"file": upload(big)})
    assert response.status_code == 200
    assert "5.0\xa0MB" in response.context["form"].errors["file"][0]


def test_page_without_a_file_asks_for_one(office_client) -> None:
    response = office_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """An embedded data folder migrated by ``pingyi migrate`` (never the test database)."""
    data_dir = tmp_path_factory.mktemp("pingyi-cli-data")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PINGYI_DATA_DIR"] = str(data_dir)
    done = pingyi(env, "migrate")
    assert done.returncode == 0, done.stderr
    return env


def pingyi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pingyi", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def cli_counts(env: dict[str, str]) -> tuple[int, int]:
    with sqlite3.connect(Path(env["PINGYI_DATA_DIR"]) / "pingyi.sqlite3") as db:
        units = db.execute("SELECT COUNT(*) FROM orgs_unit").fetchone()[0]
        groups = db.execute("SELECT COUNT(*) FROM orgs_unitgroup").fetchone()[0]
    return units, groups


def test_cli_imports_then_updates(cli_env, tmp_path) -> None:
    path = write_workbook(tmp_path / "单位名单.xlsx", GOOD_ROWS)
    done = pingyi(cli_env, "units", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "created 5" in done.stdout
    assert cli_counts(cli_env) == (5, 3)
    done = pingyi(cli_env, "units", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "created 0, updated 5" in done.stdout
    assert cli_counts(cli_env) == (5, 3)


def test_cli_reports_the_bad_row_on_stderr_and_imports_nothing(cli_env, tmp_path) -> None:
    before = cli_counts(cli_env)
    rows = [("new-1", "新单位一", "", "县区", 1, "新组"), ("new-2", "新单位二", "", "乡镇", 2, "")]
    path = write_workbook(tmp_path / "bad.xlsx", rows)
    done = pingyi(cli_env, "units", "import", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "nothing imported" in done.stderr
    # The message is translated; the row number and the column name are not.
    problem_lines = [line for line in done.stderr.splitlines() if "类别" in line]
    assert len(problem_lines) == 1
    assert "4" in problem_lines[0]
    assert "乡镇" in problem_lines[0]
    assert "Traceback" not in done.stderr
    assert cli_counts(cli_env) == before


@pytest.mark.parametrize(("name", "data"), [("units.csv", CSV_BYTES), ("logo.xlsx", PNG_BYTES)])
def test_cli_refuses_files_that_are_not_workbooks(cli_env, tmp_path, name, data) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    done = pingyi(cli_env, "units", "import", str(path))
    assert done.returncode == 2
    assert "nothing imported" in done.stderr
    assert ".xlsx" in done.stderr.splitlines()[1]
    assert "Traceback" not in done.stderr


def test_cli_missing_file(cli_env, tmp_path) -> None:
    done = pingyi(cli_env, "units", "import", str(tmp_path / "missing.xlsx"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
