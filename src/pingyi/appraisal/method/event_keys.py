"""The one rule for an event's key, for every way an event comes in.

An event's key is part of its web addresses (``/meeting/KEY/console``, ``/results/KEY/``),
whose patterns accept Django's slugs only: a key such as ``2026.h1`` or ``../../etc`` was
stored, and then every page that links to the event failed. ``event.json`` is parsed by
:mod:`pingyi.appraisal.method.spec`, which applies this rule, whether it comes from the API, the
command line, the office's import page or a bundle. No Django import (pure module).
"""

from __future__ import annotations

import json
import re

from pingyi.core.pure.i18n import _

#: As long as the database column (``Event.key``).
EVENT_KEY_MAX_LENGTH = 64
#: Keys that would collide with page addresses (``/results/units/``).
RESERVED_EVENT_KEYS = frozenset({"units"})
#: Django's ``<slug:…>`` path converter (and ``SlugField``), at most 64 characters; ``\Z``,
#: not ``$``, which would let a final newline through.
EVENT_KEY_REGEX = rf"\A[-a-zA-Z0-9_]{{1,{EVENT_KEY_MAX_LENGTH}}}\Z"
_EVENT_KEY = re.compile(EVENT_KEY_REGEX)


def _shown(value: object) -> str:
    if not isinstance(value, str):
        return "null" if value is None else type(value).__name__
    text = value if len(value) <= 80 else value[:80] + "…"
    return json.dumps(text)  # ASCII with escapes: safe for any terminal, log or page


def event_key_problem(value: object) -> str | None:
    """Why ``value`` cannot be an event key, or None when it can."""
    if not isinstance(value, str) or not _EVENT_KEY.match(value):
        return _(
            "must be 1 to %(max)d characters, each a letter (a–z, A–Z), a digit, “-” or “_”, "
            "because it is part of the event's web addresses; got %(value)s"
        ) % {"max": EVENT_KEY_MAX_LENGTH, "value": _shown(value)}
    if value in RESERVED_EVENT_KEYS:
        return _("“%(key)s” is reserved for a page address; choose another event key") % {
            "key": value
        }
    return None


def is_valid_event_key(value: object) -> bool:
    return event_key_problem(value) is None
