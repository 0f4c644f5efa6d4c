"""The demo list (supervision/demo.py): twenty items of the demo units, every status colour on
the day of loading, the history through the services, and loading twice changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.core.models import AuditEntry
from pingyi.orgs.demo import load_demo_units
from pingyi.supervision import selectors
from pingyi.supervision.demo import load_demo_list
from pingyi.supervision.models import Closure, Extension, Item, Report, SupervisionList

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    [date(2026, 12, 1), date(2026, 6, 15), date(2026, 9, 28), date(2027, 4, 2), date(2027, 1, 10)],
)
def test_the_demo_list_shows_every_status_and_loads_once(today: date) -> None:
    load_demo_units()
    note = load_demo_list(today)
    assert note == "20 supervision items"
    the_list = SupervisionList.objects.get()
    assert the_list.year == today.year and the_list.name.startswith(str(today.year))
    counts = selectors.list_counts(the_list, today)
    assert all(counts[s] >= 1 for s in counts), counts
    kinds = set(Item.objects.values_list("kind", flat=True))
    assert kinds == {"date", "recurring", "ongoing", "immediate", "unknown"}
    assert Item.objects.filter(co_units__code="puyang").exists()  # 各县（区）
    assert Report.objects.filter(rating="差").count() == 1
    assert Extension.objects.filter(state="approved").count() == 1
    assert Closure.objects.filter(state="verified").count() == 1
    before = (Report.objects.count(), AuditEntry.objects.count())
    assert load_demo_list(today) == "20 supervision items"
    assert (Report.objects.count(), AuditEntry.objects.count()) == before
