"""Append to and verify the audit trail (SM3 hash chain).

``audit_log`` is called inside the transaction of the action it records, so the action
and its record commit together. Ballot casts are never logged: that would tie ballots
to times.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

GENESIS = "0" * 64

#: Who is acting, when a service is not told: set per request by the middleware and by the
#: command line (``cli:<login>``).
current_actor: ContextVar[str] = ContextVar("pingyi_actor", default="system")


def sm3_available() -> bool:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return False
    return True


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def entry_digest(
    *, prev_hash: str, seq: int, at: datetime, actor: str, action: str, target: str, data: str
) -> str:
    """SM3 over the previous hash and this row's content, canonically encoded."""
    body = json.dumps(
        [prev_hash, seq, at.isoformat(timespec="microseconds"), actor, action, target, data],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return sm3(body.encode("utf-8"))


def audit_log(*, actor: str | None, action: str, target: str = "", data: Any = None) -> None:
    """Record an office action, e.g. ``audit_log(actor="office", action="appraisal.event.opened",
    target="event:2026-h1")``."""
    from pingyi.core.models import AuditEntry, AuditHead  # noqa: PLC0415 (models need the app registry; pingyi.cli imports this before Django is set up)

    actor = actor or current_actor.get()
    payload = "" if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
            head = AuditHead.objects.select_for_update().get(pk=1)
        seq = head.seq + 1
        at = timezone.now()
        digest = entry_digest(
            prev_hash=head.hash,
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            data=payload,
        )
        AuditEntry.objects.create(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            data=payload,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])


@dataclass(frozen=True)
class AuditProblem:
    seq: int
    kind: str  # edited | deleted | reordered | forged | truncated
    message: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.kind}: {self.message}"


def verify_chain(rows: Iterable[Any], head: tuple[int, str] | None) -> list[AuditProblem]:
    """Walk rows in ``seq`` order and name every row where the chain breaks."""
    problems: list[AuditProblem] = []
    expected_prev, expected_seq = GENESIS, 1
    for row in rows:
        if row.seq != expected_seq:
            kind = "deleted" if row.seq > expected_seq else "reordered"
            problems.append(
                AuditProblem(
                    row.seq, kind, f"expected row {expected_seq} here, found row {row.seq}"
                )
            )
        digest = entry_digest(
            prev_hash=row.prev_hash,
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            data=row.data,
        )
        if digest != row.hash:
            problems.append(AuditProblem(row.seq, "edited", "its content does not match its hash"))
        elif row.prev_hash != expected_prev:
            problems.append(
                AuditProblem(
                    row.seq,
                    "forged",
                    "it does not continue the chain (previous hash differs)",
                )
            )
        expected_prev, expected_seq = row.hash, row.seq + 1
    if head is not None and (head[0] != expected_seq - 1 or head[1] != expected_prev):
        problems.append(
            AuditProblem(
                head[0],
                "truncated",
                f"the chain ends at row {expected_seq - 1} but the recorded tip is row {head[0]}",
            )
        )
    return problems


def audit_verify() -> list[AuditProblem]:
    from pingyi.core.models import AuditEntry, AuditHead  # noqa: PLC0415 (models need the app registry; pingyi.cli imports this before Django is set up)

    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return verify_chain(AuditEntry.objects.order_by("seq").iterator(), head)
