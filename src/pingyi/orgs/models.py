"""Units (单位) — the appraised bodies — and the groups offices keep them in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County/district")
    ZONE = "zone", _("Functional zone")
    DEPARTMENT = "department", _("City department")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """A county/district, a functional zone, a city department or another appraised body."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    #: Other names offices write for the unit (市发改委 for 市发展改革委): a JSON list of
    #: strings, half-width, whitespace collapsed (pingyi.orgs.names.split_aliases). A list
    #: on the row, not a table: a unit has a handful, they are always read with the unit
    #: (the name index loads every unit in one query), and the rule that matters, no alias
    #: spelling another unit's name, short name or alias, spans three fields a unique
    #: index on an alias table could not hold anyway (Unit.clean, services.units_import).
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class UnitGroup(models.Model):
    """A named set of units, e.g. the counties of an appraisal track or the key-work lead units."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    units = models.ManyToManyField(Unit, related_name="groups", blank=True, verbose_name=_("units"))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")

    def __str__(self) -> str:
        return self.name
