"""The monthly arena over the REST API (no sign-in for what is published):

- ``GET /api/v1/arena``: the published months, newest first;
- ``GET /api/v1/arena/{key}/{period}/results``: a month's ``results.json``
  (``pingyi-arena-results/1``, the stored file the page shows and the bundle holds). Public
  once published; office, leaders and viewers (signed in) also read a frozen month; anything
  else is 404 (the answer does not say whether the month exists)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from pingyi.accounts.rules import reads_all_units
from pingyi.core.api_answers import Problem, problem
from pingyi.scoreboard import selectors
from pingyi.scoreboard.models import MonthState

router = Router(tags=["arena"])


@router.get("/arena", auth=None, summary="Published months of the monthly arena (月打擂)")
def arena_months(request: HttpRequest) -> Any:
    return [
        {"arena": m.arena.key, "name": m.arena.name, "period": m.period, "key": m.bundle_key}
        for m in selectors.published_months()
    ]


@router.get(
    "/arena/{key}/{period}/results",
    auth=None,
    response={200: Any, 404: Problem},
    summary="A month's results.json (pingyi-arena-results/1): public once published",
)
def arena_results(request: HttpRequest, key: str, period: str) -> Any:
    month = selectors.month_of(key, period)
    visible = month is not None and (
        month.state == MonthState.PUBLISHED
        or (month.state == MonthState.FROZEN and bool(reads_all_units(request.user)))
    )
    if month is None or not visible:
        return problem(404, _("No published ranking for this month."), "not_found")
    return json.loads(month.results_json)
