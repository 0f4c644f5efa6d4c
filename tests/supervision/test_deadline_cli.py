"""``pingyi deadline TEXT… [--year Y] [--assigned YYYY-MM-DD]``: one JSON line per text (the
parser's output plus "text"), in a subprocess as a user runs it; no database, no Django; bad
arguments are one line and exit 2, in the command line's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest


def run(
    *args: str, tmp_path: Path, language: str = "en", **env: str
) -> subprocess.CompletedProcess[bytes]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    # a data folder that does not exist and a database nobody can reach: neither is touched
    environment.update(
        PINGYI_DATA_DIR=str(tmp_path / "no-data"),
        DATABASE_URL="postgres://nobody:secret@127.0.0.1:1/none",
        PINGYI_LANGUAGE=language,
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "pingyi", "deadline", *args],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )


def lines(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_one_json_line_per_text_with_the_text_first(tmp_path: Path) -> None:
    texts = ["9月底前", "８月前", "每周", "①6月底前完成方案；②9月底前完成建设", "尽快", "长期坚持"]
    out = lines(run(*texts, "--year", "2026", tmp_path=tmp_path))
    assert [line["text"] for line in out] == texts
    assert all(list(line)[:2] == ["text", "kind"] for line in out)
    assert out[0] == {
        "text": "9月底前",
        "kind": "date",
        "due": "2026-09-30",
        "every": None,
        "milestones": [],
        "warnings": [],
    }
    assert out[1]["due"] == "2026-07-31" and out[1]["warnings"] == ["ambiguous"]
    assert out[2]["kind"] == "recurring" and out[2]["due"] == "2026-01-02"
    assert out[3]["milestones"] == [
        {"text": "6月底前完成方案", "due": "2026-06-30"},
        {"text": "9月底前完成建设", "due": "2026-09-30"},
    ]
    assert out[4]["kind"] == "unknown" and out[4]["warnings"] == ["not_understood"]
    assert out[5]["kind"] == "ongoing"
    assert not (tmp_path / "no-data").exists()


def test_the_output_is_utf8_json_whatever_the_locale(tmp_path: Path) -> None:
    result = run("2026年9月底前", tmp_path=tmp_path, LANG="C", LC_ALL="C", PYTHONIOENCODING="ascii")
    assert result.stdout.decode("utf-8").startswith('{"text": "2026年9月底前"')


def test_year_and_assigned(tmp_path: Path) -> None:
    texts = ["9月底前", "每周", "1个月内", "本月底", "半年内"]
    out = lines(run(*texts, "--year", "2027", "--assigned", "2027-01-31", tmp_path=tmp_path))
    assert [line["due"] for line in out] == [
        "2027-09-30",  # a written date is of Y
        "2027-02-05",  # the Friday on or after A (a Sunday)
        "2027-02-28",  # 1-31 + 1 month
        "2027-01-31",
        "2027-07-31",
    ]
    # working days follow the State Council's calendar: 国庆 2026, 10-10 worked
    out = lines(
        run("10个工作日内", "--year", "2026", "--assigned", "2026-09-29", tmp_path=tmp_path)
    )
    assert out[0]["due"] == "2026-10-19" and out[0]["warnings"] == []
    # A before Y: the due is kept, with the warning
    out = lines(run("立即", "--year", "2026", "--assigned", "2025-12-30", tmp_path=tmp_path))
    assert out[0]["due"] == "2025-12-30" and out[0]["warnings"] == ["before_list_year"]


def test_defaults_are_this_year_and_its_first_day(tmp_path: Path) -> None:
    year = date.today().year
    out = lines(run("9月底前", "立即", tmp_path=tmp_path))
    assert out[0]["due"] == f"{year}-09-30"
    assert out[1] == {
        "text": "立即",
        "kind": "immediate",
        "due": f"{year}-01-01",
        "every": None,
        "milestones": [],
        "warnings": [],
    }
    # --year alone: A is 1 January of that year
    assert lines(run("立即", "--year", "2030", tmp_path=tmp_path))[0]["due"] == "2030-01-01"


def test_a_text_that_looks_like_an_option_after_the_double_dash(tmp_path: Path) -> None:
    out = lines(run("--year", "2026", "--", "-3月底", tmp_path=tmp_path))
    assert out[0]["text"] == "-3月底" and out[0]["due"] == "2026-03-31"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["9月底", "--year", "26x"], '--year "26x" is not a year'),
        (["9月底", "--year", "0"], '--year "0" is not a year'),
        (["9月底", "--year", "20260"], '--year "20260" is not a year'),
        (["9月底", "--year", ""], '--year "" is not a year'),
        (["9月底", "--assigned", "2026-02-30"], '--assigned "2026-02-30" is not a date'),
        (["9月底", "--assigned", "2026/03/01"], '--assigned "2026/03/01" is not a date'),
        (["9月底", "--assigned", "20260301"], '--assigned "20260301" is not a date'),
        (["9月底", "--assigned", "yesterday"], '--assigned "yesterday" is not a date'),
        (["9月底", "--assigned", "2026-13-01"], '--assigned "2026-13-01" is not a date'),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str], says: str, tmp_path: Path) -> None:
    result = run(*args, tmp_path=tmp_path)
    error = result.stderr.decode("utf-8")
    assert result.returncode == 2, error
    assert result.stdout == b""
    assert error.count("\n") == 1 and "Traceback" not in error
    assert error.startswith("pingyi deadline: ") and says in error, error


def test_errors_follow_the_language(tmp_path: Path) -> None:
    result = run("9月底", "--assigned", "2026-02-30", tmp_path=tmp_path, language="zh")
    error = result.stderr.decode("utf-8")
    assert result.returncode == 2
    assert error == (
        'pingyi deadline: --assigned "2026-02-30" 不是日期：请按 YYYY-MM-DD 填写，'
        "例如 2026-03-01。\n"
    )
    result = run("9月底", "--year", "x", tmp_path=tmp_path, language="zh_CN.UTF-8")
    assert "不是年份" in result.stderr.decode("utf-8")


def test_no_text_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path=tmp_path)
    assert result.returncode == 2 and b"TEXT" in result.stderr
    assert b"Traceback" not in result.stderr


def test_hostile_texts_stay_json(tmp_path: Path) -> None:
    texts = ['"}\n{"kind": "date"', "\u2028", "\x00", "a" * 20000, "９" * 500]
    out = lines(run(*[t for t in texts if "\x00" not in t], tmp_path=tmp_path))
    assert len(out) == 4 and out[0]["text"] == texts[0] and out[0]["kind"] == "unknown"


def test_the_verb_never_sets_django_up(tmp_path: Path) -> None:
    code = (
        "import sys; from pingyi.cli import main; main(['deadline', '9月底前']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
