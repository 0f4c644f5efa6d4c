"""Reading units: through the reader's permissions, and the unit names written in a cell."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pingyi.accounts.rules import reads_all_units
from pingyi.orgs.models import Unit, UnitGroup
from pingyi.orgs.names import NameIndex


def units_visible_to(*, user: Any) -> QuerySet[Unit]:
    """All units for office, leaders and viewers; a liaison's own unit only; nothing otherwise."""
    units = Unit.objects.all()
    if reads_all_units(user):
        return units
    if getattr(user, "is_authenticated", False) and user.unit_id:
        return units.filter(pk=user.unit_id)
    return units.none()


# --- unit names in a cell -----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A known unit close to an unknown name: ``matched`` is the spelling that came close
    (its name, short name or an alias), ``score`` the character-level ratio, 0-100."""

    unit: Unit
    name: str
    matched: str
    score: float


@dataclass(frozen=True)
class UnknownName:
    """A name in a cell that is no unit (or names several at once), as written (a leading
    number or a role note like "（牵头）" dropped), with up to 3 suggestions, best first."""

    name: str
    suggestions: list[Suggestion]


@dataclass
class UnitNames:
    """What a cell named: ``units`` in written order, first occurrence kept (a group word
    brings its group's units in their order); ``unknown`` every name that is no unit."""

    units: list[Unit] = field(default_factory=list)
    unknown: list[UnknownName] = field(default_factory=list)


class UnitNameIndex:
    """Every unit's name, short name and aliases, and every group's name, loaded once.

    Build one per call site (an import of 2,000 rows builds one, with 2 queries) and call
    :meth:`resolve` for each cell; :func:`resolve_unit_names` builds one per call.
    """

    def __init__(self, units: Iterable[Unit] | None = None) -> None:
        all_units = list(Unit.objects.all() if units is None else units)
        self.units = {u.pk: u for u in all_units}
        spellings: list[tuple[str, int, str]] = []
        for unit in all_units:
            spellings.append((unit.name, unit.pk, unit.name))
            if unit.short_name:
                spellings.append((unit.short_name, unit.pk, unit.name))
            spellings.extend((alias, unit.pk, unit.name) for alias in unit.aliases or ())
        members: dict[int, list[int]] = {}
        through = UnitGroup.units.through.objects.filter(unit_id__in=self.units)
        for group_id, unit_id in through.values_list("unitgroup_id", "unit_id"):
            members.setdefault(group_id, []).append(unit_id)
        order = {pk: i for i, pk in enumerate(self.units)}  # Unit's ordering: order, code
        groups = [
            (g.name, sorted(members.get(g.pk, ()), key=order.__getitem__))
            for g in UnitGroup.objects.all()
        ]
        self._index: NameIndex[int] = NameIndex(spellings, groups)

    def resolve(self, text: str | None) -> UnitNames:
        """See :func:`resolve_unit_names`."""
        found = self._index.resolve(text)
        return UnitNames(
            units=[self.units[pk] for pk in found.keys],
            unknown=[
                UnknownName(
                    u.name,
                    [
                        Suggestion(self.units[s.key], s.name, s.matched, s.score)
                        for s in u.suggestions
                    ],
                )
                for u in found.unknown
            ],
        )


def resolve_unit_names(text: str | None, *, index: UnitNameIndex | None = None) -> UnitNames:
    """The units a cell of unit names names, and the names that are no unit.

    ``resolve_unit_names("市发改委牵头，市工业和信息化局、各县（区）")`` →
    ``UnitNames(units=[市发展改革委, 市工业和信息化局, 华龙区, 濮阳县, …], unknown=[])``.

    - The cell is split at 、，,;；/ and new lines, at 及/以及, at spaces between names, and
      at 和/与 only when every part is a unit (市工业和信息化局 stays one name).
    - A piece matches a unit's name, short name or alias, compared half-width, without
      spaces, case-folded; 市/县 prefixes are never dropped. Notes are tried away:
      "（牵头）", "1.", a trailing 等/牵头/配合.
    - A group word (各县（区）, 各县区, 各县（区）政府, or a group's own name) brings the
      group's units (the group whose name it spells, brackets ignored), in unit order.
    - ``units`` keeps the first occurrence of each unit, in written order.
    - ``unknown``: every other piece (never dropped, never guessed), each an
      :class:`UnknownName` with up to 3 :class:`Suggestion` (unit, name, matched spelling,
      score 0-100, best first). A spelling that two units share is unknown too, with both
      units suggested.

    Never raises on any text. Pass ``index=UnitNameIndex()`` when resolving many cells:
    building the index is the only database work (2 queries).
    """
    return (index or UnitNameIndex()).resolve(text)


def one_unit(index: UnitNameIndex, name: str, *, row: int, cell: str) -> tuple[Unit | None, str]:
    """The one unit the cell ``cell`` (row ``row``) of a sheet names, or ``(None, the
    problem)``: an unknown name (with the closest known units) or a cell naming several units
    (a sheet with one unit a row: targets, projects)."""
    named = index.resolve(name)
    where = _("row %(row)s, cell %(cell)s") % {"row": row, "cell": cell}
    if named.unknown:
        unknown = named.unknown[0]
        message = _("%(where)s: unknown unit “%(name)s”") % {"where": where, "name": unknown.name}
        close = [s.name for s in unknown.suggestions]
        if close:
            message += _(" (closest known units: %(units)s)") % {"units": "、".join(close)}
        return None, message
    if len(named.units) != 1:
        return None, _("%(where)s: “%(name)s” names %(count)s units; write one unit a row") % {
            "where": where,
            "name": name,
            "count": len(named.units),
        }
    return named.units[0], ""
