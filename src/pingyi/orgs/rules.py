"""Unit permissions: a unit liaison sees only its own unit."""

from __future__ import annotations

import rules

from pingyi.accounts.rules import belongs_to_unit, is_office, is_signed_in, reads_all_units

rules.add_perm("orgs.list_units", is_signed_in)
rules.add_perm("orgs.view_unit", reads_all_units | belongs_to_unit)
rules.add_perm("orgs.manage_units", is_office)
