"""The production server behind ``pingyi serve``: gunicorn with threaded workers (WSGI).

Chosen by measurement (docs/performance.md): on the 2-core reference machine gunicorn's
threaded workers served a trivial Django view at several times the rate of uvicorn (ASGI).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication


class PingyiServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from pingyi.wsgi import application

        return application


def default_threads() -> int:
    """Threads per worker. SQLite has one writer at a time, and fewer threads fighting for
    the GIL answered a 2,000-phone burst faster (docs/performance.md); PostgreSQL takes more.
    Each open big screen or console holds one thread for its live stream."""
    from django.conf import settings

    return 8 if settings.EMBEDDED else 16


def serve(*, host: str, port: int, workers: int | None = None, threads: int | None = None) -> None:
    workers = workers or int(os.environ.get("PINGYI_WORKERS", 0)) or (os.cpu_count() or 1)
    threads = threads or int(os.environ.get("PINGYI_THREADS", 0)) or default_threads()
    PingyiServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": os.environ.get("PINGYI_ACCESS_LOG") or None,
            "errorlog": "-",
            "loglevel": os.environ.get("PINGYI_SERVER_LOG_LEVEL", "warning"),
            "proc_name": "pingyi",
            "preload_app": False,
        }
    ).run()
