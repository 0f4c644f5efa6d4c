"""``pingyi lists import|export`` and ``pingyi reports import`` (SUPERVISION.md, "Contracts"),
run in-process on the test database with the office's messy workbook (tests/supervision/
workbooks.py): units by name, short name and alias, group words, merged lead units, the
deadline meanings, all or nothing, re-import by number, the pingyi-list/1 export and the
Excel round trip. The fresh-folder runs are in tests/test_cli.py."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from pingyi.cli import main
from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitGroup, UnitKind
from pingyi.supervision.models import Item, Report, ReportState, SupervisionList
from tests.supervision.workbooks import Category, ListBook, compound_file, messy_book, to_bytes
from tests.supervision.workbooks import Item as BookItem

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = [
    ("fgw", "市发展改革委", "发改委", ["市发改委"]),
    ("jtj", "市交通运输局", "交通局", []),
    ("zrzyj", "市自然资源和规划局", "自然资源局", []),
    ("zjj", "市住房和城乡建设局", "住建局", ["市住房城乡建设局"]),
    ("zwfw", "市政务服务和大数据局", "政务服务局", []),
    ("scjgj", "市市场监督管理局", "市场监管局", ["市市场监管局"]),
    ("hualong", "华龙区", "", []),
    ("puyang", "濮阳县", "", []),
]


@pytest.fixture(autouse=True)
def units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    group = UnitGroup.objects.create(code="counties", name="县（区）")
    for order, (code, name, short, aliases) in enumerate(UNITS):
        unit = Unit.objects.create(
            code=code,
            name=name,
            short_name=short,
            aliases=aliases,
            kind=UnitKind.DEPARTMENT,
            order=order,
        )
        if code in ("hualong", "puyang"):
            group.units.add(unit)


def pingyi(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_the_messy_sheet_imports_every_item_right_and_prints_the_key_last(
    tmp_path: Path, capsys: Any
) -> None:
    book = messy_book()
    path = write(tmp_path, "tasks.xlsx", book.bytes())
    code, out, err = pingyi(capsys, "lists", "import", path, "--cadence", "month")
    assert code == 0, err
    assert out.split()[-1] == "2026-tasks"
    the_list = SupervisionList.objects.get(key="2026-tasks")
    assert (the_list.year, the_list.name, the_list.cadence) == (
        2026,
        "2026年市政府重点工作任务清单",
        "month",
    )
    items = {i.number: i for i in the_list.items.all()}
    assert list(items) == ["1", "2", "3", "3.2", "（五）"]
    first = items["1"]
    assert first.lead_unit.code == "fgw"
    assert [u.code for u in first.co_units.order_by("order")] == ["jtj", "zrzyj", "zjj"]
    assert first.flags == ["难点"] and first.category == "一、扩大有效投资"
    assert [(m.due, m.text) for m in first.milestones.all()][-1][0] == date(2026, 12, 31)
    assert first.row == book.rows["1"] and first.sheet == "重点任务"
    assert items["2"].lead_unit.code == "fgw"  # merged down
    assert {u.code for u in items["2"].co_units.all()} == {"hualong", "puyang"}  # 各县（区）
    assert items["3"].due == date(2026, 9, 30)  # a real date cell
    assert items["3.2"].lead_unit.code == "zwfw" and items["3.2"].flags == ["痛点"]
    assert (items["（五）"].lead_unit.code, items["（五）"].kind) == ("scjgj", "ongoing")

    # re-import: updates by number, no duplicates
    code, out, _ = pingyi(capsys, "lists", "import", path, "--cadence", "month")
    assert code == 0 and "0 new, 5 updated" in out
    assert Item.objects.count() == 5

    # export as pingyi-list/1
    out_json = tmp_path / "out.json"
    code, out, err = pingyi(
        capsys, "lists", "export", "2026-tasks", "--out", str(out_json), "--today", "2026-03-01"
    )
    assert code == 0, err
    data = json.loads(out_json.read_text("utf-8"))
    assert (data["format"], data["key"], data["kind"], data["year"]) == (
        "pingyi-list/1",
        "2026-tasks",
        "tasks",
        2026,
    )
    exported = {i["number"]: i for i in data["items"]}
    assert exported["1"]["lead_unit"] == "fgw"
    assert exported["1"]["co_units"] == ["jtj", "zrzyj", "zjj"]
    assert exported["3"]["deadline"]["due"] == "2026-09-30"
    assert exported["（五）"]["deadline"]["kind"] == "ongoing"
    assert {i["status"] for i in data["items"]} <= {
        "done",
        "overdue",
        "lagging",
        "due_soon",
        "on_track",
    }
    assert all(
        set(i)
        == {
            "number",
            "title",
            "lead_unit",
            "co_units",
            "leader",
            "deadline_text",
            "deadline",
            "status",
            "progress",
        }
        for i in data["items"]
    )


def test_dry_run_shows_each_row_and_imports_nothing(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, "tasks.xlsx", messy_book().bytes())
    code, out, err = pingyi(
        capsys, "lists", "import", path, "--dry-run", "--kind", "reforms", "--year", "2026"
    )
    assert code == 0, err
    assert "lead: 市发展改革委" in out and "deadline: date 2026-12-31" in out
    assert "milestone 2026-06-30" in out
    assert out.split()[-1] == "2026-reforms"
    assert not SupervisionList.objects.exists()


def test_an_unknown_unit_names_row_cell_and_closest_units_and_nothing_is_imported(
    tmp_path: Path, capsys: Any
) -> None:
    book = ListBook(
        entries=[
            Category("一、项目"),
            BookItem(1, "甲", lead="市发展改革委"),
            BookItem(2, "乙", lead="市发展和改革局", co="华龙区、火星局"),
        ]
    )
    path = write(tmp_path, "bad.xlsx", book.bytes())
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "nothing imported" in err and "Traceback" not in err
    row = book.rows["2"]
    assert f"row {row}, cell E{row} (牵头单位): unknown unit “市发展和改革局”" in err, err
    assert "市发展改革委" in err.split("市发展和改革局", 1)[1].splitlines()[0]
    assert f"row {row}, cell F{row} (配合单位): unknown unit “火星局”" in err, err
    assert not SupervisionList.objects.exists() and not Item.objects.exists()


def test_a_flood_of_problems_prints_the_first_hundred_and_counts_the_rest(
    tmp_path: Path, capsys: Any
) -> None:
    """One wrong name down a long column must not print thousands of lines: the first 100
    problems, then how many more."""
    from pingyi.core.commandline import SHOWN_PROBLEMS as SHOWN_ERRORS

    entries: list[Any] = [Category("一、项目")]
    entries += [BookItem(n, f"任务{n}", lead="火星局") for n in range(1, 131)]
    path = write(tmp_path, "flood.xlsx", ListBook(entries=entries).bytes())
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "nothing imported" in err
    shown = [line for line in err.splitlines() if "unknown unit" in line]
    assert len(shown) == SHOWN_ERRORS == 100
    assert "… and 30 more problems" in err
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not a workbook at all", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 100, "not an Excel workbook"),
    ],
)
def test_bad_files_are_refused_in_one_line_each(
    tmp_path: Path, capsys: Any, data: bytes, says: str
) -> None:
    path = write(tmp_path, "bad.xlsx", data)
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and says in err and "Traceback" not in err
    code, _out, err = pingyi(capsys, "lists", "import", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "cannot read" in err


def test_a_sheet_without_header_and_a_date_text_are_refused(tmp_path: Path, capsys: Any) -> None:
    wb = Workbook()
    wb.active.append(["随便写点什么"])
    path = write(tmp_path, "nohead.xlsx", to_bytes(wb))
    code, _, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "no header row" in err


def test_export_refuses_an_unknown_list_and_a_bad_suffix_or_day(
    tmp_path: Path, capsys: Any
) -> None:
    code, _, err = pingyi(capsys, "lists", "export", "nope", "--out", str(tmp_path / "x.json"))
    assert code == 2 and "no list" in err
    code, _, err = pingyi(capsys, "lists", "export", "nope", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "FILE.json or FILE.xlsx" in err
    code, _, err = pingyi(
        capsys,
        "lists",
        "export",
        "nope",
        "--out",
        str(tmp_path / "x.json"),
        "--today",
        "2026-02-30",
    )
    assert code == 2 and "is not a date" in err


def _imported(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, "tasks.xlsx", messy_book().bytes())
    assert pingyi(capsys, "lists", "import", path)[0] == 0


def test_the_excel_round_trip_export_fill_import_reports(tmp_path: Path, capsys: Any) -> None:
    _imported(tmp_path, capsys)
    out = tmp_path / "list.xlsx"
    code, _, err = pingyi(
        capsys, "lists", "export", "2026-tasks", "--out", str(out), "--today", "2026-03-01"
    )
    assert code == 0, err
    wb = load_workbook(out)
    ws = wb.active
    header = [c.value for c in ws[2]]
    assert header[:3] == ["序号", "任务", "牵头单位"] and "完成进度（%）" in header
    col = {name: i + 1 for i, name in enumerate(header)}
    numbers = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert numbers == ["1", "2", "3", "3.2", "（五）"]
    ws.cell(3, col["完成进度（%）"], 40)
    ws.cell(3, col["进展情况"], "主体工程完成四成")
    ws.cell(3, col["报送日期"], datetime(2026, 2, 27))
    ws.cell(4, col["完成进度（%）"], "25%")
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    # --dry-run: the differences, row by row, and nothing filed
    code, text, err = pingyi(
        capsys,
        "reports",
        "import",
        str(filled),
        "--list",
        "2026-tasks",
        "--today",
        "2026-03-02",
        "--dry-run",
    )
    assert code == 0, err
    assert "row 3, item 1: progress 0% → 40% on 2026-02-27" in text, text
    assert "主体工程完成四成" in text and "row 4, item 2: progress 0% → 25%" in text
    assert "dry run: nothing filed" in text and not Report.objects.exists()
    code, text, err = pingyi(
        capsys, "reports", "import", str(filled), "--list", "2026-tasks", "--today", "2026-03-02"
    )
    assert code == 0, err
    assert text.index("progress 0% → 40%") < text.index("2 accepted reports")  # differences first
    reports = {r.item.number: r for r in Report.objects.select_related("item", "unit")}
    assert (reports["1"].percent, reports["1"].reported_on, reports["1"].done_text) == (
        40,
        date(2026, 2, 27),
        "主体工程完成四成",
    )
    assert reports["2"].reported_on == date(2026, 3, 2)  # no date: --today
    assert all(r.state == ReportState.ACCEPTED and r.unit.code == "fgw" for r in reports.values())
    assert AuditEntry.objects.filter(action="supervision.report.filed").count() == 2


def test_reports_import_is_all_or_nothing_naming_row_and_cell(tmp_path: Path, capsys: Any) -> None:
    _imported(tmp_path, capsys)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "完成进度（%）", "进展情况", "报送日期"])
    ws.append(["1", 50, "ok", "2026-03-01"])
    ws.append(["9", 50, "no such item", None])
    ws.append(["2", 150, "too much", None])
    ws.append(["3", 10, "bad date", "三月"])
    path = write(tmp_path, "r.xlsx", to_bytes(wb))
    code, _, err = pingyi(capsys, "reports", "import", path, "--list", "2026-tasks")
    assert code == 2 and "nothing imported" in err
    assert "row 4, cell B4: progress “150” is not a whole percent 0–100" in err
    assert "row 5, cell D5: “三月” is not a date" in err
    assert "row 3: list 2026-tasks has no item number “9”" in err
    assert not Report.objects.exists()


def test_reports_import_needs_a_known_list(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, "r.xlsx", b"x")
    code, _, err = pingyi(capsys, "reports", "import", path, "--list", "nope")
    assert code == 2 and "no list" in err


def test_the_export_json_is_bytes_of_utf8_json(tmp_path: Path, capsys: Any) -> None:
    _imported(tmp_path, capsys)
    out = tmp_path / "o.json"
    assert pingyi(capsys, "lists", "export", "2026-tasks", "--out", str(out))[0] == 0
    json.load(io.StringIO(out.read_text("utf-8")))


def _with_vba(data: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("macro.xlsx", lambda: _with_vba(messy_book().bytes()), "macro-enabled"),
        ("list.xlsm", lambda: messy_book().bytes(), "macro-enabled"),
        (
            "locked.xlsx",
            lambda: compound_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"),
            "password",
        ),
        ("old.xls", lambda: compound_file("Workbook"), ".xls"),
    ],
)
def test_macro_encrypted_and_old_workbooks_are_refused_saying_why(
    tmp_path: Path, capsys: Any, name: str, make: Any, says: str
) -> None:
    path = write(tmp_path, name, make())
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "nothing imported" in err and says in err, err
    assert "Traceback" not in err and not SupervisionList.objects.exists()


def test_a_file_over_30_mb_is_refused_unread(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as fh:
        fh.truncate(30 * 2**20 + 1)  # sparse: nothing is written, nothing read
    code, _out, err = pingyi(capsys, "lists", "import", str(path))
    assert code == 2 and "30 MB" in err, err


def test_a_date_cell_holding_text_names_its_row_and_cell_and_nothing_imports(
    tmp_path: Path, capsys: Any
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "甲", "市财政局", "2026.9.31"])
    ws["D2"].number_format = "yyyy年m月d日"
    ws.append([2, "乙", "市发展改革委", "年底前"])
    path = write(tmp_path, "dates.xlsx", to_bytes(wb))
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "row 2, cell D2" in err and "2026.9.31" in err, err
    assert "市财政局" in err  # an unknown unit too, in the same run
    assert not Item.objects.exists()


def test_in_chinese_the_messages_are_chinese(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "zh")
    path = write(tmp_path, "locked.xlsx", compound_file("EncryptionInfo", "EncryptedPackage"))
    code, _out, err = pingyi(capsys, "lists", "import", path)
    assert code == 2 and "设有密码的工作簿" in err and "未导入任何内容" in err, err
