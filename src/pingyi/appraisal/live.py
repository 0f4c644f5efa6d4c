"""Live counts for consoles and screens: a version number per event that moves on every
accepted ballot or state change. Screens poll or stream it; in scaled mode the cache is
Redis, shared by every server process."""

from __future__ import annotations

from django.core.cache import cache


def _key(event_key: str) -> str:
    return f"pingyi:live:{event_key}"


def ballot_accepted(*, event_key: str, panel: str) -> None:
    bump(event_key=event_key)


def bump(*, event_key: str) -> int:
    key = _key(event_key)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.add(key, 1, timeout=None)
        return 1


def version(*, event_key: str) -> int:
    return int(cache.get(_key(event_key), 0))
