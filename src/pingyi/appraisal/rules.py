"""Who may run a meeting and who may watch it (django-rules, autodiscovered).

- ``appraisal.run_meeting``: the meeting console and every change it makes — office only.
  Leaders and viewers get 403 on the console (they watch the big screen instead).
- ``appraisal.view_screen``: the big screen, its live stream and the meeting list — office,
  leaders and viewers. Unit liaisons never (403); anonymous visitors are sent to sign in
  (the stream answers 403).
"""

from __future__ import annotations

import rules

from pingyi.accounts.rules import is_office, reads_all_units

rules.add_perm("appraisal.run_meeting", is_office)
rules.add_perm("appraisal.view_screen", reads_all_units)
