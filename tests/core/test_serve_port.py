"""A second ``pingyi serve`` on a port that is taken refuses to start (granian listens with
SO_REUSEPORT: without the check it started silently and took half the requests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from pingyi.core.commandline import CliError
from pingyi.core.server import ensure_port_free
from tests.core import queue_helpers as h
from tests.core.test_tasks_serve import _answers, served

__all__ = ["served"]

pytestmark = pytest.mark.skipif(
    os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() == "postgres",
    reason="the embedded server is tested once, in the SQLite session",
)


def test_a_second_serve_on_a_taken_port_refuses_and_the_first_keeps_serving(
    served: tuple, tmp_path: Path
) -> None:
    server, _data, _log = served
    port = int(server.args[server.args.index("--port") + 1])
    other = h.migrated_folder(h.session_template(), tmp_path / "other")
    env = h.worker_env(other, PINGYI_WORKERS="1", PINGYI_THREADS="2", PINGYI_LANGUAGE="en")
    second = subprocess.run(
        [sys.executable, "-m", "pingyi", "serve", "--port", str(port)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert second.returncode == 1, second.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in second.stderr
    assert "Traceback" not in second.stderr
    assert _answers(port)  # the first one never noticed


def test_a_port_held_by_any_program_is_refused() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with translation.override("en"), pytest.raises(CliError, match="already in use") as refused:
            ensure_port_free("127.0.0.1", port)
        assert refused.value.code == 1
        with translation.override("zh-hans"), pytest.raises(CliError, match="已被占用"):
            ensure_port_free("127.0.0.1", port)
    ensure_port_free("127.0.0.1", port)  # free again: no refusal


def test_an_address_that_is_not_ours_is_named() -> None:
    with translation.override("en"), pytest.raises(CliError, match=r"192\.0\.2\.1"):
        ensure_port_free("192.0.2.1", 8000)  # TEST-NET-1: never a local address
