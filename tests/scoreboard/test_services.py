"""The arena in the product: defining, importing (all or nothing, the bad cell named),
computed sources, freezing (the bundle recomputes to what is shown), publishing."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest

from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitGroup
from pingyi.scoreboard import selectors, services
from pingyi.scoreboard.errors import InvalidInput, StateError
from pingyi.scoreboard.method.arena import read_bundle, results_to_json, tally
from pingyi.scoreboard.models import MonthState, Source, Value
from tests.scoreboard.conftest import sheet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """The refusals' English source text (zh-hans, the default, is checked in test_pages)."""
    from django.utils import translation

    with translation.override("en"):
        yield


GOOD = [
    ["单位", "投资增速", "hotline", "免于黑榜"],
    ["甲县", 10, 3, None],
    ["bb", 7.5, 5, ""],
    ["丙", "5", 5, "是"],  # a short name
    ["丁区", None, 9, None],  # no invest value
]


def test_import_then_freeze_writes_a_bundle_that_recomputes_to_the_shown_ranking(arena) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    assert services.import_values(month=month, data=sheet(GOOD), file_name="v.xlsx") == 7
    assert {u.code for u in month.exempt.all()} == {"cc"}
    month = services.freeze_month(month=month)
    assert month.state == MonthState.FROZEN
    results = json.loads(month.results_json)
    # invest: aa 100, bb 50, cc 0, dd none (0 + warning); hotline ranks aa 1, bb cc 2, dd 4
    # → 100, 90, 90, 70. aa: 60·100+40·100 = 100; bb: (3000+3600)/100 = 66; cc: 36; dd: 28
    assert [(r["unit"], r["score"]) for r in results["ranking"]] == [
        ("aa", "100.00"),
        ("bb", "66.00"),
        ("cc", "36.00"),
        ("dd", "28.00"),
    ]
    assert results["red"] == ["aa"] and results["black"] == ["dd"]
    assert results["warnings"] == [{"unit": "dd", "indicator": "invest", "code": "missing_value"}]
    spec, values = read_bundle(io.BytesIO(services.bundle_zip(month)))
    assert results_to_json(tally(spec, values)) == results
    assert values.values[("bb", "invest")] == Decimal("7.5")
    assert "v.xlsx row 3" in month.sources_csv
    assert AuditEntry.objects.filter(action="scoreboard.month.frozen").count() == 1


def test_previous_ranks_come_from_the_previous_frozen_month_and_show_as_changes(arena) -> None:
    october = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=october, data=sheet(GOOD))
    services.freeze_month(month=october)
    services.open_month(arena=arena, period="2026-09")  # open, earlier: not a previous rank
    november = services.open_month(arena=arena, period="2026-11")
    rows = [["单位", "投资增速", "投诉量"], ["aa", 1, 9], ["bb", 2, 8], ["cc", 3, 7], ["dd", 4, 1]]
    services.import_values(month=november, data=sheet(rows))
    november = services.freeze_month(month=november)
    assert json.loads(november.arena_json)["previous_ranks"] == {"aa": 1, "bb": 2, "cc": 3, "dd": 4}
    board = selectors.board(november)
    assert board is not None
    assert [(r.unit, r.rank, r.change, r.movement) for r in board.rows] == [
        ("dd", 1, 3, "up"),
        ("cc", 2, 1, "up"),
        ("bb", 3, -1, "down"),
        ("aa", 4, -3, "down"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["单位", "投资增速"], ["甲县", 1], ["戊县", 2]], "Row 3, cell A3: 戊县 is not a unit"),
        ([["单位", "投资增速"], ["甲县", 1], ["aa", 2]], "Row 3: 甲县 already has row 2"),
        (
            [["单位", "投资增速"], ["甲县", "十"]],
            "Row 2, cell B2 (甲县, 投资增速): 十 is not a number",
        ),
        ([["单位", "投资增速"], ["甲县", "1e999"]], "Row 2, cell B2 (甲县, 投资增速): 1e999"),
        ([["单位", "投资增速"], ["甲县", "1" * 16]], "cell B2 (甲县, 投资增速)"),
        ([["单位", "投资增速"], ["甲县", "0.000000000001"]], "at most 10 places"),
        ([["单位", "增速"], ["甲县", 1]], "Cell B1: 增速 is not an indicator of this arena"),
        (
            [["单位", "投资增速", "invest"], ["甲县", 1, 2]],
            "Cell C1: the indicator 投资增速 has a second column",
        ),
        ([["名称", "投资增速"]], "Cell A1: the header row must start with 单位"),
        ([["单位", "投资增速", "免于黑榜"], ["甲县", 1, "maybe"]], "Row 2, cell C2: write 是"),
    ],
)
def test_a_bad_sheet_names_the_cell_and_writes_nothing(arena, rows, message) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(GOOD))
    before = sorted(Value.objects.values_list("unit__code", "indicator__key", "value"))
    with pytest.raises(InvalidInput) as caught:
        services.import_values(month=month, data=sheet(rows))
    assert message in caught.value.message
    assert sorted(Value.objects.values_list("unit__code", "indicator__key", "value")) == before


def test_not_a_workbook_is_refused(arena) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    with pytest.raises(InvalidInput):
        services.import_values(month=month, data=b"unit,invest\naa,1\n", file_name="v.csv")


def test_a_frozen_month_takes_no_values_and_publishing_needs_a_freeze(arena) -> None:
    month = services.open_month(arena=arena, period="2026-10")
    with pytest.raises(StateError):
        services.publish_month(month=month)
    services.import_values(month=month, data=sheet(GOOD))
    services.freeze_month(month=month)
    with pytest.raises(StateError):
        services.import_values(month=month, data=sheet(GOOD))
    with pytest.raises(StateError):
        services.freeze_month(month=month)
    services.publish_month(month=month)
    with pytest.raises(StateError):
        services.publish_month(month=month)
    assert selectors.published_month("t", "2026-10") is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"method_name": "target", "target": Decimal(0)}, "indicators[2].target"),
        ({"method_name": "target", "target": None}, "indicators[2].target"),
        ({"direction": "up"}, "indicators[2].direction"),
        ({"key": "invest"}, 'indicator "invest" appears twice'),
        ({"key": "exempt"}, "reserved"),
        ({"key": "Bad Key"}, "indicators[2].key"),
        ({"source": "appraisal"}, "appraisal event"),
    ],
)
def test_an_indicator_is_checked_by_the_arena_rules(arena, change, message) -> None:
    fields: dict[str, Any] = {
        "arena": arena,
        "key": "extra",
        "name": "附加",
        "weight": Decimal(1),
        "direction": "higher",
        "method_name": "raw",
        **change,
    }
    with pytest.raises(InvalidInput) as caught:
        services.add_indicator(**fields)
    assert message in caught.value.message
    assert arena.indicators.count() == 2


def test_all_weights_zero_is_refused(db) -> None:
    group = UnitGroup.objects.create(code="g2", name="组")
    arena = services.create_arena(key="z", name="零", group=group.code)
    with pytest.raises(InvalidInput, match="every weight is 0"):
        services.add_indicator(
            arena=arena,
            key="a",
            name="a",
            weight=Decimal(0),
            direction="higher",
            method_name="raw",
        )


def test_on_time_share_is_computed_from_supervision_when_frozen(arena) -> None:
    from pingyi.supervision.models import Item, Report, SupervisionList

    services.add_indicator(
        arena=arena,
        key="ontime",
        name="按时报送率",
        weight=Decimal(10),
        direction="higher",
        method_name="target",
        target=Decimal(100),
        source=Source.ON_TIME,
    )
    the_list = SupervisionList.objects.create(
        key="l",
        kind="tasks",
        name="清单",
        year=2026,
        assigned_on=dt.date(2026, 9, 1),
        cadence="month",
    )
    aa = Unit.objects.get(code="aa")
    item = Item.objects.create(supervision_list=the_list, number="1", title="事项", lead_unit=aa)
    # due: the 2nd working day after 2026-10-01 → on time; the next one is late (due early Nov)
    Report.objects.create(item=item, unit=aa, reported_on=dt.date(2026, 10, 1), percent=10)
    Report.objects.create(item=item, unit=aa, reported_on=dt.date(2026, 10, 30), percent=20)
    Report.objects.create(item=item, unit=aa, reported_on=dt.date(2026, 12, 30), percent=30)
    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(GOOD))
    month = services.freeze_month(month=month)
    stored = Value.objects.get(month=month, indicator__key="ontime")
    assert stored.unit.code == "aa" and stored.value == 100  # 2 of 2 reports on time
    assert "as of 2026-10-31" in stored.source
    assert "aa,ontime,on_time" in month.sources_csv
    results = json.loads(month.results_json)
    warned = {w["unit"] for w in results["warnings"] if w["indicator"] == "ontime"}
    assert warned == {"bb", "cc", "dd"}  # no reports, no value


def test_notices_issued_in_the_month_are_counted_for_every_unit(arena) -> None:
    from pingyi.supervision.models import Item, Notice, SupervisionList

    services.add_indicator(
        arena=arena,
        key="notices",
        name="督办单数",
        weight=Decimal(10),
        direction="lower",
        method_name="rank",
        source=Source.NOTICES,
    )
    the_list = SupervisionList.objects.create(
        key="l", kind="tasks", name="清单", year=2026, assigned_on=dt.date(2026, 9, 1)
    )
    aa, bb = Unit.objects.get(code="aa"), Unit.objects.get(code="bb")
    for number, (day, units) in enumerate(
        [
            (dt.date(2026, 10, 1), [aa]),
            (dt.date(2026, 10, 31), [aa, bb]),
            (dt.date(2026, 9, 30), [bb]),  # September: not this month's
            (dt.date(2026, 11, 1), [bb]),  # November: not this month's
        ]
    ):
        item = Item.objects.create(
            supervision_list=the_list, number=str(number), title="事项", lead_unit=units[0]
        )
        notice = Notice.objects.create(item=item, colour="blue", issued_on=day)
        notice.units.add(*units)
    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(GOOD))
    month = services.freeze_month(month=month)
    counts = {
        v.unit.code: v.value for v in Value.objects.filter(month=month, indicator__key="notices")
    }
    assert counts == {"aa": 2, "bb": 1, "cc": 0, "dd": 0}
    results = json.loads(month.results_json)
    assert not [w for w in results["warnings"] if w["indicator"] == "notices"]
    # lower is better: cc and dd (0) share rank 1 → 100; bb rank 3 → 90; aa rank 4 → 85
    points = {r["unit"]: r["indicators"]["notices"] for r in results["ranking"]}
    assert points == {"aa": "85.00", "bb": "90.00", "cc": "100.00", "dd": "100.00"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_freezes_at_once_freeze_the_month_once(arena, monkeypatch) -> None:
    """Two clerks press 冻结 at the same moment: the month's row is locked first, so the
    second sees it frozen and writes nothing. Each request is held just after taking the lock
    until the other arrives (or 1 s passes): without the lock both would pass the state check
    and both would write the bundle."""
    import contextlib
    import threading

    from django.db import connection

    month = services.open_month(arena=arena, period="2026-10")
    services.import_values(month=month, data=sheet(GOOD))
    barrier = threading.Barrier(2)
    locked = services._locked

    def held(month: Any) -> Any:
        row = locked(month)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return row

    monkeypatch.setattr(services, "_locked", held)
    answers: list[str] = []

    def press() -> None:
        try:
            services.freeze_month(month=month)
            answers.append("frozen")
        except StateError:
            answers.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == ["frozen", "refused"]
    assert AuditEntry.objects.filter(action="scoreboard.month.frozen").count() == 1
