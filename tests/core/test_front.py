"""The ASGI front of ``pingyi serve`` (pingyi/core/front.py), driven as the server drives it.

What it promises (docs/performance.md, "Serving"; docs/anonymity.md): no thread sees a
request before its whole body is in, a body too big or too slow is refused without the
application, requests reach the application in arrival order, a live stream handed over
by a view is streamed by the loop with the hand-over header removed, and the access log is
off by default and never names the phone's paths unless asked to.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.hostile import run_async
from pingyi.core import front
from pingyi.core.front import Front, build_environ, logged


class Recorder:
    """A WSGI application that notes what it saw and answers ``200 ok``."""

    def __init__(self, *, headers: list[tuple[str, str]] | None = None, body: bytes = b"ok"):
        self.calls: list[dict[str, Any]] = []
        self.headers = headers or [("Content-Type", "text/plain")]
        self.body = body
        self.lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        seen = dict(environ)
        seen["body"] = environ["wsgi.input"].read()
        seen["thread"] = threading.current_thread().name
        with self.lock:
            self.calls.append(seen)
        start_response("200 OK", self.headers)
        return [self.body]


def scope(
    path: str = "/x",
    method: str = "POST",
    headers: list[tuple[bytes, bytes]] | None = None,
    query: bytes = b"",
) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": headers or [],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("10.1.2.3", 54321),
    }


async def call(
    app: Front, the_scope: dict[str, Any], chunks: list[bytes] | Callable[[], Any]
) -> tuple[int, dict[bytes, bytes], bytes]:
    """Run one request through ``app``; ``chunks`` are the body's messages (or a receive)."""
    sent: list[dict[str, Any]] = []
    if callable(chunks):
        receive = chunks
    else:
        messages = [
            {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
            for i, c in enumerate(chunks or [b""])
        ]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await asyncio.sleep(3600)  # the client stays connected
            return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(the_scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


def run(coro: Any) -> Any:
    # in a thread of its own: Playwright's sync API may have a loop running in this one
    return run_async(coro)


def test_a_body_over_the_cap_is_refused_as_json_before_the_application_runs() -> None:
    app_ = Recorder()
    app = Front(app_, threads=2, max_body=1000)
    declared = scope("/api/v1/ballots", headers=[(b"content-length", b"5000000000000")])
    status, headers, body = run(call(app, declared, [b"{}"]))
    assert status == 413
    assert headers[b"content-type"] == b"application/json"
    assert set(json.loads(body)) == {"detail", "code"}
    # chunked: no length declared, the body just keeps coming
    status, _h, body = run(call(app, scope("/api/v1/events"), [b"x" * 600, b"x" * 600]))
    assert status == 413 and json.loads(body)["code"] == "too_large"
    # a page gets plain text, not JSON
    status, headers, _b = run(call(app, scope("/units/import"), [b"x" * 1001]))
    assert status == 413 and headers[b"content-type"].startswith(b"text/plain")
    assert app_.calls == []


def test_a_bad_content_length_is_refused() -> None:
    app_ = Recorder()
    status, _h, body = run(
        call(
            Front(app_, threads=1),
            scope("/api/v1/ballots", headers=[(b"content-length", b"1e9")]),
            [b""],
        )
    )
    assert status == 400 and json.loads(body)["code"] == "bad_request"
    assert app_.calls == []


def test_a_body_that_trickles_in_is_cut_off_without_a_thread() -> None:
    app_ = Recorder()
    app = Front(app_, threads=1, body_seconds=0.3)
    sent_first = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_first
        if not sent_first:
            sent_first = True
            return {"type": "http.request", "body": b"{", "more_body": True}
        await asyncio.sleep(1.0)  # one byte a second
        return {"type": "http.request", "body": b" ", "more_body": True}

    status, _h, body = run(call(app, scope("/api/v1/ballots"), receive))
    assert status == 408 and json.loads(body)["code"] == "timeout"
    assert app_.calls == []


def test_the_environ_is_built_from_what_was_read() -> None:
    app_ = Recorder()
    request = scope(
        "/单位/x",
        headers=[
            (b"content-type", b"application/json"),
            (b"content-length", b"999"),  # a lie: the body actually read counts
            (b"x-forwarded-for", b"1.2.3.4"),
            (b"accept", b"a"),
            (b"accept", b"b"),
        ],
        query=b"a=1&b=%E4%B8%AD",
    )
    status, headers, body = run(call(Front(app_, threads=1), request, [b'{"a":', b" 1}"]))
    assert status == 200 and body == b"ok"
    assert headers[b"content-length"] == b"2"
    seen = app_.calls[0]
    assert seen["body"] == b'{"a": 1}'
    assert seen["CONTENT_LENGTH"] == "8"
    assert seen["CONTENT_TYPE"] == "application/json"
    assert seen["REMOTE_ADDR"] == "10.1.2.3"  # the socket's peer, never a header
    assert seen["HTTP_X_FORWARDED_FOR"] == "1.2.3.4"
    assert seen["HTTP_ACCEPT"] == "a,b"
    assert seen["PATH_INFO"] == "/单位/x".encode().decode("latin-1")
    assert seen["QUERY_STRING"] == "a=1&b=%E4%B8%AD"
    assert seen[front.ENVIRON_KEY] is True
    assert seen["thread"].startswith("pingyi")


def test_head_answers_headers_only() -> None:
    status, headers, body = run(call(Front(Recorder(), threads=1), scope(method="HEAD"), [b""]))
    assert status == 200 and body == b"" and headers[b"content-length"] == b"2"


def test_requests_reach_the_application_in_arrival_order() -> None:
    """FIFO: with one thread busy, 40 waiting requests run in the order they arrived."""
    order: list[int] = []
    gate = threading.Event()

    def app_(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/first":
            gate.wait(5)
        else:
            order.append(int(environ["PATH_INFO"].strip("/")))
        start_response("200 OK", [])
        return [b""]

    async def main() -> None:
        app = Front(app_, threads=1)
        first = asyncio.ensure_future(call(app, scope("/first"), [b""]))
        await asyncio.sleep(0.05)
        rest = []
        for i in range(40):
            rest.append(asyncio.ensure_future(call(app, scope(f"/{i}"), [b""])))
            await asyncio.sleep(0)  # each arrives after the one before
        await asyncio.sleep(0.1)
        gate.set()
        await asyncio.gather(first, *rest)

    run(main())
    assert order == list(range(40))


def test_a_stream_handed_over_by_a_view_is_streamed_by_the_loop() -> None:
    seen_args: list[str] = []

    async def source(arg: str) -> AsyncIterator[str]:
        seen_args.append(arg)
        yield "event: one\n\n"
        yield "event: two\n\n"

    front.register_stream("test-source", source)
    app_ = Recorder(
        headers=[
            ("Content-Type", "text/event-stream"),
            (front.STREAM_HEADER, front.stream_header("test-source", "KEY-1")),
        ],
        body=b"",
    )
    status, headers, body = run(call(Front(app_, threads=1), scope(method="GET"), [b""]))
    assert status == 200
    assert seen_args == ["KEY-1"]
    assert body == b"event: one\n\nevent: two\n\n"
    assert front.STREAM_HEADER.encode() not in headers  # never leaves the server
    assert b"content-length" not in headers
    with pytest.raises(LookupError):
        front.stream_header("no-such-source", "x")


def test_a_stream_ends_when_its_client_goes() -> None:
    """A dropped screen frees its stream at once (the source is closed, nothing waits)."""
    state: dict[str, Any] = {}

    async def endless(arg: str) -> AsyncIterator[str]:
        try:
            while True:
                yield ": beat\n\n"
                await asyncio.sleep(0.01)
        finally:
            state["closed"] = True

    front.register_stream("test-endless", endless)
    app_ = Recorder(headers=[(front.STREAM_HEADER, "test-endless x")], body=b"")
    calls = 0

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(0.2)
        return {"type": "http.disconnect"}

    async def main() -> None:
        await asyncio.wait_for(call(Front(app_, threads=1), scope(method="GET"), receive), 5)

    run(main())
    assert state.get("closed") is True


def test_the_access_log_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PINGYI_ACCESS_LOG", raising=False)
    assert front.access_logger() is None
    assert Front(Recorder(), threads=1).access_log is None


def test_the_access_log_never_names_the_phone_unless_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log_file = tmp_path / "access.log"
    monkeypatch.setenv("PINGYI_ACCESS_LOG", str(log_file))
    monkeypatch.delenv("PINGYI_ACCESS_LOG_BALLOTS", raising=False)
    for handler in list(front.logging.getLogger("pingyi.access").handlers):
        front.logging.getLogger("pingyi.access").removeHandler(handler)
    app = Front(Recorder(), threads=1)
    for path in ("/api/v1/ballots", "/api/v1/cards/lookup", "/b/", "/b/sw.js", "/healthz"):
        run(call(app, scope(path), [b"{}"]))
    for handler in front.logging.getLogger("pingyi.access").handlers:
        handler.flush()
    text = log_file.read_text()
    assert "/healthz" in text and "10.1.2.3" in text
    assert "/api/v1/ballots" not in text and "/b/" not in text and "/cards/" not in text
    assert not logged("/api/v1/ballots", ballots=False)
    assert logged("/api/v1/ballots", ballots=True)
    assert logged("/meeting/x/stream", ballots=False)
    for handler in list(front.logging.getLogger("pingyi.access").handlers):
        front.logging.getLogger("pingyi.access").removeHandler(handler)
        handler.close()


def test_build_environ_keeps_the_root_path_out_of_path_info() -> None:
    environ = build_environ({**scope("/pingyi/b/"), "root_path": "/pingyi"}, b"")
    assert environ["SCRIPT_NAME"] == "/pingyi" and environ["PATH_INFO"] == "/b/"


def test_the_real_application_answers_through_the_front(transactional_db: Any) -> None:
    """The Django application itself (lean ballot path included) behind the front. (Its
    threads write: /healthz's probe; a test transaction would hold SQLite's write lock.)"""
    from pingyi.core.tasks import beat
    from pingyi.wsgi import application

    beat()  # a consumer is alive: /healthz answers 200 (tests/core/test_health.py)
    app = Front(application, threads=2)
    status, headers, body = run(
        call(app, scope("/healthz", method="GET", headers=[(b"host", b"testserver")]), [b""])
    )
    assert status == 200, body
    status, headers, body = run(
        call(
            app,
            scope(
                "/api/v1/ballots",
                headers=[(b"host", b"testserver"), (b"content-type", b"application/json")],
            ),
            [b'{"token": "nope", "scores": {}}'],
        )
    )
    assert 400 <= status < 500 and headers[b"content-type"].startswith(b"application/json")
    assert set(json.loads(body)) >= {"detail", "code"}


def test_the_phone_endpoints_take_small_bodies_only() -> None:
    """Anyone in the hall may post to the ballot and lookup endpoints: their bodies are
    capped far below the office's uploads, so no one can make the server parse megabytes."""
    app_ = Recorder()
    app = Front(app_, threads=1)
    big = b"[" * (front.PHONE_MAX_BODY + 1)
    for path in ("/api/v1/ballots", "/api/v1/cards/lookup"):
        status, _h, body = run(call(app, scope(path), [big]))
        assert status == 413 and json.loads(body)["code"] == "too_large"
    assert app_.calls == []
    status, _h, _b = run(call(app, scope("/api/v1/events"), [big]))
    assert status == 200  # the office's endpoints keep the general cap
