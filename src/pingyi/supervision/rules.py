"""Who may see and do what in supervision (django-rules, autodiscovered).

- ``supervision.view_index``: the items page (and its link in the navigation) — every
  signed-in account; a liaison sees its unit's items there.
- ``supervision.view_lists``: the office's list pages — office, leaders, viewers (liaisons see
  their unit's items instead).
- ``supervision.view_item`` (an item): office, leaders and viewers every item; a unit liaison
  only the items of their unit, as lead unit or co-unit.
- ``supervision.manage``: the office's actions — import and export lists, accept or return
  reports, decide extensions, verify closures, the working-day overrides.
- ``supervision.report`` (an item): file a progress report — the office, and the liaisons of
  the item's lead unit or co-units.
- ``supervision.request`` (an item): ask for an extension, apply for closure — the office and
  the liaisons of the item's lead unit (the unit answerable for it).
- ``supervision.comment``: a leader's comment (点评) on a report — leaders and the office.
- ``supervision.view_notices``: the notice board — office, leaders, viewers;
  ``supervision.view_notice`` (a notice): those, and the liaisons of the units it is addressed
  to; ``supervision.answer_notice`` (a notice): 签收 and the written reply — those liaisons.
"""

from __future__ import annotations

from typing import Any

import rules

from pingyi.accounts.rules import (
    is_leader,
    is_office,
    is_signed_in,
    is_unit_liaison,
    reads_all_units,
)


def _unit_ids(item: Any) -> set[int]:
    ids = {item.lead_unit_id}
    ids.update(unit.pk for unit in item.co_units.all())
    return ids


@rules.predicate
def liaison_of_item_unit(user: Any, item: Any) -> bool:
    """A liaison of the item's lead unit or of one of its co-units."""
    if item is None or not is_unit_liaison(user):
        return False
    return bool(user.unit_id in _unit_ids(item))


@rules.predicate
def liaison_of_lead_unit(user: Any, item: Any) -> bool:
    if item is None or not is_unit_liaison(user):
        return False
    return bool(user.unit_id == item.lead_unit_id)


rules.add_perm("supervision.view_index", is_signed_in)
rules.add_perm("supervision.view_lists", reads_all_units)
rules.add_perm("supervision.view_item", reads_all_units | liaison_of_item_unit)
rules.add_perm("supervision.manage", is_office)
rules.add_perm("supervision.report", is_office | liaison_of_item_unit)
rules.add_perm("supervision.request", is_office | liaison_of_lead_unit)
rules.add_perm("supervision.comment", is_office | is_leader)


@rules.predicate
def liaison_of_notice_unit(user: Any, notice: Any) -> bool:
    """A liaison of a unit the notice is addressed to (``Notice.units``)."""
    if notice is None or not is_unit_liaison(user):
        return False
    return bool(notice.units.filter(pk=user.unit_id).exists())


# notices (督办通知): the board for readers; a notice for readers and the liaisons of its units;
# 签收 and the written reply by those liaisons; the office decides (supervision.manage)
rules.add_perm("supervision.view_notices", reads_all_units)
rules.add_perm("supervision.view_notice", reads_all_units | liaison_of_notice_unit)
rules.add_perm("supervision.answer_notice", liaison_of_notice_unit)
