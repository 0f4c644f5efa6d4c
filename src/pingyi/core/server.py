"""The production server behind ``pingyi serve``: granian (an event loop in Rust) serving
:mod:`pingyi.core.front`, which runs the Django application on a FIFO pool of threads.

Chosen by measurement (docs/performance.md, "Serving"): threads facing the network (the
former gunicorn gthread workers) were held by every open live stream and every slow
client, so 16 screens or 20 slowloris connections stopped the ballots. Here the network
belongs to the event loop: request headers are read by granian within
``PINGYI_HEADER_SECONDS``, bodies by the front within ``PINGYI_BODY_SECONDS``, and live
streams wait on the loop, so threads only ever run the application.

No access log is written by default: a log of ``POST /api/v1/ballots`` lines with
addresses and times would link ballots to phones (docs/anonymity.md). ``PINGYI_ACCESS_LOG``
turns one on, and it leaves the ballot path out unless ``PINGYI_ACCESS_LOG_BALLOTS=true``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import socket

from pingyi.core.embedded_consumer import embedded_consumer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve_defaults() -> tuple[str, str]:
    """Where ``pingyi serve`` listens without ``--host``/``--port``: ``PINGYI_HOST`` and
    ``PINGYI_PORT``, else 127.0.0.1 and 8000 (the port as written; ``--port`` checks it).
    Cards issued without a public address point here
    (``casting.cards.command_line_public_url``)."""
    return os.environ.get("PINGYI_HOST", DEFAULT_HOST), os.environ.get(
        "PINGYI_PORT", str(DEFAULT_PORT)
    )


def default_threads() -> int:
    """Threads per process that run the application: 16 on either database. They only
    ever run Django (streams and slow clients hold none), and under a closed loop of 200
    phones 16 threads answered more ballots with a shorter tail than 4, 8 or 32
    (docs/performance.md, "Serving")."""
    return 16


def _raise_file_limit() -> None:
    """Every phone and screen is an open socket: take the hard limit of open files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        with contextlib.suppress(ValueError, OSError):  # the system's limit stays
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), hard))


def _seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def ensure_port_free(host: str, port: int) -> None:
    """Refuse to start when ``host:port`` is taken. granian listens with SO_REUSEPORT, so a
    second ``pingyi serve`` on the same port would start without a word and share the
    requests with the first: half the phones on one database, half on another. A socket
    bound without SO_REUSEPORT cannot share the port, so binding one first tells."""
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up by serve's verb)

    from pingyi.core.commandline import CliError  # noqa: PLC0415 (the refusal the verb prints)

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CliError(
            _("cannot listen on %(host)s: %(error)s") % {"host": host, "error": exc.strerror}, 1
        ) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = _(
                    "port %(port)s on %(host)s is already in use (is pingyi already running?): "
                    "stop the other server or choose another port with --port"
                )
            else:
                message = _("cannot listen on %(host)s port %(port)s: %(error)s")
            raise CliError(
                message % {"host": host, "port": port, "error": exc.strerror}, 1
            ) from None


def serve(
    *,
    host: str,
    port: int,
    workers: int | None = None,
    threads: int | None = None,
    consumer: bool = False,
) -> None:
    """Serve until SIGTERM/SIGINT. ``consumer``: also run the task queue's consumer (embedded
    mode: one ``pingyi worker --embedded`` child, stopped and reaped when this returns;
    ``core/embedded_consumer.py``)."""
    ensure_port_free(host, port)
    # granian and its constants only here: importing them costs every other verb time.
    from granian import Granian  # noqa: PLC0415 (only the server needs granian)
    from granian.constants import Interfaces  # noqa: PLC0415 (only the server needs granian)
    from granian.http import HTTP1Settings  # noqa: PLC0415 (only the server needs granian)

    workers = workers or int(os.environ.get("PINGYI_WORKERS", 0)) or (os.cpu_count() or 1)
    threads = threads or int(os.environ.get("PINGYI_THREADS", 0)) or default_threads()
    # The worker processes read these (pingyi.core.front) when they build the front.
    os.environ["PINGYI_THREADS"] = str(threads)
    _raise_file_limit()
    level = os.environ.get("PINGYI_SERVER_LOG_LEVEL", "warning").lower()
    server = Granian(
        "pingyi.core.front:application",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(_seconds("PINGYI_HEADER_SECONDS", 10) * 1000),
            keep_alive=True,
        ),
        websockets=False,
        backlog=2048,
        log_enabled=True,
        log_level=level,  # type: ignore[arg-type]
        log_access=False,
        respawn_failed_workers=True,
        workers_kill_timeout=10,
    )
    with embedded_consumer(consumer):
        server.serve()
