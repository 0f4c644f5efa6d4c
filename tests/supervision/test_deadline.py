"""The deadline parser (supervision/method/deadline.py): SUPERVISION.md, "Deadlines in Chinese
free text", rules 1–11, checked to the day on a table of phrasings (each rule, Chinese
numerals, full-width forms, multi-stage cells), and by hypothesis: it never raises, a due is
a real date, an item's due is the latest of its milestones'.

The list year is Y = 2026 and the assignment date A = 2026-01-01 (a Thursday, a holiday)
unless a row says otherwise.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pingyi.supervision.method.deadline import (
    EVERY,
    KINDS,
    RULES,
    add_months,
    excel_serial_date,
    parse_deadline,
)
from pingyi.supervision.method.numerals import chinese_number, normalise
from pingyi.supervision.method.workdays import WorkingDays

Y = 2026
AMB, BEFORE, NOT = "ambiguous", "before_list_year", "not_understood"
UNKNOWN_YEAR = "calendar_unknown_year"


def on(due: str, *warnings: str, stages: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """kind date."""
    return {
        "kind": "date",
        "due": due,
        "every": None,
        "milestones": [{"text": text, "due": day} for text, day in stages],
        "warnings": list(warnings),
    }


def every(period: str, due: str, *warnings: str) -> dict[str, Any]:
    return {
        "kind": "recurring",
        "due": due,
        "every": period,
        "milestones": [],
        "warnings": list(warnings),
    }


def now(due: str = "2026-01-01", *warnings: str) -> dict[str, Any]:
    return {
        "kind": "immediate",
        "due": due,
        "every": None,
        "milestones": [],
        "warnings": list(warnings),
    }


ONGOING = {"kind": "ongoing", "due": None, "every": None, "milestones": [], "warnings": []}
UNKNOWN = {"kind": "unknown", "due": None, "every": None, "milestones": [], "warnings": [NOT]}


def meaning(text: object, year: int = Y, assigned: date | None = None) -> dict[str, Any]:
    return parse_deadline(text, year=year, assigned=assigned).to_json()


# --- the table: Y = 2026, A = 2026-01-01 ------------------------------------------------------

TABLE: list[tuple[str, dict[str, Any]]] = [
    # rule 1: normalisation — full-width, Chinese numerals, spaces, labels, brackets
    ("２０２６年９月３０日", on("2026-09-30")),
    ("２０２６－９－３０", on("2026-09-30")),
    ("２０２６／９／３０", on("2026-09-30")),
    ("２０２６．９．３０", on("2026-09-30")),
    ("９．３０", on("2026-09-30")),
    ("９月底前", on("2026-09-30")),
    ("１２月３１日前", on("2026-12-31")),
    ("九月", on("2026-09-30")),
    ("九月底", on("2026-09-30")),
    ("十二月", on("2026-12-31")),
    ("十一月底前", on("2026-11-30")),
    ("十月一日", on("2026-10-01")),
    ("九月三十日", on("2026-09-30")),
    ("九月三十号", on("2026-09-30")),
    ("三月二十一日前", on("2026-03-21")),
    ("二〇二六年", on("2026-12-31")),
    ("二〇二六年九月三十日", on("2026-09-30")),
    ("二零二六年十二月三十一日前", on("2026-12-31")),
    ("二○二六年六月底", on("2026-06-30")),
    ("二〇二七年三月底", on("2027-03-31")),
    ("2026 年 9 月 30 日", on("2026-09-30")),
    ("2026\u3000年9月\u300030日", on("2026-09-30")),
    (" 9月底前 ", on("2026-09-30")),
    ("完成时限：2026年9月底", on("2026-09-30")),
    ("完成时限:9月30日前", on("2026-09-30")),
    ("时间：9月底前", on("2026-09-30")),
    ("时间节点：2026年6月底", on("2026-06-30")),
    ("完成时间：2026年12月31日", on("2026-12-31")),
    ("（2026年9月底前）", on("2026-09-30")),
    ("(9月底前)", on("2026-09-30")),
    ("【2026年底前】", on("2026-12-31")),
    ("完成时限：（2026年9月底前）", on("2026-09-30")),
    ("统一9月底前完成", on("2026-09-30")),
    ("进一步完善，9月底前完成", on("2026-09-30", stages=(("9月底前完成", "2026-09-30"),))),
    # rule 2: dates
    ("2026年9月30日", on("2026-09-30")),
    ("2026-9-30", on("2026-09-30")),
    ("2026-09-30", on("2026-09-30")),
    ("2026.9.30", on("2026-09-30")),
    ("2026/9/30", on("2026-09-30")),
    ("20260930", on("2026-09-30")),
    ("2026-09-30 00:00:00", on("2026-09-30")),
    ("9月30日", on("2026-09-30")),
    ("9月30号", on("2026-09-30")),
    ("9.30", on("2026-09-30")),
    ("9/30", on("2026-09-30")),
    ("12.31前", on("2026-12-31")),
    ("2026年09月05日", on("2026-09-05")),
    ("2027年1月15日", on("2027-01-15")),
    ("2028年2月29日", on("2028-02-29")),
    ("2026年12月31日24时前", on("2026-12-31")),
    ("9.30日前", on("2026-09-30")),
    ("2026年", on("2026-12-31")),  # a year alone, read as 年内
    ("2027年完成", on("2027-12-31")),
    ("明年", on("2027-12-31")),
    # a year written once holds for the dates after it in the stage
    ("2027年第二、三季度", on("2027-09-30")),
    ("2026年第二、三季度", on("2026-09-30")),
    ("2027年3月、6月", on("2027-06-30")),
    ("2027年1月前", on("2026-12-31", AMB)),
    ("46295", on("2026-09-30")),  # an Excel serial number read as text
    ("46295.0", on("2026-09-30")),
    ("46023", on("2026-01-01")),
    # rule 3: month forms
    ("9月底", on("2026-09-30")),
    ("9月末", on("2026-09-30")),
    ("9月份", on("2026-09-30")),
    ("9月", on("2026-09-30")),
    ("2月底", on("2026-02-28")),
    ("2028年2月底", on("2028-02-29")),
    ("2027年3月底", on("2027-03-31")),
    ("2026年6月", on("2026-06-30")),
    ("2026.9", on("2026-09-30")),
    ("2026-9", on("2026-09-30")),
    ("9月上旬", on("2026-09-10")),
    ("9月中旬", on("2026-09-20")),
    ("9月下旬", on("2026-09-30")),
    ("2月下旬", on("2026-02-28")),
    ("11月上旬前", on("2026-11-10")),
    ("十月中旬前完成", on("2026-10-20")),
    ("9月初", on("2026-09-10")),
    # rule 4: 前, 之前, 以前, 前完成, 到, 于, 截至 do not move the day
    ("9月底前", on("2026-09-30")),
    ("9月30日前", on("2026-09-30")),
    ("9月底之前", on("2026-09-30")),
    ("9月底以前", on("2026-09-30")),
    ("9月底前完成", on("2026-09-30")),
    ("9月30日之前完成", on("2026-09-30")),
    ("到9月底", on("2026-09-30")),
    ("于9月底前完成", on("2026-09-30")),
    ("于2026年9月30日前完成", on("2026-09-30")),
    ("截至9月底", on("2026-09-30")),
    ("截至2026年底", on("2026-12-31")),
    ("截止2026年9月30日", on("2026-09-30")),
    ("2026年6月底前全面完成", on("2026-06-30")),
    # rule 4's exception: a bare month with 前 is the month before, ambiguous
    ("8月前", on("2026-07-31", AMB)),
    ("2026年8月前", on("2026-07-31", AMB)),
    ("八月前", on("2026-07-31", AMB)),
    ("8月之前", on("2026-07-31", AMB)),
    ("8月以前完成", on("2026-07-31", AMB)),
    ("8月份前", on("2026-07-31", AMB)),
    ("3月前", on("2026-02-28", AMB)),
    ("2028年3月前", on("2028-02-29", AMB)),
    ("1月前", on("2025-12-31", AMB, BEFORE)),
    ("8月底前", on("2026-08-31")),
    ("8月31日前", on("2026-08-31")),
    # rule 5: year forms
    ("年底", on("2026-12-31")),
    ("年底前", on("2026-12-31")),
    ("年末", on("2026-12-31")),
    ("年内", on("2026-12-31")),
    ("全年", on("2026-12-31")),
    ("下半年", on("2026-12-31")),
    ("上半年", on("2026-06-30")),
    ("年底前完成", on("2026-12-31")),
    ("2026年底", on("2026-12-31")),
    ("2026年年底前", on("2026-12-31")),
    ("2027年底前", on("2027-12-31")),
    ("2027年上半年", on("2027-06-30")),
    ("2027年下半年", on("2027-12-31")),
    ("2026年内", on("2026-12-31")),
    ("今年底", on("2026-12-31")),
    ("今年年底前", on("2026-12-31")),
    ("明年6月底", on("2027-06-30")),
    ("本年度内", on("2026-12-31")),
    ("2026年全年", on("2026-12-31")),
    ("第三季度", on("2026-09-30")),
    ("三季度", on("2026-09-30")),
    ("三季度末", on("2026-09-30")),
    ("Q3", on("2026-09-30")),
    ("q3", on("2026-09-30")),
    ("Ｑ３", on("2026-09-30")),
    ("前三季度", on("2026-09-30")),
    ("第一季度", on("2026-03-31")),
    ("一季度末", on("2026-03-31")),
    ("二季度", on("2026-06-30")),
    ("Q2", on("2026-06-30")),
    ("第四季度", on("2026-12-31")),
    ("四季度末前", on("2026-12-31")),
    ("2027年第一季度", on("2027-03-31")),
    ("2026Q4", on("2026-12-31")),
    ("第3季度", on("2026-09-30")),
    # rule 6: relative to A (2026-01-01)
    ("本月内", on("2026-01-31")),
    ("本月底", on("2026-01-31")),
    ("30日内", on("2026-01-31")),
    ("30天内", on("2026-01-31")),
    ("三十天内", on("2026-01-31")),
    ("十五日内", on("2026-01-16")),
    ("15天", on("2026-01-16")),
    ("用30天时间", on("2026-01-31")),
    ("10个工作日内", on("2026-01-15")),  # 1-4 is a make-up Sunday
    ("十个工作日内", on("2026-01-15")),
    ("1个工作日内", on("2026-01-04")),
    ("5个工作日", on("2026-01-08")),
    ("3个月内", on("2026-04-01")),
    ("三个月内", on("2026-04-01")),
    ("两个月内", on("2026-03-01")),
    ("用3个月时间", on("2026-04-01")),
    ("用一个月的时间", on("2026-02-01")),
    ("12个月内", on("2027-01-01")),
    ("半年内", on("2026-07-01")),
    ("一年内", on("2027-01-01")),
    ("两年内", on("2028-01-01")),
    ("用两年时间", on("2028-01-01")),
    ("两周内", on("2026-01-15")),
    ("立行立改", now()),
    ("即知即改", now()),
    ("立即", now()),
    ("立即整改", now()),
    ("立查立改", now()),
    # rule 7: recurring, due = the first occurrence on or after A (a Thursday)
    ("每周", every("week", "2026-01-02")),
    ("每周五前", every("week", "2026-01-02")),
    ("每周五", every("week", "2026-01-02")),
    ("每周一", every("week", "2026-01-05")),
    ("每周四前报送", every("week", "2026-01-01")),
    ("每周日", every("week", "2026-01-04")),
    ("每星期三", every("week", "2026-01-07")),
    ("每周一次", every("week", "2026-01-02")),
    ("每周报送进展", every("week", "2026-01-02")),
    ("每月", every("month", "2026-01-31")),
    ("每月底", every("month", "2026-01-31")),
    ("每月末", every("month", "2026-01-31")),
    ("每月5日前", every("month", "2026-01-05")),
    ("每月５日前", every("month", "2026-01-05")),
    ("每月五日前", every("month", "2026-01-05")),
    ("每月25号前报送", every("month", "2026-01-25")),
    ("每个月", every("month", "2026-01-31")),
    ("按月报送", every("month", "2026-01-31")),
    ("每季度", every("quarter", "2026-03-31")),
    ("每季度末", every("quarter", "2026-03-31")),
    ("每季度报送一次", every("quarter", "2026-03-31")),
    ("按季度报送", every("quarter", "2026-03-31")),
    ("每半年", every("half", "2026-06-30")),
    ("每半年报送一次", every("half", "2026-06-30")),
    ("长期坚持，每月报送", every("month", "2026-01-31")),
    # rule 8: ongoing, only when there is no date phrase
    ("长期坚持", ONGOING),
    ("持续推进", ONGOING),
    ("长期", ONGOING),
    ("常态化", ONGOING),
    ("持续", ONGOING),
    ("长效", ONGOING),
    ("久久为功", ONGOING),
    ("常态化推进", ONGOING),
    ("长期坚持，久久为功", ONGOING),
    ("（长期坚持）", ONGOING),
    (
        "持续推进，9月底前完成验收",
        on("2026-09-30", stages=(("9月底前完成验收", "2026-09-30"),)),
    ),
    ("长期坚持，2026年底前见成效", on("2026-12-31", stages=(("2026年底前见成效", "2026-12-31"),))),
    # rule 9: multi-stage cells
    (
        "①6月底前完成方案；②9月底前完成建设；③12月底前验收",
        on(
            "2026-12-31",
            stages=(
                ("6月底前完成方案", "2026-06-30"),
                ("9月底前完成建设", "2026-09-30"),
                ("12月底前验收", "2026-12-31"),
            ),
        ),
    ),
    (
        "①6月底前完成方案②9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "6月底前完成方案\n9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "6月底前完成方案;9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "6月底前完成方案。9月底前完成建设。",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "2026年6月30日前完成初稿，2026年9月30日前正式印发",
        on(
            "2026-09-30",
            stages=(
                ("2026年6月30日前完成初稿", "2026-06-30"),
                ("2026年9月30日前正式印发", "2026-09-30"),
            ),
        ),
    ),
    (
        # written order is kept; the due is the latest stage, not the last one
        "①12月底前全面完成；②6月底前完成方案",
        on(
            "2026-12-31",
            stages=(("12月底前全面完成", "2026-12-31"), ("6月底前完成方案", "2026-06-30")),
        ),
    ),
    (
        "（1）6月底前完成方案（2）9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "1.6月底前完成方案\n2.9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "1、三月底前摸底；2、六月底前整改",
        on(
            "2026-06-30",
            stages=(("三月底前摸底", "2026-03-31"), ("六月底前整改", "2026-06-30")),
        ),
    ),
    (
        "一、6月底前完成；二、9月底前验收",
        on("2026-09-30", stages=(("6月底前完成", "2026-06-30"), ("9月底前验收", "2026-09-30"))),
    ),
    (
        "⑴6月底前；⑵9月底前",
        on("2026-09-30", stages=(("6月底前", "2026-06-30"), ("9月底前", "2026-09-30"))),
    ),
    (
        "①６月底前完成方案；②９月底前完成建设",
        on(
            "2026-09-30",
            stages=(("６月底前完成方案", "2026-06-30"), ("９月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "完成时限：①6月底前完成方案；②9月底前完成建设",
        on(
            "2026-09-30",
            stages=(("6月底前完成方案", "2026-06-30"), ("9月底前完成建设", "2026-09-30")),
        ),
    ),
    (
        "① 上半年完成方案；② 三季度开工；③ 年底前建成",
        on(
            "2026-12-31",
            stages=(
                ("上半年完成方案", "2026-06-30"),
                ("三季度开工", "2026-09-30"),
                ("年底前建成", "2026-12-31"),
            ),
        ),
    ),
    (
        "立行立改，6月底前整改到位",
        on("2026-06-30", stages=(("立行立改", "2026-01-01"), ("6月底前整改到位", "2026-06-30"))),
    ),
    (
        # the report cadence is not a stage: the item is due at the year's end
        "每月5日前报送进展，12月底前完成",
        on("2026-12-31", stages=(("12月底前完成", "2026-12-31"),)),
    ),
    (
        "①3月至6月调研；②9月底前出台",
        on(
            "2026-09-30",
            stages=(("3月至6月调研", "2026-06-30"), ("9月底前出台", "2026-09-30")),
        ),
    ),
    (
        "①8月前启动；②年底前完成",
        on("2026-12-31", AMB, stages=(("8月前启动", "2026-07-31"), ("年底前完成", "2026-12-31"))),
    ),
    ("2026年9月底前完成。", on("2026-09-30")),  # one stage: no milestones
    ("6月底、9月底前分两批完成", on("2026-09-30")),  # one stage, two dates: the latest
    # rule 10: ranges
    ("3月至6月", on("2026-06-30")),
    ("3月到6月", on("2026-06-30")),
    ("3—6月", on("2026-06-30")),
    ("3-6月", on("2026-06-30")),
    ("3～6月份", on("2026-06-30")),
    ("三至六月", on("2026-06-30")),
    ("2026年3月-2026年6月", on("2026-06-30")),
    ("2026年3月—6月", on("2026-06-30")),
    ("2026年3-6月", on("2026-06-30")),
    ("3月1日至6月30日", on("2026-06-30")),
    ("3月1日-6月15日", on("2026-06-15")),
    ("9月1日-30日", on("2026-09-30")),
    ("2026.3-2026.6", on("2026-06-30")),
    ("2026.3.1-2026.6.30", on("2026-06-30")),
    ("3月至6月底", on("2026-06-30")),
    ("9月-12月15日", on("2026-12-15")),
    ("2026年至2027年", on("2027-12-31")),
    ("11月至次年3月", on("2027-03-31")),
    ("2026年11月至2027年3月", on("2027-03-31")),
    # rule 11: before Y, not understood
    ("2025年12月31日", on("2025-12-31", BEFORE)),
    ("2025年底前", on("2025-12-31", BEFORE)),
    ("2024-6-30", on("2024-06-30", BEFORE)),
    ("尽快", UNKNOWN),
    ("按要求完成", UNKNOWN),
    ("", UNKNOWN),
    ("   ", UNKNOWN),
    ("。", UNKNOWN),
    ("待定", UNKNOWN),
    ("另行通知", UNKNOWN),
    ("2月30日", UNKNOWN),
    ("2月29日", UNKNOWN),  # 2026 is no leap year
    ("2026年13月", UNKNOWN),
    ("2026-13-01", UNKNOWN),
    ("9月31日前", UNKNOWN),
    ("1.5个月", UNKNOWN),
    ("30日前", UNKNOWN),  # a day of which month?
    ("持续推进，2月30日前完成", UNKNOWN),
    ("1.5日内", UNKNOWN),
    ("当月", UNKNOWN),  # 当月/本月 alone is no date: 本月内, 本月底 are
    # a cadence with an ordinal count is still a cadence, not a count from A
    ("每月25日前报送当月进展", every("month", "2026-01-25")),
    ("每季度第一个月10日前", every("quarter", "2026-03-31")),
    ("每月前5个工作日", every("month", "2026-01-31")),
    (
        "6月底前完成方案；2月30日前验收",
        on("2026-06-30", NOT, stages=(("6月底前完成方案", "2026-06-30"),)),
    ),
]


def test_the_table_is_large_and_has_no_duplicates() -> None:
    texts = [text for text, _ in TABLE]
    assert len(texts) >= 150
    duplicates = {text for text in texts if texts.count(text) > 1}
    assert not duplicates, duplicates


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[repr(t) for t, _ in TABLE])
def test_phrasing(text: str, expected: dict[str, Any]) -> None:
    assert meaning(text) == expected


# --- relative to A ----------------------------------------------------------------------------

RELATIVE: list[tuple[str, str, dict[str, Any]]] = [
    ("2026-01-31", "1个月内", on("2026-02-28")),  # 1-31 + 1 month = 2-28
    ("2028-01-31", "1个月内", on("2028-02-29")),
    ("2026-03-31", "一个月内", on("2026-04-30")),
    ("2026-08-31", "半年内", on("2027-02-28")),
    ("2026-01-31", "用一个月的时间", on("2026-02-28")),
    ("2026-03-15", "本月内", on("2026-03-31")),
    ("2026-02-10", "本月底", on("2026-02-28")),
    ("2026-12-20", "30天内", on("2027-01-19")),
    ("2026-09-24", "3个工作日内", on("2026-09-30")),  # 中秋 9-25..27
    ("2026-09-29", "10个工作日内", on("2026-10-19")),  # 国庆 10-1..7, 10-10 worked
    ("2026-09-30", "1个工作日内", on("2026-10-08")),
    ("2026-05-08", "1个工作日内", on("2026-05-09")),  # a make-up Saturday
    ("2026-06-10", "立即", now("2026-06-10")),
    ("2026-06-10", "立行立改", now("2026-06-10")),
    ("2026-09-30", "每周", every("week", "2026-10-02")),  # a Wednesday → Friday
    ("2026-10-02", "每周五前", every("week", "2026-10-02")),  # a Friday → that day
    ("2026-10-03", "每周五前", every("week", "2026-10-09")),
    ("2026-10-03", "每周一", every("week", "2026-10-05")),
    ("2026-01-05", "每月5日前", every("month", "2026-01-05")),
    ("2026-01-06", "每月5日前", every("month", "2026-02-05")),
    ("2026-12-06", "每月5日前", every("month", "2027-01-05")),
    ("2026-01-31", "每月30日前", every("month", "2026-02-28")),
    ("2026-02-10", "每月底", every("month", "2026-02-28")),
    ("2026-04-01", "每季度", every("quarter", "2026-06-30")),
    ("2026-03-31", "每季度末", every("quarter", "2026-03-31")),
    ("2026-11-15", "每季度报送一次", every("quarter", "2026-12-31")),
    ("2026-06-30", "每半年", every("half", "2026-06-30")),
    ("2026-07-01", "每半年", every("half", "2026-12-31")),
    ("2026-06-10", "9月底前", on("2026-09-30")),  # a written date ignores A
    ("2025-12-20", "立即整改", now("2025-12-20", BEFORE)),
    ("2025-12-20", "10天内", on("2025-12-30", BEFORE)),
]


@pytest.mark.parametrize(("assigned", "text", "expected"), RELATIVE)
def test_relative_to_the_assignment_date(
    assigned: str, text: str, expected: dict[str, Any]
) -> None:
    assert meaning(text, assigned=date.fromisoformat(assigned)) == expected


def test_the_year_comes_from_the_list() -> None:
    assert meaning("9月底前", year=2027)["due"] == "2027-09-30"
    assert meaning("年底", year=2030)["due"] == "2030-12-31"
    assert meaning("三季度", year=2027)["due"] == "2027-09-30"
    assert meaning("每周", year=2027) == every("week", "2027-01-01")  # a Friday
    assert meaning("2026年9月底", year=2027) == on("2026-09-30", BEFORE)


# --- working days: the calendar given, its warnings passed on -----------------------------------


def test_working_days_follow_the_calendar_given() -> None:
    # the office declares the make-up Sunday 2026-01-04 a rest day: the 1st working day moves
    office = WorkingDays({date(2026, 1, 4): False})
    result = parse_deadline("1个工作日内", year=Y, calendar=office).to_json()
    assert result == on("2026-01-05")


def test_a_year_the_calendar_does_not_know_is_warned() -> None:
    result = meaning("10个工作日内", year=2099)
    assert result == on("2099-01-15", UNKNOWN_YEAR)  # Monday–Friday: 1-2 is the 1st
    # the office's overrides for that year make it known
    known = WorkingDays({date(2099, 1, 2): False})
    result = parse_deadline("10个工作日内", year=2099, calendar=known).to_json()
    assert result == on("2099-01-16")


def test_a_count_too_large_is_not_understood_and_does_not_hang() -> None:
    assert meaning("999999个工作日内") == UNKNOWN
    assert meaning("999999天内") == UNKNOWN
    assert meaning("0个工作日内") == UNKNOWN
    assert meaning("30天内", year=9999, assigned=date(9999, 12, 20)) == UNKNOWN


# --- Excel cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(2026, 9, 30), on("2026-09-30")),
        (datetime(2026, 9, 30, 17, 30), on("2026-09-30")),
        (date(2025, 12, 31), on("2025-12-31", BEFORE)),
        (46295, on("2026-09-30")),
        (46295.75, on("2026-09-30")),
        (Decimal("46295"), on("2026-09-30")),
        (61, on("1900-03-01", BEFORE)),
        (1, on("1900-01-01", BEFORE)),
        (0, UNKNOWN),
        (-5, UNKNOWN),
        (60, UNKNOWN),  # Excel's 1900-02-29, a day that never was
        (10**12, UNKNOWN),
        (float("nan"), UNKNOWN),
        (float("inf"), UNKNOWN),
        (True, UNKNOWN),
        (None, UNKNOWN),
    ],
    ids=repr,
)
def test_an_excel_cell_is_that_day(cell: object, expected: dict[str, Any]) -> None:
    assert meaning(cell) == expected


@given(st.dates(min_value=date(1900, 3, 1)))
def test_excel_serial_numbers_round_trip(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert excel_serial_date(serial) == day
    assert excel_serial_date(serial + 0.99) == day


# --- variants: full width, Chinese numerals ------------------------------------------------------


def full_width(text: str) -> str:
    """ASCII digits, letters and punctuation to their full-width forms (the reverse of NFKC)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _dues(result: dict[str, Any]) -> tuple[Any, ...]:
    stages = tuple(m["due"] for m in result["milestones"])
    return result["kind"], result["due"], result["every"], stages, tuple(result["warnings"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [row for row in TABLE if any("!" <= ch <= "~" for ch in row[0])],
    ids=[repr(t) for t, _ in TABLE if any("!" <= ch <= "~" for ch in t)],
)
def test_every_ascii_phrasing_means_the_same_in_full_width(
    text: str, expected: dict[str, Any]
) -> None:
    assert _dues(meaning(full_width(text))) == _dues(expected)


_CN_DIGITS = "〇一二三四五六七八九"


def as_chinese(number: int, *, year: bool = False) -> str:
    """2026 → 二〇二六 (a year is read digit by digit); 30 → 三十, 12 → 十二, 5 → 五."""
    if year:
        return "".join(_CN_DIGITS[int(d)] for d in str(number))
    tens, ones = divmod(number, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")) + (
        "" if ones == 0 and tens else _CN_DIGITS[ones]
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_written_date_in_any_form_is_that_day(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    expected = on(day.isoformat(), *([BEFORE] if day < date(Y, 1, 1) else []))
    forms = [
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日前",
        f"{y}-{m}-{d}",
        f"{y}.{m}.{d}",
        f"{y}/{m:02d}/{d:02d}",
        full_width(f"{y}年{m}月{d}日"),
        f"{as_chinese(y, year=True)}年{as_chinese(m)}月{as_chinese(d)}日",
        f"完成时限：{y}年{m}月{d}日前完成",
    ]
    for form in forms:
        assert meaning(form) == expected, form


@given(st.integers(1, 12), st.integers(2000, 2100))
def test_month_forms_are_the_months_last_day(month: int, year: int) -> None:
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
    for form in ("{m}月底", "{m}月末前", "{m}月份", "{m}月", "{cm}月底前", "{m}月下旬"):
        text = form.format(m=month, cm=as_chinese(month))
        assert meaning(text, year=year)["due"] == last, text
        assert meaning(f"{year}年{text}", year=2000)["due"] == last, text


@given(st.integers(1, 99), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_n_months_from_a(months: int, assigned: date) -> None:
    expected = add_months(assigned, months)
    for text in (f"{months}个月内", f"用{as_chinese(months)}个月时间", f"{months}个月的时间内"):
        assert meaning(text, year=assigned.year, assigned=assigned)["due"] == expected.isoformat()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_recurring_dues_are_the_first_occurrence_on_or_after_a(assigned: date) -> None:
    week = meaning("每周", year=assigned.year, assigned=assigned)
    due = date.fromisoformat(week["due"])
    assert due.weekday() == 4 and assigned <= due < assigned + timedelta(days=7)
    month = meaning("每月", year=assigned.year, assigned=assigned)
    due = date.fromisoformat(month["due"])
    assert (due.year, due.month) == (assigned.year, assigned.month)
    assert (due + timedelta(days=1)).day == 1
    quarter = meaning("每季度", year=assigned.year, assigned=assigned)
    due = date.fromisoformat(quarter["due"])
    assert due.month in (3, 6, 9, 12) and (due + timedelta(days=1)).day == 1
    assert assigned <= due < add_months(assigned, 3) + timedelta(days=1)
    half = meaning("每半年", year=assigned.year, assigned=assigned)
    assert half["due"] in (f"{assigned.year}-06-30", f"{assigned.year}-12-31")
    assert half["due"] >= assigned.isoformat()
    fifth = meaning("每月5日前", year=assigned.year, assigned=assigned)
    due = date.fromisoformat(fifth["due"])
    assert due.day == 5 and assigned <= due < add_months(assigned, 1) + timedelta(days=1)


# --- properties over any text ---------------------------------------------------------------

# the characters deadline cells are made of, so that random text often holds a phrase
ALPHABET = (
    "0123456789０１２３４５６７８９年月日号底末前内至到-—~.／/，,；;。\n①②③⑴（）():：上中下旬"
    "半季度Qq每周五工作个天长期持续立即改一二三四十〇两本今明次用时间份以之后前完成"
)
TEXTS = st.one_of(st.text(), st.text(alphabet=ALPHABET, max_size=60))
WARNINGS = {AMB, BEFORE, NOT, UNKNOWN_YEAR}


def check_shape(result: dict[str, Any], year: int) -> None:
    assert list(result) == ["kind", "due", "every", "milestones", "warnings"]
    assert result["kind"] in KINDS
    assert result["every"] in (None, *EVERY)
    assert (result["every"] is not None) == (result["kind"] == "recurring")
    assert set(result["warnings"]) <= WARNINGS
    assert len(set(result["warnings"])) == len(result["warnings"])
    if result["kind"] in ("ongoing", "unknown"):
        assert result["due"] is None and not result["milestones"]
    else:
        assert date.fromisoformat(result["due"]).isoformat() == result["due"]
    assert (result["kind"] == "unknown") <= (NOT in result["warnings"])
    dues = [date.fromisoformat(m["due"]) for m in result["milestones"]]
    for milestone in result["milestones"]:
        assert milestone["text"].strip() and set(milestone) == {"text", "due"}
    if dues:
        assert result["kind"] == "date" and len(dues) >= 1
        assert result["due"] == max(dues).isoformat()
    every_due = [result["due"]] if result["due"] else []
    every_due += [m["due"] for m in result["milestones"]]
    assert (BEFORE in result["warnings"]) == any(d < f"{year:04d}-01-01" for d in every_due)


@settings(max_examples=1500, deadline=None)
@given(TEXTS, st.integers(1, 9999), st.dates())
def test_never_raises_and_always_has_the_contracts_shape(
    text: str, year: int, assigned: date
) -> None:
    check_shape(parse_deadline(text, year=year, assigned=assigned).to_json(), year)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.dates(),
        st.datetimes(),
        st.binary(),
        st.lists(st.integers(), max_size=3),
    )
)
def test_never_raises_on_any_cell_value(cell: object) -> None:
    check_shape(parse_deadline(cell, year=Y).to_json(), Y)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([t for t, r in TABLE if r["kind"] == "date" and not t[0].isdigit()]),
        min_size=2,
    )
)
def test_stages_joined_are_milestones_in_written_order(texts: list[str]) -> None:
    cell = "".join(f"{chr(0x2460 + i)}{t}" for i, t in enumerate(texts[:20]))
    singles = [meaning(t) for t in texts[:20]]
    assume(all(not s["milestones"] for s in singles))
    result = meaning(cell)
    assert [m["due"] for m in result["milestones"]] == [s["due"] for s in singles]
    assert result["due"] == max(s["due"] for s in singles)


def test_a_long_cell_is_read_quickly() -> None:
    # no pattern backtracks badly: a 60,000-character cell in well under a second
    import time

    for text in ("9月底前完成，" * 10000, "1" * 60000, "年" * 60000, "9-" * 30000, "一二" * 30000):
        started = time.perf_counter()
        parse_deadline(text, year=Y)
        assert time.perf_counter() - started < 2, text[:10]


# --- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("二〇二六", 2026),
        ("二零二六", 2026),
        ("两", 2),
        ("一百零五", 105),
        ("一百二十", 120),
    ],
)
def test_chinese_numbers(run: str, value: int) -> None:
    assert chinese_number(run) == value


def test_normalise_rule_1() -> None:
    assert normalise("完成时限：（２０２６年 九月 三十日前）") == "2026年9月30日前"
    assert normalise("3—6月") == "3-6月"
    assert normalise("每周五") == "每周5"
    assert normalise("统一部署") == "统一部署"  # a numeral that is no number stays


def test_every_rule_has_a_docstring_naming_its_number() -> None:
    for rule in RULES:
        doc = rule.read.__doc__ or ""
        assert doc.startswith(f"Rule {rule.number}:"), rule.read.__name__
    numbers = {rule.number for rule in RULES}
    assert {"2", "3", "5", "6", "7", "10"} <= numbers


def test_the_parser_is_pure() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pingyi.supervision.method.deadline import parse_deadline; "
        "parse_deadline('9月底前', year=2026); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nfkc_leaves_no_full_width_in_the_alphabet() -> None:
    # the full-width test above relies on NFKC mapping each full-width form back
    for ch in "0123456789年月-./:;,()~Qq":
        assert unicodedata.normalize("NFKC", full_width(ch)) == ch
