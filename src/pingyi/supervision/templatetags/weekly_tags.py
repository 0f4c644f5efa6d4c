"""``{% week_part %}``: a liaison's part of this week's issued assignment sheet (交办单), on
its home page (``supervision/unit/home.html``); nothing for anyone else."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from pingyi.accounts.rules import is_unit_liaison
from pingyi.supervision import selectors_weekly
from pingyi.supervision.method.week import Week

register = template.Library()


@register.inclusion_tag("supervision/weekly/_unit_part.html", takes_context=True)
def week_part(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    unit = getattr(user, "unit", None) if user is not None and is_unit_liaison(user) else None
    if unit is None:
        return {"week_part": None}
    week = Week.of(timezone.localdate())
    entries = selectors_weekly.unit_part(unit, week)
    if not entries:
        return {"week_part": None}
    sheet = entries[0].sheet
    return {
        "week_part": {
            "week": week,
            "deadline": timezone.localtime(sheet.deadline),
            "entries": entries,
        }
    }
