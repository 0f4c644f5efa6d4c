"""The navigation of the shell, filtered by what the signed-in account may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAVIGATION: list[tuple[str, Any, str | None]] = [
    ("core:home", _("Home"), "core.view_home"),
    ("orgs:unit_list", _("Units"), "orgs.list_units"),
    ("meeting:list", _("Appraisal events"), "accounts.manage_accounts"),
    ("supervision:item_list", _("Supervision"), "supervision.view_index"),
    ("targets:table", _("Year targets"), "targets.view"),
    ("pipeline:table", _("Projects"), "pipeline.view"),
    ("scoreboard:office", _("Monthly arena"), "scoreboard.view"),
    ("boards:office", _("Boards"), "scoreboard.view"),
    ("results:index", _("Results"), None),
    ("orgs:unit_import", _("Import units"), "orgs.manage_units"),
    ("admin:index", _("Administration"), "accounts.manage_accounts"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for name, label, perm in NAVIGATION:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(name)
        active = current == url if name == "core:home" else current.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
