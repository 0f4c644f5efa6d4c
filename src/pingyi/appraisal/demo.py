"""Demo appraisal events modelled on the seed meeting (述职评议会).

``2025-h2`` is a finished, published meeting with simulated ballots (so there are results
and rank changes to look at); ``2026-h1`` is the next meeting, ready to be opened.
Loading twice changes nothing.
"""

from __future__ import annotations

import json
import random
from typing import Any

from pingyi.appraisal import services
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
    states = ", ".join(
        f"{e.key} {EventState(e.state).label}" for e in Event.objects.order_by("key")
    )
    return f"appraisal events: {states}"
