"""``deploy/``: the nginx site and the systemd units, checked for real (docs/deploy.md).

- ``nginx -t`` accepts ``deploy/nginx/pingyi.conf`` inside a minimal ``nginx.conf`` (a
  throw-away self-signed certificate, every path in ``tmp_path``: it runs as any user), and
  refuses a broken copy (the check can fail).
- A real nginx in front of a real ``pingyi serve``, over TLS: ``/healthz`` answers 200 (so
  ``X-Forwarded-Proto`` reaches pingyi: with ``PINGYI_HTTPS`` it would redirect otherwise);
  plain HTTP is redirected; a sign-in works through it (the ``Host`` that the CSRF check
  compares with ``Origin``); a live stream delivers a ballot's count at once, not when a
  buffer fills; and the adversary reading nginx's logs finds no ballot path, token or
  receipt, while the other pages are there.
- ``systemd-analyze verify`` accepts the units without a warning (skipped where there is
  no systemd-analyze: CI does not start these services).

nginx: ``.ci/run`` installs ``nginx-light``; without it these tests skip (fail under CI).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "pingyi.conf"
UNITS = ["pingyi.service", "pingyi-worker.service", "pingyi-backup.service", "pingyi-backup.timer"]
SECRETS = [f"SeCrEt{n}x" for n in range(1, 9)]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def need(tool: str, *, where: str = "") -> str:
    path = shutil.which(tool) or (where if where and Path(where).exists() else None)
    if path is None:
        reason = f"{tool} is missing (apt-get install nginx-light)"
        if in_ci() and tool == "nginx":
            pytest.fail(f"{reason}: CI is set, it may not be skipped", pytrace=False)
        pytest.skip(reason)
    return path


def nginx() -> str:
    return need("nginx", where="/usr/sbin/nginx")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for localhost and 127.0.0.1 (``cryptography``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _replace(text: str, old: str, new: str, count: int) -> str:
    """Replace a placeholder of the site that must be there ``count`` times: a change of
    the site that this test would no longer exercise fails here, loudly."""
    assert text.count(old) == count, f"{SITE}: expected {count}x {old!r}, found {text.count(old)}"
    return text.replace(old, new)


@dataclass
class Nginx:
    folder: Path
    conf: Path
    http_port: int
    https_port: int
    cert: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "logs" / "pingyi.access.log"

    @property
    def error_log(self) -> Path:
        return self.folder / "logs" / "pingyi.error.log"

    def logs(self) -> str:
        return "".join(
            p.read_text(errors="replace") for p in sorted((self.folder / "logs").glob("*"))
        )

    def command(self, *args: str) -> list[str]:
        logs = self.folder / "logs"
        return [
            nginx(),
            "-c",
            str(self.conf),
            "-p",
            str(self.folder),
            "-e",
            str(logs / "main.log"),
            *args,
        ]


def make_nginx(folder: Path, *, upstream_port: int, site_text: str | None = None) -> Nginx:
    """The site as shipped, with only its placeholders replaced, in a minimal nginx.conf."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("logs", "tmp", "acme"):
        (folder / sub).mkdir(exist_ok=True)
    cert, key = self_signed(folder)
    http_port, https_port = free_port(), free_port()
    text = SITE.read_text() if site_text is None else site_text
    text = _replace(text, "    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n", 1)
    text = _replace(text, "    listen [::]:80;\n", "", 1)
    text = _replace(
        text, "    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n", 1
    )
    text = _replace(text, "    listen [::]:443 ssl http2;\n", "", 1)
    text = _replace(text, "/etc/ssl/pingyi/fullchain.pem", str(cert), 1)
    text = _replace(text, "/etc/ssl/pingyi/privkey.pem", str(key), 1)
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};", 1)
    text = _replace(text, "/var/log/nginx/", f"{folder}/logs/", 5)
    text = _replace(text, "/var/www/letsencrypt", str(folder / "acme"), 1)
    site = folder / "pingyi.conf"
    site.write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as root only if we are root
    tmp = folder / "tmp"
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/logs/main.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  access_log {folder}/logs/default.access.log;\n"
        f"  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fastcgi;\n  uwsgi_temp_path {tmp}/uwsgi;\n"
        f"  scgi_temp_path {tmp}/scgi;\n"
        f"  include {site};\n"
        "}\n"
    )
    return Nginx(folder, conf, http_port, https_port, cert)


# --- nginx -t ---------------------------------------------------------------------------------


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    server = make_nginx(tmp_path / "nginx", upstream_port=free_port())
    result = subprocess.run(server.command("-t"), capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "syntax is ok" in output and "test is successful" in output, output
    assert "[warn]" not in output and "[emerg]" not in output, output


def test_nginx_t_refuses_a_broken_site(tmp_path: Path) -> None:
    """The check can fail: a site with a typo in a directive is refused."""
    broken = SITE.read_text().replace("proxy_buffering off;", "proxy_bufering off;", 1)
    server = make_nginx(tmp_path / "nginx", upstream_port=free_port(), site_text=broken)
    result = subprocess.run(server.command("-t"), capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "proxy_bufering" in result.stderr, result.stderr


def test_the_site_keeps_its_promises_on_paper() -> None:
    """What the live test cannot see: TLS 1.2/1.3 only, no old protocol; IPv6 listens too."""
    text = SITE.read_text()
    assert re.search(r"^\s*ssl_protocols TLSv1\.2 TLSv1\.3;$", text, re.M)
    assert "TLSv1.1" not in text and "SSLv3" not in text
    assert "return 301 https://$host$request_uri;" in text
    assert text.count("proxy_buffering off;") == 1


# --- a real nginx in front of a real pingyi serve ----------------------------------------------


@dataclass
class Stack:
    nginx: Nginx
    base: str
    data: Path
    env: dict[str, str]
    tokens: list[str]

    def client(self, **kwargs: Any) -> Any:
        import httpx

        context = ssl.create_default_context(cafile=str(self.nginx.cert))
        return httpx.Client(base_url=self.base, verify=context, timeout=30, **kwargs)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """``pingyi serve`` (embedded, PINGYI_HTTPS=true as in pingyi.service) on a fresh data
    folder with an open meeting of 4 cards, and nginx in front of it."""
    nginx()
    from benchmarks.harness import pingyi_cli, pingyi_command, pingyi_env, prepare_event

    folder = tmp_path_factory.mktemp("deploy")
    data = folder / "data"
    upstream = free_port()
    env = pingyi_env(
        data,
        PINGYI_HTTPS="true",
        PINGYI_TRUSTED_PROXIES="127.0.0.1",
        ALLOWED_HOSTS="localhost",
        PINGYI_HOST="127.0.0.1",
        PINGYI_PORT=str(upstream),
        PINGYI_WORKERS="1",
        PINGYI_LIVE_HEARTBEAT="5",
    )
    cards = prepare_event(env, "nx", 4, workdir=folder)
    pingyi_cli(
        {**env, "PINGYI_PASSWORD": PASSWORD}, "user", "add", "deploy-office", "--role", "office"
    )
    server = make_nginx(folder / "nginx", upstream_port=upstream)
    proxy = subprocess.Popen(server.command("-g", "daemon off;"), start_new_session=True)
    log = (folder / "serve.log").open("wb")
    serve = subprocess.Popen(
        [*pingyi_command(), "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = Stack(
        server, f"https://localhost:{server.https_port}", data, env, [c.token for c in cards]
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        with stack.client() as http:
            while time.monotonic() < deadline:
                assert serve.poll() is None, (folder / "serve.log").read_text()
                assert proxy.poll() is None, server.logs()
                try:
                    status = http.get("/healthz").status_code
                except OSError:
                    status = None
                if status == 200:
                    break
                time.sleep(0.3)
        assert status == 200, f"{status}\n{(folder / 'serve.log').read_text()}\n{server.logs()}"
        yield stack
    finally:
        _stop(serve)
        _stop(proxy)
        log.close()


PASSWORD = "Qv7-Harbor-lantern-91!"


def test_healthz_through_nginx_over_tls(stack: Stack) -> None:
    with stack.client() as http:
        response = http.get("/healthz")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ok"
        assert http.head("/healthz").status_code == 200
    context = ssl.create_default_context(cafile=str(stack.nginx.cert))
    with (
        socket.create_connection(("127.0.0.1", stack.nginx.https_port)) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() in {"TLSv1.2", "TLSv1.3"}
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(stack.nginx.cert))
    with warnings.catch_warnings():  # TLS 1.1 is deprecated: that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")
    with (
        socket.create_connection(("127.0.0.1", stack.nginx.https_port)) as raw,
        pytest.raises(ssl.SSLError),
    ):
        old.wrap_socket(raw, server_hostname="localhost")


def test_plain_http_is_redirected_to_https(stack: Stack) -> None:
    import httpx

    answer = httpx.get(f"http://localhost:{stack.nginx.http_port}/meeting/?x=1", timeout=10)
    assert answer.status_code == 301
    assert answer.headers["location"] == "https://localhost/meeting/?x=1"


def _sign_in(http: Any) -> None:
    page = http.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    answer = http.post(
        "/accounts/login/",
        data={"username": "deploy-office", "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={
            "Referer": f"{http.base_url}accounts/login/",
            "Origin": str(http.base_url).rstrip("/"),
        },
    )
    assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])


def _cast(line: str) -> int:
    """The ballots cast in a stream's ``data:`` line of counts (0 for any other line)."""
    if not line.startswith("data:") or '"cast"' not in line:
        return 0
    return int(json.loads(line[5:]).get("cast", 0))


def test_a_live_stream_through_nginx_delivers_a_ballot_at_once(stack: Stack) -> None:
    """Signed in through nginx, a meeting screen's stream is open; a ballot cast through
    nginx reaches it well before any buffer would fill or the heartbeat (5 s) would push it."""
    from benchmarks.harness import Card, ballot_bodies

    with stack.client() as http:
        _sign_in(http)
        with http.stream("GET", "/meeting/nx/stream", timeout=30) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            seen: list[str] = []
            for line in lines:  # the opening state: 0 cast
                seen.append(line)
                if line.startswith("data:") and '"cast"' in line:
                    break
            [body] = ballot_bodies([Card(stack.tokens[0], "")])
            with stack.client() as phone:
                cast = phone.post("/api/v1/ballots", json=body)
            sent = time.monotonic()
            assert cast.status_code == 201, cast.text
            for line in lines:
                if _cast(line) >= 1:
                    break
            took = time.monotonic() - sent
    print(f"\nballot through nginx → its count on the stream through nginx: {took * 1000:.0f} ms")
    assert took < 2.0, took


def _raw(port: int, target: str, *, cert: Path | None, method: str = "GET") -> int:
    """One request for ``target`` exactly as written (no client normalises it)."""
    import http.client

    if cert is None:
        conn: http.client.HTTPConnection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    else:
        context = ssl.create_default_context(cafile=str(cert))
        conn = http.client.HTTPSConnection("localhost", port, timeout=30, context=context)
    try:
        conn.putrequest(method, target, skip_host=True)
        conn.putheader("Host", "localhost" if cert is None else f"localhost:{port}")
        body = b'{"token": "x", "scores": {}}' if method == "POST" else b""
        if body:
            conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        response.read()
        return int(response.status)
    finally:
        conn.close()


def _phone_requests(server: Nginx, *, expect_answer: bool) -> None:
    """Every spelling of a phone's path, with a secret in its URL, over HTTPS and HTTP."""
    secret = iter(SECRETS)
    for target in (
        f"/b/?token={next(secret)}",
        f"/b?t={next(secret)}",
        f"//b/?t={next(secret)}",
        f"/%62/?t={next(secret)}",
        f"/api/v1/cards/lookup?token={next(secret)}",
        f"/results/nx/receipt?code={next(secret)}",
    ):
        status = _raw(server.https_port, target, cert=server.cert)
        assert (status < 500) if expect_answer else (status == 502), (target, status)
    status = _raw(
        server.https_port, f"/api/v1/ballots?token={next(secret)}", cert=server.cert, method="POST"
    )
    assert (400 <= status < 500) if expect_answer else (status == 502), status
    assert _raw(server.http_port, f"/b/?t={next(secret)}", cert=None) == 301


def _assert_no_phone_in(logs: str) -> None:
    for word in SECRETS:
        assert word not in logs, (word, logs)
    for word in ("/b/", "/b?", "//b", "/api/v1/ballots", "/api/v1/cards", "/receipt", "%62"):
        assert word not in logs, (word, logs)


def test_the_logs_hold_no_ballot_path_token_or_receipt(stack: Stack) -> None:
    """The adversary reads nginx's logs after the meeting: no phone's request is in them,
    however the URL is spelled; other pages are."""
    _phone_requests(stack.nginx, expect_answer=True)
    assert (
        _raw(stack.nginx.https_port, "/accounts/login/?probe=VISIBLE1", cert=stack.nginx.cert)
        == 200
    )
    assert _raw(stack.nginx.http_port, "/accounts/login/?probe=VISIBLE2", cert=None) == 301
    assert _raw(stack.nginx.https_port, "/healthz", cert=stack.nginx.cert) == 200
    time.sleep(0.3)  # nginx writes its log lines as requests end
    _assert_no_phone_in(stack.nginx.logs())
    access = stack.nginx.access_log.read_text()
    assert "GET /accounts/login/?probe=VISIBLE1 " in access
    assert "GET /accounts/login/?probe=VISIBLE2 " in access
    assert "/healthz" not in access  # polled every few seconds: not logged


def test_a_pingyi_that_is_down_logs_no_phone_either(tmp_path: Path) -> None:
    """pingyi restarting during the meeting: nginx answers 502 and writes an error line per
    request, naming it. Not for the phone's paths; the other pages' errors are there."""
    server = make_nginx(tmp_path / "nginx", upstream_port=free_port())  # nothing listens
    proxy = subprocess.Popen(server.command("-g", "daemon off;"), start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                _raw(server.https_port, "/accounts/login/?probe=DOWN1", cert=server.cert)
                break
            except OSError:
                time.sleep(0.1)
        _phone_requests(server, expect_answer=False)
        time.sleep(0.3)
    finally:
        _stop(proxy)
    logs = server.logs()
    _assert_no_phone_in(logs)
    assert "/accounts/login/?probe=DOWN1" in server.error_log.read_text()  # errors are logged


# --- systemd ----------------------------------------------------------------------------------


def _units_for_verify(folder: Path, *, break_one: bool = False) -> list[Path]:
    """The units, with ExecStart pointing at this checkout's pingyi (verify checks that the
    program exists; /opt/pingyi/venv is where docs/deploy.md installs it)."""
    pingyi = Path(sys.executable).with_name("pingyi")
    paths = []
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        if name.endswith(".service"):
            text = _replace(text, "/opt/pingyi/venv/bin/pingyi", str(pingyi), 1)
        if break_one and name == "pingyi.service":
            text = text.replace("ProtectSystem=strict", "ProtectSytem=strict")
        path = folder / name
        path.write_text(text)
        paths.append(path)
    return paths


def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("no systemd-analyze here (CI starts no systemd service): not verified")
    if not Path(sys.executable).with_name("pingyi").exists():
        pytest.skip("no pingyi console script beside this Python")
    units = _units_for_verify(tmp_path)
    result = subprocess.run(
        [tool, "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    result = subprocess.run(
        [tool, "verify", *map(str, _units_for_verify(broken, break_one=True))],
        capture_output=True,
        text=True,
        check=False,
        cwd=broken,
    )
    assert "ProtectSytem" in result.stderr  # the check sees a typo (the test can fail)


def test_the_units_run_pingyi_as_documented() -> None:
    """The promises of docs/deploy.md: a user of its own, the data folder, sandboxing."""
    service = (DEPLOY / "pingyi.service").read_text()
    for line in (
        "User=pingyi",
        "WorkingDirectory=/var/lib/pingyi",
        "Environment=PINGYI_DATA_DIR=/var/lib/pingyi",
        "ExecStart=/opt/pingyi/venv/bin/pingyi serve",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/pingyi",
        "PrivateTmp=yes",
        "ProtectHome=yes",
    ):
        assert re.search(rf"^{re.escape(line)}$", service, re.M), line
    worker = (DEPLOY / "pingyi-worker.service").read_text()
    assert re.search(r"^ExecStart=/opt/pingyi/venv/bin/pingyi worker$", worker, re.M)
    backup = (DEPLOY / "pingyi-backup.service").read_text()
    assert "ExecStart=/opt/pingyi/venv/bin/pingyi backup /var/backups/pingyi/" in backup
    assert "ReadWritePaths=/var/lib/pingyi /var/backups/pingyi" in backup
    timer = (DEPLOY / "pingyi-backup.timer").read_text()
    assert "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer
