"""Who may see and do what in notifications (django-rules, autodiscovered).

- ``notifications.manage``: the channels page and the delivery log — the office only.
  (A unit liaison does not see its unit's channels: a webhook URL, even masked, is the
  office's business; the liaison gets the notifications themselves.)
"""

from __future__ import annotations

import rules

from pingyi.accounts.rules import is_office

rules.add_perm("notifications.manage", is_office)
