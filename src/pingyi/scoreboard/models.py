"""The monthly arena (月打擂): a series of months over one group of units (docs/scoreboard.md).

An :class:`Arena` is the series (e.g. 县区擂台赛 over the group 县（区）) with its
indicators; a :class:`Month` holds the values of one period. Freezing a month writes its
bundle (``arena.json``, ``values.csv``, ``results.json``, ``sources.csv``) into the month
itself, so what is published can be recomputed by anyone with ``pingyi arena tally``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingyi.orgs.models import Unit, UnitGroup


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Method(models.TextChoices):
    MINMAX = "minmax", _("min–max")
    TARGET = "target", _("against a target")
    RANK = "rank", _("by rank")
    RAW = "raw", _("the value itself (0–100)")


class Source(models.TextChoices):
    ENTERED = "entered", _("entered (Excel import)")
    ON_TIME = "on_time", _("supervision: reports on time (%)")
    ON_TRACK = "on_track", _("supervision: items on track (%)")
    APPRAISAL = "appraisal", _("appraisal: the event's published score")
    NOTICES = "notices", _("supervision: notices issued in the month")


class MonthState(models.TextChoices):
    OPEN = "open", pgettext_lazy("arena month", "open")
    FROZEN = "frozen", pgettext_lazy("arena month", "frozen")
    PUBLISHED = "published", pgettext_lazy("arena month", "published")


class Arena(models.Model):
    """A series of monthly arenas over the units of one group (the track)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="arenas", verbose_name=_("units")
    )
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    red_top = models.PositiveSmallIntegerField(_("red list size"), default=3)
    black_bottom = models.PositiveSmallIntegerField(_("black list size"), default=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("arena")
        verbose_name_plural = _("arenas")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    arena = models.ForeignKey(Arena, on_delete=models.CASCADE, related_name="indicators")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight"), max_digits=9, decimal_places=3)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    rank_step = models.DecimalField(_("rank step"), max_digits=9, decimal_places=3, default=5)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.ENTERED
    )
    #: for source ``appraisal``: the appraisal event whose published score is the value
    event_key = models.CharField(_("appraisal event"), max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["arena", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["arena", "key"], name="scoreboard_indicator_key")
        ]

    def __str__(self) -> str:
        return self.name


class Month(models.Model):
    arena = models.ForeignKey(Arena, on_delete=models.CASCADE, related_name="months")
    period = models.CharField(_("month"), max_length=7)  # YYYY-MM
    state = models.CharField(max_length=10, choices=MonthState.choices, default=MonthState.OPEN)
    exempt = models.ManyToManyField(Unit, blank=True, related_name="+")
    arena_json = models.TextField(blank=True)
    values_csv = models.TextField(blank=True)
    results_json = models.TextField(blank=True)
    sources_csv = models.TextField(blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["arena", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["arena", "period"], name="scoreboard_month_period")
        ]

    def __str__(self) -> str:
        return f"{self.arena.key} {self.period}"

    @property
    def bundle_key(self) -> str:
        return f"{self.period}-{self.arena.key}"


class Value(models.Model):
    """One unit's value of one indicator in a month, and where it came from."""

    month = models.ForeignKey(Month, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=30, decimal_places=10)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "unit", "indicator"], name="scoreboard_value_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator_id}: {self.value}"


class BoardSetting(models.Model):
    """Whether the office has published one of the wall boards (docs/scoreboard.md, "Boards").

    The arena board is public by its published months alone; every other board
    (notices, targets, pipeline, weekly) shows on the public page only while its row
    says ``public``. No row: not public.
    """

    key = models.CharField(_("board"), max_length=20, unique=True)
    public = models.BooleanField(_("public"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("board setting")
        verbose_name_plural = _("board settings")

    def __str__(self) -> str:
        return f"{self.key}: {'public' if self.public else 'office only'}"
