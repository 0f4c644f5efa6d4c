"""Demo appraisal events modelled on the seed meeting (述职评议会).

``2025-h2`` is a finished, published meeting with simulated ballots (so there are results
and rank changes to look at); ``2026-h1`` is the next meeting, ready to be opened;
``2026-q3-obs`` is a quarterly observation (季观摩): a route of project sites over eight
county units (the running order, each site's project in the presenter field), the ranking
rubric, and simulated ballots, closed. Loading twice changes nothing.
"""

from __future__ import annotations

import json
import random
from typing import Any

from pingyi.appraisal import meeting, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.models import Event, EventState
from pingyi.orgs.demo import COUNTIES, LEAD_UNITS

#: The four panels of the meeting (used by the demo appraisal event).
PANELS: list[tuple[str, str]] = [
    ("leaders", "市级领导"),
    ("deputies", "两代表一委员"),
    ("enterprises", "企业代表"),
    ("attendees", "列席人员"),
]

CRITERIA = [
    ("results", "工作实绩", 40),
    ("innovation", "创新举措", 20),
    ("report", "述职质量", 20),
    ("style", "能力作风", 20),
]
GRADES = [("good", "好", 100), ("fair", "较好", 85), ("average", "一般", 70), ("poor", "差", 55)]
WEIGHTS = {"leaders": "0.4", "deputies": "0.2", "enterprises": "0.2", "attendees": "0.2"}
EXPECTED = {"leaders": 16, "deputies": 30, "enterprises": 20, "attendees": 120}


def demo_event_json(key: str, name: str, held_on: str, previous: str | None = None) -> str:
    event: dict[str, Any] = {
        "format": "pingyi-event/1",
        "key": key,
        "name": name,
        "held_on": held_on,
        "tracks": [
            {
                "key": "counties",
                "name": "县（区）",
                "units": [{"key": c, "name": n} for c, n, _s, _k in COUNTIES],
                "rubric": {
                    "kind": "criteria",
                    "step": 1,
                    "criteria": [{"key": k, "name": n, "max": m} for k, n, m in CRITERIA],
                },
            },
            {
                "key": "leads",
                "name": "重点工作牵头单位",
                "units": [{"key": c, "name": n} for c, n, _s in LEAD_UNITS],
                "rubric": {
                    "kind": "grades",
                    "top_grade_max_share": 0.3,
                    "abstain": True,
                    "grades": [{"key": k, "name": n, "points": p} for k, n, p in GRADES],
                },
            },
        ],
        "panels": [
            {"key": k, "name": n, "weight": float(WEIGHTS[k]), "expected": EXPECTED[k]}
            for k, n in PANELS
        ],
        "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
    }
    if previous:
        event["previous"] = previous
    return json.dumps(event, ensure_ascii=False)


def simulated_scores(rng: random.Random, strength: dict[str, float]) -> list[dict[str, Any]]:
    """A plausible full ballot: better units get higher marks, the 好 quota is respected."""
    scores: list[dict[str, Any]] = []
    for code, *_rest in COUNTIES:
        for key, _name, top in CRITERIA:
            value = round(top * min(1.0, max(0.4, strength[code] + rng.gauss(0, 0.06))))
            scores.append({"track": "counties", "unit": code, "item": key, "value": value})
    leads = [code for code, *_rest in LEAD_UNITS]
    ranked = sorted(leads, key=lambda c: strength[c] + rng.gauss(0, 0.08), reverse=True)
    abstain = rng.choice(leads) if rng.random() < 0.3 else None
    quota = int(0.3 * (len(leads) - (1 if abstain else 0)))
    for position, code in enumerate(ranked):
        if code == abstain:
            scores.append({"track": "leads", "unit": code, "item": "abstain", "value": None})
            continue
        grade = "good" if position < quota else ("fair" if position < 10 else "average")
        scores.append({"track": "leads", "unit": code, "item": "grade", "value": grade})
    return scores


def _simulate_meeting(key: str, seed: int, ballots_per_panel: dict[str, int]) -> None:
    rng = random.Random(seed)  # nosec B311 # simulated demo ballots, not secrets
    codes = [c for c, *_r in COUNTIES] + [c for c, *_r in LEAD_UNITS]
    strength = {code: rng.uniform(0.7, 0.95) for code in codes}
    event = Event.objects.get(key=key)
    services.event_open(key=key)
    for panel, n in ballots_per_panel.items():
        for card in services.tokens_issue(event=event, panel=panel, count=n):
            casting.ballot_cast(token=card.token, scores=simulated_scores(rng, strength))
    services.event_close(key=key)


#: The observation's route: (unit, the project visited), in running order. The first eight
#: of the county units (counties and zones); each site's project is shown where a meeting
#: shows the presenter (the running order's mechanism, no new field).
OBSERVATION_KEY = "2026-q3-obs"
OBSERVATION_ROUTE: list[tuple[str, str]] = [
    ("kaifaqu", "新型功能材料产业园"),
    ("hualong", "龙湖片区城市更新项目"),
    ("puyang", "绿色化工循环产业园"),
    ("qingfeng", "家居产业园二期"),
    ("nanle", "新能源装备制造基地"),
    ("gongyeyuan", "氢能产业示范项目"),
    ("fanxian", "黄河滩区乡村振兴示范区"),
    ("taiqian", "羽绒及服饰产业园"),
]
OBSERVATION_PANELS = [("group", "观摩团", 0.7, 30), ("departments", "市直部门", 0.3, 20)]


def observation_event_json() -> str:
    """The demo's quarterly observation: one ranking track over the route's units."""
    names = {code: name for code, name, _s, _k in COUNTIES}
    event: dict[str, Any] = {
        "format": "pingyi-event/1",
        "key": OBSERVATION_KEY,
        "name": "2026年第三季度项目观摩",
        "kind": "observation",
        "held_on": "2026-09-24",
        "tracks": [
            {
                "key": "sites",
                "name": "县（区）项目观摩",
                "units": [
                    {"key": code, "name": names[code], "presenter": project}
                    for code, project in sorted(OBSERVATION_ROUTE)
                ],
                "rubric": {"kind": "ranking", "first": 100, "step": 3},
            }
        ],
        "panels": [
            {"key": k, "name": n, "weight": w, "expected": e} for k, n, w, e in OBSERVATION_PANELS
        ],
        "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
    }
    return json.dumps(event, ensure_ascii=False)


def simulated_ranking(
    rng: random.Random, strength: dict[str, float], bound: str | None = None
) -> list[dict[str, Any]]:
    """A plausible ranking: stronger sites tend to rank higher; the bound unit is skipped."""
    codes = [code for code, _p in OBSERVATION_ROUTE if code != bound]
    ordered = sorted(codes, key=lambda c: strength[c] + rng.gauss(0, 0.05), reverse=True)
    return [
        {"track": "sites", "unit": code, "item": "rank", "value": rank}
        for rank, code in enumerate(ordered, start=1)
    ]


def _load_observation() -> None:
    services.event_import(data=observation_event_json())
    meeting.running_order_save(
        key=OBSERVATION_KEY,
        track="sites",
        rows=[
            {"unit": code, "order": place, "presenter": project}
            for place, (code, project) in enumerate(OBSERVATION_ROUTE, start=1)
        ],
    )
    rng = random.Random(2026_3)  # nosec B311 # simulated demo ballots, not secrets
    strength = {code: rng.uniform(0.7, 0.95) for code, _p in OBSERVATION_ROUTE}
    event = services.event_open(key=OBSERVATION_KEY)
    for card in services.tokens_issue(event=event, panel="group", count=18):
        casting.ballot_cast(token=card.token, scores=simulated_ranking(rng, strength))
    for code, _project in OBSERVATION_ROUTE[:6]:  # county staff: cards bound to their unit
        for card in services.tokens_issue(event=event, panel="departments", count=2, unit=code):
            scores = simulated_ranking(rng, strength, bound=code)
            casting.ballot_cast(token=card.token, scores=scores)
    services.event_close(key=OBSERVATION_KEY)


def load_demo_event() -> str:
    if not Event.objects.filter(key="2025-h2").exists():
        services.event_import(
            data=demo_event_json("2025-h2", "2025年下半年工作述职评议会", "2026-01-16")
        )
        _simulate_meeting(
            "2025-h2", 2025, {"leaders": 12, "deputies": 22, "enterprises": 15, "attendees": 80}
        )
        services.event_publish(key="2025-h2")
    if not Event.objects.filter(key="2026-h1").exists():
        services.event_import(
            data=demo_event_json(
                "2026-h1", "2026年上半年工作述职评议会", "2026-07-17", previous="2025-h2"
            )
        )
    if not Event.objects.filter(key=OBSERVATION_KEY).exists():
        _load_observation()
    states = ", ".join(
        f"{e.key} {EventState(e.state).label}" for e in Event.objects.order_by("key")
    )
    return f"appraisal events: {states}"
