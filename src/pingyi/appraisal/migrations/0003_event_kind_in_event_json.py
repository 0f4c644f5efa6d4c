"""An observation event's ``event.json`` says so: ``"kind": "observation"``.

Before, the kind was read at import into ``Event.kind`` and dropped from the stored
``event.json``, so an exported observation re-imported as a meeting. The stored text of
every observation event gets its kind back; meetings are unchanged (``"meeting"`` is the
default and not written). Going back leaves the member in place: older code ignores it.
"""

from dataclasses import replace
from typing import Any

from django.db import migrations

from pingyi.appraisal.method.spec import SpecError, dump_event_json, load_event_json


def kind_into_event_json(apps: Any, schema_editor: Any) -> None:
    Event = apps.get_model("appraisal", "Event")
    for event in Event.objects.filter(kind="observation").only("id", "spec_json"):
        try:
            spec = load_event_json(event.spec_json)
        except SpecError:  # a row written around the import: left as it is
            continue
        if spec.kind != "observation":
            event.spec_json = dump_event_json(replace(spec, kind="observation"))
            event.save(update_fields=["spec_json"])


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0002_ballot_random_rowid"),
    ]

    operations = [
        migrations.RunPython(kind_into_event_json, migrations.RunPython.noop, elidable=True),
    ]
