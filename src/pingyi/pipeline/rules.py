"""Who may see and do what with the project pipeline (django-rules, autodiscovered).

- ``pipeline.view``: the projects page — every signed-in account; a unit liaison sees its own
  unit's projects only (the selectors filter by ``orgs.selectors.units_visible_to``).
- ``pipeline.manage``: importing the office's sheet — the office only.
"""

from __future__ import annotations

import rules

from pingyi.accounts.rules import is_office, is_signed_in

rules.add_perm("pipeline.view", is_signed_in)
rules.add_perm("pipeline.manage", is_office)
