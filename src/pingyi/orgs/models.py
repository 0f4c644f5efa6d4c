"""Units (单位) — the appraised bodies — and the groups offices keep them in."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.orgs.names import MAX_ALIAS_LENGTH, Clash, find_clashes, name_key, split_aliases

#: The most aliases one unit keeps (offices write two or three).
MAX_ALIASES = 30


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

    def clean(self) -> None:
        """Aliases normalised (half-width, whitespace collapsed, repeats and the unit's own
        name dropped) and refused when one spells another unit's name, short name or alias,
        or when another unit's alias spells this unit's name or short name."""
        super().clean()
        self.aliases = clean_unit_aliases(self.name, self.short_name, self.aliases)
        errors: dict[str, list[str]] = {}
        for alias in self.aliases:
            if len(alias) > MAX_ALIAS_LENGTH:
                errors.setdefault("aliases", []).append(
                    gettext("The alias “%(alias)s…” is longer than %(n)d characters.")
                    % {"alias": alias[:20], "n": MAX_ALIAS_LENGTH}
                )
        if len(self.aliases) > MAX_ALIASES:
            errors.setdefault("aliases", []).append(
                gettext("A unit has at most %(n)d aliases.") % {"n": MAX_ALIASES}
            )
        me = self.pk if self.pk is not None else _NEW
        others = Unit.objects.exclude(pk=self.pk) if self.pk is not None else Unit.objects.all()
        rows = [(me, self.name, self.short_name, self.aliases)]
        rows += list(others.values_list("pk", "name", "short_name", "aliases"))
        names = {pk: name for pk, name, _short, _aliases in rows}
        for clash in alias_clashes(rows):
            if me not in (clash.owner, clash.other):
                continue  # an old clash between two other units is not this edit's doing
            field = "aliases" if clash.owner == me else clash.other_field
            errors.setdefault(field, []).append(clash_message(clash, names))
        if errors:
            raise ValidationError(errors)


_NEW = object()  # the key of a unit not saved yet, in a clash check


def clean_unit_aliases(name: str, short_name: str, aliases: Any) -> list[str]:
    """A unit's aliases as stored: :func:`split_aliases`, without its own name or short name."""
    own = {name_key(name), name_key(short_name or "")}
    if not isinstance(aliases, str | list | tuple):
        aliases = []
    return [a for a in split_aliases(aliases) if name_key(a) not in own]


def alias_clashes(rows: Iterable[tuple[Hashable, str, str, Sequence[str]]]) -> list[Clash]:
    """:func:`pingyi.orgs.names.find_clashes` over ``(key, name, short_name, aliases)`` rows."""
    return find_clashes(
        (key, name, short or "", aliases or []) for key, name, short, aliases in rows
    )


def clash_message(clash: Clash, names: dict[Any, str]) -> str:
    """“市发改委” cannot be an alias of “市发展改革委”: it is the short name of “市工信局”."""
    what = {
        "name": gettext("the name"),
        "short_name": gettext("the short name"),
        "aliases": gettext("an alias"),
    }[clash.other_field]
    message = gettext(
        "“%(alias)s” cannot be an alias of “%(unit)s”: it is %(what)s of “%(other)s”."
    )
    return message % {
        "alias": clash.spelling,
        "unit": names.get(clash.owner, ""),
        "what": what,
        "other": names.get(clash.other, ""),
    }


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
