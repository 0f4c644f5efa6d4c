"""The ASGI front of ``pingyi serve``: an event loop in front of the WSGI application.

Why (docs/performance.md, "Serving"): a hall has hundreds of phones and several live
screens, and pingyi is often served with no proxy in front. With threads facing the
network, every open live stream and every client that sends its request one byte a second
holds a thread, and a few dozen of them starve the ballots. Here the network is the event
loop's alone:

* the server (granian) reads the request line and headers, with a time limit; this front
  then reads the whole body — at most :data:`MAX_BODY` bytes, within
  :data:`BODY_SECONDS` — **before** a thread sees the request;
* the Django application (WSGI, with its lean ballot path) runs on a pool of threads
  that serves requests strictly in arrival order (FIFO), so under load every phone waits
  its turn and no phone waits ten times longer than another;
* the whole answer is collected before it is sent, so a client that reads slowly holds
  no thread either;
* a live stream (Server-Sent Events) is answered by the application like any request —
  it checks the account and the event — and then handed back to the event loop: the view
  answers with the header ``X-Pingyi-Stream: NAME ARG`` and this front streams the
  registered async source ``NAME`` (see :func:`register_stream`) without a thread.
  The header never leaves the server.

Under any other WSGI server (the test server, ``manage.py runserver``) the views stream
the ordinary way; nothing here is needed there.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
StreamSource = Callable[[str], AsyncIterator[str]]

#: The largest request body read (bytes). Django refuses big form bodies earlier
#: (``DATA_UPLOAD_MAX_MEMORY_SIZE``); uploads (slides, sheets) stay well below this.
MAX_BODY = 32 * 1024 * 1024
#: The largest body of the anonymous phone endpoints (a ballot of 1,000 scores is ~50 KB):
#: parsing JSON costs CPU in proportion to its size, and anyone in the hall may send one.
PHONE_MAX_BODY = 256 * 1024
#: How long a client may take to send its body, from the end of its headers (seconds).
BODY_SECONDS = 30.0
#: The response header by which a view hands a live stream to the front.
STREAM_HEADER = "x-pingyi-stream"
#: Set in the WSGI environ so that views know the front can take their stream.
ENVIRON_KEY = "pingyi.front"

#: The phone's paths: never in the access log unless ``PINGYI_ACCESS_LOG_BALLOTS`` says so,
#: since their lines' order, addresses and times would link ballots to phones.
PHONE_PATHS = ("/b/", "/api/v1/ballots", "/api/v1/cards/")

_STREAMS: dict[str, StreamSource] = {}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def access_logger() -> logging.Logger | None:
    """The access log of ``PINGYI_ACCESS_LOG`` (``-`` for standard output, or a file path),
    or None when it is unset (the default)."""
    target = os.environ.get("PINGYI_ACCESS_LOG", "").strip()
    if not target:
        return None
    log = logging.getLogger("pingyi.access")
    if not log.handlers:
        handler: logging.Handler = (
            logging.StreamHandler(sys.stdout) if target == "-" else logging.FileHandler(target)
        )
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def logged(path: str, *, ballots: bool) -> bool:
    """Whether a request for ``path`` may appear in the access log."""
    return ballots or not path.startswith(PHONE_PATHS)


def register_stream(name: str, source: StreamSource) -> None:
    """Make ``X-Pingyi-Stream: name ARG`` stream ``source(ARG)`` (an async iterator of
    text chunks). Apps register their sources when they are ready."""
    _STREAMS[name] = source


def stream_header(name: str, arg: str) -> str:
    """The header value by which a view asks the front for the stream ``name`` of ``arg``."""
    if name not in _STREAMS:
        raise LookupError(f"no stream source named {name!r}")
    return f"{name} {arg}"


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def _refusal(status: int, code: str, detail: str, *, api: bool) -> tuple[int, list[Any], bytes]:
    if api:
        body = json.dumps({"detail": detail, "code": code}).encode()
        content_type = b"application/json"
    else:
        body = f"{status} {detail}\n".encode()
        content_type = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return status, headers, body


def build_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an ASGI HTTP request whose body has been read."""
    path = scope["path"].encode("utf-8").decode("latin-1")
    root = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        ENVIRON_KEY: True,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        if name == "content-length":
            continue  # set below from the body actually read
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ


class _Response:
    """What the WSGI application answered, collected whole."""

    __slots__ = ("body", "headers", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""


def _run_wsgi(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> _Response:
    response = _Response()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        response.status = int(status.split(" ", 1)[0])
        response.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        return chunks.append

    chunks: list[bytes] = []
    result = app(environ, start_response)
    try:
        chunks.extend(chunk for chunk in result if chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    response.body = b"".join(chunks)
    return response


def _stream_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == STREAM_HEADER.encode():
            return value.decode("latin-1")
    return None


class Front:
    """The ASGI application: see the module's docstring."""

    def __init__(
        self,
        wsgi_app: Callable[..., Iterable[bytes]] | None = None,
        *,
        threads: int | None = None,
        max_body: int | None = None,
        body_seconds: float | None = None,
    ) -> None:
        self._wsgi_app = wsgi_app
        self._threads = threads
        self.max_body = max_body or int(_env_number("PINGYI_MAX_BODY", MAX_BODY))
        self.body_seconds = body_seconds or _env_number("PINGYI_BODY_SECONDS", BODY_SECONDS)
        self._executor: ThreadPoolExecutor | None = None
        self.access_log = access_logger()
        self.log_ballots = _truthy(os.environ.get("PINGYI_ACCESS_LOG_BALLOTS"))

    # --- set-up, in the worker process ------------------------------------------------------

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            threads = self._threads or int(_env_number("PINGYI_THREADS", 0)) or 8
            self._executor = ThreadPoolExecutor(threads, thread_name_prefix="pingyi")
        return self._executor

    @property
    def wsgi_app(self) -> Callable[..., Iterable[bytes]]:
        if self._wsgi_app is None:
            # Django is set up in the worker, not in the process that imports this module.
            from pingyi.wsgi import application  # noqa: PLC0415 (Django is set up in the worker)

            self._wsgi_app = application
        return self._wsgi_app

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await asyncio.get_running_loop().run_in_executor(
                        self.executor, lambda: self.wsgi_app
                    )
                except Exception as exc:  # pragma: no cover - reported by the server
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._executor is not None:
                    self._executor.shutdown(wait=True, cancel_futures=False)
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- one request ------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind != "http":  # websockets: pingyi has none
            await send({"type": "websocket.close", "code": 1000})
            return
        api = scope["path"].startswith("/api/")
        started = time.monotonic()
        limit = PHONE_MAX_BODY if scope["path"].startswith(PHONE_PATHS) else self.max_body
        body = await self._read_body(scope, receive, send, api=api, limit=limit)
        if body is None:
            return
        loop = asyncio.get_running_loop()
        environ = build_environ(scope, body)
        try:
            response = await loop.run_in_executor(self.executor, _run_wsgi, self.wsgi_app, environ)
        except RuntimeError:  # the pool is shut down: the server is stopping
            await self._refuse(send, 503, "unavailable", "The server is restarting.", api=api)
            return
        stream = _stream_of(response.headers)
        if stream is not None and response.status == 200:
            await self._stream(stream, response, receive, send)
            return
        headers = response.headers
        if not any(name == b"content-length" for name, _ in headers):
            headers = [*headers, (b"content-length", str(len(response.body)).encode())]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        body_out = b"" if scope["method"] == "HEAD" else response.body
        await send({"type": "http.response.body", "body": body_out})
        if self.access_log is not None and logged(scope["path"], ballots=self.log_ballots):
            client = scope.get("client") or ("-", 0)
            self.access_log.info(
                '%s %s "%s %s" %d %d %.1fms',
                time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                client[0],
                scope["method"],
                scope["path"],
                response.status,
                len(body_out),
                (time.monotonic() - started) * 1000,
            )

    async def _read_body(
        self, scope: Scope, receive: Receive, send: Send, *, api: bool, limit: int
    ) -> bytes | None:
        declared = None
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, 400, "bad_request", "Bad Content-Length.", api=api)
                    return None
        if declared is not None and declared > limit:
            await self._refuse(send, 413, "too_large", self._too_large(limit), api=api)
            return None
        parts: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        await self._refuse(send, 413, "too_large", self._too_large(limit), api=api)
                        return None
                    parts.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await self._refuse(
                send, 408, "timeout", "The request body did not arrive in time.", api=api
            )
            return None
        return b"".join(parts)

    @staticmethod
    def _too_large(limit: int) -> str:
        return f"The request body is larger than {limit // 1024} KiB."

    @staticmethod
    async def _refuse(send: Send, status: int, code: str, detail: str, *, api: bool) -> None:
        status, headers, body = _refusal(status, code, detail, api=api)
        with contextlib.suppress(Exception):
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    async def _stream(self, stream: str, response: _Response, receive: Receive, send: Send) -> None:
        name, _, arg = stream.partition(" ")
        source = _STREAMS.get(name)
        if source is None:
            logger.error("front: no stream source %r", name)
            await self._refuse(send, 500, "server_error", "No such stream.", api=False)
            return
        headers = [
            (key, value)
            for key, value in response.headers
            if key not in (STREAM_HEADER.encode(), b"content-length")
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})

        async def pump() -> None:
            async for text in source(arg):
                await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
            await send({"type": "http.response.body", "body": b""})

        async def gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        tasks = [asyncio.ensure_future(pump()), asyncio.ensure_future(gone())]
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
        for task in done:
            exc = task.exception() if not task.cancelled() else None
            if exc is not None and not isinstance(exc, OSError):
                logger.warning("front: stream %s ended: %r", stream, exc)


#: What the server imports (``pingyi.core.front:application``).
application = Front()
