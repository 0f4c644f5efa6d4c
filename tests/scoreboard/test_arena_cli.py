"""``pingyi arena import|freeze|publish|export`` end to end, each in its own process, on a fresh
data folder with two units in a group and an arena: the exported bundle recomputes (``pingyi
arena tally``) to what was frozen; a bad sheet is refused naming the cell, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.scoreboard.conftest import sheet

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from decimal import Decimal
from pingyi.orgs.models import Unit, UnitGroup
from pingyi.scoreboard import services
g = UnitGroup.objects.create(code="g", name="县区")
for n, (code, name) in enumerate([("aa", "甲县"), ("bb", "乙县"), ("cc", "丙县")]):
    g.units.add(Unit.objects.create(code=code, name=name, kind="county", order=n))
a = services.create_arena(key="t", name="擂台", group="g", red_top=1, black_bottom=1)
services.add_indicator(arena=a, key="x", name="增速", weight=Decimal(1), direction="higher",
                       method_name="minmax")
"""


def pingyi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from pingyi.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, check=False,
    )  # fmt: skip


def test_import_freeze_publish_export_and_tally(tmp_path: Path) -> None:
    env = {**os.environ, "PINGYI_DATA_DIR": str(tmp_path / "data"), "PINGYI_LANGUAGE": "en"}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    assert pingyi(env, "migrate").returncode == 0
    done = pingyi(env, "manage", "shell", "-c", SETUP)
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet([["单位", "增速"], ["甲县", "很快"]]))
    done = pingyi(env, "arena", "import", str(bad), "--arena", "t", "--month", "2026-11")
    assert done.returncode == 2
    assert "bad.xlsx: Row 2, cell B2 (甲县, 增速): 很快 is not a number" in done.stderr
    good = tmp_path / "good.xlsx"
    good.write_bytes(sheet([["单位", "增速"], ["甲县", 3], ["乙县", 1], ["丙县", 2]]))
    done = pingyi(env, "arena", "import", str(good), "--arena", "t", "--month", "2026-11")
    assert done.returncode == 0, done.stderr
    assert "3 values imported into 2026-11-t" in done.stdout
    done = pingyi(env, "arena", "publish", "t", "2026-11")
    assert done.returncode == 2 and "Freeze the month 2026-11 before publishing it" in done.stderr
    frozen = pingyi(env, "arena", "freeze", "t", "2026-11")
    assert frozen.returncode == 0, frozen.stderr
    results = json.loads(frozen.stdout)
    assert [r["unit"] for r in results["ranking"]] == ["aa", "cc", "bb"]
    assert results["red"] == ["aa"] and results["black"] == ["bb"]
    assert pingyi(env, "arena", "publish", "t", "2026-11").stdout.strip() == "2026-11-t"
    out = tmp_path / "b.zip"
    assert pingyi(env, "arena", "export", "t", "2026-11", "--out", str(out)).returncode == 0
    again = pingyi(env, "arena", "tally", str(out))
    assert again.returncode == 0 and json.loads(again.stdout) == results
    assert again.stdout == frozen.stdout  # the same bytes
