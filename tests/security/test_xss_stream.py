"""XSS, the live stream: names with markup travel as JSON data in the Server-Sent Events of
the big screen, and cannot break the stream's framing (see test_xss.py for the pages).

Its own module: a real hub thread reads the event, so the data must be committed
(``transaction=True``), with no module-wide transaction open around it.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from .conftest import build_world
from .test_xss import ATTR, NAMES, SCRIPT, as_role, url


@pytest.mark.django_db(transaction=True)
def test_screen_stream_carries_names_as_json_data() -> None:
    from django.core.signals import request_finished
    from django.db import close_old_connections

    from pingyi.appraisal import meeting

    world = build_world(
        prefix="xt", names={**NAMES, "event": f"评议\n\nevent: fake\ndata: {SCRIPT}"}
    )
    meeting.track_reveal(key=world.key("published"), track="counties")
    client = as_role(world, "leader")
    response = client.get(url(world, "meeting:stream", {"key": "@published"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    seen: dict[str, Any] = {}
    text = ""
    deadline = time.monotonic() + 20
    stream = iter(response.streaming_content)
    try:
        while "reveal" not in seen and time.monotonic() < deadline:
            chunk = next(stream, None)
            if chunk is None:
                break
            chunk = chunk.decode() if isinstance(chunk, bytes) else chunk
            text += chunk
            name = None
            for line in chunk.split("\n"):
                assert line == "" or line.startswith(("event: ", "data: ", "retry: ", ":")), line
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    seen[name] = json.loads(line[6:])
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
    assert "fake" not in seen, "a name broke the event-stream framing"
    assert "reveal" in seen, text
    assert seen["state"]["name"].endswith(SCRIPT)
    units = json.dumps(seen["reveal"], ensure_ascii=False)
    assert SCRIPT in units and ATTR in units
