"""The SM3 hash-chained audit trail: office actions are recorded, tampering is named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from pingyi.appraisal import services
from pingyi.appraisal.casting import ballot as casting
from pingyi.core.audit import audit_log, audit_verify, entry_digest
from pingyi.core.models import AuditEntry

from .appraisal.factories import event_json, full_scores
from .appraisal.test_round_trip import pingyi

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail() -> list[AuditEntry]:
    services.event_import(data=event_json(), actor="office")
    event = services.event_open(key="t1", actor="office")
    card = services.tokens_issue(event=event, panel="leaders", count=2, actor="office")[0]
    casting.ballot_cast(token=card.token, scores=full_scores())
    services.event_close(key="t1", actor="office")
    services.event_publish(key="t1", actor="leader-a")
    return list(AuditEntry.objects.all())


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_office_actions_are_recorded_in_order(trail: list[AuditEntry]) -> None:
    assert [e.action for e in trail] == [
        "appraisal.event.imported",
        "appraisal.event.opened",
        "appraisal.cards.issued",
        "appraisal.event.closed",
        "appraisal.event.published",
    ]
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5]
    assert trail[-1].actor == "leader-a"
    assert json.loads(trail[2].data) == {"count": 2, "panel": "leaders", "unit": None}
    assert audit_verify() == []


def test_ballots_are_never_audited(trail: list[AuditEntry]) -> None:
    assert not any("ballot" in e.action for e in trail)


def test_rows_cannot_be_changed_through_the_model(trail: list[AuditEntry]) -> None:
    entry = trail[0]
    entry.actor = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_an_edited_row_is_named(trail: list[AuditEntry]) -> None:
    raw("UPDATE core_auditentry SET actor = %s WHERE seq = %s", ["mallory", 3])
    problems = audit_verify()
    assert [(p.seq, p.kind) for p in problems] == [(3, "edited")]


def test_a_deleted_row_is_named(trail: list[AuditEntry]) -> None:
    raw("DELETE FROM core_auditentry WHERE seq = %s", [2])
    problems = audit_verify()
    assert (3, "deleted") in [(p.seq, p.kind) for p in problems]


def test_a_deleted_last_row_is_seen(trail: list[AuditEntry]) -> None:
    raw("DELETE FROM core_auditentry WHERE seq = %s", [5])
    assert [p.kind for p in audit_verify()] == ["truncated"]


def test_reordered_rows_are_named(trail: list[AuditEntry]) -> None:
    raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [100, 2])
    raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [2, 3])
    raw("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [3, 100])
    kinds = {(p.seq, p.kind) for p in audit_verify()}
    assert (2, "edited") in kinds and (3, "edited") in kinds


def test_a_forged_row_with_a_valid_own_hash_is_named(trail: list[AuditEntry]) -> None:
    """A forger who recomputes the row's own hash still cannot continue the chain."""
    victim = trail[3]
    forged_prev = "f" * 64
    digest = entry_digest(
        prev_hash=forged_prev,
        seq=victim.seq,
        at=victim.at,
        actor="mallory",
        action=victim.action,
        target=victim.target,
        data=victim.data,
    )
    raw(
        "UPDATE core_auditentry SET actor = %s, prev_hash = %s, hash = %s WHERE seq = %s",
        ["mallory", forged_prev, digest, victim.seq],
    )
    kinds = [(p.seq, p.kind) for p in audit_verify()]
    assert (4, "forged") in kinds


@pytest.mark.django_db(transaction=True)
def test_cli_verify_names_the_row(trail: list[AuditEntry]) -> None:
    assert pingyi("audit", "verify").returncode == 0
    raw("UPDATE core_auditentry SET target = %s WHERE seq = %s", ["event:other", 4])
    result = pingyi("audit", "verify", check=False)
    assert result.returncode == 1
    assert "row 4: edited" in result.stderr


def test_audit_log_uses_the_request_account(client: Any, django_user_model: Any) -> None:
    from tests.conftest import STRONG_PASSWORD

    django_user_model.objects.create_user("boss", password=STRONG_PASSWORD, role="office")
    response = client.post(
        "/api/v1/events",
        data=event_json(),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic("boss", STRONG_PASSWORD),
    )
    assert response.status_code == 201, response.content
    assert AuditEntry.objects.get().actor == "boss"
    audit_log(actor=None, action="test.nobody")
    assert AuditEntry.objects.last().actor == "system"


def basic(user: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
