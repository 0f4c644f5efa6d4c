"""``GET /api/v1/targets``: the year targets as JSON, the same document as ``pingyi targets
list --json`` (``selectors.targets_document``). Any account, by session or HTTP Basic; a unit
liaison reads its own unit only. A month outside 1-12 or a year outside 2000-2100 is 422."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from pingyi.core.api_answers import Problem, problem
from pingyi.core.api_auth import AccountAuth
from pingyi.orgs.selectors import units_visible_to
from pingyi.targets.selectors import targets_document

router = Router(tags=["targets"], auth=AccountAuth())


@router.get(
    "/targets",
    response={200: Any, 401: Problem, 422: Problem},
    summary="Year targets (全年红) with 序时进度 and statuses",
)
def targets(request: HttpRequest, year: int | None = None, month: int | None = None) -> Any:
    if year is not None and not 2000 <= year <= 2100:
        return problem(
            422, _("the year %(year)s is not between 2000 and 2100") % {"year": year}, "invalid"
        )
    if month is not None and not 1 <= month <= 12:
        return problem(422, _("the month %(month)s is not 1-12") % {"month": month}, "invalid")
    return targets_document(year, month, units=units_visible_to(user=request.user))
