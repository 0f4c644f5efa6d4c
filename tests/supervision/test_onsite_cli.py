"""``pingyi onsite import`` and ``pingyi onsite similar`` end to end, in subprocesses on a new
data folder: refused whole while the units are unknown (every cell named), then the meeting
recorded from the sheet (its date from the title, the merged responsible unit read), the
similar problems as JSON, and the refusals in one line (no such problem, not a workbook, a
bad date)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.supervision.onsite_workbooks import problems_book
from tests.test_cli import fresh_env, run


def test_onsite_import_and_similar_from_a_new_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    sheet = tmp_path / "problems.xlsx"
    sheet.write_bytes(problems_book())
    env = fresh_env(data)
    place = ["--place", "濮阳工业园区", "--leader", "李明"]
    refused = run(["onsite", "import", str(sheet), *place], env, tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "nothing imported" in refused.stderr
    assert "row 3, cell B3 (提出单位): unknown unit “华龙区”" in refused.stderr
    assert "row 4, cell F4 (责任单位): unknown unit “市交通局”" in refused.stderr  # merged down
    loaded = run(
        ["manage", "shell", "-c", "from pingyi.orgs.demo import load_demo_units as l; l()"],
        env,
        tmp_path,
    )
    assert loaded.returncode == 0, loaded.stderr
    done = run(["onsite", "import", str(sheet), *place], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "recorded 2026年11月18日现场办公会 (2026-11-18): 3 problems; meeting: 1" in done.stdout
    assert "XC1-2\t2026-problems\t园区内道路未打通" in done.stdout
    similar = run(["onsite", "similar", "2", "--json"], env, tmp_path)
    rows = json.loads(similar.stdout)
    assert [(r["item"], r["unit"], r["tier"]) for r in rows] == [("XC1-1", "hualong", "similar")]
    for args, says in (
        (["onsite", "similar", "99"], 'no problem "99"'),
        (["onsite", "similar", "1e9"], 'no problem "1e9"'),
        (["onsite", "import", str(tmp_path / "nothing.xlsx"), *place], "cannot read"),
        (["onsite", "import", str(sheet), *place, "--date", "2026-02-30"], "--date"),
    ):
        result = run(args, env, tmp_path)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("停车难", encoding="utf-8")
    result = run(["onsite", "import", str(not_excel), *place], env, tmp_path)
    assert result.returncode == 2 and "not an Excel workbook" in result.stderr
