"""Upgrades: a backup before the migrations of a new version touch a database with data.

``pingyi migrate`` (embedded and scaled), and every verb that migrates an embedded database
by itself (``serve``, ``demo``, the verbs that need tables: ``cli._ensure_migrated``), first
asks :func:`backup_before_migrating`. When migrations are pending on a database that already
has tables (a previous version's data, not a new, empty database) it takes
``core.backup.make_backup(reason="pre-upgrade")`` and says where the archive is; when the
backup fails nothing is migrated, unless the operator said ``--no-backup``. With nothing
pending, or on a new database, nothing happens: no backup, no message.

The path an office follows, and the tests that prove it: docs/upgrade.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from pingyi.core.errors import Refusal

if TYPE_CHECKING:
    from pingyi.core.backup import BackupResult

PRE_UPGRADE = "pre-upgrade"  # the reason written into the backup (its manifest and name)


@dataclass(frozen=True)
class MigrationState:
    """A database as the code's migrations find it: its tables, and how many migrations wait."""

    tables: int
    pending: int

    @property
    def fresh(self) -> bool:
        """A new database: no table at all, so no data to lose."""
        return self.tables == 0

    @property
    def needs_backup(self) -> bool:
        """The one rule: a backup before migrating a database that holds a version's data."""
        return self.pending > 0 and not self.fresh


class UpgradeRefused(Refusal):
    """The pre-upgrade backup failed: nothing was migrated (the command line prints it as
    one line and exits 1)."""

    code = "pre_upgrade_backup_failed"


def migration_state(using: str = DEFAULT_DB_ALIAS) -> MigrationState:
    """The tables of the database ``using`` (its current schema) and its pending migrations."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        tables = len(connection.introspection.table_names(cursor))
    return MigrationState(tables=tables, pending=len(plan))


def backup_before_migrating(
    *,
    no_backup: bool = False,
    say: Callable[[str], None] = print,
    using: str = DEFAULT_DB_ALIAS,
) -> BackupResult | None:
    """Take the pre-upgrade backup when :class:`MigrationState` says one is needed; the
    :class:`~pingyi.core.backup.BackupResult`, or None when none was taken.

    ``say`` gets the lines for the operator (where the archive is; that none was taken when
    ``no_backup``). A failed backup raises :class:`UpgradeRefused`, before any migration."""
    state = migration_state(using)
    if not state.needs_backup:
        return None
    if no_backup:
        say(
            _("%(count)d migrations to apply and no backup taken (--no-backup)")
            % {"count": state.pending}
        )
        return None
    say(_("%(count)d migrations to apply: taking a backup first") % {"count": state.pending})
    try:
        from pingyi.core.backup import make_backup  # noqa: PLC0415 (needed only before an upgrade)

        result = make_backup(reason=PRE_UPGRADE)
    except Exception as exc:  # any failure (disk, permissions, pg_dump) stops the upgrade
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UpgradeRefused(
            _(
                "the backup before the upgrade failed, nothing was migrated: %(error)s. "
                "Fix it and try again, or run `pingyi migrate --no-backup` to migrate "
                "without a backup."
            )
            % {"error": first}
        ) from exc
    say(
        _("backup before the upgrade: %(path)s (%(bytes)s bytes, SHA-256 %(sha256)s)")
        % {"path": result.path, "bytes": f"{result.bytes:,}", "sha256": result.sha256}
    )
    for warning in result.warnings:  # the secret key from the environment is not in it
        say(warning)
    return result
