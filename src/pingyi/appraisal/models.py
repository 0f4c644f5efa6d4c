"""Appraisal events, ballot cards and ballots.

The event's rules live in one place: ``Event.spec_json``, the canonical ``event.json``
(tracks, units, rubrics, panels, method), parsed by :mod:`pingyi.appraisal.method.spec`.

Anonymity (docs/anonymity.md): a :class:`Ballot` row carries no link to a card, an
account, an address or a time. Its primary key is random, so the stored order does not
follow the order of voting; its receipt is derived from the card's secret, which the
server never stores.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.appraisal.errors import StateError
from pingyi.appraisal.method.event_keys import is_valid_event_key
from pingyi.appraisal.method.spec import EventSpec, load_event_json


@lru_cache(maxsize=64)
def parsed_spec(spec_json: str) -> EventSpec:
    """Parsing event.json on every ballot would cost more than storing it; specs are
    immutable values, so one parse per distinct text is shared."""
    return load_event_json(spec_json)


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Work-report appraisal meeting")
    OBSERVATION = "observation", _("Quarterly observation")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    PUBLISHED = "published", _("Published")


#: "Only while draft or open": an event's cards and slides may change in these states only,
#: before voting closes. The one home of the rule (``Event.before_close``,
#: :func:`require_before_close`); ``tests/appraisal/test_one_home.py`` checks every place.
BEFORE_CLOSE = (EventState.DRAFT, EventState.OPEN)


class Event(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=EventKind.choices, default=EventKind.MEETING
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=EventState.choices, default=EventState.DRAFT
    )
    rehearsal = models.BooleanField(
        _("rehearsal"),
        default=False,
        help_text=_("A rehearsal tests the whole meeting; its ballots and cards can be purged."),
    )
    spec_json = models.TextField(_("event.json"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The earlier event whose ranks the rank changes (争先进位) are measured against."
        ),
    )
    results_json = models.TextField(_("results.json"), blank=True)
    revealed_tracks = models.JSONField(_("revealed tracks"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("voting opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("voting closed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("appraisal event")
        verbose_name_plural = _("appraisal events")

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self) -> EventSpec:
        """``spec_json`` parsed: once per distinct text in the process (:func:`parsed_spec`),
        and kept on this instance for as long as ``spec_json`` is that same string object
        (assigning a new text, ``refresh_from_db``, parses again)."""
        kept = self.__dict__.get("_spec_kept")
        if kept is not None and kept[0] is self.spec_json:
            return kept[1]  # type: ignore[no-any-return]
        spec = parsed_spec(self.spec_json)
        self.keep_spec(spec)
        return spec

    def keep_spec(self, spec: EventSpec) -> None:
        """Use ``spec``, parsed by the caller from this very ``spec_json``, as this instance's
        spec (a reader that keeps specs between queries, as ``live.read_snapshot`` does,
        spares the parse; ``parsed_spec`` holds only the last 64 texts)."""
        self.__dict__["_spec_kept"] = (self.spec_json, spec)

    @property
    def before_close(self) -> bool:
        """Draft or open: its ballot cards and slides may still change (:data:`BEFORE_CLOSE`)."""
        return self.state in BEFORE_CLOSE

    @property
    def has_results(self) -> bool:
        return self.state in (EventState.CLOSED, EventState.PUBLISHED)

    @property
    def addressable(self) -> bool:
        """Whether the key can be part of a web address. Every way in checks it
        (:mod:`pingyi.appraisal.method.event_keys`); a row written around them (raw SQL, an older
        version) is listed without links instead of breaking the pages that list it."""
        return is_valid_event_key(self.key)


def require_before_close(event: Event, refusal: str) -> None:
    """The guard of every change allowed only while draft or open: raise
    :class:`~pingyi.appraisal.errors.StateError` with ``refusal`` once voting has closed."""
    if not event.before_close:
        raise StateError(refusal)


class Presentation(models.Model):
    """A unit's work report at the meeting: its place in the running order and its slides."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="presentations")
    track = models.CharField(_("track"), max_length=64)
    unit = models.CharField(_("unit"), max_length=64)
    order = models.PositiveIntegerField(_("running order"), default=0)
    presenter = models.CharField(_("presenter"), max_length=100, blank=True)
    slides = models.FileField(_("slides"), upload_to="slides/%Y/", blank=True)
    comment_notes = models.TextField(_("comment notes (讲评)"), blank=True)

    class Meta:
        ordering = ["event", "track", "order"]
        constraints = [
            models.UniqueConstraint(fields=["event", "track", "unit"], name="one_presentation")
        ]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")

    def __str__(self) -> str:
        return f"{self.event_id}/{self.track}/{self.unit}"


class BallotCard(models.Model):
    """A one-use anonymous credential. Only keyed hashes of its secrets are stored."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cards")
    panel = models.CharField(_("panel"), max_length=64)
    bound_unit = models.CharField(
        _("bound unit"),
        max_length=64,
        blank=True,
        help_text=_("The unit the holder belongs to: it is left out of this card's ballot."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    rehearsal = models.BooleanField(default=False)
    issued_on = models.DateField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["event", "panel", "used"])]
        verbose_name = _("ballot card")
        verbose_name_plural = _("ballot cards")

    def __str__(self) -> str:
        return f"card {self.pk} ({self.panel})"


def random_ballot_id() -> int:
    """A random positive 63-bit id: the stored order of ballots says nothing about time."""
    return secrets.randbits(63) or 1


class RandomRowIdField(models.BigIntegerField):
    """A 63-bit primary key that is also the row's place in the table.

    On SQLite the column is declared ``integer``: an ``INTEGER PRIMARY KEY`` *is* the
    rowid, the key of the table's B-tree, so rows are stored in the order of their random
    ids. Declared ``bigint`` (as before, migration 0001) the table kept a hidden rowid
    counting up in insertion order, which listed ballots in the order they were cast.
    On PostgreSQL the column stays ``bigint``; the heap's order is handled by the writer
    (:mod:`pingyi.appraisal.casting.storage`). See docs/anonymity.md.
    """

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class Ballot(models.Model):
    """One cast ballot: its panel and its packed scores. Nothing else."""

    id = RandomRowIdField(primary_key=True, default=random_ballot_id, editable=False)
    # Indexed with the id (below): the writer samples an event's ballots by id range.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="ballots", db_index=False
    )
    panel = models.CharField(max_length=64)
    receipt = models.CharField(max_length=16)
    payload = models.BinaryField()
    rehearsal = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "receipt"], name="one_receipt_per_event")
        ]
        indexes = [models.Index(fields=["event", "id"], name="ballot_event_id")]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"ballot {self.receipt}"
