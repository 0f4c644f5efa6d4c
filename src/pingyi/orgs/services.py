"""Changing units: the Excel import offices use to keep their unit lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from pingyi.core.audit import audit_log
from pingyi.core.pure.numbers import parse_whole_number, show
from pingyi.orgs.models import (
    MAX_ALIASES,
    Unit,
    UnitGroup,
    UnitKind,
    alias_clashes,
    clash_message,
    clean_unit_aliases,
)
from pingyi.orgs.names import MAX_ALIAS_LENGTH, split_aliases

#: Header aliases, as offices write them (the first matching row within the first rows wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("编码", "代码", "单位编码", "code"),
    "name": ("单位名称", "名称", "单位", "name"),
    "short_name": ("简称", "单位简称", "short name", "short_name"),
    "kind": ("类别", "类型", "单位类别", "kind"),
    "order": ("排序", "序号", "顺序", "order"),
    "groups": ("分组", "所属分组", "group", "groups"),
    "aliases": ("别名", "单位别名", "其他名称", "又称", "aliases", "alias"),
}
REQUIRED = ("code", "name", "kind")
KIND_ALIASES: dict[str, str] = {
    "县区": UnitKind.COUNTY,
    "县（区）": UnitKind.COUNTY,
    "县(区)": UnitKind.COUNTY,
    "县": UnitKind.COUNTY,
    "区": UnitKind.COUNTY,
    "功能区": UnitKind.ZONE,
    "开发区": UnitKind.ZONE,
    "市直部门": UnitKind.DEPARTMENT,
    "市直单位": UnitKind.DEPARTMENT,
    "部门": UnitKind.DEPARTMENT,
    "牵头单位": UnitKind.DEPARTMENT,
    "其他": UnitKind.OTHER,
    **{k.value: k.value for k in UnitKind},
}
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
#: The largest 排序 a database integer column holds on every supported database.
MAX_ORDER = 2_147_483_647
#: A group's name also serves as its code (64 characters at most).
MAX_GROUP_NAME = 64
GROUP_SPLIT = re.compile(r"[、,，;；/]+")
HEADER_SEARCH_ROWS = 5


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row <= 0:  # about the file as a whole, not one cell
            return self.message
        return _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UnitImportError(ValueError):
    """The sheet cannot be imported; ``errors`` names every bad row and column.

    Nothing was saved.
    """

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    short_name: str
    kind: str
    order: int
    groups: list[str] = field(default_factory=list)
    #: the 别名 column split by 、，,;；/ and new lines; None when the sheet has no such
    #: column (the unit keeps the aliases it has)
    aliases: list[str] | None = None


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    groups_created: int


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col, cell in enumerate(row):
            key = lookup.get(_text(cell).lower())
            if key and key not in found:
                found[key] = col
        if "name" in found and "code" in found:
            return index, found
    return None


def parse_unit_rows(rows: Iterable[tuple[Any, ...]]) -> list[UnitRow]:
    """Read sheet rows (values only) into units, or raise UnitImportError naming every bad cell."""
    all_rows = list(rows)
    header = _find_header(all_rows)
    if header is None:
        raise UnitImportError(
            [
                RowError(
                    1,
                    "编码 / 单位名称",
                    _("no header row found: the sheet needs the columns %(columns)s")
                    % {"columns": "编码、单位名称、类别（简称、排序、分组、别名 可选）"},
                )
            ]
        )
    header_index, columns = header
    errors: list[RowError] = [
        RowError(header_index + 1, COLUMNS[key][0], _("this column is missing"))
        for key in REQUIRED
        if key not in columns
    ]
    if errors:
        raise UnitImportError(errors)

    def cell(row: tuple[Any, ...], key: str) -> str:
        col = columns.get(key)
        if col is None or col >= len(row):
            return ""
        return _text(row[col])

    parsed: list[UnitRow] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for offset, row in enumerate(all_rows[header_index + 1 :]):
        number = header_index + 2 + offset
        if all(_text(v) == "" for v in row):
            continue
        code, name = cell(row, "code").lower(), cell(row, "name")
        kind_text, order_text = cell(row, "kind"), cell(row, "order")
        row_errors: list[RowError] = []
        if not code:
            row_errors.append(RowError(number, COLUMNS["code"][0], _("the code is empty")))
        elif not CODE_RE.match(code):
            row_errors.append(
                RowError(
                    number,
                    COLUMNS["code"][0],
                    _("“%(value)s” is not a valid code: use lower-case letters, digits, - or _")
                    % {"value": code},
                )
            )
        elif code in seen_codes:
            row_errors.append(
                RowError(
                    number,
                    COLUMNS["code"][0],
                    _("code “%(value)s” already appears in row %(other)d")
                    % {"value": code, "other": seen_codes[code]},
                )
            )
        if not name:
            row_errors.append(RowError(number, COLUMNS["name"][0], _("the name is empty")))
        elif len(name) > 100:
            row_errors.append(RowError(number, COLUMNS["name"][0], _("the name is too long")))
        elif name in seen_names:
            row_errors.append(
                RowError(
                    number,
                    COLUMNS["name"][0],
                    _("name “%(value)s” already appears in row %(other)d")
                    % {"value": name, "other": seen_names[name]},
                )
            )
        kind = KIND_ALIASES.get(kind_text) or KIND_ALIASES.get(kind_text.lower())
        if kind is None:
            row_errors.append(
                RowError(
                    number,
                    COLUMNS["kind"][0],
                    _("unknown kind “%(value)s”; use one of %(choices)s")
                    % {"value": kind_text, "choices": "县区、功能区、市直部门、其他"},
                )
            )
        order = 0
        if order_text:
            # Bounded before int() runs: a cell of a million digits is refused at once.
            parsed_order = parse_whole_number(order_text)
            if parsed_order is None or not 0 <= parsed_order <= MAX_ORDER:
                row_errors.append(
                    RowError(
                        number,
                        COLUMNS["order"][0],
                        _("“%(value)s” is not a whole number ≥ 0") % {"value": show(order_text)},
                    )
                )
            else:
                order = parsed_order
        short_name = cell(row, "short_name")
        if len(short_name) > 40:
            row_errors.append(
                RowError(number, COLUMNS["short_name"][0], _("the short name is too long"))
            )
        groups = [g.strip() for g in GROUP_SPLIT.split(cell(row, "groups")) if g.strip()]
        for group in groups:
            if len(group) > MAX_GROUP_NAME:
                row_errors.append(
                    RowError(
                        number,
                        COLUMNS["groups"][0],
                        _("the group name “%(value)s” is longer than %(n)d characters")
                        % {"value": group, "n": MAX_GROUP_NAME},
                    )
                )
        aliases = split_aliases(cell(row, "aliases")) if "aliases" in columns else None
        for alias in aliases or ():
            if len(alias) > MAX_ALIAS_LENGTH:
                row_errors.append(
                    RowError(
                        number,
                        COLUMNS["aliases"][0],
                        _("the alias “%(value)s…” is longer than %(n)d characters")
                        % {"value": alias[:20], "n": MAX_ALIAS_LENGTH},
                    )
                )
        if aliases is not None and len(aliases) > MAX_ALIASES:
            row_errors.append(
                RowError(
                    number,
                    COLUMNS["aliases"][0],
                    _("a unit has at most %(n)d aliases") % {"n": MAX_ALIASES},
                )
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        seen_codes[code] = number
        seen_names[name] = number
        parsed.append(UnitRow(number, code, name, short_name, str(kind), order, groups, aliases))
    if errors:
        raise UnitImportError(errors)
    if not parsed:
        raise UnitImportError(
            [RowError(header_index + 2, COLUMNS["name"][0], _("the sheet has no units"))]
        )
    return parsed


def read_unit_workbook(fh: IO[bytes] | str) -> list[UnitRow]:
    """Parse the first sheet of an .xlsx workbook into unit rows.

    Anything that is not a readable .xlsx workbook (a CSV, a picture, an old .xls, a damaged
    file) is refused with one readable error rather than a crash.
    """

    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
        try:
            rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    except Exception as exc:  # zipfile, XML, openpyxl and I/O errors alike
        raise UnitImportError(
            [RowError(0, "-", _("This is not an .xlsx workbook (save it as .xlsx and retry)."))]
        ) from exc
    return parse_unit_rows(rows)


def _aliases_after_import(rows: list[UnitRow], existing: dict[str, Unit]) -> dict[str, list[str]]:
    """Every sheet row's aliases as they will be stored, or UnitImportError naming each row
    whose alias spells another unit's name, short name or alias (in the sheet or not), or
    whose name or short name another unit already has as an alias."""
    final: dict[str, tuple[str, str, list[str]]] = {
        code: (u.name, u.short_name, list(u.aliases or [])) for code, u in existing.items()
    }
    row_of: dict[str, UnitRow] = {}
    for r in rows:
        before = final.get(r.code)
        aliases = r.aliases if r.aliases is not None else (before[2] if before else [])
        final[r.code] = (r.name, r.short_name, clean_unit_aliases(r.name, r.short_name, aliases))
        row_of[r.code] = r
    names = {code: name for code, (name, _short, _aliases) in final.items()}
    errors: list[RowError] = []
    # The sheet's rows first: an alias both a row and another unit have is told on the row.
    order = [*row_of, *(code for code in final if code not in row_of)]
    for clash in alias_clashes((code, *final[code]) for code in order):
        if (owner := row_of.get(str(clash.owner))) is not None:
            errors.append(RowError(owner.row, COLUMNS["aliases"][0], clash_message(clash, names)))
        elif (other := row_of.get(str(clash.other))) is not None:
            where = COLUMNS[clash.other_field][0]  # its name or short name
            errors.append(RowError(other.row, where, clash_message(clash, names)))
    if errors:
        raise UnitImportError(sorted(errors, key=lambda e: e.row))
    return {code: final[code][2] for code in row_of}


@transaction.atomic
def units_import(*, rows: list[UnitRow], actor: str | None = None) -> ImportSummary:
    """Create or update units by code, and their groups; all rows or none."""
    existing = {u.code: u for u in Unit.objects.select_for_update().all()}
    by_name = {u.name: u.code for u in existing.values()}
    errors = [
        RowError(
            r.row,
            COLUMNS["name"][0],
            _("name “%(value)s” already belongs to unit “%(other)s”")
            % {"value": r.name, "other": by_name[r.name]},
        )
        for r in rows
        if r.name in by_name and by_name[r.name] != r.code
    ]
    if errors:
        raise UnitImportError(errors)
    final_aliases = _aliases_after_import(rows, existing)
    created = updated = groups_created = 0
    existing_groups = list(UnitGroup.objects.all())
    # A sheet names a group by its name (or, for groups made elsewhere, by its code).
    groups: dict[str, UnitGroup] = {g.code: g for g in existing_groups}
    groups.update({g.name: g for g in existing_groups})
    for r in rows:
        unit = existing.get(r.code)
        if unit is None:
            unit = Unit(code=r.code)
            created += 1
        else:
            updated += 1
        unit.name, unit.short_name, unit.kind, unit.order = r.name, r.short_name, r.kind, r.order
        unit.aliases = final_aliases[r.code]
        unit.save()
        for group_name in r.groups:
            group = groups.get(group_name)
            if group is None:
                group = UnitGroup.objects.create(
                    code=group_name, name=group_name, order=len(existing_groups) + 1
                )
                existing_groups.append(group)
                groups[group_name] = group
                groups_created += 1
            group.units.add(unit)
    audit_log(
        actor=actor,
        action="orgs.units.imported",
        target="units",
        data={"created": created, "updated": updated, "groups_created": groups_created},
    )
    return ImportSummary(created, updated, groups_created)


@transaction.atomic
def unit_save(*, unit: Unit, actor: str | None = None) -> Unit:
    """Save a unit the office edited, checked again under lock, with an audit entry.

    Every unit row is locked first, so two offices giving two units one alias at the same
    moment cannot both pass ``Unit.clean``'s clash check (raises ValidationError).
    """
    list(Unit.objects.select_for_update().values_list("pk", flat=True))
    unit.full_clean()
    unit.save()
    audit_log(
        actor=actor,
        action="orgs.unit.saved",
        target=f"unit:{unit.code}",
        data={
            "name": unit.name,
            "short_name": unit.short_name,
            "aliases": unit.aliases,
            "kind": unit.kind,
            "order": unit.order,
            "active": unit.active,
        },
    )
    return unit
