"""Reading units, always through the reader's permissions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pingyi.accounts.rules import reads_all_units
from pingyi.orgs.models import Unit


def units_visible_to(*, user: Any) -> QuerySet[Unit]:
    """All units for office, leaders and viewers; a liaison's own unit only; nothing otherwise."""
    units = Unit.objects.all()
    if reads_all_units(user):
        return units
    if getattr(user, "is_authenticated", False) and user.unit_id:
        return units.filter(pk=user.unit_id)
    return units.none()

