"""The address printed on cards made on the command line (``pingyi tokens``, ``pingyi cards``).

Without ``PINGYI_PUBLIC_URL`` (or ``--public-url``) both verbs fall back to where ``pingyi
serve`` answers with the same environment, and both warn, with one message from one rule
(``cards.command_line_public_url``). The fallback is checked against serve's own option
defaults, and end to end: the URL ``pingyi tokens`` prints is opened on ``pingyi serve``.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.utils import translation

from pingyi.appraisal.casting.cards import command_line_public_url
from pingyi.cli import build_parser
from tests.appraisal.factories import event_json
from tests.test_cli import _free_port, fresh_env, run

ONLY_HERE = "only this computer can open"
CHECK = "check that phones in the hall can open it"


@pytest.fixture
def no_public_url(settings, monkeypatch):
    settings.PUBLIC_URL = ""
    for name in ("PINGYI_HOST", "PINGYI_PORT", "PINGYI_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    with translation.override("en"):
        yield monkeypatch


def test_default_is_where_serve_answers(no_public_url) -> None:
    serve = build_parser().parse_args(["serve"])
    url, warning = command_line_public_url()
    assert url == f"http://{serve.host}:{serve.port}" == "http://127.0.0.1:8000"
    assert warning is not None and url in warning and ONLY_HERE in warning
    assert "PINGYI_PUBLIC_URL" in warning


@pytest.mark.parametrize(
    ("host", "port", "expected", "says"),
    [
        ("192.0.2.10", "8080", "http://192.0.2.10:8080", CHECK),
        ("pingyi-server", None, "http://pingyi-server:8000", CHECK),
        ("localhost", "9000", "http://localhost:9000", ONLY_HERE),
        ("::1", None, "http://[::1]:8000", ONLY_HERE),
        ("2001:db8::5", None, "http://[2001:db8::5]:8000", CHECK),
    ],
)
def test_follows_serves_host_and_port(no_public_url, host, port, expected, says) -> None:
    no_public_url.setenv("PINGYI_HOST", host)
    if port:
        no_public_url.setenv("PINGYI_PORT", port)
    serve = build_parser().parse_args(["serve"])
    assert (serve.host, str(serve.port)) == (host, port or "8000")
    url, warning = command_line_public_url()
    assert url == expected
    assert warning is not None and says in warning


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::", ""])
def test_a_wildcard_host_becomes_this_machines_address(no_public_url, wildcard) -> None:
    no_public_url.setenv("PINGYI_HOST", wildcard)
    url, warning = command_line_public_url()
    host = url.removeprefix("http://").rsplit(":", 1)[0]
    assert host not in {"0.0.0.0", "[::]", ""}
    assert url.endswith(":8000") and warning is not None


def test_a_chosen_address_needs_no_warning(settings, monkeypatch) -> None:
    settings.PUBLIC_URL = "https://pingyi.example.gov.cn"
    assert command_line_public_url() == ("https://pingyi.example.gov.cn", None)
    assert command_line_public_url("http://192.0.2.1:8000/") == ("http://192.0.2.1:8000", None)


def _serve_answers(url: str, env: dict[str, str], cwd: Path) -> int:
    log = (cwd / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "pingyi", "serve"], env=env, cwd=cwd, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url) as response:
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return exc.code
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        log.seek(0)
        raise AssertionError(f"pingyi serve did not answer {url}:\n{log.read()}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_tokens_warn_like_cards_and_point_at_the_server(tmp_path: Path) -> None:
    """``pingyi tokens`` used to print the host's name and port 8000, silently, while
    ``pingyi serve`` listened on 127.0.0.1: now it warns as ``pingyi cards`` does, and
    its URL opens the ballot page on ``pingyi serve`` started with the same environment."""
    port = str(_free_port())
    env = fresh_env(tmp_path / "data", PINGYI_PORT=port, PINGYI_WORKERS="1")
    (tmp_path / "event.json").write_text(event_json(), encoding="utf-8")
    assert run(["event", "import", str(tmp_path / "event.json")], env, tmp_path).returncode == 0
    tokens = run(["tokens", "t1", "--panel", "leaders", "--count", "2"], env, tmp_path)
    assert tokens.returncode == 0, tokens.stderr
    rows = list(csv.DictReader(io.StringIO(tokens.stdout)))
    assert len(rows) == 2
    base = f"http://127.0.0.1:{port}"
    assert all(row["url"] == f"{base}/b/#{row['token']}" for row in rows)
    warning = next(line for line in tokens.stderr.splitlines() if "PINGYI_PUBLIC_URL" in line)
    assert warning.startswith("pingyi tokens: ") and base in warning and ONLY_HERE in warning
    # pingyi cards says the same thing, from the same rule
    cards = run(
        [
            "cards",
            "t1",
            "--panel",
            "leaders",
            "--count",
            "1",
            "--out",
            str(tmp_path / "c.pdf"),
            "--language",
            "en",
        ],
        env,
        tmp_path,
    )
    assert cards.returncode == 0, cards.stderr
    assert f"pingyi cards: {warning.removeprefix('pingyi tokens: ')}" in cards.stderr.splitlines()
    # the printed address is where the server answers: the phone's ballot page
    assert _serve_answers(rows[0]["url"].split("#")[0], env, tmp_path) == 200


def test_tokens_with_a_public_url_are_quiet_and_a_bad_one_issues_nothing(tmp_path: Path) -> None:
    env = fresh_env(tmp_path / "data")
    (tmp_path / "event.json").write_text(event_json(), encoding="utf-8")
    run(["event", "import", str(tmp_path / "event.json")], env, tmp_path)
    quiet = run(
        ["tokens", "t1", "--panel", "leaders", "--count", "1"],
        {**env, "PINGYI_PUBLIC_URL": "https://pingyi.example.gov.cn/"},
        tmp_path,
    )
    assert quiet.returncode == 0 and "PINGYI_PUBLIC_URL" not in quiet.stderr, quiet.stderr
    assert "https://pingyi.example.gov.cn/b/#" in quiet.stdout
    bad = run(
        ["tokens", "t1", "--panel", "leaders", "--count", "1", "--public-url", "pingyi.local"],
        env,
        tmp_path,
    )
    assert bad.returncode == 2 and "http://" in bad.stderr and bad.stdout == ""
    # nothing was issued: one card in all (from the quiet run)
    counted = run(
        [
            "manage",
            "shell",
            "-c",
            "from pingyi.appraisal.models import BallotCard; print(BallotCard.objects.count())",
        ],
        env,
        tmp_path,
    )
    assert counted.stdout.strip().splitlines()[-1] == "1", counted.stderr
