"""A red notice reaches people with only ``pingyi serve`` running (embedded mode): the sweep
is run on the command line, in its own process; the server's own queue consumer delivers
the messages to a fake WeCom robot, a fake DingTalk robot that checks the signature, and a
real local SMTP server, exactly once each; a second sweep of the day sends nothing.

Every process here is real: ``pingyi units import``, ``lists import``, ``channel add``,
``serve`` and ``supervision sweep`` in subprocesses on a data folder of the test's own."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

from tests.core.queue_helpers import start, stop, wait_for, worker_env
from tests.notifications.conftest import robots, smtp
from tests.notifications.fakes import DINGTALK_SECRET, FakeRobots
from tests.orgs.workbooks import write_workbook
from tests.supervision.workbooks import Item as BookItem
from tests.supervision.workbooks import ListBook

UNITS = [
    ("fgw", "市发展改革委", "发改委", "市直部门", 1, ""),
    ("jtj", "市交通运输局", "交通局", "市直部门", 2, ""),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", *args], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


__all__ = ["robots", "smtp"]  # the fixtures


def test_a_red_notice_reaches_wecom_dingtalk_and_email_once_with_only_serve_running(
    tmp_path: Path, robots: FakeRobots, smtp: Any
) -> None:
    data = tmp_path / "data"
    port = free_port()
    env = worker_env(
        data,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="ducha@example.test",
        PINGYI_PUBLIC_URL="https://pingyi.example.test",
    )
    env.pop("PINGYI_TASK_MODULES")
    run(env, "units", "import", str(write_workbook(tmp_path / "units.xlsx", UNITS)))
    book = ListBook(entries=[
        BookItem(1, "重点项目开工", leader="李副市长", lead="市发展改革委",
                 co="市交通运输局", deadline="10月9日前"),
    ])
    (tmp_path / "list.xlsx").write_bytes(book.bytes())
    run(env, "lists", "import", str(tmp_path / "list.xlsx"), "--assigned", "2026-09-01",
        "--cadence", "none", "--key", "tasks")
    run(env, "channel", "add", "wecom", "--unit", "fgw", "--url", robots.wecom_url())
    run(env, "channel", "add", "dingtalk", "--leader", "李副市长", "--url",
        robots.dingtalk_url(), "--secret", DINGTALK_SECRET)
    run(env, "channel", "add", "email", "--unit", "fgw", "--to", "fgw@example.test")
    # the co-unit's channel: a red notice is not for it
    other = robots.wecom_url("1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d")
    run(env, "channel", "add", "wecom", "--unit", "jtj", "--url", other)

    server = start(["serve", "--port", str(port), "--workers", "1"], env, tmp_path / "serve.log")
    try:
        assert wait_for(lambda: _answers(port), 60), (tmp_path / "serve.log").read_text()
        started = time.monotonic()
        out = run(env, "supervision", "sweep", "--today", "2026-10-10")
        assert "督〔2026〕1号" in out

        def all_three() -> bool:
            return len(robots.of("wecom")) >= 1 and len(robots.of("dingtalk")) >= 1 and (
                len(smtp.messages) >= 1
            )

        assert wait_for(all_three, 60, 0.2), (
            robots.received, robots.refused, smtp.messages, (tmp_path / "serve.log").read_text()
        )
        took = time.monotonic() - started
        assert took < 60
        # a second sweep of the day: nothing changes, nothing is sent
        out = run(env, "supervision", "sweep", "--today", "2026-10-10")
        assert "nothing changed" in out
        time.sleep(5)  # time for anything wrongly queued to arrive
    finally:
        stop(server)

    [wecom] = robots.of("wecom")  # fgw's robot only: the co-unit's got nothing
    assert "key=" + "693a91f6" in "key=" + wecom.query.get("key", "")
    assert "督〔2026〕1号" in wecom.text and "https://pingyi.example.test/" in wecom.text
    [dingtalk] = robots.of("dingtalk")
    assert "督〔2026〕1号" in dingtalk.text and dingtalk.query.get("sign")
    assert robots.refused == []
    [mail] = smtp.messages
    assert mail["X-Rcpt"] == "fgw@example.test"
    assert "督〔2026〕1号" in str(make_header(decode_header(mail["Subject"])))


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
            return bool(s.recv(12))
    except OSError:
        return False
