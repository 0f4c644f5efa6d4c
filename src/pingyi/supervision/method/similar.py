"""Similar problems for batch resolution (点办理、批处理): which open problems of the same
category say the same thing as a given one, without word segmentation.

A problem's description is normalised (:func:`normalise`: full-width forms to ASCII, letters
lower-cased, punctuation, digits and spaces dropped, the units' own names and the boilerplate
an office writes around every problem — 企业反映, 问题, 情况, 园区 … — removed), cut into
characters and character bigrams, weighted by TF-IDF over the problems compared (a gram many
problems have, such as 难 or 不足, weighs little; 断头 or 停车 weigh much) and compared by
cosine. Two problems are similar when they have the same category and a cosine of at least
:data:`THRESHOLD`; :data:`NEARBY` is the lower bar of the "maybe" list the office reads
below them.

The choices (characters and bigrams rather than bigrams alone, rapidfuzz's edit ratios or
bigram sets; TF-IDF; which words are boilerplate; the thresholds) were made by measurement
on 200 problems written as an office writes them, with a labelled sample
(tests/supervision/problems200.py; the figures in docs/supervision.md, "On-site office";
the test: tests/supervision/test_similar.py).

Pure: no Django import.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "BOILERPLATE",
    "NEARBY",
    "THRESHOLD",
    "Candidate",
    "Match",
    "grams",
    "normalise",
    "similar",
    "similarities",
]

#: the cosine from which two problems of one category are similar (chosen by measurement:
#: precision 0.82, recall 0.55 on the labelled queries; docs/supervision.md, "On-site office")
THRESHOLD = 0.10
#: the cosine from which a problem is worth a look ("maybe": recall 0.84, precision 0.65)
NEARBY = 0.05

#: words written around any problem, whatever it is: they say nothing of which problem it is
#: (longest first, so 企业反映 goes before 企业)
BOILERPLATE: tuple[str, ...] = tuple(
    sorted(
        {
            "企业反映",
            "群众反映",
            "反映强烈",
            "反映",
            "问题突出",
            "问题",
            "情况",
            "现象",
            "企业",
            "群众",
            "部分",
            "存在",
            "目前",
            "长期",
            "迟迟",
            "严重",
            "突出",
            "较多",
            "影响",
            "产业集聚区",
            "产业园区",
            "工业园区",
            "产业园",
            "园区",
            "城区",
            "县城",
            "新区",
        },
        key=lambda w: (-len(w), w),
    )
)

# the units' names end in one of these; a place name on its own (昆吾路, 胜利路) is left: it
# is rare, so its weight is small beside the words of the matter
_DROP = re.compile(r"[\W\d_a-z]+", re.UNICODE)


def normalise(text: str, *, names: Iterable[str] = ()) -> str:
    """The description reduced to the words of its matter: NFKC (full-width to ASCII),
    lower case, the ``names`` (units' names, short names, aliases) and :data:`BOILERPLATE`
    removed, then everything but Chinese characters (punctuation, digits, Latin letters,
    spaces) dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name.lower(), " ")
    for word in BOILERPLATE:
        text = text.replace(word, " ")
    return " ".join(part for part in _DROP.split(text) if part)


def grams(normalised: str) -> Counter[str]:
    """The characters and the character bigrams of each run (a removed word separates runs:
    no bigram spans it)."""
    found: Counter[str] = Counter()
    for run in normalised.split():
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class Candidate:
    """A problem as compared: its key (the caller's id), category and description."""

    key: int
    category: str
    text: str


@dataclass(frozen=True)
class Match:
    key: int
    score: float


def _vectors(texts: Sequence[Counter[str]]) -> list[dict[str, float]]:
    """TF-IDF (smoothed idf, log(1 + n / df)), each vector of length 1."""
    n = len(texts)
    df: Counter[str] = Counter()
    for counts in texts:
        df.update(counts.keys())
    vectors = []
    for counts in texts:
        vector = {g: c * math.log(1 + n / df[g]) for g, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors.append({g: v / norm for g, v in vector.items()} if norm else {})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


def similarities(
    query: Candidate, candidates: Sequence[Candidate], *, names: Iterable[str] = ()
) -> list[Match]:
    """Every candidate of the query's category but the query itself, with its cosine to the
    query, best first (ties by key). The weights are learnt from the query and all the
    candidates, of every category."""
    names = tuple(names)
    pool = [query, *(c for c in candidates if c.key != query.key)]
    vectors = _vectors([grams(normalise(c.text, names=names)) for c in pool])
    wanted = query.category.strip()
    matches = [
        Match(c.key, round(_cosine(vectors[0], v), 4))
        for c, v in zip(pool[1:], vectors[1:], strict=True)
        if c.category.strip() == wanted
    ]
    return sorted(matches, key=lambda m: (-m.score, m.key))


def similar(
    query: Candidate,
    candidates: Sequence[Candidate],
    *,
    names: Iterable[str] = (),
    threshold: float = THRESHOLD,
) -> list[Match]:
    """The candidates of the query's category whose cosine to it is at least ``threshold``,
    best first."""
    return [m for m in similarities(query, candidates, names=names) if m.score >= threshold]
