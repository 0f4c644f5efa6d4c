"""Projects of the pipeline (三个一批) lag like items and get yellow notices from the sweep
(supervision/projects.py): past the planned 开工 or 投产 without it; never red."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pingyi.orgs.models import Unit, UnitKind
from pingyi.pipeline.models import Project
from pingyi.supervision.models import Item, Notice
from pingyi.supervision.notices import sweep

pytestmark = pytest.mark.django_db


def test_a_project_past_its_planned_start_gets_a_yellow_notice_resolved_when_it_starts() -> None:
    hualong = Unit.objects.create(code="hualong", name="华龙区", kind=UnitKind.COUNTY)
    late = Project.objects.create(
        batch="第14期", name="年产5万吨新材料项目", unit=hualong, investment=Decimal("12.35"),
        planned_signed=date(2026, 3, 1), signed=date(2026, 3, 1),
        planned_started=date(2026, 6, 30), planned_producing=date(2027, 6, 30),
    )
    Project.objects.create(
        batch="第14期", name="智慧物流园", unit=hualong, investment=Decimal("3.2"),
        planned_signed=date(2026, 3, 1), signed=date(2026, 3, 1),
        planned_started=date(2026, 9, 30), started=date(2026, 9, 1),
        planned_producing=date(2027, 12, 31),
    )
    # 06-30 is the planned start itself: not yet lagging
    sweep(date(2026, 6, 30))
    assert not Notice.objects.exists()
    sweep(date(2026, 7, 1))
    [notice] = Notice.objects.all()
    assert (notice.colour, notice.item.title, notice.unit_codes) == (
        "yellow", "年产5万吨新材料项目", ["hualong"]
    )
    assert Item.objects.filter(supervision_list__key="pipeline").count() == 2
    # long after: a project lags, it is never overdue (no red)
    sweep(date(2026, 12, 1))
    assert list(Notice.objects.values_list("colour", flat=True)) == ["yellow"]
    # it started: the next sweep resolves the yellow
    late.started = date(2026, 12, 2)
    late.save()
    sweep(date(2026, 12, 3))
    notice.refresh_from_db()
    assert (notice.closed_on, notice.close_reason) == (date(2026, 12, 3), "resolved")
    # started, and past its planned production without it: lagging again (投产)
    sweep(date(2027, 7, 1))
    assert Notice.objects.filter(closed_on__isnull=True, colour="yellow").count() == 1
