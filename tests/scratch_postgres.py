"""Fresh PostgreSQL databases for a test, on the test server (``PINGYI_TEST_DATABASE_URL``),
dropped afterwards however the test ends. The test user creates databases: the CI cluster's
``pingyi`` is the superuser that ``initdb -U pingyi`` makes in ``.ci/run``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from tests.conftest import missing_service


@contextmanager
def scratch_databases(prefix: str, count: int = 1) -> Iterator[list[str]]:
    """``count`` new, empty databases named ``pingyi_<prefix>_<random>``: their URLs."""
    import psycopg

    base = os.environ.get("PINGYI_TEST_DATABASE_URL", "")
    if not base:
        missing_service("PINGYI_TEST_DATABASE_URL is not set")
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    names = [f"pingyi_{prefix}_{secrets.token_hex(5)}" for _ in range(count)]
    made: list[str] = []
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'CREATE DATABASE "{name}"')
                made.append(name)
        yield [urlunsplit(parts._replace(path=f"/{name}")) for name in names]
    finally:
        if made:
            with psycopg.connect(admin, autocommit=True) as conn:
                for name in made:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
