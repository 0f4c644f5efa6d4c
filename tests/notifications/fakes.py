"""Fake chat robots on 127.0.0.1 that check what the real ones check, and an SMTP server.

:class:`FakeRobots` is one threaded HTTP server answering as WeCom
(``/cgi-bin/webhook/send?key=K``), DingTalk (``/robot/send?access_token=T&timestamp&sign``)
and Feishu (``/open-apis/bot/v2/hook/T``, ``timestamp`` and ``sign`` in the body). It verifies
each token and signature itself, from the robot's docs (not by calling our signing code):
a wrong or missing signature, or a timestamp more than an hour off, is refused with the
robot's own error code, as the real ones do. Each accepted message is recorded. ``mode``
makes it misbehave: ``"500"``, ``"errcode"`` (HTTP 200 with an error), ``"stall"`` (answers
only after ``stall_seconds``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "8f0a1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f"
DINGTALK_SECRET = "SECd4b1a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2"
FEISHU_TOKEN = "2c8e1f5a-3b7d-4e9f-a1c2-d3e4f5a6b7c8"
FEISHU_SECRET = "qG5sFeIshUsEcReT7xYz"


@dataclass
class Received:
    robot: str
    body: dict[str, Any]
    query: dict[str, str]

    @property
    def text(self) -> str:
        if self.robot == "wecom":
            return str(self.body["markdown"]["content"])
        if self.robot == "dingtalk":
            return str(self.body["markdown"]["text"])
        post = self.body["content"]["post"]["zh_cn"]
        return post["title"] + "\n" + "\n".join(p[0]["text"] for p in post["content"])


@dataclass
class FakeRobots:
    mode: str = "ok"
    stall_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def wecom_url(self, key: str = WECOM_KEY) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={key}"

    def dingtalk_url(self, token: str = DINGTALK_TOKEN) -> str:
        return f"{self.base}/robot/send?access_token={token}"

    def feishu_url(self, token: str = FEISHU_TOKEN) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{token}"

    def of(self, robot: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.robot == robot]

    # -- the checks the real robots make --------------------------------------------------

    def answer(
        self, path: str, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
        if self.mode == "stall":
            time.sleep(self.stall_seconds)
        if self.mode == "500":
            return 500, {"error": "internal"}
        if path == "/cgi-bin/webhook/send":
            robot, error = "wecom", self._wecom(query, body)
        elif path == "/robot/send":
            robot, error = "dingtalk", self._dingtalk(query, body)
        elif path.startswith("/open-apis/bot/v2/hook/"):
            robot, error = "feishu", self._feishu(path.rsplit("/", 1)[1], body)
        else:
            return 404, {}
        if error is None and self.mode == "errcode":
            error = "93000: simulated robot error"
        if error is not None:
            with self.lock:
                self.refused.append((robot, error))
            code = int(error.split(":")[0])
            return 200, (
                {"code": code, "msg": error}
                if robot == "feishu"
                else {"errcode": code, "errmsg": error}
            )
        with self.lock:
            self.received.append(Received(robot, body, query))
        return 200, (
            {"code": 0, "msg": "success"} if robot == "feishu" else {"errcode": 0, "errmsg": "ok"}
        )

    @staticmethod
    def _wecom(query: dict[str, str], body: dict[str, Any]) -> str | None:
        if query.get("key") != WECOM_KEY:
            return "93000: invalid webhook url"
        content = body.get("markdown", {}).get("content", "")
        if body.get("msgtype") != "markdown" or not content:
            return "40008: invalid message type"
        if len(content.encode("utf-8")) > 4096:
            return "40058: markdown.content exceed max length 4096"
        return None

    @staticmethod
    def _dingtalk(query: dict[str, str], body: dict[str, Any]) -> str | None:
        if query.get("access_token") != DINGTALK_TOKEN:
            return "300001: token is not exist"
        timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
        if not timestamp.isdigit() or not sign:
            return "310000: sign not match"
        if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
            return "310000: timestamp too far from now"
        expected = base64.b64encode(
            hmac.new(
                DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        if not hmac.compare_digest(sign, expected):  # the query is already URL-decoded
            return "310000: sign not match"
        if body.get("msgtype") != "markdown" or not body["markdown"].get("title"):
            return "40035: missing title"
        return None

    @staticmethod
    def _feishu(token: str, body: dict[str, Any]) -> str | None:
        if token != FEISHU_TOKEN:
            return "19001: param invalid: incoming webhook access token invalid"
        timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
        if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > 3600:
            return "19021: sign match fail or timestamp is not within one hour from current time"
        key = f"{timestamp}\n{FEISHU_SECRET}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(sign, expected):
            return "19021: sign match fail or timestamp is not within one hour from current time"
        if body.get("msg_type") != "post":
            return "9499: bad request"
        return None

    # -- the server -----------------------------------------------------------------------

    def start(self) -> FakeRobots:
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                status, answer = robots.answer(parts.path, query, body)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
