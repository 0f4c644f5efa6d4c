"""``pingyi``: the one command-line entry point.

Verbs that need no database (``tally``) never import Django; the others set Django up
against the data folder (``PINGYI_DATA_DIR``) or ``DATABASE_URL``, so they work beside a
running ``pingyi serve``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence

from pingyi import __version__
from pingyi.core.cli_backup import add_verbs as add_backup_verbs
from pingyi.core.commandline import CliError, cli_language
from pingyi.core.server import serve_defaults
from pingyi.notifications.cli import add_verbs as add_channel_verbs
from pingyi.pipeline.cli import add_verbs as add_pipeline_verbs
from pingyi.scoreboard.cli import add_verbs as add_arena_verbs
from pingyi.supervision.cli import add_verbs as add_supervision_verbs
from pingyi.supervision.cli_onsite import add_verbs as add_onsite_verbs
from pingyi.supervision.cli_weekly import add_verbs as add_weekly_verbs
from pingyi.targets.cli import add_verbs as add_targets_verbs


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    import django  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.core.datafolder import prepare  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    prepare()  # the data folder, the database file and the secret key (settings create none)
    django.setup()

    from pingyi.core.audit import current_actor  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    current_actor.set(f"cli:{getpass.getuser()}")
    from django.utils import translation  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    translation.activate(cli_language())


def _call(command: str, *args: str, **options: object) -> None:
    from django.core.management import call_command  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    call_command(command, *args, **options)


def _database_name() -> str:
    """Where the database is, for messages: the SQLite file, or PostgreSQL's host and name
    (never the password)."""
    from django.db import connection  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"{connection.vendor} {where}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _pending_migrations() -> int:
    from django.db import connection  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _ensure_migrated(*, quiet: bool = True, no_backup: bool = False) -> None:
    """The tables every verb needs. Embedded mode (or ``PINGYI_MIGRATE_ON_START=1``) applies
    pending migrations itself, as ``serve`` always did, after the pre-upgrade backup; scaled
    mode, where one ``pingyi migrate`` serves many hosts, refuses with what to run."""
    from django.conf import settings  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from django.db import DatabaseError  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        pending = _pending_migrations()
    except DatabaseError as exc:
        raise CliError(
            _("cannot open the database %(database)s: %(error)s")
            % {"database": _database_name(), "error": _first_line(exc)}
        ) from exc
    if not pending:
        return
    if settings.EMBEDDED or os.environ.get("PINGYI_MIGRATE_ON_START") == "1":
        _backup_before_migrating(no_backup=no_backup)
        _call("migrate", interactive=False, verbosity=0 if quiet else 1)
        print(
            "pingyi: "
            + _("applied %(count)d database migrations to %(database)s")
            % {"count": pending, "database": _database_name()},
            file=sys.stderr,
        )
        return
    raise CliError(
        _(
            "the database %(database)s is not ready: %(count)d migrations are not applied. "
            "Run `pingyi migrate` first (once per upgrade, with the same DATABASE_URL), "
            "then try again."
        )
        % {"database": _database_name(), "count": pending}
    )


def _backup_before_migrating(*, no_backup: bool) -> None:
    """Pending migrations on a database with data: a backup first, or nothing is migrated
    (``core/upgrade.py``, docs/upgrade.md)."""
    from pingyi.core.upgrade import UpgradeRefused, backup_before_migrating  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        backup_before_migrating(
            no_backup=no_backup, say=lambda line: print(f"pingyi: {line}", file=sys.stderr)
        )
    except UpgradeRefused as exc:
        raise CliError(exc.message, code=1) from exc


def _django_with_tables() -> None:
    """Django, and a database with every table: the set-up of every verb that reads or
    writes data."""
    _django()
    _ensure_migrated()


def _prepare_embedded(*, quiet: bool = True, no_backup: bool = False) -> None:
    """Apply pending migrations (or refuse, see :func:`_ensure_migrated`) and collect static
    files, only when they changed since the last collect (``core/static_stamp.py``)."""
    from pingyi.core.static_stamp import collect_static_if_changed  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    _ensure_migrated(quiet=quiet, no_backup=no_backup)
    collect_static_if_changed()


# --- verbs ---------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    _prepare_embedded(no_backup=args.no_backup)
    from pingyi.core.server import serve  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        consumer=_queue_is_embedded(),
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    _prepare_embedded(no_backup=args.no_backup)
    from pingyi.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.core.demo import load_demo_data  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    summary = load_demo_data()
    url = f"http://{args.host}:{args.port}/"
    print(f"pingyi demo — {summary}")
    print(f"  open       {url}")
    print(f"  data       {os.environ.get('PINGYI_DATA_DIR', 'pingyi-data')}")
    print(f"  sign in    (password for all: {DEMO_PASSWORD})")
    for username, role, _unit in DEMO_ACCOUNTS:
        print(f"             {username:<10} {role}")
    sys.stdout.flush()
    if args.no_serve:
        return 0
    from pingyi.core.server import serve  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        consumer=_queue_is_embedded(),
    )
    return 0


def _queue_is_embedded() -> bool:
    """Embedded queue (SQLite in the data folder): ``serve`` runs its consumer itself. On
    Redis the operator runs ``pingyi worker`` processes (docs/tasks.md)."""
    from django.conf import settings  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.core.queue import is_embedded  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    return is_embedded(settings.HUEY)


def _threads(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number from 1 to 64")
    return int(text)


def cmd_worker(args: argparse.Namespace) -> int:
    _django_with_tables()
    from pingyi.core.tasks import run_worker  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    return run_worker(workers=args.threads, embedded=args.embedded)


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    _backup_before_migrating(no_backup=args.no_backup)
    _call("migrate", interactive=False, verbosity=1)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    execute_from_command_line(["pingyi manage", *args.rest])
    return 0


def cmd_units_import(args: argparse.Namespace) -> int:
    _django_with_tables()
    from pingyi.orgs.services import UnitImportError, read_unit_workbook, units_import  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        with open(args.file, "rb") as fh:
            rows = read_unit_workbook(fh)
        summary = units_import(rows=rows)
    except FileNotFoundError:
        print(f"pingyi units import: {args.file}: no such file", file=sys.stderr)
        return 2
    except UnitImportError as exc:
        print(f"pingyi units import: {args.file}: nothing imported", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    print(
        f"created {summary.created}, updated {summary.updated}, new groups {summary.groups_created}"
    )
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _django_with_tables()
    from pingyi.core.audit import audit_verify  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.core.models import AuditEntry  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    problems = audit_verify()
    if problems:
        print("pingyi audit verify: the audit trail has been tampered with", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"audit trail intact: {AuditEntry.objects.count()} rows, SM3 chain verified")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    _django()
    try:
        _ensure_migrated()
    except CliError as exc:  # unreachable, or not migrated (scaled): unhealthy, exit 1
        print(f"pingyi: {exc}", file=sys.stderr)
        return 1
    import json  # noqa: PLC0415 (only this verb prints JSON here)

    from pingyi.core.health import health_report, report_lines  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    report = health_report(detail=True)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(report_lines(report)))
    return 0 if report["status"] == "ok" else 1


def cmd_user_add(args: argparse.Namespace) -> int:
    _django_with_tables()

    from pingyi.accounts.services import AccountError, account_create  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    password = os.environ.get("PINGYI_PASSWORD") or getpass.getpass("password: ")
    try:
        user = account_create(
            username=args.username,
            password=password,
            role=args.role,
            unit_code=args.unit,
            display_name=args.name or "",
        )
    except AccountError as exc:
        print(f"pingyi user add: {exc}", file=sys.stderr)
        return 2
    print(f"created {user.username} ({user.role})")
    return 0


# --- parser --------------------------------------------------------------------------------


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    host, port = serve_defaults()
    parser.add_argument("--host", default=host)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes (default: PINGYI_WORKERS or the number of cores)",
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per process (default 16)"
    )
    _add_no_backup(parser)


def _add_no_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-backup",
        action="store_true",
        help="migrate a database with data without the pre-upgrade backup (docs/upgrade.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pingyi",
        description="pingyi (评议): appraisal meetings and supervision for government reviews.",
    )
    parser.add_argument("--version", action="version", version=f"pingyi {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("demo", help="embedded database with demo data, then serve it")
    _add_server_options(p)
    p.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
    p.set_defaults(func=cmd_demo)

    p = verbs.add_parser("serve", help="the production web server")
    _add_server_options(p)
    p.set_defaults(func=cmd_serve)

    p = verbs.add_parser(
        "worker",
        help="run the task queue's consumer and scheduler (docs/tasks.md); until SIGTERM",
    )
    p.add_argument(
        "--threads",
        type=_threads,
        metavar="N",
        default=None,
        help="worker threads, 1 to 64 (default: PINGYI_QUEUE_WORKERS or 2)",
    )
    p.add_argument(
        "--embedded",
        action="store_true",
        help="started by `pingyi serve`: stop when the parent process dies",
    )
    p.set_defaults(func=cmd_worker)

    p = verbs.add_parser(
        "migrate",
        help="apply database migrations (a database with data is backed up first)",
    )
    _add_no_backup(p)
    p.set_defaults(func=cmd_migrate)

    p = verbs.add_parser(
        "health",
        help="the checks of /healthz: database writable, queue consumer alive, disk space;"
        " exit 0 when all pass, else 1",
    )
    p.add_argument("--json", action="store_true", help="the report as JSON, as /healthz answers")
    p.set_defaults(func=cmd_health)

    p = verbs.add_parser("tally", help="recompute results.json from a bundle (DIR or ZIP)")
    p.add_argument("bundle", help="folder or .zip holding event.json and ballots.csv")
    p.set_defaults(func=cmd_tally)

    units = verbs.add_parser("units", help="units (单位)").add_subparsers(
        dest="units_verb", metavar="VERB", required=True
    )
    p = units.add_parser("import", help="create or update units from an Excel sheet")
    p.add_argument("file", help=".xlsx file: 编码, 单位名称, 类别, [简称, 排序, 分组]")
    p.set_defaults(func=cmd_units_import)

    user = verbs.add_parser("user", help="accounts").add_subparsers(
        dest="user_verb", metavar="VERB", required=True
    )
    p = user.add_parser("add", help="create an account (password from PINGYI_PASSWORD or prompt)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["office", "leader", "unit", "viewer"])
    p.add_argument("--unit", help="unit code (required for --role unit)")
    p.add_argument("--name", help="display name")
    p.set_defaults(func=cmd_user_add)

    audit = verbs.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_verb", metavar="VERB", required=True
    )
    p = audit.add_parser("verify", help="check the SM3 hash chain; name every broken row")
    p.set_defaults(func=cmd_audit_verify)

    add_backup_verbs(verbs, django_setup=_django)  # no migration: the database as it is
    _add_appraisal_verbs(verbs)
    add_supervision_verbs(verbs, django_setup=_django_with_tables)
    add_weekly_verbs(verbs, django_setup=_django_with_tables)
    add_onsite_verbs(verbs, django_setup=_django_with_tables)
    add_targets_verbs(verbs, django_setup=_django_with_tables)
    add_pipeline_verbs(verbs, django_setup=_django_with_tables)
    add_channel_verbs(verbs, django_setup=_django_with_tables)
    add_arena_verbs(verbs, django_setup=_django_with_tables)

    p = verbs.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def cmd_tally(args: argparse.Namespace) -> int:
    from pingyi.appraisal.cli_tally import main_tally  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    return main_tally(args.bundle)


def _add_appraisal_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from pingyi.appraisal.cli import add_verbs  # noqa: PLC0415 (Django is set up only for the verbs that need it)
    from pingyi.bench import add_verbs as add_bench_verbs  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    add_verbs(verbs, django_setup=_django_with_tables)
    add_bench_verbs(verbs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        # Everything after ``manage`` is Django's, ``--help`` included (argparse's REMAINDER
        # does not take a leading option).
        args = argparse.Namespace(func=cmd_manage, rest=argv[1:])
    elif argv[:1] == ["bench"]:
        from pingyi.bench import cmd_bench  # noqa: PLC0415 (Django is set up only for the verbs that need it)

        args = argparse.Namespace(func=cmd_bench, bench_args=argv[1:])
    else:
        args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except CliError as exc:
        print(f"pingyi: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:
        if not _is_database_error(exc) or os.environ.get("PINGYI_DEBUG"):
            raise
        print(f"pingyi: {_database_error_message(exc)}", file=sys.stderr)
        return 1


def _is_database_error(exc: BaseException) -> bool:
    db = sys.modules.get("django.db")
    return db is not None and isinstance(exc, db.DatabaseError)


def _database_error_message(exc: BaseException) -> str:
    """A database error as one line, with what to run when the tables are behind the code
    (``pingyi manage …`` runs any Django command, which migrates nothing)."""
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    message = _("database error: %(error)s") % {"error": _first_line(exc)}
    try:
        pending = _pending_migrations()
    except Exception:  # the database may be unreachable: say what we know
        pending = 0
    if pending:
        message += " " + _(
            "The database %(database)s lacks %(count)d migrations: run `pingyi migrate`."
        ) % {"database": _database_name(), "count": pending}
    return message


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
