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

A process that a test starts (``pingyi …`` in a subprocess) inherits
``DJANGO_SETTINGS_MODULE=tests.settings`` from pytest-django. Such a process is configured
by the environment the test gives it (``PINGYI_DATA_DIR``, ``DATABASE_URL``): nothing here
changes it. After the import, ``DATABASE_URL`` is removed from the test session's own
environment, so a subprocess never lands in the server's non-test database by inheritance.
"""

from __future__ import annotations

import os
import tempfile
import uuid

_OWNER_ENV = "PINGYI_TEST_SETTINGS_PID"
_owner = os.environ.get(_OWNER_ENV)
#: A process started by a test (not pytest itself, nor one of its xdist workers).
STARTED_BY_A_TEST = (
    _owner is not None and _owner != str(os.getpid()) and "PYTEST_XDIST_WORKER" not in os.environ
)

TEST_DB = os.environ.get("PINGYI_TEST_DB", "sqlite").strip().lower() or "sqlite"
if TEST_DB not in {"sqlite", "postgres"}:
    raise RuntimeError(f"PINGYI_TEST_DB must be 'sqlite' or 'postgres', not {TEST_DB!r}")
_TEST_DATABASE_URL = os.environ.get("PINGYI_TEST_DATABASE_URL", "")
_REDIS_URL = os.environ.get("REDIS_URL", "")

if not STARTED_BY_A_TEST:
    os.environ[_OWNER_ENV] = str(os.getpid())
    os.environ["PINGYI_DATA_DIR"] = tempfile.mkdtemp(prefix="pingyi-test-")
    # A developer's own scaled-mode settings must never reach the tests.
    os.environ.pop("DATABASE_URL", None)
    if TEST_DB == "postgres" and _TEST_DATABASE_URL:
        os.environ["DATABASE_URL"] = _TEST_DATABASE_URL
    os.environ.pop("REDIS_URL", None)  # decided below; restored after the import

os.environ.setdefault("PINGYI_STATIC_FINDERS", "1")  # tests never run collectstatic

from pingyi.core.datafolder import secret_key  # noqa: E402
from pingyi.settings import *  # noqa: E402, F403

#: True when this session really runs on PostgreSQL.
PINGYI_TEST_POSTGRES = TEST_DB == "postgres" and bool(_TEST_DATABASE_URL)

if not STARTED_BY_A_TEST:
    os.environ.pop("DATABASE_URL", None)
    if _REDIS_URL:
        os.environ["REDIS_URL"] = _REDIS_URL  # for tests that talk to Redis directly

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
if not STARTED_BY_A_TEST and not SECRET_KEY:  # noqa: F405
    # pytest-django sets Django up itself: the session's (new) data folder gets its key here,
    # the step ``pingyi.core.datafolder.prepare`` takes for every other entry point; processes
    # started by a test read the same key from the folder.
    SECRET_KEY = secret_key(DATA_DIR)  # noqa: F405

# Fast hashing: the tests create and sign in many accounts. Password *rules* still apply.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
