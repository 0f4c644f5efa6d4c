"""``pingyi backup OUT`` and ``pingyi restore ARCHIVE`` (the service: core/backup.py; the
handbook: docs/backup.md). ``pingyi/cli.py`` registers them with :func:`add_verbs`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from pingyi.core.commandline import CliError, DjangoSetup

# Django only, nothing migrated: a backup takes the database as it is (before an upgrade's
# migrations too), a restore needs it empty.
_setup = DjangoSetup()


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.core.backup import BackupError, make_backup  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    try:
        result = make_backup(Path(args.out), reason=args.reason or "")
    except BackupError as exc:
        raise CliError(str(exc), code=1) from exc
    for warning in result.warnings:
        print(f"pingyi backup: {warning}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {
                    "archive": str(result.path),
                    "bytes": result.bytes,
                    "sha256": result.sha256,
                    "seconds": result.seconds,
                    "mode": result.mode,
                }
            )
        )
    else:
        print(result.path)
        print(
            "  "
            + _("%(size)s (%(bytes)d bytes), %(seconds).1f s, %(mode)s")
            % {
                "size": _size(result.bytes),
                "bytes": result.bytes,
                "seconds": result.seconds,
                "mode": result.mode,
            }
        )
        print(f"  sha256 {result.sha256}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup()
    from django.utils.translation import gettext as _  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    from pingyi.core.backup import BackupError, restore_archive, verify_archive  # noqa: PLC0415 (Django is set up only for the verbs that need it)

    archive = Path(args.archive)
    try:
        if args.check:
            manifest = verify_archive(archive, sha256=args.sha256 or "")
            data = manifest.data
            if args.json:
                print(
                    json.dumps(
                        {"archive": str(archive), "sha256": manifest.sha256, "manifest": data},
                        ensure_ascii=False,
                    )
                )
            else:
                rows = sum(data.get("rows", {}).values())
                print(
                    _("%(archive)s: intact, %(count)d members checked")
                    % {"archive": archive, "count": len(data["members"])}
                )
                print(
                    f"  {data['created']} pingyi {data['pingyi']} {data['mode']} "
                    f"({data['database']}), "
                    + _("%(rows)d rows, %(uploads)d uploads, secret key: %(key)s")
                    % {"rows": rows, "uploads": data.get("uploads", 0), "key": data["secret_key"]}
                )
                print(f"  sha256 {manifest.sha256}")
            return 0
        result = restore_archive(archive, sha256=args.sha256 or "")
    except BackupError as exc:
        raise CliError(str(exc), code=1) from exc
    for warning in result.warnings:
        print(f"pingyi restore: {warning}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {
                    "restored": result.restored,
                    "uploads": result.uploads,
                    "secret_key": result.secret_key,
                    "seconds": result.seconds,
                }
            )
        )
    else:
        print(
            _(
                "restored %(archive)s: %(tables)d tables, %(rows)d rows, %(uploads)d uploads, "
                "secret key: %(key)s; %(seconds).1f s"
            )
            % {
                "archive": archive,
                "tables": len(result.restored),
                "rows": sum(result.restored.values()),
                "uploads": result.uploads,
                "key": result.secret_key,
                "seconds": result.seconds,
            }
        )
        print(
            "  "
            + _(
                "next: `pingyi migrate` applies migrations newer than the archive, "
                "then `pingyi audit verify`"
            )
        )
    return 0


def add_verbs(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    *,
    django_setup: Callable[[], None],
) -> None:
    """``django_setup``: Django set up against the data folder, *without* migrating."""
    _setup.bind(django_setup)
    p = verbs.add_parser(
        "backup",
        help="back up the database, uploads and secret key into one .tar.gz (docs/backup.md)",
    )
    p.add_argument(
        "out", help="the archive (.tar.gz), or a folder to write pingyi-backup-STAMP.tar.gz in"
    )
    p.add_argument("--reason", help="a word ending the generated name (pre-upgrade, nightly)")
    p.add_argument(
        "--json", action="store_true", help="one JSON object: archive, bytes, sha256, seconds, mode"
    )
    p.set_defaults(func=cmd_backup)

    p = verbs.add_parser(
        "restore",
        help="restore a backup into an empty data folder or database; every checksum first",
    )
    p.add_argument("archive", help="a .tar.gz made by `pingyi backup`")
    p.add_argument("--check", action="store_true", help="only check the archive; write nothing")
    p.add_argument("--sha256", help="the archive's sha256 as `pingyi backup` printed it")
    p.add_argument(
        "--json", action="store_true", help="one JSON object: restored (rows per table), seconds"
    )
    p.set_defaults(func=cmd_restore)
