"""Writing the arena: define it, import values, freeze and publish a month (audited, each in
one transaction). The rules are the pure :mod:`pingyi.scoreboard.method.arena`'s: an
indicator is checked by it when defined, and a frozen month's results are its tally."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.core.audit import audit_log
from pingyi.core.pure.numbers import number_problem, parse_decimal_text, show
from pingyi.core.pure.officesheet import cell_ref, cell_text, header_key, open_grid
from pingyi.orgs.models import Unit, UnitGroup
from pingyi.scoreboard import selectors, sources
from pingyi.scoreboard.errors import InvalidInput, ScoreboardError, StateError
from pingyi.scoreboard.method import arena as method
from pingyi.scoreboard.models import Arena, Indicator, Month, MonthState, Source, Value

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
#: the value column's places in the database
MAX_PLACES = 10
#: the header of the optional exemption column of the import sheet
EXEMPT_HEADERS = {"免于黑榜", "免黑榜", "exempt"}
UNIT_HEADERS = {"单位", "单位名称", "unit", "编码"}
YES = {"1", "是", "yes", "y", "true", "√", "✓"}
NO = {"", "0", "否", "no", "n", "false"}


# --------------------------------------------------------------------------- defining


@transaction.atomic
def create_arena(
    *,
    key: str,
    name: str,
    group: str,
    decimals: int = 2,
    red_top: int = 3,
    black_bottom: int = 3,
    actor: str | None = None,
) -> Arena:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", key or ""):
        raise InvalidInput(
            _("The key %(key)s must be 1 to 40 lower-case letters, digits or hyphens.")
            % {"key": key}
        )
    if Arena.objects.filter(key=key).exists():
        raise InvalidInput(_("An arena with the key %(key)s already exists.") % {"key": key})
    found = UnitGroup.objects.filter(code=group).first()
    if found is None:
        raise InvalidInput(_("There is no unit group %(group)s.") % {"group": group})
    if not name.strip():
        raise InvalidInput(_("The arena needs a name."))
    if not 0 <= decimals <= method.MAX_DECIMALS:
        raise InvalidInput(_("Decimals must be from 0 to 6."))
    arena = Arena.objects.create(
        key=key,
        name=name.strip(),
        group=found,
        decimals=decimals,
        red_top=max(red_top, 0),
        black_bottom=max(black_bottom, 0),
    )
    audit_log(actor=actor, action="scoreboard.arena.created", target=f"arena:{key}")
    return arena


def _indicator_json(x: Indicator) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": x.key,
        "name": x.name,
        "weight": x.weight,
        "direction": x.direction,
        "method": x.method,
    }
    if x.target is not None:
        item["target"] = x.target
    if x.method == "rank":
        item["rank_step"] = x.rank_step
    return item


@transaction.atomic
def add_indicator(
    *,
    arena: Arena,
    key: str,
    name: str,
    weight: Decimal,
    direction: str,
    method_name: str,
    target: Decimal | None = None,
    rank_step: Decimal | None = None,
    source: str = Source.ENTERED,
    event_key: str = "",
    actor: str | None = None,
) -> Indicator:
    """Add an indicator; the arena's rules (the pure module) check it as arena.json would."""
    if source not in Source.values:
        raise InvalidInput(_("Unknown source %(source)s.") % {"source": source})
    if source == Source.APPRAISAL and not event_key.strip():
        raise InvalidInput(_("An appraisal indicator needs the appraisal event's key."))
    Arena.objects.select_for_update().filter(pk=arena.pk).first()
    indicator = Indicator(
        arena=arena,
        key=key,
        name=name.strip(),
        weight=weight,
        direction=direction,
        method=method_name,
        target=target if method_name == "target" else None,
        rank_step=rank_step if rank_step is not None else Decimal(method.DEFAULT_RANK_STEP),
        source=source,
        event_key=event_key.strip() if source == Source.APPRAISAL else "",
        position=arena.indicators.count() + 1,
    )
    others = list(selectors.indicators(arena))
    _check_spec(arena, [*others, indicator])
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", key or "") is None:
        raise InvalidInput(
            _("The key %(key)s must be 1 to 40 lower-case letters, digits, - or _.") % {"key": key}
        )
    indicator.save()
    audit_log(
        actor=actor,
        action="scoreboard.indicator.added",
        target=f"arena:{arena.key}",
        data={"key": key, "method": method_name, "direction": direction, "source": source},
    )
    return indicator


@transaction.atomic
def remove_indicator(*, arena: Arena, key: str, actor: str | None = None) -> None:
    """Remove an indicator (its values in open months go with it); one that a frozen or
    published month counted stays: that month's bundle names it."""
    Arena.objects.select_for_update().filter(pk=arena.pk).first()
    indicator = arena.indicators.filter(key=key).first()
    if indicator is None:
        raise InvalidInput(_("The arena has no indicator %(key)s.") % {"key": key})
    used = (
        Month.objects.filter(arena=arena, state__in=(MonthState.FROZEN, MonthState.PUBLISHED))
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    if used is not None:
        raise StateError(
            _("The indicator %(name)s counted in the frozen month %(period)s: it stays.")
            % {"name": indicator.name, "period": used}
        )
    indicator.delete()
    audit_log(
        actor=actor,
        action="scoreboard.indicator.removed",
        target=f"arena:{arena.key}",
        data={"key": key},
    )


def _check_spec(arena: Arena, items: list[Indicator]) -> method.ArenaSpec:
    """The arena.json these indicators make, read by the pure rules (its refusal translated
    into the page's words: which indicator and which field)."""
    obj = {
        "format": method.FORMAT,
        "key": arena.key,
        "name": arena.name,
        "units": [{"key": "u", "name": "u"}],
        "indicators": [_indicator_json(x) for x in items],
        "decimals": arena.decimals,
        "red_top": arena.red_top,
        "black_bottom": arena.black_bottom,
    }
    try:
        return method.parse_arena(obj)
    except method.ArenaError as exc:
        raise InvalidInput(
            _("The indicator is refused (%(where)s): %(reason)s")
            % {"where": exc.path or "", "reason": exc.reason}
        ) from None


@transaction.atomic
def open_month(*, arena: Arena, period: str, actor: str | None = None) -> Month:
    if not _PERIOD.fullmatch(period or ""):
        raise InvalidInput(_("The month must be written YYYY-MM, e.g. 2026-11."))
    month, created = Month.objects.get_or_create(arena=arena, period=period)
    if created:
        audit_log(actor=actor, action="scoreboard.month.opened", target=f"arena:{month.bundle_key}")
    return month


def _locked(month: Month) -> Month:
    return (
        Month.objects.select_for_update().select_related("arena", "arena__group").get(pk=month.pk)
    )


# --------------------------------------------------------------------------- importing


def _resolve_units(arena: Arena) -> dict[str, Unit]:
    names: dict[str, Unit] = {}
    for unit in selectors.arena_units(arena):
        for text in (unit.code, unit.name, unit.short_name, *(unit.aliases or [])):
            if text:
                names.setdefault(header_key(text), unit)
    return names


def _cell_decimal(value: Any) -> Decimal | None:
    """A cell's number exactly (a float through its shortest repr), None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = cell_text(value).replace(",", "").removesuffix("%")
        parsed = parse_decimal_text(text)
        if parsed is None:
            return None
        number = parsed
    return number


@transaction.atomic
def import_values(
    *, month: Month, data: bytes, file_name: str = "", actor: str | None = None
) -> int:
    """Values from the office's sheet: a header row with 单位 (code, name or alias) and one
    column per entered indicator (its name or key), optionally 免于黑榜; one row per unit.
    All or nothing; the first bad cell is named (row, column, indicator). Returns the
    number of values written. The sheet's columns replace those indicators' values."""
    month = _locked(month)
    if month.state != MonthState.OPEN:
        raise StateError(
            _("The month %(period)s is frozen: it takes no more values.") % {"period": month.period}
        )
    grid, refused = open_grid(data, file_name)
    if grid is None:
        raise InvalidInput(str(refused))
    arena = month.arena
    entered = {
        header_key(text): x
        for x in selectors.indicators(arena)
        for text in (x.key, x.name)
        if x.source == Source.ENTERED
    }
    computed = {
        header_key(text): x
        for x in selectors.indicators(arena)
        for text in (x.key, x.name)
        if x.source != Source.ENTERED
    }
    header_row = next(
        (
            r
            for r in range(1, min(grid.max_row, 10) + 1)
            if header_key(grid.text(r, 1)) in UNIT_HEADERS
        ),
        None,
    )
    if header_row is None:
        raise InvalidInput(
            _("Cell A1: the header row must start with 单位 (the unit's code, name or alias).")
        )
    columns: dict[int, Indicator] = {}
    exempt_column: int | None = None
    for column in range(2, grid.max_column + 1):
        title = header_key(grid.text(header_row, column))
        where = cell_ref(header_row, column)
        if not title:
            continue
        if title in EXEMPT_HEADERS:
            exempt_column = column
        elif title in entered:
            if entered[title] in columns.values():
                raise InvalidInput(
                    _("Cell %(cell)s: the indicator %(name)s has a second column.")
                    % {"cell": where, "name": entered[title].name}
                )
            columns[column] = entered[title]
        elif title in computed:
            raise InvalidInput(
                _("Cell %(cell)s: %(name)s is computed from pingyi, not entered.")
                % {"cell": where, "name": computed[title].name}
            )
        else:
            raise InvalidInput(
                _("Cell %(cell)s: %(title)s is not an indicator of this arena.")
                % {"cell": where, "title": grid.text(header_row, column)}
            )
    if not columns and exempt_column is None:
        raise InvalidInput(_("The sheet has no indicator column."))
    units = _resolve_units(arena)
    rows: list[tuple[Unit, Indicator, Decimal, int]] = []
    exempt: set[int] = set()
    seen: dict[int, int] = {}
    for row in range(header_row + 1, grid.max_row + 1):
        texts = grid.row_texts(row)
        if not any(texts):
            continue
        unit_text = grid.text(row, 1)
        unit = units.get(header_key(unit_text))
        if unit is None:
            raise InvalidInput(
                _("Row %(row)d, cell %(cell)s: %(unit)s is not a unit of this arena.")
                % {"row": row, "cell": cell_ref(row, 1), "unit": unit_text or "—"}
            )
        if unit.pk in seen:
            raise InvalidInput(
                _("Row %(row)d: %(unit)s already has row %(first)d.")
                % {"row": row, "unit": unit.name, "first": seen[unit.pk]}
            )
        seen[unit.pk] = row
        for column, indicator in columns.items():
            raw = grid.value(row, column)
            if raw is None or cell_text(raw) == "":
                continue
            number = _cell_decimal(raw)
            problem = None if number is None else number_problem(number)
            if number is not None and problem is None and -number.as_tuple().exponent > MAX_PLACES:  # type: ignore[operator]
                number = number.normalize()
                if -number.as_tuple().exponent > MAX_PLACES:  # type: ignore[operator]
                    problem = _("at most %(places)d places after the decimal point") % {
                        "places": MAX_PLACES
                    }
            if number is None or problem is not None:
                raise InvalidInput(
                    _(
                        "Row %(row)d, cell %(cell)s (%(unit)s, %(indicator)s): "
                        "%(value)s is not a number%(why)s."
                    )
                    % {
                        "row": row,
                        "cell": cell_ref(row, column),
                        "unit": unit.name,
                        "indicator": indicator.name,
                        "value": show(cell_text(raw)),
                        "why": f" ({problem})" if problem else "",
                    }
                )
            rows.append((unit, indicator, number, row))
        if exempt_column is not None:
            flag = header_key(grid.text(row, exempt_column)).lower()
            if flag in YES:
                exempt.add(unit.pk)
            elif flag not in NO:
                raise InvalidInput(
                    _("Row %(row)d, cell %(cell)s: write 是 or leave it empty, not %(value)s.")
                    % {
                        "row": row,
                        "cell": cell_ref(row, exempt_column),
                        "value": grid.text(row, exempt_column),
                    }
                )
    Value.objects.filter(month=month, indicator__in=list(columns.values())).delete()
    Value.objects.bulk_create(
        Value(
            month=month,
            unit=unit,
            indicator=indicator,
            value=number,
            source=f"import {file_name or 'sheet'} row {row}"[:200],
        )
        for unit, indicator, number, row in rows
    )
    if exempt_column is not None:
        month.exempt.set(exempt)
    audit_log(
        actor=actor,
        action="scoreboard.values.imported",
        target=f"arena:{month.bundle_key}",
        data={"values": len(rows), "file": file_name, "exempt": len(exempt)},
    )
    return len(rows)


@transaction.atomic
def set_value(
    *,
    month: Month,
    unit: Unit,
    indicator: Indicator,
    value: Decimal | None,
    actor: str | None = None,
) -> None:
    """One entered value (None removes it)."""
    month = _locked(month)
    if month.state != MonthState.OPEN:
        raise StateError(
            _("The month %(period)s is frozen: it takes no more values.") % {"period": month.period}
        )
    Value.objects.filter(month=month, unit=unit, indicator=indicator).delete()
    if value is not None:
        Value.objects.create(
            month=month, unit=unit, indicator=indicator, value=value, source="entered"
        )
    audit_log(
        actor=actor,
        action="scoreboard.value.set",
        target=f"arena:{month.bundle_key}",
        data={
            "unit": unit.code,
            "indicator": indicator.key,
            "value": None if value is None else str(value),
        },
    )


# --------------------------------------------------------------------------- freezing


def _plain(value: Decimal) -> Decimal:
    """``5.5000000000`` → ``5.5`` (values.csv writes what was meant)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def month_spec(
    month: Month,
) -> tuple[method.ArenaSpec, method.ArenaValues, list[tuple[str, str, str]]]:
    """The month's arena.json, values and sources as they stand (computed sources read now)."""
    arena = month.arena
    units = selectors.arena_units(arena)
    if not units:
        raise InvalidInput(
            _("The arena's unit group %(group)s has no units.") % {"group": arena.group.name}
        )
    items = selectors.indicators(arena)
    if not items:
        raise InvalidInput(_("The arena has no indicators yet."))
    base = _check_spec(arena, items)
    previous = selectors.previous_frozen(month)
    previous_ranks = selectors.ranks_of(previous) if previous else {}
    codes = {u.code for u in units}
    spec = method.ArenaSpec(
        key=month.bundle_key,
        name=f"{arena.name}（{month.period}）",
        units=tuple(method.UnitSpec(u.code, u.name) for u in units),
        indicators=base.indicators,
        period=month.period,
        previous_ranks={k: v for k, v in previous_ranks.items() if k in codes},
        decimals=arena.decimals,
        red_top=arena.red_top,
        black_bottom=arena.black_bottom,
    )
    by_id = {u.pk: u for u in units}
    values: dict[tuple[str, str], Decimal] = {}
    notes: list[tuple[str, str, str]] = []
    grid = selectors.value_grid(month)
    for indicator in items:
        if indicator.source == Source.ENTERED:
            for unit in units:
                stored = grid.get((unit.pk, indicator.pk))
                if stored is not None:
                    values[(unit.code, indicator.key)] = _plain(stored.value)
                    notes.append((unit.code, indicator.key, stored.source))
        else:
            for unit_id, (value, note) in sources.computed_values(
                indicator, units, month.period
            ).items():
                unit = by_id[unit_id]
                values[(unit.code, indicator.key)] = _plain(value)
                notes.append((unit.code, indicator.key, note))
    exempt = {u.code for u in month.exempt.all() if u.code in codes}
    return spec, method.ArenaValues(values, frozenset(exempt)), notes


def _sources_csv(notes: list[tuple[str, str, str]]) -> str:
    import csv  # noqa: PLC0415 (only the freeze writes it)
    import io  # noqa: PLC0415 (only the freeze writes it)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("unit", "indicator", "source"))
    writer.writerows(notes)
    return out.getvalue()


@transaction.atomic
def freeze_month(*, month: Month, actor: str | None = None) -> Month:
    """Fix the month: computed values are read now and stored beside the entered ones, and
    the bundle (arena.json with the previous frozen month's ranks, values.csv, results.json,
    sources.csv) is written into the month. Only an open month can be frozen."""
    month = _locked(month)
    if month.state != MonthState.OPEN:
        raise StateError(_("The month %(period)s is already frozen.") % {"period": month.period})
    spec, values, notes = month_spec(month)
    files = method.bundle_files(spec, values)
    # keep the computed values in the month too: the page shows what was frozen
    units = {u.code: u for u in selectors.arena_units(month.arena)}
    items = {x.key: x for x in selectors.indicators(month.arena)}
    note_of = {(u, i): n for u, i, n in notes}
    computed = [x for x in items.values() if x.source != Source.ENTERED]
    Value.objects.filter(month=month, indicator__in=computed).delete()
    Value.objects.bulk_create(
        Value(
            month=month,
            unit=units[u],
            indicator=items[i],
            value=v,
            source=note_of.get((u, i), "")[:200],
        )
        for (u, i), v in values.values.items()
        if items[i].source != Source.ENTERED
    )
    month.arena_json = files[method.ARENA_FILE].decode("utf-8")
    month.values_csv = files[method.VALUES_FILE].decode("utf-8")
    month.results_json = files[method.RESULTS_FILE].decode("utf-8")
    month.sources_csv = _sources_csv(notes)
    month.state = MonthState.FROZEN
    month.frozen_at = timezone.now()
    month.save()
    audit_log(
        actor=actor,
        action="scoreboard.month.frozen",
        target=f"arena:{month.bundle_key}",
        data={"units": len(spec.units), "values": len(values.values)},
    )
    return month


@transaction.atomic
def publish_month(*, month: Month, actor: str | None = None) -> Month:
    month = _locked(month)
    if month.state == MonthState.OPEN:
        raise StateError(
            _("Freeze the month %(period)s before publishing it.") % {"period": month.period}
        )
    if month.state == MonthState.PUBLISHED:
        raise StateError(_("The month %(period)s is already published.") % {"period": month.period})
    month.state = MonthState.PUBLISHED
    month.published_at = timezone.now()
    month.save(update_fields=["state", "published_at"])
    audit_log(actor=actor, action="scoreboard.month.published", target=f"arena:{month.bundle_key}")
    return month


def bundle_zip(month: Month) -> bytes:
    """The frozen month's bundle as a .zip (one top folder named after the month)."""
    if not month.results_json:
        raise StateError(_("The month %(period)s is not frozen yet.") % {"period": month.period})
    files = {
        method.ARENA_FILE: month.arena_json.encode("utf-8"),
        method.VALUES_FILE: month.values_csv.encode("utf-8"),
        method.RESULTS_FILE: month.results_json.encode("utf-8"),
        "sources.csv": month.sources_csv.encode("utf-8"),
    }
    return method.zip_bundle(files, f"pingyi-arena-{month.bundle_key}")


__all__ = [
    "ScoreboardError",
    "add_indicator",
    "bundle_zip",
    "create_arena",
    "freeze_month",
    "import_values",
    "month_spec",
    "open_month",
    "publish_month",
    "set_value",
]
