"""The health verdict of ``/healthz`` and ``pingyi health`` (``core/health.py`` probes):
pure rules, no Django.

- The answer is ``ok`` only when every check is ok (:func:`verdict`).
- Disk: each watched folder needs at least ``PINGYI_HEALTH_MIN_FREE_MB`` free; a bad value
  of that variable is a failed check that names it (:func:`min_free_mb`).
- A failure is reported to anyone by a short reason from a fixed list (:func:`reason`),
  never the error's text: that may hold a host, a path or a user name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_MIN_FREE_MB = 500
MB = 1024 * 1024
SETTING = "PINGYI_HEALTH_MIN_FREE_MB"

#: (words in the error's text, lower case) → the reason shown. First match wins.
_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("readonly", "read-only", "read only"), "read-only"),
    (("locked", "lock timeout", "lock_timeout", "deadlock"), "locked"),
    (("disk is full", "no space", "disk full", "database or disk is full"), "full"),
    (("statement timeout", "canceling statement"), "timeout"),
    (("connect", "connection", "unable to open", "timed out", "refused"), "unreachable"),
)


def reason(message: str) -> str:
    """A database or store error's text → one of read-only, locked, full, timeout,
    unreachable or error."""
    text = message.lower()
    for words, name in _REASONS:
        if any(word in text for word in words):
            return name
    return "error"


def min_free_mb(value: object) -> int:
    """The setting's value (an int, or the environment's text; empty: the default) as a
    whole number of megabytes. ValueError names the variable and what it takes."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_MIN_FREE_MB
    if isinstance(value, bool):
        raise ValueError(f"{SETTING}={value!r}: a whole number of megabytes, 0 or more")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(f"{SETTING}={value!r}: a whole number of megabytes, 0 or more")
        number = int(text)
    if number < 0:
        raise ValueError(f"{SETTING}={value!r}: a whole number of megabytes, 0 or more")
    return number


def disk_check(free_bytes: Mapping[str, int], minimum_mb: int) -> dict[str, Any]:
    """Each watched place's free megabytes (rounded down) against the minimum: ok only when
    every place has at least ``minimum_mb`` free."""
    free_mb = {name: max(0, int(free)) // MB for name, free in free_bytes.items()}
    low = sorted(name for name, free in free_mb.items() if free < minimum_mb)
    answer: dict[str, Any] = {"ok": not low and bool(free_mb), "min_free_mb": minimum_mb}
    answer["free_mb"] = free_mb
    if low:
        answer["reason"] = "low: " + ", ".join(low)
    return answer


def verdict(checks: Mapping[str, Mapping[str, Any]]) -> str:
    """``ok`` when there are checks and every one has ``ok`` true, else ``fail``."""
    return "ok" if checks and all(c.get("ok") is True for c in checks.values()) else "fail"
