"""Who may see and do what with year targets (django-rules, autodiscovered).

- ``targets.view``: the targets page — every signed-in account; a unit liaison sees its own
  unit's targets only (the selectors filter by ``orgs.selectors.units_visible_to``).
- ``targets.manage``: importing the office's sheet — the office only.
"""

from __future__ import annotations

import rules

from pingyi.accounts.rules import is_office, is_signed_in

rules.add_perm("targets.view", is_signed_in)
rules.add_perm("targets.manage", is_office)
