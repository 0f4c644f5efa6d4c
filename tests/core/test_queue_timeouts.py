"""A Redis host that takes the connection but never answers (a hung server, a firewall that
swallows packets after the handshake) fails a queue read in seconds, not never: the queue's
URL carries redis-py's timeouts (``core/queue.py: with_timeouts``)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import redis

from pingyi.core import tasks
from pingyi.core.queue import (
    REDIS_ANSWER_SECONDS,
    PingyiRedisHuey,
    huey_settings,
    with_timeouts,
)


def test_the_scaled_queue_url_carries_timeouts_and_keeps_the_offices_own() -> None:
    url = huey_settings(data_dir=Path("/nonexistent"), redis_url="redis://q:6379/2", env={})["url"]
    assert url == "redis://q:6379/2?socket_connect_timeout=3&socket_timeout=5"
    own = with_timeouts("rediss://:pw@q:6380/0?socket_timeout=30&health_check_interval=10")
    assert "socket_timeout=30" in own and "socket_timeout=5" not in own
    assert "health_check_interval=10" in own and "socket_connect_timeout=3" in own
    assert own.startswith("rediss://:pw@q:6380/0?")


def test_a_redis_that_never_answers_fails_the_heartbeat_read_in_seconds() -> None:
    with socket.socket() as silent:  # the kernel completes the handshake; nobody answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        queue = PingyiRedisHuey(name="silent", url=with_timeouts(f"redis://127.0.0.1:{port}/0"))
        started = time.monotonic()
        with pytest.raises(redis.exceptions.TimeoutError):
            tasks.consumer_alive(queue)
        waited = time.monotonic() - started
    assert waited < REDIS_ANSWER_SECONDS + 5, f"waited {waited:.1f} s"
