"""Events, cards and ballots for the tests: fresh values on every call, never a shared dict.

``event_data()`` is the reference meeting (two tracks: criteria and grades with abstention,
two weighted panels, trimming); ``event_json()`` its text, ``make_event()`` it imported,
``make_open_event()`` it open for voting. Each takes top-level members to change
(``key="t2"``, ``kind="observation"``, ``previous="t1"``, …), so tests never mutate a
module-level constant that other tests read.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pingyi.appraisal import services
from pingyi.appraisal.models import Event

KEY = "t1"

_EVENT: dict[str, Any] = {
    "format": "pingyi-event/1",
    "key": KEY,
    "name": "测试评议会",
    "held_on": "2026-07-17",
    "tracks": [
        {
            "key": "counties",
            "name": "县（区）",
            "units": [
                {"key": "hualong", "name": "华龙区"},
                {"key": "puyang", "name": "濮阳县"},
                {"key": "qingfeng", "name": "清丰县"},
            ],
            "rubric": {
                "kind": "criteria",
                "step": 0.5,
                "criteria": [
                    {"key": "results", "name": "工作实绩", "max": 60},
                    {"key": "style", "name": "能力作风", "max": 40},
                ],
            },
        },
        {
            "key": "leads",
            "name": "牵头单位",
            "units": [
                {"key": "fgw", "name": "市发展改革委"},
                {"key": "gxj", "name": "市工业和信息化局"},
                {"key": "kjj", "name": "市科技局"},
                {"key": "swj", "name": "市商务局"},
            ],
            "rubric": {
                "kind": "grades",
                "top_grade_max_share": 0.3,
                "abstain": True,
                "grades": [
                    {"key": "good", "name": "好", "points": 100},
                    {"key": "fair", "name": "较好", "points": 85},
                    {"key": "average", "name": "一般", "points": 70},
                    {"key": "poor", "name": "差", "points": 55},
                ],
            },
        },
    ],
    "panels": [
        {"key": "leaders", "name": "市级领导", "weight": 0.4, "expected": 3},
        {"key": "attendees", "name": "列席人员", "weight": 0.6},
    ],
    "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
}


def event_data(**changes: Any) -> dict[str, Any]:
    """A new copy of the reference event.json as a dict, with top-level ``changes``."""
    data = copy.deepcopy(_EVENT)
    data.update(copy.deepcopy(changes))
    return data


def event_json(**changes: Any) -> str:
    """The reference event.json as text (UTF-8 characters kept, as an office writes it)."""
    return json.dumps(event_data(**changes), ensure_ascii=False)


def make_event(**changes: Any) -> Event:
    """The reference event imported (a draft), with top-level ``changes``."""
    return services.event_import(data=event_json(**changes))


def make_open_event(**changes: Any) -> Event:
    event = make_event(**changes)
    return services.event_open(key=event.key)


def full_scores(base: float = 50, skip: str | None = None) -> list[dict[str, Any]]:
    """A complete valid ballot of the reference event (``skip``: leave one unit out)."""
    rows: list[dict[str, Any]] = []
    for unit in ("hualong", "puyang", "qingfeng"):
        if unit == skip:
            continue
        rows.append({"track": "counties", "unit": unit, "item": "results", "value": base})
        rows.append({"track": "counties", "unit": unit, "item": "style", "value": 30.5})
    grades = {"fgw": "fair", "gxj": "fair", "kjj": "average", "swj": None}
    for unit, grade in grades.items():
        if unit == skip:
            continue
        if grade is None:
            rows.append({"track": "leads", "unit": unit, "item": "abstain", "value": None})
        else:
            rows.append({"track": "leads", "unit": unit, "item": "grade", "value": grade})
    return rows


def issue(event: Event, panel: str = "leaders", n: int = 1, unit: str | None = None) -> list[str]:
    """``n`` new card tokens of ``panel``."""
    return [c.token for c in services.tokens_issue(event=event, panel=panel, count=n, unit=unit)]
