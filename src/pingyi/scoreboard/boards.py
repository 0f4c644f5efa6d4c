"""The wall boards (计分牌大屏): each board's data, assembled from the apps' selectors, ready to
draw (docs/scoreboard.md, "Boards").

A board is a plain JSON-ready dict: its title and subtitle, ``rows`` (one per unit or batch,
every figure already as text) and the few numbers the chart needs. The wall page, the public
page, the JSON endpoint and the live stream all send exactly this dict, so what the chart
draws and what a screen reader reads are the same figures.

Who sees which board is decided here too (:func:`public_keys`): the arena board is public by
its published months alone (never an open or frozen month); every other board only while the
office has switched it public (:class:`~pingyi.scoreboard.models.BoardSetting`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from pingyi.orgs.models import Unit
from pingyi.pipeline.method.funnel import STAGES, Stage
from pingyi.pipeline.selectors import funnel_by_batch
from pingyi.scoreboard import selectors
from pingyi.scoreboard.models import BoardSetting
from pingyi.supervision.models import Notice
from pingyi.supervision.selectors import unit_on_time
from pingyi.targets.selectors import board_shares, latest_month, years

#: The boards in their default order of rotation.
BOARDS = ("arena", "notices", "targets", "pipeline", "weekly")
#: Boards the office may switch public (the arena is public by its published months).
SWITCHABLE = BOARDS[1:]

TITLES = {
    "arena": gettext_lazy("Monthly arena"),
    "notices": gettext_lazy("Supervision notices by unit"),
    "targets": gettext_lazy("Year targets on schedule"),
    "pipeline": gettext_lazy("Project pipeline"),
    "weekly": gettext_lazy("Reports on time"),
}

#: How many batches the pipeline board draws side by side (the newest).
PIPELINE_BATCHES = 2


def percent(rate: Fraction | None) -> str:
    """A share as a whole percent, rounded half up (``4/5`` → ``80%``); ``—`` without one."""
    if rate is None:
        return "—"
    value = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return f"{value}%"


def _number(rate: Fraction | None) -> float | None:
    """The chart's value of a share (0-100), rounded as :func:`percent` shows it."""
    return None if rate is None else float(percent(rate).rstrip("%"))


def _yi(value: Decimal) -> str:
    """亿元 to two places, half up (the funnel's labels; the pipeline page has every digit)."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- who sees what


def public_switches() -> dict[str, bool]:
    """Every switchable board → whether the office has made it public."""
    stored = dict(BoardSetting.objects.values_list("key", "public"))
    return {key: bool(stored.get(key, False)) for key in SWITCHABLE}


def public_keys() -> set[str]:
    """The boards anyone may see with no sign-in."""
    keys = {key for key, on in public_switches().items() if on}
    if selectors.latest_published() is not None:
        keys.add("arena")
    return keys


# --------------------------------------------------------------------------- the boards


def _board(key: str, subtitle: str, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "title": str(TITLES[key]),
        "subtitle": subtitle,
        "rows": rows,
        "empty": not rows,
        **extra,
    }


def _movement(change: int | None) -> tuple[str, str]:
    """(arrow, words) of a rank change: ▲ 上升2位, ▼ 下降1位, ＝ 持平, ★ 新上榜."""
    if change is None:
        return "★", _("no earlier rank")
    if change > 0:
        return "▲", ngettext("up %(n)s place", "up %(n)s places", change) % {"n": change}
    if change < 0:
        return "▼", ngettext("down %(n)s place", "down %(n)s places", -change) % {"n": -change}
    return "＝", _("same")


def arena_board() -> dict[str, Any]:
    """The latest published month's ranking (never an open or frozen one), with its rank
    changes and the 红榜/黑榜."""
    month = selectors.latest_published()
    board = selectors.board(month) if month is not None else None
    if month is None or board is None:
        return _board("arena", _("No arena month has been published yet."), [], red=[], black=[])
    rows: list[dict[str, Any]] = []
    for row in board.rows:
        arrow, words = _movement(row.change)
        lists = [_("red list")] if row.red else []
        lists += [_("black list")] if row.black else []
        lists += [_("exempt from the black list")] if row.exempt else []
        rows.append(
            {
                "rank": row.rank,
                "unit": row.unit,
                "name": row.name,
                "score": row.score,
                "value": float(row.score),
                "movement": row.movement,
                "arrow": arrow,
                "change": words,
                "lists": "、".join(lists),
                "label": f"{row.score}  {arrow} {words}",
                "red": row.red,
                "black": row.black,
            }
        )
    # the month's own name usually says the month (县区擂台赛（2026-11）); else add it
    subtitle = board.name if board.period in board.name else f"{board.name} · {board.period}"
    return _board(
        "arena",
        subtitle,
        rows,
        red=[r.name for r in board.red],
        black=[r.name for r in board.black],
        columns=[
            _("Rank"),
            _("Unit"),
            _("Score"),
            _("Change"),
            pgettext("arena", "Red or black list"),
        ],
    )


def notices_board(today: dt.date) -> dict[str, Any]:
    """Open notices per unit by colour (blue 提醒, yellow 催办, red 督办单), and how many of the
    unit's notices of the year were censured (通报). Units with none are left out."""
    year_start = dt.date(today.year, 1, 1)
    counts: dict[int, dict[str, int]] = {}
    through = Notice.units.through
    open_rows = through.objects.filter(notice__closed_on__isnull=True).values_list(
        "unit_id", "notice__colour"
    )
    for unit_id, colour in open_rows:
        row = counts.setdefault(unit_id, {"blue": 0, "yellow": 0, "red": 0, "censured": 0})
        row[colour] += 1
    censured = through.objects.filter(
        notice__censured_on__isnull=False, notice__issued_on__gte=year_start
    ).values_list("unit_id", flat=True)
    for unit_id in censured:
        row = counts.setdefault(unit_id, {"blue": 0, "yellow": 0, "red": 0, "censured": 0})
        row["censured"] += 1
    rows: list[dict[str, Any]] = []
    for unit in Unit.objects.filter(pk__in=counts).order_by("order", "code"):
        c = counts[unit.pk]
        rows.append(
            {
                "unit": unit.code,
                "name": unit.label,
                "blue": c["blue"],
                "yellow": c["yellow"],
                "red": c["red"],
                "open": c["blue"] + c["yellow"] + c["red"],
                "censured": c["censured"],
                "label": unit.label
                + ("  " + _("censured: %(n)d") % {"n": c["censured"]} if c["censured"] else ""),
            }
        )
    # the most pressing first: red, then yellow, then blue, then 通报
    rows.sort(key=lambda r: (-r["red"], -r["yellow"], -r["blue"], -r["censured"]))
    subtitle = _("Open notices as of %(day)s; censures (通报) of %(year)d") % {
        "day": date_format(today, "MONTH_DAY_FORMAT"),
        "year": today.year,
    }
    return _board(
        "notices",
        subtitle,
        rows,
        series=[
            {"key": "blue", "name": _("blue: reminder")},
            {"key": "yellow", "name": _("yellow: urging")},
            {"key": "red", "name": _("red: supervision notice")},
        ],
        columns=[_("Unit"), _("Blue"), _("Yellow"), _("Red"), _("Censured (通报)")],
    )


def targets_board() -> dict[str, Any]:
    """Each unit's share of its year targets on schedule (序时进度), 全年红 units marked."""
    known = years()
    if not known:
        return _board("targets", _("No year targets have been imported yet."), [])
    year = known[0]
    month = latest_month(year)
    rows: list[dict[str, Any]] = []
    for unit, share in board_shares(year, month):
        rows.append(
            {
                "unit": unit.code,
                "name": unit.label,
                "on_schedule": share.on_schedule,
                "total": share.total,
                "percent": percent(share.share),
                "value": _number(share.share),
                "all_red": share.all_red,
                "label": f"{share.on_schedule}/{share.total} · {percent(share.share)}"
                + ("  " + _("all-year red") if share.all_red else ""),
            }
        )
    rows.sort(key=lambda r: (-(r["value"] or -1), r["name"]))
    if month is None:
        subtitle = _("%(year)d: no monthly actuals yet") % {"year": year}
    else:
        subtitle = _("%(year)d, actuals to the end of month %(month)d") % {
            "year": year,
            "month": month,
        }
    return _board(
        "targets",
        subtitle,
        rows,
        columns=[_("Unit"), _("On schedule"), _("Share"), _("All-year red (全年红)")],
    )


def pipeline_board(today: dt.date) -> dict[str, Any]:
    """Per batch (newest first) the funnel 签约 → 开工 → 投产: counts, investment in 亿元, and
    履约率, 开工率, 投产率 as of ``today``."""
    stage_names = {
        Stage.SIGNED: pgettext("funnel stage", "signed"),
        Stage.STARTED: pgettext("funnel stage", "started"),
        Stage.PRODUCING: pgettext("funnel stage", "producing"),
    }
    rows: list[dict[str, Any]] = []
    for batch, f in funnel_by_batch(today)[:PIPELINE_BATCHES]:
        rows.append(
            {
                "name": batch,
                "stages": [
                    {
                        "key": str(stage),
                        "name": stage_names[stage],
                        "count": f.count[stage],
                        "investment": _yi(f.invested[stage]),
                        "label": _("%(stage)s %(count)d · %(money)s")
                        % {
                            "stage": stage_names[stage],
                            "count": f.count[stage],
                            "money": _("%(yi)s 亿元") % {"yi": _yi(f.invested[stage])},
                        },
                    }
                    for stage in STAGES
                ],
                "rates": [
                    {"name": _("performance rate"), "value": percent(f.performance_rate)},
                    {"name": _("start rate"), "value": percent(f.start_rate)},
                    {"name": _("production rate"), "value": percent(f.production_rate)},
                ],
                "lagging": f.lagging,
            }
        )
    subtitle = _("As of %(day)s; investment in 100 million yuan (亿元)") % {
        "day": date_format(today, "MONTH_DAY_FORMAT")
    }
    return _board(
        "pipeline",
        subtitle,
        rows,
        unit_label=_("projects"),
        money_label=_("100 million yuan"),
        columns=[_("Stage"), _("Projects"), _("Investment (亿元)")],
    )


def weekly_board(today: dt.date) -> dict[str, Any]:
    """Per unit its reports this week (Monday to ``today``) and how many came on time, and its
    on-time share of the year so far (supervision's ``unit_on_time``). Units that filed no
    report this year are counted in the subtitle, not drawn."""
    monday = today - dt.timedelta(days=today.weekday())
    before = monday - dt.timedelta(days=1)
    rows: list[dict[str, Any]] = []
    silent = 0
    for unit in Unit.objects.filter(active=True).order_by("order", "code"):
        now = unit_on_time(unit, today)
        if not now.filed:
            silent += 1
            continue
        then = unit_on_time(unit, before)
        share = Fraction(now.on_time, now.filed)
        rows.append(
            {
                "unit": unit.code,
                "name": unit.label,
                "week_filed": now.filed - then.filed,
                "week_on_time": now.on_time - then.on_time,
                "filed": now.filed,
                "on_time": now.on_time,
                "percent": percent(share),
                "value": _number(share),
                "label": _("%(on)d/%(filed)d · %(percent)s (this week %(won)d/%(wfiled)d)")
                % {
                    "on": now.on_time,
                    "filed": now.filed,
                    "percent": percent(share),
                    "won": now.on_time - then.on_time,
                    "wfiled": now.filed - then.filed,
                },
            }
        )
    rows.sort(key=lambda r: (-r["value"], -r["filed"], r["name"]))
    subtitle = _("Week of %(monday)s; the share is of every report so far") % {
        "monday": date_format(monday, "MONTH_DAY_FORMAT")
    }
    if silent:
        subtitle += " · " + ngettext(
            "%(n)d unit filed no report", "%(n)d units filed no report", silent
        ) % {"n": silent}
    return _board(
        "weekly",
        subtitle,
        rows,
        columns=[
            _("Unit"),
            _("This week: on time / filed"),
            _("So far: on time / filed"),
            _("Share"),
        ],
    )


def board_data(key: str, today: dt.date) -> dict[str, Any]:
    """One board's data as of ``today`` (``key`` one of :data:`BOARDS`)."""
    if key == "arena":
        return arena_board()
    if key == "notices":
        return notices_board(today)
    if key == "targets":
        return targets_board()
    if key == "pipeline":
        return pipeline_board(today)
    if key == "weekly":
        return weekly_board(today)
    raise KeyError(key)
