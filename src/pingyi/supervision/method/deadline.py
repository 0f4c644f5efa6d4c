"""What a deadline written in Chinese free text means (SUPERVISION.md, "Deadlines in Chinese
free text", rules 1–11).

:func:`parse_deadline` takes the cell as the office wrote it (text, or an Excel date cell or
serial number), the list year Y and the assignment date A (default: 1 January of Y), and
returns a :class:`Deadline`; ``Deadline.to_json()`` is the contract::

    {"kind": "date"|"recurring"|"ongoing"|"immediate"|"unknown",
     "due": "YYYY-MM-DD"|null, "every": null|"week"|"month"|"quarter"|"half",
     "milestones": [{"text": ..., "due": "YYYY-MM-DD"}], "warnings": [...]}

How it reads a cell:

1. The raw cell loses a leading label (完成时限：) and surrounding brackets, then splits into
   stages at new lines, ；; 。，, and stage markers (①②③, ⑴, ㈠); each stage is normalised
   (rule 1, :mod:`numerals`).
2. In each stage every rule's pattern (the table ``RULES`` below, one function per rule, its
   docstring naming the rule) is matched; of the overlapping matches the earliest wins, and
   of those starting at one place the longest — so ``2026年9月30日前`` is one date, not a year
   end plus a day, and ``9月30日内`` is a date, not "30 days from A". Two date phrases joined
   only by 至/到/-/~ make a range (rule 10). A phrase that looks like a date but is none
   (``2月30日``, ``13月``) is counted as not understood.
3. The cell's kind: ``date`` when any stage holds a date (rules 2–6), else ``immediate``
   (立行立改 …), else ``recurring`` (rule 7: its first phrase gives ``every``), else
   ``ongoing`` when an ongoing word stands there (rule 8), else ``unknown``.
4. Milestones (rule 9): when the cell has several stages, each stage holding a date is a
   milestone (its text as written, without the marker; its due the latest date in it), in
   written order; the item's due is the latest date in the cell.
5. Warnings: ``ambiguous`` (8月前), ``calendar_unknown_year`` (from the working-day
   calendar), ``not_understood`` (a date-like phrase that is not a date, or nothing
   understood at all), ``before_list_year`` (a due date before 1 January of Y).

Never raises on any text (hypothesis checks it); a due is always a real date.

Pure: no Django import.
"""

from __future__ import annotations

import calendar as monthcal
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from pingyi.supervision.method.numerals import CIRCLED_MARKER, normalise, strip_stage_marker
from pingyi.supervision.method.workdays import WorkingDays, default_calendar

__all__ = [
    "AMBIGUOUS",
    "BEFORE_LIST_YEAR",
    "EVERY",
    "KINDS",
    "NOT_UNDERSTOOD",
    "RULES",
    "Deadline",
    "Milestone",
    "excel_serial_date",
    "parse_deadline",
]

KINDS = ("date", "recurring", "ongoing", "immediate", "unknown")
EVERY = ("week", "month", "quarter", "half")
AMBIGUOUS = "ambiguous"
BEFORE_LIST_YEAR = "before_list_year"
NOT_UNDERSTOOD = "not_understood"

#: a relative count beyond this many days / working days is not a deadline (and would make
#: the working-day walk long): 一万天内 is not understood
_MAX_DAYS = 36600
_MAX_WORKING_DAYS = 2500


# --- the result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """One dated stage of a multi-stage cell (rule 9): its text as written, and its due."""

    text: str
    due: date

    def to_json(self) -> dict[str, str]:
        return {"text": self.text, "due": self.due.isoformat()}


@dataclass(frozen=True)
class Deadline:
    """What a deadline cell means; :meth:`to_json` is the contract of SUPERVISION.md."""

    kind: str
    due: date | None = None
    every: str | None = None
    milestones: tuple[Milestone, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "every": self.every,
            "milestones": [m.to_json() for m in self.milestones],
            "warnings": list(self.warnings),
        }


# --- phrases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    year: int
    assigned: date
    calendar: WorkingDays


@dataclass(frozen=True)
class Meaning:
    """What one phrase means. kind: ``date`` (rules 2–6, relative ones too), ``immediate``,
    ``recurring``, or ``invalid`` (looks like a date, is none: 2月30日). ``year``: the year
    written in the phrase (2027年3月底), None when it took Y or counts from A; ``alone``: a
    year and nothing else (2026年), which gives way to any other date in its stage."""

    kind: str
    due: date | None = None
    every: str | None = None
    warnings: tuple[str, ...] = ()
    year: int | None = None
    alone: bool = False


_INVALID = Meaning("invalid")


@dataclass(frozen=True)
class _Phrase:
    start: int
    end: int
    order: int
    meaning: Meaning
    match: re.Match[str] | None = None


Reader = Callable[[re.Match[str], _Context], Meaning | None]


@dataclass(frozen=True)
class Rule:
    """A pattern over the normalised text and the function that reads a match (None: the
    match is not a phrase after all, and does not hide shorter ones)."""

    number: str
    pattern: re.Pattern[str]
    read: Reader


# --- date arithmetic --------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthcal.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later, or that month's last day when it has none
    (2026-01-31 + 1 month = 2026-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthcal.monthrange(year, month + 1)[1]))


def _quarter_end(day: date) -> date:
    return _month_end(day.year, (day.month - 1) // 3 * 3 + 3)


def excel_serial_date(serial: float | int | Decimal) -> date | None:
    """The day of an Excel serial number (1900 date system, as openpyxl and LibreOffice
    write it: 1 = 1900-01-01, 61 = 1900-03-01, 46295 = 2026-09-30; the time of day is
    dropped); None for a number that is no day (≤ 0, the phantom 1900-02-29, beyond 9999)."""
    try:
        days = int(serial)
    except (ValueError, OverflowError, InvalidOperation):
        return None
    if days <= 0 or days == 60 or days > 2958465:
        return None
    return date(1899, 12, 31 if days < 60 else 30) + timedelta(days=days)


# --- pattern pieces (over the normalised text: ASCII digits, '-' for every dash) -------------


def _year(tag: str = "") -> str:
    """A written year: 2026年, or 今年/明年/次年/本年/当年."""
    return rf"(?:(?<!\d)(?P<y{tag}>\d{{4}})|(?P<ry{tag}>今|明|次|本|当))年"


_PART = r"(?P<fen>份)?(?P<part>上旬|中旬|下旬|初|中|底|末|终)?(?P<qian>之前|以前|前)?"
_WITHIN = r"(?:的)?(?P<time>时间)?(?P<nei>之内|以内|内)?"


def _written_year(m: re.Match[str], ctx: _Context, tag: str = "") -> tuple[int, bool]:
    groups = m.groupdict()
    if groups.get(f"y{tag}"):
        return int(groups[f"y{tag}"]), True
    if groups.get(f"ry{tag}"):
        return ctx.year + (1 if groups[f"ry{tag}"] in ("明", "次") else 0), True
    return ctx.year, False


def _month_form(year: int, month: int, m: re.Match[str], *, written: bool) -> Meaning:
    part, before = m.groupdict().get("part"), m.groupdict().get("qian")
    shown = year if written else None
    if part in ("上旬", "初"):
        return Meaning("date", date(year, month, 10), year=shown)
    if part in ("中旬", "中"):
        return Meaning("date", date(year, month, 20), year=shown)
    if before and not part:
        # rule 4's exception: 8月前 is "before August"
        previous = date(year, month, 1) - timedelta(days=1)
        return Meaning("date", previous, warnings=(AMBIGUOUS,), year=shown)
    return Meaning("date", _month_end(year, month), year=shown)


# --- the rules ---------------------------------------------------------------------------------


def rule_2_numeric_date(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 2: ``2026-9-30``, ``2026.9.30``, ``2026/9/30`` (and ``20260930``) → that day."""
    return Meaning("date", date(int(m["y"]), int(m["m"]), int(m["d"])), year=int(m["y"]))


def rule_2_chinese_date(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 2: ``2026年9月30日`` → that day; ``9月30日`` (also 号) → that day of Y. Rule 4:
    a following 前/之前/以前/前完成 and a leading 到/于/截至 do not move the day."""
    year, written = _written_year(m, ctx)
    return Meaning("date", date(year, int(m["m"]), int(m["d"])), year=year if written else None)


def rule_2_month_dot_day(m: re.Match[str], ctx: _Context) -> Meaning | None:
    """Rule 2: ``9.30`` (and ``9/30``) → that day of Y; not a phrase when it is no day."""
    month, day = int(m["m"]), int(m["d"])
    if not 1 <= month <= 12 or not 1 <= day <= monthcal.monthrange(ctx.year, month)[1]:
        return None
    return Meaning("date", date(ctx.year, month, day))


def rule_3_month(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 3: ``9月底``, ``9月末``, ``9月份``, ``9月`` → the last day of September of Y (or of
    the year written: ``2027年3月底`` → 2027-03-31); ``9月上旬`` → 9-10, ``9月中旬`` → 9-20,
    ``9月下旬`` → 9-30; ``9月初`` is read as 上旬, ``9月中`` as 中旬. Rule 4's exception: a bare
    month with 前 (``8月前``) → the last day of the month before, warning ``ambiguous``."""
    year, written = _written_year(m, ctx)
    return _month_form(year, int(m["m"]), m, written=written)


def rule_3_year_dot_month(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 3: ``2026.9``, ``2026-9``, ``2026/9`` → the month's last day, as ``2026年9月``."""
    return _month_form(int(m["y"]), int(m["m"]), m, written=True)


def rule_10_month_range(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 10: ``3—6月``, ``3月至6月``, ``2026年3月-2026年6月`` → the end of the range (6-30)."""
    start_year, start_written = _written_year(m, ctx, "1")
    end_year, end_written = _written_year(m, ctx, "2")
    if not end_written:
        end_year, end_written = start_year, start_written
    if not 1 <= int(m["m1"]) <= 12:
        return _INVALID
    return _month_form(end_year, int(m["m"]), m, written=end_written)


def rule_10_day_range(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 10: ``9月1日-30日``, ``9月1日至30日`` → the range's last day (9-30)."""
    year, written = _written_year(m, ctx)
    date(year, int(m["m"]), int(m["d1"]))  # the start must be a day too
    return Meaning("date", date(year, int(m["m"]), int(m["d"])), year=year if written else None)


def rule_5_year_end(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 5: ``年底``, ``年底前``, ``年末``, ``年内`` (also 年终, 年度内) → Y-12-31;
    ``2027年底前`` → 2027-12-31."""
    year, written = _written_year(m, ctx)
    return Meaning("date", date(year, 12, 31), year=year if written else None)


def rule_5_whole_year(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 5: ``全年`` → Y-12-31 (``2027年全年`` → 2027-12-31)."""
    year, written = _written_year(m, ctx)
    return Meaning("date", date(year, 12, 31), year=year if written else None)


def rule_5_year_alone(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 5: a year alone, ``2026年`` or ``明年``, → its last day (read as 年内) — unless
    its stage holds another date, which then takes that year when it has none of its own
    (``2027年第二、三季度`` → 2027-09-30)."""
    year, _ = _written_year(m, ctx)
    return Meaning("date", date(year, 12, 31), year=year, alone=True)


def rule_5_half_year(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 5: ``上半年`` → Y-06-30, ``下半年`` → Y-12-31 (or of the year written)."""
    year, written = _written_year(m, ctx)
    return Meaning(
        "date",
        date(year, 6 if m["h"] == "上" else 12, 30 if m["h"] == "上" else 31),
        year=year if written else None,
    )


def rule_5_quarter(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 5: ``第三季度``, ``三季度``, ``三季度末``, ``Q3``, ``前三季度`` → Y-09-30 (each
    quarter's last day: 3-31, 6-30, 9-30, 12-31)."""
    year, written = _written_year(m, ctx)
    return Meaning("date", _month_end(year, int(m["q"]) * 3), year=year if written else None)


def rule_6_this_month(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 6: ``本月内``, ``本月底`` (also 本月末, 当月底; 当月 alone is no date) → the last
    day of A's month."""
    return Meaning("date", _month_end(ctx.assigned.year, ctx.assigned.month))


def rule_6_days(m: re.Match[str], ctx: _Context) -> Meaning | None:
    """Rule 6: ``N日内``, ``N天内`` (also ``用N天时间``, ``N天``) → A + N days."""
    if m["unit"] != "天" and not (m["use"] or m["time"] or m["nei"]):
        return None  # 30日 alone is a day of a month, not a duration
    days = int(m["n"])
    if not 1 <= days <= _MAX_DAYS:
        return _INVALID
    return Meaning("date", ctx.assigned + timedelta(days=days))


def rule_6_working_days(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 6: ``N个工作日内`` → the N-th working day after A (the official calendar, with
    its ``calendar_unknown_year`` warning for a year it does not know)."""
    count = int(m["n"])
    if not 1 <= count <= _MAX_WORKING_DAYS:
        return _INVALID
    due = ctx.calendar.add_working_days(ctx.assigned, count)
    return Meaning("date", due, warnings=tuple(ctx.calendar.warnings_for(ctx.assigned, due)))


def rule_6_weeks(m: re.Match[str], ctx: _Context) -> Meaning | None:
    """Rule 6: ``N周内``, ``两周内``, ``用N周时间`` → A + 7·N days (read as ``N天内``)."""
    if not (m["use"] or m["time"] or m["nei"]):
        return None
    weeks = int(m["n"])
    if not 1 <= weeks * 7 <= _MAX_DAYS:
        return _INVALID
    return Meaning("date", ctx.assigned + timedelta(days=7 * weeks))


def rule_6_months(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 6: ``N个月内``, ``用N个月时间``, ``用一个月的时间`` → A + N months (the same day
    number, or the month's last day when it has none: 1-31 + 1 month = 2-28)."""
    months = int(m["n"])
    if not 1 <= months <= 1200:
        return _INVALID
    return Meaning("date", add_months(ctx.assigned, months))


def rule_6_half_year(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 6: ``半年内`` (also 用半年时间) → A + 6 months."""
    return Meaning("date", add_months(ctx.assigned, 6))


def rule_6_years(m: re.Match[str], ctx: _Context) -> Meaning | None:
    """Rule 6: ``一年内`` (``N年内``, ``用N年时间``) → A + 12·N months."""
    if not (m["use"] or m["time"] or m["nei"]):
        return None
    years = int(m["n"])
    if years < 1:
        return _INVALID
    return Meaning("date", add_months(ctx.assigned, 12 * years))


def rule_6_immediate(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 6: ``立行立改``, ``即知即改``, ``立即`` (also 立查立改, 立刻, 马上) → kind
    ``immediate``, due A."""
    return Meaning("immediate", ctx.assigned)


_WEEKDAYS = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6, "日": 6, "天": 6}


def rule_7_weekly(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 7: ``每周``, ``每周五前`` (every week; the weekday given, else Friday) → due the
    first such day on or after A."""
    weekday = _WEEKDAYS[m["wd"]] if m["wd"] else 4
    due = ctx.assigned + timedelta(days=(weekday - ctx.assigned.weekday()) % 7)
    return Meaning("recurring", due, every="week")


def rule_7_monthly(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 7: ``每月``, ``每月底`` (every month, its last day), ``每月5日前`` (the 5th; a day
    the month lacks is its last day) → due the first such day on or after A."""
    a = ctx.assigned
    if not m["d"]:
        return Meaning("recurring", _month_end(a.year, a.month), every="month")
    day = int(m["d"])
    if not 1 <= day <= 31:
        return _INVALID
    due = date(a.year, a.month, min(day, monthcal.monthrange(a.year, a.month)[1]))
    if due < a:
        following = add_months(date(a.year, a.month, 1), 1)
        last = monthcal.monthrange(following.year, following.month)[1]
        due = following.replace(day=min(day, last))
    return Meaning("recurring", due, every="month")


def rule_7_quarterly(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 7: ``每季度``, ``每季度末``, ``每季度报送一次`` (every quarter) → due the last day
    of A's quarter."""
    return Meaning("recurring", _quarter_end(ctx.assigned), every="quarter")


def rule_7_half_yearly(m: re.Match[str], ctx: _Context) -> Meaning:
    """Rule 7: ``每半年`` (every half year: 6-30 and 12-31) → due the first on or after A."""
    a = ctx.assigned
    return Meaning(
        "recurring", date(a.year, 6, 30) if a.month <= 6 else date(a.year, 12, 31), every="half"
    )


_Y = _year()
RULES: tuple[Rule, ...] = tuple(
    Rule(number, re.compile(pattern), read)
    for number, pattern, read in (
        (
            "2",
            r"(?<!\d)(?P<y>\d{4})(?P<s>[-./])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)",
            rule_2_numeric_date,
        ),
        (
            "2",
            r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>[0-2]\d|3[01])(?!\d)",
            rule_2_numeric_date,
        ),
        (
            "2",
            rf"(?:{_Y})?(?<!\d)(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})(?:日|号)?(?!\d)",
            rule_2_chinese_date,
        ),
        (
            "2",
            r"(?<![\d./-])(?P<m>\d{1,2})[./](?P<d>\d{1,2})(?![\d./%年月个天周季]|[日号](?:之内|以内|内))",
            rule_2_month_dot_day,
        ),
        ("3", rf"(?:{_Y})?(?<!\d)(?P<m>\d{{1,2}})月(?!\d){_PART}", rule_3_month),
        (
            "3",
            rf"(?<![\d.])(?P<y>\d{{4}})[-./](?P<m>\d{{1,2}})(?![\d.])(?:月{_PART})?",
            rule_3_year_dot_month,
        ),
        (
            "10",
            rf"(?:{_year('1')})?(?<!\d)(?P<m1>\d{{1,2}})(?:月份?)?(?:至|到|-|~)"
            rf"(?:{_year('2')})?(?P<m>\d{{1,2}})月(?!\d){_PART}",
            rule_10_month_range,
        ),
        (
            "10",
            rf"(?:{_Y})?(?<!\d)(?P<m>\d{{1,2}})月(?P<d1>\d{{1,2}})(?:日|号)?(?:至|到|-|~)"
            r"(?P<d>\d{1,2})(?:日|号)",
            rule_10_day_range,
        ),
        ("5", rf"(?:{_Y}年?|年)(?:度内|度末|度底|底|末|内|终)", rule_5_year_end),
        ("5", rf"(?:{_Y})?全年", rule_5_whole_year),
        ("5", _Y, rule_5_year_alone),
        ("5", rf"(?:{_Y})?(?P<h>上|下)半年", rule_5_half_year),
        ("5", rf"(?:{_Y})?(?:前|第)?(?<!\d)(?P<q>[1-4])季度?(?:末|底)?", rule_5_quarter),
        ("5", r"(?:(?<!\d)(?P<y>\d{4})年?)?[Qq](?P<q>[1-4])(?!\d)", rule_5_quarter),
        ("6", r"(?:本|当)(?:个)?月(?:份)?(?:之内|以内|内|底|末|终)", rule_6_this_month),
        (
            "6",
            rf"(?P<use>用)?(?<![\d.第前])(?P<n>\d{{1,6}})(?:个)?"
            rf"(?P<unit>自然日|日历日|日|天){_WITHIN}",
            rule_6_days,
        ),
        ("6", r"(?<![\d.第前])(?P<n>\d{1,6})(?:个)?工作日(?:之内|以内|内)?", rule_6_working_days),
        (
            "6",
            rf"(?P<use>用)?(?<![\d.第前])(?P<n>\d{{1,4}})(?:个)?(?:周|星期|礼拜){_WITHIN}",
            rule_6_weeks,
        ),
        ("6", rf"(?:用)?(?<![\d.第前])(?P<n>\d{{1,4}})个月{_WITHIN}", rule_6_months),
        ("6", rf"(?:用)?半年{_WITHIN}", rule_6_half_year),
        ("6", rf"(?P<use>用)?(?<![\d.第前])(?P<n>\d{{1,2}})年{_WITHIN}", rule_6_years),
        ("6", r"立行立改|即知即改|立查立改|立知立改|立即|立刻|马上", rule_6_immediate),
        (
            "7",
            r"(?:每(?:个)?|按)(?:周|星期|礼拜)(?P<wd>[1-7日天](?![次个天日周号]))?",
            rule_7_weekly,
        ),
        (
            "7",
            r"(?:每(?:个)?月|按月|逐月)(?:份)?(?:(?P<d>\d{1,2})(?:日|号)|月?(?:底|末|终))?",
            rule_7_monthly,
        ),
        ("7", r"(?:每(?:个)?|按)季度?(?:末|底|终)?", rule_7_quarterly),
        ("7", r"(?:每|按)半年(?:度)?(?:末|底)?", rule_7_half_yearly),
    )
)

#: Rule 8: ongoing work, kind ``ongoing`` with no due — only when no phrase of rules 2–7 is
#: in the text (持续推进，9月底前完成验收 is a date with a milestone).
ONGOING = re.compile(r"长期坚持|持续推进|长期|常态化|持续|长效|久久为功|常抓不懈|持之以恒")

_CONNECTOR = re.compile(r"至|到|-|~")


def _read(rule: Rule, m: re.Match[str], ctx: _Context) -> Meaning | None:
    try:
        return rule.read(m, ctx)
    except (ValueError, OverflowError):  # no such day (2月30日, 13月, year 0 or 10000)
        return _INVALID


def _phrases(text: str, ctx: _Context) -> list[Meaning]:
    """The phrases of one normalised stage, in written order: of overlapping matches the
    earliest, then the longest; a phrase without a year of its own takes the year written
    last before it in the stage (2027年3月、6月 → 2027-06-30); ranges joined (rule 10); a year
    alone gives way to any other date."""
    found = [
        _Phrase(m.start(), m.end(), order, meaning, m)
        for order, rule in enumerate(RULES)
        for m in rule.pattern.finditer(text)
        if (meaning := _read(rule, m, ctx)) is not None
    ]
    found.sort(key=lambda p: (p.start, -p.end, p.order))
    chosen: list[_Phrase] = []
    year: int | None = None
    for phrase in found:
        if chosen and phrase.start < chosen[-1].end:
            continue
        if year is not None and phrase.meaning.year is None and phrase.match is not None:
            again = _read(RULES[phrase.order], phrase.match, replace(ctx, year=year))
            phrase = replace(phrase, meaning=again or phrase.meaning)
        year = phrase.meaning.year if phrase.meaning.year is not None else year
        before = chosen[-1] if chosen else None
        if (
            before is not None
            and before.meaning.kind == phrase.meaning.kind == "date"
            and _CONNECTOR.fullmatch(text[before.end : phrase.start])
        ):
            # rule 10: 3月1日至6月30日, 2026.3-2026.6 → the end of the range
            joined = Meaning(
                "date",
                phrase.meaning.due,
                warnings=before.meaning.warnings + phrase.meaning.warnings,
                year=phrase.meaning.year,
                alone=before.meaning.alone and phrase.meaning.alone,
            )
            chosen[-1] = _Phrase(before.start, phrase.end, before.order, joined)
            continue
        chosen.append(phrase)
    meanings = [p.meaning for p in chosen]
    if any(m.kind in ("date", "immediate") and not m.alone for m in meanings):
        meanings = [m for m in meanings if not m.alone]
    return meanings


# --- stages -----------------------------------------------------------------------------------

_STAGE_SPLIT = re.compile(
    rf"[\n\r\v\f\u2028\u2029;；。，,]+|(?={CIRCLED_MARKER.pattern}|[(（](?:\d{{1,2}}|[０-９]{{1,2}}|"
    r"[一二三四五六七八九十]{1,3})[)）])"
)
_RAW_LABEL = re.compile(
    r"^\s*[\u4e00-\u9fff]{0,6}?(?:时限|时间|期限|节点|日期|时点)(?:要求)?\s*[:：]"
)
_RAW_BRACKETS = {"(": ")", "（": "）", "[": "]", "【": "】", "〔": "〕", "［": "］"}
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_TRIM = " \t\u3000,.，。;；:：、"


def _clean_written(text: str) -> str:
    while True:
        before = text
        text = _RAW_LABEL.sub("", text.strip(_TRIM), count=1).strip(_TRIM)
        if len(text) >= 2 and _RAW_BRACKETS.get(text[0]) == text[-1]:
            text = text[1:-1]
        text = strip_stage_marker(text)
        if text == before:
            return text


@dataclass(frozen=True)
class _Stage:
    written: str
    phrases: tuple[Meaning, ...]
    ongoing: bool


def _stages(text: str, ctx: _Context) -> list[_Stage]:
    stages = []
    for raw in _STAGE_SPLIT.split(_clean_written(text)):
        written = _clean_written(raw)
        normalised = normalise(written)
        if not _MEANINGFUL.search(normalised):
            continue
        stages.append(
            _Stage(written, tuple(_phrases(normalised, ctx)), bool(ONGOING.search(normalised)))
        )
    return stages


# --- the cell ---------------------------------------------------------------------------------


def _with_year_check(deadline: Deadline, ctx: _Context, warnings: list[str]) -> Deadline:
    """Rule 11: a due date (the item's or a milestone's) before Y is kept, with a warning."""
    first_day = date(ctx.year, 1, 1)
    dues = [deadline.due] if deadline.due else []
    dues += [m.due for m in deadline.milestones]
    if any(due < first_day for due in dues):
        warnings.append(BEFORE_LIST_YEAR)
    unique = tuple(dict.fromkeys(warnings))
    return Deadline(deadline.kind, deadline.due, deadline.every, deadline.milestones, unique)


def _from_day(day: date | None, ctx: _Context) -> Deadline:
    if day is None:
        return Deadline("unknown", warnings=(NOT_UNDERSTOOD,))
    return _with_year_check(Deadline("date", day), ctx, [])


_SERIAL = re.compile(r"\d{5,7}(?:\.\d+)?")


def _from_text(text: str, ctx: _Context) -> Deadline:
    if _SERIAL.fullmatch(normalise(text)):
        # an Excel serial number read as text (46295 → 2026-09-30)
        return _from_day(excel_serial_date(Decimal(normalise(text))), ctx)
    stages = _stages(text, ctx)
    phrases = [p for stage in stages for p in stage.phrases]
    dated = [p for p in phrases if p.kind in ("date", "immediate")]
    invalid = any(p.kind == "invalid" for p in phrases)
    warnings: list[str] = []
    if any(p.kind == "date" for p in dated):
        milestones: list[Milestone] = []
        if len(stages) > 1:
            for stage in stages:
                dues = [p.due for p in stage.phrases if p.kind in ("date", "immediate") and p.due]
                if dues:
                    milestones.append(Milestone(stage.written, max(dues)))
        warnings = [w for p in dated for w in p.warnings]
        if invalid:
            warnings.append(NOT_UNDERSTOOD)
        due = max(p.due for p in dated if p.due)
        return _with_year_check(Deadline("date", due, None, tuple(milestones)), ctx, warnings)
    if dated:
        if invalid:
            warnings.append(NOT_UNDERSTOOD)
        return _with_year_check(Deadline("immediate", ctx.assigned), ctx, warnings)
    recurring = [p for p in phrases if p.kind == "recurring"]
    if recurring:
        if invalid:
            warnings.append(NOT_UNDERSTOOD)
        first = recurring[0]
        return _with_year_check(Deadline("recurring", first.due, first.every), ctx, warnings)
    if not invalid and any(stage.ongoing for stage in stages):
        return Deadline("ongoing")
    return Deadline("unknown", warnings=(NOT_UNDERSTOOD,))


def parse_deadline(
    value: object,
    *,
    year: int,
    assigned: date | None = None,
    calendar: WorkingDays | None = None,
) -> Deadline:
    """What the deadline ``value`` means for a list of year ``year`` assigned on ``assigned``
    (default: 1 January of the year). ``value`` is the cell: text as written, or what a
    spreadsheet reader gives for a date cell (a date or datetime → that day) or a number
    (an Excel serial number → that day). Never raises on any value; a bad ``year`` or
    ``assigned`` (the caller's, not the office's) raises ValueError."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise ValueError(f"year={year!r}: expected a year from 1 to 9999")
    if assigned is None:
        assigned = date(year, 1, 1)
    if isinstance(assigned, datetime) or not isinstance(assigned, date):
        raise ValueError(f"assigned={assigned!r}: expected a date")
    ctx = _Context(year, assigned, calendar if calendar is not None else default_calendar())
    if isinstance(value, datetime):
        return _from_day(value.date(), ctx)
    if isinstance(value, date):
        return _from_day(value, ctx)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            return _from_day(excel_serial_date(value), ctx)
        except (ValueError, OverflowError):  # NaN, infinity
            return _from_day(None, ctx)
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return _from_text(text, ctx)
