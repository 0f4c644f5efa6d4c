"""``pingyi targets|pipeline import|list`` end to end on a new data folder: units, then the
office's sheets, then the lists as JSON; and the refusals as one line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.orgs.workbooks import GOOD_ROWS, workbook_bytes
from tests.pipeline.workbooks import project_book
from tests.targets.workbooks import target_book
from tests.test_cli import fresh_env, run


def test_from_a_new_folder_to_the_lists(tmp_path: Path) -> None:
    env = fresh_env(tmp_path / "data")
    (tmp_path / "units.xlsx").write_bytes(workbook_bytes(GOOD_ROWS))
    (tmp_path / "t.xlsx").write_bytes(target_book())
    (tmp_path / "p.xlsx").write_bytes(project_book())
    assert run(["units", "import", str(tmp_path / "units.xlsx")], env, tmp_path).returncode == 0
    done = run(["targets", "import", str(tmp_path / "t.xlsx"), "--year", "2026"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 new, 0 updated, 6 actuals of month 9" in done.stdout
    listed = run(["targets", "list", "--json"], env, tmp_path)
    document = json.loads(listed.stdout)
    assert (document["year"], document["month"]) == (2026, 9)
    hualong = document["units"][0]
    assert (hualong["unit"], hualong["on_schedule"], hualong["total"]) == ("hualong", 3, 4)
    first = hualong["targets"][0]
    assert (first["target"], first["actual"], first["percent"], first["status"]) == (
        "7",
        "7.1",
        "101.43",
        "ahead",
    )
    done = run(["pipeline", "import", str(tmp_path / "p.xlsx")], env, tmp_path)
    assert done.returncode == 0, done.stderr
    listed = run(["pipeline", "list", "--json", "--today", "2026-10-15"], env, tmp_path)
    document = json.loads(listed.stdout)
    lagging = [p["name"] for p in document["projects"] if p["lagging"]]
    assert lagging == ["冷链物流仓储中心"]
    assert {u["unit"]: u["investment"] for u in document["units"]} == {
        "hualong": "17.55",
        "puyang": "0.1234",
    }
    text = run(["pipeline", "list", "--today", "2026-10-15"], env, tmp_path).stdout
    assert "冷链物流仓储中心" in text and "lagging: not started 2026-05-31" in text


def test_refusals_are_one_line(tmp_path: Path) -> None:
    env = fresh_env(tmp_path / "data")
    for args, says in (
        (["targets", "list", "--month", "13"], "the month 13 is not 1-12"),
        (["pipeline", "list", "--today", "2026-13-01"], "is not a date"),
        (["targets", "import", str(tmp_path / "none.xlsx"), "--year", "2026"], "cannot read"),
        (["pipeline", "import", str(tmp_path)], "cannot read"),
    ):
        result = run(args, env, tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert says in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_long_refusal_prints_the_first_hundred_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [(f"第{i}县", "地区生产总值增速", "%", 7, 7.1, "正向") for i in range(150)]
    (tmp_path / "t.xlsx").write_bytes(target_book(rows))
    result = run(
        ["targets", "import", str(tmp_path / "t.xlsx"), "--year", "2026"],
        fresh_env(tmp_path / "data"),
        tmp_path,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(line.endswith("t.xlsx: nothing imported") for line in lines)
    assert sum("unknown unit" in line for line in lines) == 100
    assert lines[-1].strip() == "… and 50 more problems"
