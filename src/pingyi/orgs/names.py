"""Unit names as offices write them: splitting a cell, normalising, matching, suggesting.

PURE: no Django (the ``pure`` import-linter contract). ``pingyi.orgs.selectors`` builds a
:class:`NameIndex` from the units and groups in the database and resolves cells with it; this
module knows nothing of units, only of names and the keys they stand for (any hashable ``K``).

The rules, in the order a cell is read:

1. The cell is normalised (NFKC: full-width letters, digits, brackets and punctuation become
   half-width; ① becomes (1)) and split at the hard separators ``、，,;；/`` and new lines.
   A piece that is only a list number (``1``, ``(2)``, ``三.``) is no name and is left out.
2. Each piece is matched whole, with every space removed and letters case-folded, against
   the names, short names and aliases (:func:`name_key`). ``市``/``县`` prefixes are never
   dropped: ``发改委`` matches only because it is a short name or an alias.
3. A piece that does not match is tried without its notes: a bracketed note that is not part
   of a known name (``市发改委（牵头）``), a leading list number (``1.``, ``（1）``, ``①``;
   never bare digits: ``12345热线`` is a name) and a trailing
   ``等``/``等单位``/``牵头``/``配合``/``负责``.
4. A group word (``各县（区）``, ``各县区``, ``各县（区）政府``, ``全市各县区``) stands for the
   group whose name it spells (brackets ignored: ``县区`` = ``县（区）``; ``各``/``全市``
   before it and ``政府``/``人民政府``/``党委``/``党(工)委``/``管委会`` after it are allowed).
   A group without units stands for nothing: its word is an unknown name.
5. ``及``/``以及`` split a piece that does not match whole; spaces split it into the longest
   runs that match (``濮阳经济 技术开发区 市工信局`` is two units).
6. ``和``/``与`` split only when EVERY part matches: ``市工业和信息化局`` is one name, and an
   unknown ``市人力资源和社会保障局`` stays one unknown name rather than two invented ones.
7. Whatever is left is an unknown name, returned as written (notes stripped) with the best
   suggestions by character-level fuzzy ratio (no segmentation needed for Chinese).

The result keeps first occurrences only, in written order (a group in its own order).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

K = TypeVar("K", bound=Hashable)

#: Hard separators between names in a cell (after NFKC: ，→, ；→; ／→/).
HARD_SPLIT = re.compile(r"[、,;/\n\r\t\u2028\u2029|｜]+")
#: Separators of an alias list (the units sheet's 别名 column, the edit form).
ALIAS_SPLIT = re.compile(r"[、,;/\n\r\u2028\u2029]+")
SOFT_SPLIT = re.compile(r"以及|及")
AND_SPLIT = re.compile(r"([和与])")
SPACES = re.compile(r"\s+")
#: A bracketed note: （牵头）, (配合), 【牵头】, [x], 〔x〕 (NFKC has made （） into ()).
BRACKETED = re.compile(r"\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕|<[^<>]*>|《[^《》]*》")
TRAILING_BRACKET = re.compile(r"(?:\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕)$")
#: A bracketed note about the unit's role, dropped from an unknown name as it is shown.
ROLE_NOTE = re.compile(
    r"[(【\[〔](?:牵头|配合|负责|主责|协办|协助|参与|指导|督办|责任单位|牵头单位|配合单位)[)】\]〕]"
)
#: A list number before a name: 1. 1) (1) 一. a) — never bare digits (12345热线 is a name).
LEADING_NUMBER = re.compile(
    r"^(?:\(\d{1,3}\)|\d{1,3}[).:]|[a-zA-Z][).]|[一二三四五六七八九十]+[.)])"
)
#: A piece that is nothing but a list number ("1、市发改委" splits into "1" and the name).
ONLY_NUMBER = re.compile(r"^(?:\(?\d{1,3}[).:]?|\(?[一二三四五六七八九十]{1,3}[).]?)$")
#: Circled and parenthesised numbers (① ⑴ ⒈ ❶ ㉑): NFKC would make ① a bare "1".
CIRCLED = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")
TRAILING_NOTE = re.compile(r"(?:等有关单位|等相关单位|等单位|等部门|牵头|配合|负责|等)$")
GROUP_PREFIX = re.compile(r"^(?:全市|各)+")
GROUP_SUFFIX = re.compile(r"(?:人民政府|党委政府|党\(工\)委|党工委|党委|政府|管委会)$")
BRACKETS = re.compile(r"[()（）【】\[\]〔〕]")

#: Suggestions below this ratio (0-100) are not worth showing.
SUGGESTION_CUTOFF = 40.0
MAX_SUGGESTIONS = 3
#: Longest alias kept (a unit's name is at most 100 characters too).
MAX_ALIAS_LENGTH = 100
#: Note-stripping steps tried on one piece (a note inside a note inside a note).
MAX_NOTE_STEPS = 6
#: Space-separated words one name may span ("濮阳经济 技术开发区" is 2).
MAX_WORDS_IN_NAME = 6
#: A piece with more 和/与 than this is not split at them (no office cell has so many).
MAX_AND_PARTS = 40
#: Unknown names whose suggestions an index remembers (an import repeats its mistakes).
MAX_CACHED_SUGGESTIONS = 10_000
#: A cell longer than this is read up to here (an office cell is far shorter).
MAX_CELL = 10_000


def half_width(text: str) -> str:
    """Full-width forms to half-width (NFKC), every run of whitespace to one space, trimmed."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def name_key(text: str) -> str:
    """The key two spellings of one name share: half-width, no whitespace, case-folded."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def group_key(text: str) -> str:
    """A group word's key: its name without ``各``/``全市``, a government suffix or brackets."""
    key = name_key(text)
    key = GROUP_PREFIX.sub("", key)
    key = GROUP_SUFFIX.sub("", key)
    return BRACKETS.sub("", key)


def split_aliases(value: str | Iterable[str] | None) -> list[str]:
    """An alias list from a cell or form text (split by 、，,;；/ and new lines) or a list.

    Each alias is half-width with its whitespace collapsed; empty ones and repeats (by
    :func:`name_key`) are dropped, first spelling kept.
    """
    if value is None:
        return []
    pieces = (
        ALIAS_SPLIT.split(unicodedata.normalize("NFKC", value))
        if isinstance(value, str)
        else [p for v in value for p in ALIAS_SPLIT.split(unicodedata.normalize("NFKC", str(v)))]
    )
    out: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        alias = half_width(piece)
        key = name_key(alias)
        if key and key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def strip_note_once(text: str) -> str:
    """One step of note stripping: a trailing bracket, a leading number, a trailing note word.

    When none of those is there, every bracketed part goes at once (a note in the middle).
    """
    step = TRAILING_BRACKET.sub("", text).strip()
    step = LEADING_NUMBER.sub("", step).strip()
    step = TRAILING_NOTE.sub("", step).strip()
    if step != text:
        return step
    return BRACKETED.sub("", text).strip()


def strip_notes(text: str) -> str:
    """A piece without any of its notes (what suggestions are computed from)."""
    for _ in range(MAX_NOTE_STEPS):
        step = strip_note_once(text)
        if step == text:
            break
        text = step
    return text


def display_name(piece: str) -> str:
    """An unknown piece as written, without a leading number or a bracketed role note."""
    text = half_width(piece)
    for _ in range(MAX_NOTE_STEPS):
        step = ROLE_NOTE.sub("", LEADING_NUMBER.sub("", text).strip()).strip()
        if step == text:
            break
        text = step
    return text or half_width(piece)


def _circled(match: re.Match[str]) -> str:
    number = unicodedata.normalize("NFKC", match.group()).strip("().")
    return f"({number})" if number.isdigit() else match.group()


def split_cell(text: str) -> list[str]:
    """The pieces of a cell at its hard separators (rule 1), half-width; blanks and pieces
    that are only a list number ("1、", "（二）") dropped: no unit is called that."""
    normal = unicodedata.normalize("NFKC", CIRCLED.sub(_circled, text[:MAX_CELL]))
    pieces = (p.strip() for p in HARD_SPLIT.split(normal))
    return [p for p in pieces if p and not ONLY_NUMBER.match(p)]


@dataclass(frozen=True)
class Scored(Generic[K]):
    """A suggestion: the key, the name shown for it, the spelling that matched, 0-100."""

    key: K
    name: str
    matched: str
    score: float


@dataclass(frozen=True)
class Unknown(Generic[K]):
    """A name that matched nothing (or several keys at once), with the closest keys."""

    name: str
    suggestions: list[Scored[K]]


@dataclass
class Resolution(Generic[K]):
    """What a cell named: keys in written order (first occurrence), and the unknown names."""

    keys: list[K] = field(default_factory=list)
    unknown: list[Unknown[K]] = field(default_factory=list)


@dataclass(frozen=True)
class Clash:
    """Two units that answer to one name: ``key`` is the shared spelling's key."""

    spelling: str
    owner: Hashable
    owner_field: str
    other: Hashable
    other_field: str


def find_clashes(
    units: Iterable[tuple[Hashable, str, str, Sequence[str]]],
) -> list[Clash]:
    """Every alias that spells another unit's name, short name or alias (by :func:`name_key`).

    ``units`` are ``(owner, name, short_name, aliases)``. Clashes where neither side is an
    alias (two names, two short names) are not this function's business. Each clash is
    reported once, on the alias's owner (``owner_field`` is ``"aliases"``), in input order.
    """
    seen: dict[str, list[tuple[Hashable, str]]] = {}
    rows = list(units)
    for owner, name, short_name, aliases in rows:
        spellings = [("name", name), ("short_name", short_name)]
        spellings += [("aliases", a) for a in aliases]
        for field_name, text in spellings:
            key = name_key(text)
            if key:
                seen.setdefault(key, []).append((owner, field_name))
    clashes: list[Clash] = []
    reported: set[tuple[str, Hashable]] = set()  # (key, owner): an alias both units share
    for owner, _name, _short, aliases in rows:
        for alias in aliases:
            key = name_key(alias)
            for other, other_field in seen.get(key, []):
                if other != owner and (key, owner) not in reported:
                    clashes.append(Clash(alias, owner, "aliases", other, other_field))
                    if other_field == "aliases":
                        reported.add((key, other))  # not again from the other side
                    break
    return clashes


class NameIndex(Generic[K]):
    """Names, short names and aliases of keys, and groups of keys, ready to resolve cells.

    Build it once per call site (a 2,000-row import builds one): lookups are dictionary
    reads, and only unknown names pay for a fuzzy search.
    """

    def __init__(
        self,
        names: Iterable[tuple[str, K, str]],
        groups: Iterable[tuple[str, Sequence[K]]] = (),
    ) -> None:
        """``names``: (spelling, key, the key's display name); ``groups``: (name, members)."""
        self._exact: dict[str, list[K]] = {}
        self._display: dict[K, str] = {}
        for spelling, key, display in names:
            k = name_key(spelling)
            if not k:
                continue
            self._display.setdefault(key, display)
            keys = self._exact.setdefault(k, [])
            if key not in keys:
                keys.append(key)
        self._choices = list(self._exact)
        self._suggested: dict[str, list[Scored[K]]] = {}
        self._groups: dict[str, list[K]] = {}
        for name, members in groups:
            g = group_key(name)
            if g and members and g not in self._groups:
                self._groups[g] = list(members)

    # --- matching one piece -------------------------------------------------------------

    def _lookup(self, text: str) -> list[K] | None:
        """The key(s) a spelling names exactly: a name (one key only), or a group word.

        A group without units is not indexed: its word comes back as an unknown name.
        """
        k = name_key(text)
        if not k:
            return None
        found = self._exact.get(k)
        if found is not None:
            return found if len(found) == 1 else None
        return self._groups.get(group_key(k))

    def _match(self, piece: str) -> list[K] | None:
        """A piece whole, or without its notes one step at a time (rules 2-4)."""
        text = piece.strip()
        for _ in range(MAX_NOTE_STEPS):
            found = self._lookup(text)
            if found is not None:
                return found
            stripped = strip_note_once(text)
            if not stripped or stripped == text:
                return None
            text = stripped
        return None

    def _by_and(self, piece: str) -> list[K] | None:
        """Rule 6: split at 和/与 only when every part matches.

        A part may hold a 和 of its own (市工业和信息化局和市发改委): the parts are read as
        runs between connectors, the first segmentation (leftmost, longest runs) where every
        run matches wins.
        """
        tokens = AND_SPLIT.split(piece)  # parts at even positions, connectors at odd ones
        parts, joins = tokens[0::2], tokens[1::2]
        if len(parts) < 2 or len(parts) > MAX_AND_PARTS:
            return None
        # best[i]: the keys of parts[:i] when they split into matching runs, else None
        best: list[list[K] | None] = [[]] + [None] * len(parts)
        for i in range(len(parts)):
            done = best[i]
            if done is None:
                continue
            for j in range(min(len(parts), i + MAX_WORDS_IN_NAME), i, -1):
                if best[j] is not None:
                    continue
                run = parts[i] + "".join(joins[k] + parts[k + 1] for k in range(i, j - 1))
                found = self._match(run) if run.strip() else None
                if found is not None:
                    best[j] = done + found
        return best[-1] if len(parts) > 1 else None

    def _resolve_piece(self, piece: str, result: Resolution[K], *, spaces: bool) -> None:
        found = self._match(piece)
        if found is not None:
            result.keys.extend(found)
            return
        soft = [p for p in SOFT_SPLIT.split(piece) if p.strip()]
        if len(soft) > 1:
            for part in soft:
                self._resolve_piece(part, result, spaces=spaces)
            return
        words = [w for w in piece.split() if not ONLY_NUMBER.match(w)]
        if spaces and len(piece.split()) > 1:
            i = 0
            while i < len(words):
                for j in range(min(len(words), i + MAX_WORDS_IN_NAME), i, -1):
                    run = "".join(words[i:j])
                    found = self._match(run) if j - i > 1 else None
                    if found is not None:
                        result.keys.extend(found)
                        i = j
                        break
                else:
                    self._resolve_piece(words[i], result, spaces=False)
                    i += 1
            return
        found = self._by_and(piece)
        if found is not None:
            result.keys.extend(found)
            return
        name = display_name(piece)
        suggestions = self._suggested.get(name)
        if suggestions is None:
            suggestions = self.suggest(strip_notes(name) or name)
            if len(self._suggested) < MAX_CACHED_SUGGESTIONS:
                self._suggested[name] = suggestions
        result.unknown.append(Unknown(name, suggestions))

    # --- the public part ------------------------------------------------------------------

    def resolve(self, text: str | None) -> Resolution[K]:
        """The keys a cell names (first occurrences, written order) and its unknown names."""
        result: Resolution[K] = Resolution()
        if not text:
            return result
        for piece in split_cell(str(text)):
            self._resolve_piece(piece, result, spaces=True)
        unique: list[K] = []
        seen: set[K] = set()
        for key in result.keys:
            if key not in seen:
                seen.add(key)
                unique.append(key)
        result.keys = unique
        names: set[str] = set()
        unknown: list[Unknown[K]] = []
        for item in result.unknown:
            if item.name not in names:
                names.add(item.name)
                unknown.append(item)
        result.unknown = unknown
        return result

    def suggest(self, name: str, limit: int = MAX_SUGGESTIONS) -> list[Scored[K]]:
        """The closest keys to a name by character-level ratio (0-100), best first.

        A spelling several keys share (an ambiguous short name) suggests each of them.
        """
        query = name_key(name)
        if not query or not self._choices:
            return []
        scored = process.extract(
            query,
            self._choices,
            scorer=fuzz.ratio,
            limit=max(limit * 4, 12),
            score_cutoff=SUGGESTION_CUTOFF,
        )
        out: list[Scored[K]] = []
        taken: set[K] = set()
        for spelling, score, _index in scored:
            for key in self._exact[spelling]:
                if key in taken:
                    continue
                taken.add(key)
                out.append(Scored(key, self._display[key], spelling, round(float(score), 1)))
        out.sort(key=lambda s: -s.score)
        return out[:limit]
