"""The boards' live stream on the real server (``pingyi serve``: granian and the ASGI front,
the stream handed to the event loop by ``X-Pingyi-Stream``), with no sign-in: an arena month
published by another process reaches the open stream within seconds, and a board the office
has not published is refused there too (docs/scoreboard.md, "Boards")."""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.appraisal.test_live_processes import Server

pytestmark = pytest.mark.django_db(transaction=True)


class BoardStream:
    """An anonymous SSE client of /boards/stream/ in a thread: (arrival, event, data)."""

    def __init__(self, server: Server, query: str) -> None:
        self.messages: queue.Queue[tuple[float, str, Any]] = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.conn.request("GET", f"/boards/stream/?{query}")
        self.response = self.conn.getresponse()
        self.status = self.response.status
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", []
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if data:
                        self.messages.put((time.time(), name, json.loads("\n".join(data))))
                    name, data = "message", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except (OSError, ValueError, AttributeError):
            pass

    def next(self, timeout: float = 10) -> tuple[float, str, Any]:
        return self.messages.get(timeout=timeout)

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def server() -> Iterator[Server]:
    from pingyi.core.demo import load_demo_data

    load_demo_data()
    started = Server("boards", redis_url=None)
    yield started
    started.stop()


def test_a_published_month_reaches_an_open_public_stream_on_pingyi_serve(server: Server) -> None:
    from pingyi.scoreboard import services
    from pingyi.scoreboard.selectors import month_of

    refused = BoardStream(server, "boards=notices")
    assert refused.status == 404  # not published: refused by the real server too
    refused.close()
    stream = BoardStream(server, "boards=arena")
    try:
        assert stream.status == 200
        assert stream.response.getheader("Content-Type", "").startswith("text/event-stream")
        assert stream.response.getheader("X-Pingyi-Stream") is None  # never leaves the server
        _at, name, first = stream.next()
        assert name == "board" and "2026-11" in first["data"]["subtitle"]
        month = month_of("counties", "2026-12")
        assert month is not None
        services.freeze_month(month=month, actor="test")
        services.publish_month(month=month, actor="test")
        published = time.time()
        while True:
            at, name, data = stream.next()
            if name == "board" and "2026-12" in data["data"]["subtitle"]:
                break
        took = at - published
        print(f"\nthe published month reached the open stream in {took:.2f} s")
        assert took < 5
        assert "红榜" in data["text"] and data["data"]["rows"]
    finally:
        stream.close()
