"""pingyi's settings with persistent database connections (a measured proposal).

``pingyi.settings`` leaves ``CONN_MAX_AGE`` at 0 for SQLite, so every request opens a
connection (running the WAL/synchronous/foreign-key pragmas and registering Django's SQL
functions) and closes it again. The benchmark runs this variant beside the default to show
what keeping one connection per server thread is worth.
"""

from pingyi.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
