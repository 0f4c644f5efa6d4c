"""The one rule for numbers that come from outside (no Django import).

Every parser of outside input — the ballot API, ``event.json`` (API, browser, command
line, bundles), ``ballots.csv``, the unit sheet, the running order — checks a number
with :func:`number_problem` *before* any exact arithmetic: ``Fraction(Decimal("1e999999999"))``
would expand a billion digits, ``Decimal("1e-999999999")`` a billion-digit denominator,
and ``int()`` of ten million digit characters takes seconds.  The checks below only look
at the number's written form (its digits and exponent, or an int's bit length), so they
answer in microseconds whatever the number.

A number is accepted when it is finite and has at most :data:`MAX_INTEGER_DIGITS` digits
before the decimal point (so its size is below 10^15) and at most
:data:`MAX_FRACTION_DIGITS` digits after it, as written (``0e20`` has 21 digits before
the point, ``50.000`` three after).  Scores, steps, weights and shares are far inside
these bounds; a float's shortest ``repr`` (``0.30000000000000004``) is too.

Texts are read with :func:`parse_decimal_text` (CSV cells: linear time, bounds checked
afterwards) and :func:`parse_whole_number` (spreadsheet cells, form fields: texts longer
than :data:`MAX_TEXT` are refused before :func:`int` runs).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pingyi.core.pure.i18n import _

#: At most this many digits before the decimal point: every accepted number is below 10^15.
MAX_INTEGER_DIGITS = 15
#: At most this many digits after the decimal point (as written).
MAX_FRACTION_DIGITS = 20
#: A number written as text (a CSV or spreadsheet cell, a form field) is at most this long.
MAX_TEXT = 64
#: Ints with at most this many bits are below 10^15 (2^49 < 10^15): no further check needed.
_SMALL_INT_BITS = 49
#: Ints with more bits than this cannot be turned into text (Python's 4300-digit limit).
_STR_INT_BITS = 14_000
_SHOW = 24

_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def is_number(value: object) -> bool:
    """Whether ``value`` is a number the parsers read (int, float, Decimal; not bool)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def show(value: Any) -> str:
    """A short display of a submitted value for a message (never a megabyte, never a crash)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _STR_INT_BITS:
            digits = int(value.bit_length() * math.log10(2))
            return f"{'-' if value < 0 else ''}~1e{digits}"
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = str(value)
        except Exception:  # a hostile __str__ or an int limit: name the type instead
            text = type(value).__name__
    if len(text) > _SHOW:
        return f"{text[: _SHOW - 8]}…{text[-6:]} ({len(text)})"
    return text


def _digits_and_exponent(value: int | float | Decimal) -> tuple[int, int] | None:
    """(number of coefficient digits, exponent) of a finite number; None if not finite.

    For a Decimal this is its written form (``1.50`` is (3, -2)); for a float, its
    shortest ``repr``; for an int, its decimal digits and exponent 0.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        sign_digits_exp = value.as_tuple()
        exponent = sign_digits_exp.exponent
        assert isinstance(exponent, int)  # nosec B101 # finite: an int exponent
        return len(sign_digits_exp.digits), exponent
    size = abs(value)
    if size.bit_length() <= _SMALL_INT_BITS:
        return 1, 0  # below 10^15: the exact count does not matter
    if size.bit_length() > _STR_INT_BITS:
        return int(size.bit_length() * math.log10(2)), 0  # far beyond any bound
    return len(str(size)), 0


def number_problem(value: Any) -> str | None:
    """Why ``value``, a number, is refused (a translated sentence), or None.

    Anything that is not a number (text, bool, None, lists) is not this rule's business:
    the answer is None and the caller's own type check refuses it. The cost does not
    depend on the size of the number.
    """
    if not is_number(value):
        return None
    shape = _digits_and_exponent(value)
    params = {"value": show(value)}
    if shape is None:
        return _("%(value)s is not a finite number") % params
    digits, exponent = shape
    if digits + exponent > MAX_INTEGER_DIGITS:
        params["max"] = str(MAX_INTEGER_DIGITS)
        return _("%(value)s is too large: at most %(max)s digits before the decimal point") % (
            params
        )
    if -exponent > MAX_FRACTION_DIGITS:
        params["max"] = str(MAX_FRACTION_DIGITS)
        return _("%(value)s has too many digits after the decimal point (at most %(max)s)") % (
            params
        )
    return None


def exact(value: Any) -> Fraction | None:
    """The exact value of a number within the bounds, or None.

    None for booleans, text, NaN, infinities and numbers :func:`number_problem` refuses;
    floats are read through their shortest ``repr`` so ``0.4`` is ``2/5``.
    """
    if not is_number(value) or number_problem(value) is not None:
        return None
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def parse_decimal_text(text: str) -> Decimal | None:
    """A plain decimal written as text (``35``, ``7.5``, ``-1``, ``.5``) as a Decimal.

    None when the text is not one (no exponent, no spaces, no underscores). Reading
    is linear in the length; the Decimal may still be out of bounds, so check it with
    :func:`number_problem` (or convert it with :func:`exact`) before any arithmetic.
    """
    if not _DECIMAL_TEXT.fullmatch(text):
        return None
    return Decimal(text)


def parse_whole_number(text: str) -> int | None:
    """A whole number written as text, or None (too long, not digits, out of bounds).

    Surrounding spaces are ignored; digits of any script (full-width ``１２``) are read
    as :func:`int` reads them. The length is checked before :func:`int` runs.
    """
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if number_problem(number) is None else None


__all__ = [
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "MAX_TEXT",
    "exact",
    "is_number",
    "number_problem",
    "parse_decimal_text",
    "parse_whole_number",
    "show",
]
