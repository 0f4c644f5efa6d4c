"""The rules of a backup archive (``pingyi backup`` / ``pingyi restore``; no Django import).

An archive is a ``.tar.gz`` of regular files: the database (``database/pingyi.sqlite3`` or
``database/pingyi.pgdump``), the ``secret_key`` file when the key is the data folder's, the
uploads (``uploads/…``), then ``manifest.json`` (what was backed up, with the sha256 and size
of every other member) and ``manifest.sha256`` (the sha256 of ``manifest.json``). The
manifest comes last: the members are hashed as they are written, and the reader hashes
them as they are read, before it trusts anything (docs/backup.md).

Here: which member names are allowed, and what is wrong when the members read do not agree
with the manifest. Every problem names the member.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pingyi.core.pure.i18n import gettext as _

FORMAT = "pingyi-backup/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
SQLITE_MEMBER = "database/pingyi.sqlite3"
PGDUMP_MEMBER = "database/pingyi.pgdump"
KEY_MEMBER = "secret_key"
UPLOADS = "uploads/"
#: The manifest is read into memory: more than this is not a manifest.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024

_HEX64 = re.compile(r"[0-9a-f]{64}")


class ArchiveProblem(Exception):
    """What is wrong with an archive, as one line that names the member."""


def member_name_problem(name: str) -> str | None:
    """Why ``name`` may not be a member of an archive (``None`` when it may): only the
    names above, and an upload's path relative, without ``..``, empty or hidden parts."""
    if name in {MANIFEST, MANIFEST_SUM, SQLITE_MEMBER, PGDUMP_MEMBER, KEY_MEMBER}:
        return None
    if name.startswith(UPLOADS):
        parts = name[len(UPLOADS) :].split("/")
        if all(part and part not in {".", ".."} and "\\" not in part for part in parts) and (
            "\x00" not in name
        ):
            return None
        return _("member %(member)s: not a safe path") % {"member": name}
    return _("member %(member)s: not a member of a pingyi backup") % {"member": name}


def read_manifest(raw: bytes, raw_sum: bytes | None, sha_of_raw: str) -> dict[str, Any]:
    """The manifest, parsed; :class:`ArchiveProblem` when it is missing, edited (its sha256
    is not the one in ``manifest.sha256``) or not a pingyi backup's."""
    if raw_sum is None:
        raise ArchiveProblem(_("member %(member)s is missing") % {"member": MANIFEST_SUM})
    recorded = raw_sum.decode("ascii", "replace").strip().split(" ")[0]
    if recorded != sha_of_raw:
        raise ArchiveProblem(
            _("member %(member)s: its sha256 is not the one recorded in %(sum)s (edited?)")
            % {"member": MANIFEST, "sum": MANIFEST_SUM}
        )
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveProblem(
            _("member %(member)s: not JSON (%(error)s)") % {"member": MANIFEST, "error": exc}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveProblem(
            _("member %(member)s: not a %(format)s manifest")
            % {"member": MANIFEST, "format": FORMAT}
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
        isinstance(v, dict)
        and isinstance(v.get("sha256"), str)
        and _HEX64.fullmatch(v["sha256"])
        and isinstance(v.get("bytes"), int)
        for v in members.values()
    ):
        raise ArchiveProblem(
            _("member %(member)s: its list of members is malformed") % {"member": MANIFEST}
        )
    return manifest


def members_problems(manifest: dict[str, Any], seen: dict[str, tuple[str, int]]) -> list[str]:
    """Every disagreement between the members read (``name -> (sha256, bytes)``, without
    the manifest itself) and the manifest's list: missing, added, changed."""
    listed: dict[str, dict[str, Any]] = manifest["members"]
    problems = []
    for name in sorted(set(listed) - set(seen)):
        problems.append(_("member %(member)s is missing") % {"member": name})
    for name in sorted(set(seen) - set(listed)):
        problems.append(_("member %(member)s is not in the manifest (added?)") % {"member": name})
    for name in sorted(set(seen) & set(listed)):
        sha, size = seen[name]
        if size != listed[name]["bytes"]:
            problems.append(
                _("member %(member)s: %(bytes)d bytes, the manifest says %(listed)d")
                % {"member": name, "bytes": size, "listed": listed[name]["bytes"]}
            )
        elif sha != listed[name]["sha256"]:
            problems.append(
                _("member %(member)s: its sha256 is not the manifest's (damaged or changed)")
                % {"member": name}
            )
    return problems
