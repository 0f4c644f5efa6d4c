"""Test settings: ``pingyi.settings`` on a fresh data folder, on SQLite or on PostgreSQL.

pytest-django imports the settings before any ``conftest.py`` runs, and ``pingyi.settings``
reads the environment at import time, so the choices are made here:

- ``PINGYI_DATA_DIR`` is a new temporary folder for every test session (never ./pingyi-data).
- ``PINGYI_TEST_DB=sqlite`` (default): embedded mode. SQLite with the production options
  (WAL, ``synchronous=FULL``, immediate transactions) in a real file in that folder, so that
  ``live_server`` threads and concurrency tests see the same database as the test; the
  local-memory cache, as in embedded mode, whatever ``DATABASE_URL``/``REDIS_URL`` say.
- ``PINGYI_TEST_DB=postgres``: scaled mode. ``DATABASES`` from ``PINGYI_TEST_DATABASE_URL``
  (pytest-django creates and drops ``test_<name>``), and the Redis cache when ``REDIS_URL`` is
  set, under a key prefix of its own. Without the URL the settings stay on SQLite and
  ``tests/conftest.py`` decides: skip the PostgreSQL tests on a laptop, fail under CI.
"""

from __future__ import annotations

import os
import tempfile
import uuid

TEST_DB = os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() or "sqlite"
if TEST_DB not in {"sqlite", "postgres"}:
    raise RuntimeError(f"PINGYI_TEST_DB must be 'sqlite' or 'postgres', not {TEST_DB!r}")

os.environ["PINGYI_DATA_DIR"] = tempfile.mkdtemp(prefix="pingyi-test-")
_TEST_DATABASE_URL = os.environ.get("PINGYI_TEST_DATABASE_URL", "")
# A developer's own scaled-mode settings must never reach the tests.
os.environ.pop("DATABASE_URL", None)
if TEST_DB == "postgres" and _TEST_DATABASE_URL:
    os.environ["DATABASE_URL"] = _TEST_DATABASE_URL
_REDIS_URL = os.environ.get("REDIS_URL", "")
os.environ.pop("REDIS_URL", None)  # settings below decide; REDIS_URL itself is restored after

from pingyi.settings import *  # noqa: E402, F403

if _REDIS_URL:
    os.environ["REDIS_URL"] = _REDIS_URL  # for tests that talk to Redis directly

#: True when this session really runs on PostgreSQL.
PINGYI_TEST_POSTGRES = TEST_DB == "postgres" and bool(_TEST_DATABASE_URL)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
elif _REDIS_URL:
    REDIS_URL = _REDIS_URL
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
            "KEY_PREFIX": f"pingyi-test-{uuid.uuid4().hex[:12]}",
        }
    }

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing

# Fast hashing: the tests create and sign in many accounts. Password *rules* still apply.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
