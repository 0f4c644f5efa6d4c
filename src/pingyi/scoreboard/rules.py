"""Who may do what with the arena: the office defines, imports, freezes and publishes;
office, leaders and viewers read every month; a published month is public (no sign-in)."""

from __future__ import annotations

import rules

from pingyi.accounts.rules import is_office, reads_all_units

rules.add_perm("scoreboard.manage", is_office)
rules.add_perm("scoreboard.view", reads_all_units)
