"""Collect the static files only when they changed (``pingyi serve``, ``pingyi demo``).

``collectstatic`` with WhiteNoise's compressed storage compresses every file again on each
run (ECharts alone is a megabyte), whatever changed: seconds at every start. The stamp is a
SHA-256 over every file the static finders see (its path under ``STATIC_URL`` and its bytes,
in the order ``collectstatic`` would pick them), the storage and ``STATIC_ROOT``; it is kept
in the data folder (``static.stamp``, owner-only). ``collectstatic`` runs when the stamp is
missing or differs (an upgrade, an edited file) or when a collected file is missing from
``STATIC_ROOT``; otherwise the start skips it (``tests/core/test_static_stamp.py``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

from pingyi.core.datafolder import FILE_MODE

STAMP_NAME = "static.stamp"
_CHUNK = 1 << 20


def static_sources() -> dict[str, str]:
    """Every static file ``collectstatic`` would copy: its path in ``STATIC_ROOT`` → the
    source file (the first finder that has a path wins, as in ``collectstatic``)."""
    ignore = list(apps.get_app_config("staticfiles").ignore_patterns)  # type: ignore[attr-defined]
    sources: dict[str, str] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            target = os.path.join(prefix, path) if prefix else path
            sources.setdefault(target, storage.path(path))
    return sources


def static_fingerprint(sources: dict[str, str]) -> str:
    digest = hashlib.sha256()
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode() + b"\0")
    digest.update(str(settings.STATIC_ROOT).encode() + b"\0")
    for target in sorted(sources):
        digest.update(target.encode("utf-8", "surrogateescape") + b"\0")
        with open(sources[target], "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def stamp_path() -> Path:
    return Path(settings.DATA_DIR) / STAMP_NAME


def collect_static_if_changed() -> bool:
    """Run ``collectstatic`` unless the collected files are those of the sources now.
    True when it ran."""
    sources = static_sources()
    fingerprint = static_fingerprint(sources)
    stamp = stamp_path()
    root = Path(settings.STATIC_ROOT)
    try:
        kept = stamp.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        kept = ""
    if kept == fingerprint and all((root / target).is_file() for target in sources):
        return False
    stamp.unlink(missing_ok=True)  # an interrupted collect must not leave a valid stamp
    call_command("collectstatic", interactive=False, verbosity=0)
    partial = stamp.with_name(f".{STAMP_NAME}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(fingerprint + "\n")
    os.replace(partial, stamp)
    return True
