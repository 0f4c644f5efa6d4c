"""Who may do what, as predicates (django-rules). Checked on every page and API call."""

from __future__ import annotations

from typing import Any

import rules

from pingyi.accounts.models import Role


@rules.predicate
def is_office(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.OFFICE)
    )


@rules.predicate
def is_leader(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.LEADER)


@rules.predicate
def is_viewer(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.VIEWER)


@rules.predicate
def is_unit_liaison(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.UNIT)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


#: Office, leaders and viewers read every unit's data; liaisons only their own.
reads_all_units = is_office | is_leader | is_viewer


@rules.predicate
def belongs_to_unit(user: Any, unit: Any) -> bool:
    if unit is None or not is_unit_liaison(user):
        return False
    return bool(user.unit_id == getattr(unit, "pk", unit))


rules.add_perm("accounts.manage_accounts", is_office)
rules.add_perm("core.view_home", is_signed_in)
