"""``pingyi channel add|test|list`` in a real subprocess on a fresh data folder, against the
fake robots."""

from __future__ import annotations

from pathlib import Path

from tests.notifications.fakes import DINGTALK_SECRET, DINGTALK_TOKEN, FakeRobots
from tests.orgs.workbooks import GOOD_ROWS, workbook_bytes
from tests.test_cli import fresh_env, run


def _folder(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "data"
    data.mkdir()
    env = fresh_env(data)
    units = tmp_path / "units.xlsx"
    units.write_bytes(workbook_bytes(GOOD_ROWS))
    assert run(["units", "import", str(units)], env, tmp_path).returncode == 0
    return env


def test_add_test_and_list_a_signed_dingtalk_robot(robots: FakeRobots, tmp_path: Path) -> None:
    env = _folder(tmp_path)
    added = run(
        [
            "channel",
            "add",
            "dingtalk",
            "--office",
            "--url",
            robots.dingtalk_url(),
            "--secret",
            DINGTALK_SECRET,
            "--label",
            "督查室群",
        ],
        env,
        tmp_path,
    )
    assert added.returncode == 0, added.stderr
    lines = added.stdout.strip().splitlines()
    assert lines[-1] == "1"  # the channel id, last
    assert DINGTALK_TOKEN not in added.stdout and DINGTALK_SECRET not in added.stdout
    tested = run(["channel", "test", "1"], env, tmp_path)
    assert tested.returncode == 0, tested.stderr
    assert "sent" in tested.stdout
    [got] = robots.of("dingtalk")
    assert "测试消息" in got.text
    listed = run(["channel", "list"], env, tmp_path)
    assert listed.returncode == 0
    assert f"access_token={DINGTALK_TOKEN[:4]}****" in listed.stdout
    assert DINGTALK_TOKEN not in listed.stdout + listed.stderr


def test_a_failing_test_exits_1_with_the_robots_answer(robots: FakeRobots, tmp_path: Path) -> None:
    env = _folder(tmp_path)
    run(
        [
            "channel",
            "add",
            "dingtalk",
            "--office",
            "--url",
            robots.dingtalk_url(),
            "--secret",
            "SECnotthesecret",
        ],
        env,
        tmp_path,
    )
    tested = run(["channel", "test", "1"], env, tmp_path)
    assert tested.returncode == 1
    assert "310000" in tested.stderr and "sign not match" in tested.stderr
    assert "Traceback" not in tested.stderr


def test_an_unknown_unit_code_names_the_closest(tmp_path: Path) -> None:
    env = _folder(tmp_path)
    code = GOOD_ROWS[1][0]  # the first unit's code, misspelt
    result = run(
        ["channel", "add", "email", "--unit", f"{code}x", "--to", "a@example.test"], env, tmp_path
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert f"{code}x" in line and code in line.split("closest")[1]


def test_a_url_of_the_wrong_shape_says_what_is_expected(tmp_path: Path) -> None:
    env = _folder(tmp_path)
    result = run(
        [
            "channel",
            "add",
            "feishu",
            "--leader",
            "张三",
            "--url",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOPSECRET123",
        ],
        env,
        tmp_path,
    )
    assert result.returncode == 2
    assert "open.feishu.cn/open-apis/bot/v2/hook/" in result.stderr
    assert "TOPSECRET123" not in result.stderr
    result = run(["channel", "add", "email", "--office", "--url", "https://x/y"], env, tmp_path)
    assert result.returncode == 2 and "--to" in result.stderr
