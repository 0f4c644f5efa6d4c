"""Reading JSON from outside: exact numbers, bounded depth, Unicode text (no Django import).

:func:`loads` is :func:`json.loads` with ``parse_float=Decimal`` (``0.4`` stays exactly
``2/5``) and four refusals, each a :class:`JsonInputError` naming where (a JSON path such
as ``scores[3].value``) and why — never a ``RecursionError``, a ``UnicodeEncodeError``
or a second-long conversion later:

- ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON);
- nesting deeper than :data:`MAX_DEPTH` arrays and objects (100,000 ``[`` stop in the
  parser itself; the limit is checked without recursion);
- a lone UTF-16 surrogate (``"\\udc00"``) in a string or a member name: it is not Unicode
  text, cannot be written back as UTF-8 and would break the answer that names it; and a NUL
  (``"\\u0000"``), which PostgreSQL cannot store in a text column;
- with ``bound_numbers`` (the default), a number outside the bounds of
  :mod:`pingyi.core.pure.numbers` (``1e999999999``, a 10,000-digit integer). Without it,
  such numbers are handed over as :class:`~decimal.Decimal` values for the caller's own
  validator to refuse with :func:`~pingyi.core.pure.numbers.number_problem` (the ballot
  checker names the unit and criterion). An integer longer than Python's 4,300-digit
  conversion limit becomes a Decimal too, so reading it never fails or takes long.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Literal

from pingyi.core.pure.i18n import _
from pingyi.core.pure.numbers import MAX_INTEGER_DIGITS, number_problem, show

#: Arrays and objects nested deeper than this are refused (event.json needs 6, a ballot 3).
MAX_DEPTH = 32

#: What a refusal is about: ``syntax`` (not JSON), ``depth``, ``text`` (a lone surrogate)
#: or ``number`` (out of bounds).
Kind = Literal["syntax", "depth", "text", "number"]

#: The escapes that can make a string hold a surrogate or a NUL.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")


class JsonInputError(ValueError):
    """JSON that is refused; ``path`` locates the value (``""`` for the whole text)."""

    def __init__(self, kind: Kind, path: str, reason: str) -> None:
        self.kind = kind
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


def _constant(name: str) -> Any:
    reason = _("malformed JSON: %(name)s is not a number JSON allows") % {"name": name}
    raise JsonInputError("syntax", "", reason)


def _long_int(text: str) -> int | Decimal:
    """An integer as written; a long one becomes a Decimal (linear time, refused later)."""
    return int(text) if len(text) <= MAX_INTEGER_DIGITS + 1 else Decimal(text)


def _decode(text: str, parse_int: Any) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=parse_int, parse_constant=_constant)


def loads(text: str, *, bound_numbers: bool = True, max_depth: int = MAX_DEPTH) -> Any:
    """Decode ``text``; raise :class:`JsonInputError` for what the module docstring lists."""
    try:
        try:
            value = _decode(text, None)
        except (JsonInputError, json.JSONDecodeError):
            raise
        except ValueError:  # an integer beyond Python's digit limit: read it as a Decimal
            value = _decode(text, _long_int)
    except JsonInputError:
        raise
    except json.JSONDecodeError as exc:
        reason = _("malformed JSON: %(error)s (line %(line)s, column %(column)s)") % {
            "error": exc.msg,
            "line": exc.lineno,
            "column": exc.colno,
        }
        raise JsonInputError("syntax", "", reason) from None
    except RecursionError:
        raise JsonInputError("depth", "", _too_deep(max_depth)) from None
    check(value, bound_numbers=bound_numbers, max_depth=max_depth, text=text)
    return value


def _too_deep(max_depth: int) -> str:
    return _("arrays and objects are nested more than %(max)s levels deep") % {"max": max_depth}


def _may_hold_bad_text(text: str | None) -> bool:
    """False only when no string decoded from ``text`` can hold a lone surrogate or a NUL."""
    if text is None:
        return True
    if _SUSPECT_ESCAPE.search(text):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def is_unicode_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 and stored (no lone surrogate, no NUL)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(value: str) -> str:
    """``value`` with lone surrogates written as ``\\udc00`` (safe in any message)."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def json_path(path: tuple[str | int, ...]) -> str:
    """``("scores", 3, "value")`` as ``scores[3].value``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            name = show(printable(step))
            out += f".{name}" if out else name
    return out


#: Where a value sits, as a linked list (parent link, member name or index): the path is
#: spelled out only for a refusal, so checking a ballot builds no strings.
Link = tuple[Any, str | int] | None


def _steps(link: Link) -> tuple[str | int, ...]:
    steps: list[str | int] = []
    while link is not None:
        link, step = link
        steps.append(step)
    return tuple(reversed(steps))


def check(
    value: Any, *, bound_numbers: bool = True, max_depth: int = MAX_DEPTH, text: str | None = None
) -> None:
    """Check decoded JSON without recursion: depth, lone surrogates and NULs, number bounds.

    ``text`` (the JSON it was decoded from) lets the text check be skipped when the text
    cannot have produced a surrogate or a NUL.
    """
    texts = _may_hold_bad_text(text)
    if texts and isinstance(value, str) and not is_unicode_text(value):
        raise _bad_text(value, None)
    if bound_numbers:
        _check_number(value, None)
    if not isinstance(value, dict | list):
        return
    if not (texts or bound_numbers):  # the ballot path: only the depth to check
        _check_depth(value, max_depth)
        return
    stack: list[tuple[Any, int, Link]] = [(value, 1, None)]
    while stack:
        node, depth, link = stack.pop()
        if depth > max_depth:
            raise JsonInputError("depth", json_path(_steps(link)), _too_deep(max_depth))
        deeper = depth + 1
        items = node.items() if type(node) is dict else enumerate(node)
        for key, child in items:
            if texts and type(key) is str and not is_unicode_text(key):
                raise _bad_text(key, (link, key))
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, deeper, (link, key)))
            elif kind is str:
                if texts and not is_unicode_text(child):
                    raise _bad_text(child, (link, key))
            elif bound_numbers and (
                kind is Decimal or kind is float or (kind is int and child.bit_length() > 49)
            ):
                _check_number(child, (link, key))


def _check_depth(value: dict[str, Any] | list[Any], max_depth: int) -> None:
    """Depth only, with no path kept (a quarter faster on a ballot); on a refusal, the
    checked walk runs again to name where."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            check(value, bound_numbers=False, max_depth=max_depth, text=None)
            raise AssertionError("unreachable: the checked walk refuses the same depth")
        deeper = depth + 1
        for child in node.values() if type(node) is dict else node:
            if type(child) is dict or type(child) is list:
                stack.append((child, deeper))


def _check_number(value: Any, link: Link) -> None:
    problem = number_problem(value)
    if problem is not None:
        raise JsonInputError("number", json_path(_steps(link)), problem)


def _bad_text(value: str, link: Link) -> JsonInputError:
    if "\x00" in value:
        reason = _("the text holds a NUL character (\\u0000), which cannot be stored")
    else:
        bad = next((c for c in value if 0xD800 <= ord(c) <= 0xDFFF), "")
        reason = _("the text holds a lone surrogate (%(char)s), which is not Unicode text") % {
            "char": printable(bad)
        }
    return JsonInputError("text", json_path(_steps(link)), reason)


__all__ = [
    "MAX_DEPTH",
    "JsonInputError",
    "check",
    "is_unicode_text",
    "json_path",
    "loads",
    "printable",
]
