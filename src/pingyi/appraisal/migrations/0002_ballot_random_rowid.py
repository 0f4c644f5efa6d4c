"""Ballots stored in the order of their random ids, not in the order they were cast.

On SQLite the ``id`` column becomes ``integer`` (an ``INTEGER PRIMARY KEY`` is the rowid):
Django rebuilds the table and copies every ballot, keeping its id, so existing ballots
are re-stored in random order too. On PostgreSQL the column type does not change. The
index on ``(event_id, id)`` replaces the one on ``event_id``: the ballot writer samples an
event's ballots by id range (``pingyi.appraisal.casting.storage``).
"""

import django.db.models.deletion
from django.db import migrations, models

import pingyi.appraisal.models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballot",
            name="id",
            field=pingyi.appraisal.models.RandomRowIdField(
                default=pingyi.appraisal.models.random_ballot_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AddIndex(
            model_name="ballot",
            index=models.Index(fields=["event", "id"], name="ballot_event_id"),
        ),
        migrations.AlterField(
            model_name="ballot",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ballots",
                to="appraisal.event",
            ),
        ),
    ]
