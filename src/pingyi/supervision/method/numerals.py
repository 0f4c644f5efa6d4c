"""Normalising a deadline cell (rule 1 of the deadline parser): full-width forms to ASCII,
Chinese numerals to digits, spaces, labels and surrounding brackets dropped; and the stage
markers (①, ⑴, （1）, 1、, 一、 …) that split a multi-stage cell.

Pure: no Django import.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["chinese_number", "chinese_numerals_to_digits", "normalise", "strip_stage_marker"]

_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "〇零○一二两三四五六七八九十百千"

# A run of Chinese numerals is a number only where a date phrase needs one: before a unit
# of time or counting (年 月 日 号 天 个 周 季 工作日 星期), or after 周/星期/礼拜 (a
# weekday). Elsewhere (统一, 进一步, 一般 …) it is left alone, so it cannot glue itself to
# the digits of a date.
_NUMERAL_RUN = re.compile(
    rf"(?P<before>周|星期|礼拜)?(?P<run>[{_NUMERAL}]+)(?P<after>年|月|日|号|天|个|周|季|工|星期)?"
)

# Dashes, minus signs and tildes that NFKC leaves alone: all of them join a range.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹘﹣", "-") | dict.fromkeys("〜～", "~"))
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")

# 完成时限：, 时间：, 时间节点：, 完成期限：, 截止日期： … (a few words ending in a time
# word, then a colon)
_LABEL = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:时限|时间|期限|节点|日期|时点)(?:要求)?[:：]")
_BRACKETS = {
    "(": ")",
    "[": "]",
    "【": "】",
    "〔": "〕",
    "「": "」",
    "『": "』",
    "<": ">",
    "《": "》",
}

# Stage markers at the start of a stage: ① ❶ ➀ ⑴ ⒈ ㈠, (1) （1） 1) 1、 1. (when a date or a
# word follows, not "9.30"), 一、 （一）, 第一阶段：is kept as written (it is the stage's name).
_CIRCLED = (
    "\u2460-\u2473"  # ①-⑳
    "\u3251-\u325f\u32b1-\u32bf"  # ㉑-㊿
    "\u2474-\u2487"  # ⑴-⒇
    "\u2488-\u249b"  # ⒈-⒛
    "\u2776-\u277f\u24eb-\u24f4"  # ❶-❿ ⓫-⓴
    "\u2780-\u2789\u278a-\u2793"  # ➀-➉ ➊-➓
    "\u3220-\u3229"  # ㈠-㈩
)
CIRCLED_MARKER = re.compile(f"[{_CIRCLED}]")
_STAGE_MARKER = re.compile(
    rf"^(?:[{_CIRCLED}]"
    r"|[(（]\s*(?:\d{1,2}|[０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|(?:\d{1,2}|[０-９]{1,2})\s*[)）、]"
    r"|(?:\d{1,2}|[０-９]{1,2})\s*[.．](?=\s*(?:\d{1,2}\s*月|[^\d０-９\s]))"
    r"|[一二三四五六七八九十]{1,3}\s*、)\s*"
)


def chinese_number(run: str) -> int:
    """The value of a run of Chinese numerals: 十二 → 12, 三十一 → 31, 一百零五 → 105; without
    十/百/千 the digits are read one by one: 二〇二六 → 2026, 两 → 2."""
    if not any(ch in _UNITS for ch in run):
        value = 0
        for ch in run:
            value = value * 10 + _DIGITS.get(ch, 0)
        return value
    total = current = 0
    for ch in run:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = _DIGITS.get(ch, 0)
    return total + current


def chinese_numerals_to_digits(text: str) -> str:
    """九月 → 9月, 十二月 → 12月, 二〇二六年 → 2026年, 三十日 → 30日, 十五个工作日 → 15个工作日,
    周五 → 周5, 第三季度 → 第3季度; numerals that are not part of a date phrase stay."""

    def replace(match: re.Match[str]) -> str:
        if not (match["before"] or match["after"]):
            return match[0]
        return f"{match['before'] or ''}{chinese_number(match['run'])}{match['after'] or ''}"

    return _NUMERAL_RUN.sub(replace, text)


def strip_stage_marker(text: str) -> str:
    """A stage's text without its leading marker (①, ⑴, （1）, 1、, 1., 一、) and spaces."""
    return _STAGE_MARKER.sub("", text.strip(), count=1).strip()


def _drop_label_and_brackets(text: str) -> str:
    while True:
        before = text
        text = _LABEL.sub("", text, count=1)
        if len(text) >= 2 and _BRACKETS.get(text[0]) == text[-1]:
            text = text[1:-1]
        if text == before:
            return text


def normalise(text: str) -> str:
    """Rule 1: full-width digits and punctuation to ASCII (NFKC: ２０２６ → 2026, （ → (, ：→ :),
    every dash to '-' and tilde to '~', Chinese numerals to digits, spaces removed, a
    leading label (完成时限：, 时间：) and surrounding brackets dropped."""
    text = unicodedata.normalize("NFKC", CIRCLED_MARKER.sub(" ", text))
    text = _INVISIBLE.sub("", text.translate(_DASHES))
    text = chinese_numerals_to_digits(text)
    return _drop_label_and_brackets(text)
