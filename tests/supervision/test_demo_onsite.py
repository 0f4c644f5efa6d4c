"""The demo's on-site office (supervision/demo_onsite.py, loaded by ``pingyi demo`` through
supervision.demo.load_demo): 12 problems at 2026年11月现场办公会, one batch of four road
problems, one solved by batch and one one by one; loading twice changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.core.models import AuditEntry
from pingyi.orgs.demo import load_demo_units
from pingyi.supervision import selectors_onsite
from pingyi.supervision.demo import load_demo
from pingyi.supervision.models import OnsiteMeeting, ProblemBatch, SupervisionList

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_with_one_batch_loads_once() -> None:
    load_demo_units()
    today = date(2026, 12, 1)
    note = load_demo(today)
    assert note == "20 supervision items; on-site office: 12 problems, 1 batch"
    meeting = OnsiteMeeting.objects.get()
    assert meeting.title == "2026年11月现场办公会" and meeting.held_on == date(2026, 11, 18)
    assert ProblemBatch.objects.get().problems.count() == 4
    counts = selectors_onsite.counts()
    assert counts == {
        "problems": 12, "open": 10, "solved_single": 1, "solved_batch": 1, "batched": 4,
        "batches": 1,
    }  # fmt: skip
    assert SupervisionList.objects.get(key="2026-problems").items.count() == 12
    before = AuditEntry.objects.count()
    assert load_demo(today).endswith("on-site office already loaded")
    assert AuditEntry.objects.count() == before
