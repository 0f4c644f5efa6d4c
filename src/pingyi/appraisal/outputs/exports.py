"""The anonymous appraisal bundle of a closed event (``pingyi event export``)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from pingyi.appraisal import selectors
from pingyi.appraisal.errors import ExportError
from pingyi.appraisal.method.bundle import write_bundle
from pingyi.appraisal.models import Event


def event_export(*, key: str, directory: Path) -> Path:
    """Write event.json, ballots.csv (fresh random ballot ids, random order), results.json
    (the results fixed at close) and receipts.txt into ``directory``."""
    event = Event.objects.filter(key=key).first()
    if event is None:
        raise ExportError(_("No event “%(key)s”.") % {"key": key})
    results = selectors.stored_results(event=event)
    if results is None:
        raise ExportError(
            _("Event “%(key)s” is %(state)s: ballots are exported only after voting closes.")
            % {"key": key, "state": event.get_state_display()}
        )
    if directory.exists() and any(directory.iterdir()):
        raise ExportError(_("%(dir)s is not empty.") % {"dir": directory})
    write_bundle(
        directory,
        event.spec,
        selectors.ballot_matrix(event=event),
        results,
        selectors.receipts(event=event),
    )
    return directory
