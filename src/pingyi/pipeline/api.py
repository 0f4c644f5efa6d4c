"""``GET /api/v1/pipeline``: the projects as JSON, the same document as ``pingyi pipeline list
--json`` (``selectors.pipeline_document``), as of ``?today=YYYY-MM-DD`` (default: today),
``?batch=`` one batch. Any account, by session or HTTP Basic; a unit liaison reads its own
unit's projects only. A day that is no date is 422."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from pingyi.core.api_answers import Problem, problem
from pingyi.core.api_auth import AccountAuth
from pingyi.orgs.selectors import units_visible_to
from pingyi.pipeline.selectors import pipeline_document

router = Router(tags=["pipeline"], auth=AccountAuth())


@router.get(
    "/pipeline",
    response={200: Any, 401: Problem, 422: Problem},
    summary="Projects (三个一批): the funnel per unit and the lagging",
)
def pipeline(request: HttpRequest, today: str | None = None, batch: str | None = None) -> Any:
    day = timezone.localdate()
    if today is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", today):
                raise ValueError(today)
            day = dt.date.fromisoformat(today)
        except ValueError:
            return problem(
                422,
                _("%(option)s %(value)s is not a date: write YYYY-MM-DD, e.g. 2026-03-01.")
                % {"option": "today", "value": today[:40]},
                "invalid",
            )
    return pipeline_document(day, batch=batch or None, units=units_visible_to(user=request.user))
