"""The handbook's rules, without Django: how a chapter's Markdown becomes a page.

- Markdown is CommonMark with tables, raw HTML **off**: a chapter is text, never markup that
  lands in the office's pages (``<script>`` in a chapter shows as the text ``<script>``).
- A link is kept only when it goes to another chapter (``other.md``, ``other.md#part``), to a
  part of this page (``#part``), or out (``https://``, ``mailto:``). A chapter link is
  rewritten to the chapter's URL. Anything else (a missing chapter, ``../deploy.md``, a
  ``file:`` URL) is a *broken* link: its text stays, the link goes, and it is reported, so
  ``tests/handbook/test_handbook.py`` fails on it.
- A picture is kept only when it is ``../img/NAME.png`` (or ``img/NAME.png``) with NAME
  lower-case-with-hyphens and the picture in the handbook's ``img/``; it is rewritten to the
  picture's URL. Any other picture (a missing one, an outside URL: the handbook works
  offline) is broken: its alt text stays as text, and it is reported.
- The chapter's title is its first ``# heading`` (taken out of the text: the page shows it
  above the table of contents); the table of contents lists its ``##`` headings, each given
  the anchor ``section-N``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: A chapter's name: ``meeting-run`` for ``meeting-run.md``.
CHAPTER_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A picture's name, as tests/browser/handbook.py writes it.
PICTURE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.png$")

_CHAPTER_LINK = re.compile(
    r"^(?:\./)?(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.md(?P<fragment>#[^#\s]*)?$"
)
_PICTURE_SRC = re.compile(r"^(?:\.\./)?img/(?P<name>[^/\\]+)$")
_OUTSIDE = ("https://", "http://", "mailto:")


@dataclass(frozen=True)
class Rendered:
    title: str
    html: str
    #: The ``##`` headings: (anchor, text).
    toc: list[tuple[str, str]] = field(default_factory=list)
    #: The chapters this one links to, and the pictures it shows (their names).
    chapters: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)
    #: What could not be kept: ("link", href) or ("picture", src).
    broken: list[tuple[str, str]] = field(default_factory=list)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Every link and picture is parsed, so that the rules below (one place) decide and report
    # it: markdown-it's own check would leave ``[x](javascript:…)`` as unreported text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _markdown()


def _text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type == "image":
            parts.append(_text(child))
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts).strip()


def render(
    text: str,
    *,
    chapters: Collection[str],
    pictures: Collection[str],
    chapter_url: Callable[[str], str],
    picture_url: Callable[[str], str],
    fallback_title: str = "",
) -> Rendered:
    """One chapter's page. ``chapters`` and ``pictures`` are the names that exist."""
    tokens = _MD.parse(text)
    title = ""
    toc: list[tuple[str, str]] = []
    linked: list[str] = []
    shown: list[str] = []
    broken: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and index + 1 < len(tokens):
            heading = _text(tokens[index + 1])
            if token.tag == "h1" and not title:
                title = heading
            elif token.tag == "h2":
                anchor = f"section-{len(toc) + 1}"
                token.attrSet("id", anchor)
                toc.append((anchor, heading))
        if token.type == "inline" and token.children:
            token.children = _rewrite(
                token.children, chapters, pictures, chapter_url, picture_url,
                linked, shown, broken,
            )
    # The title is the page's own heading (the template shows it above the contents).
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            del tokens[index : index + 3]
            break
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(
        title=title or fallback_title, html=html, toc=toc,
        chapters=linked, pictures=shown, broken=broken,
    )


def _rewrite(
    children: list[Token],
    chapters: Collection[str],
    pictures: Collection[str],
    chapter_url: Callable[[str], str],
    picture_url: Callable[[str], str],
    linked: list[str],
    shown: list[str],
    broken: list[tuple[str, str]],
) -> list[Token]:
    kept: list[Token] = []
    depth: list[bool] = []  # for each open link: kept?
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            target = _link_target(href, chapters, chapter_url, linked)
            if target is None:
                broken.append(("link", href))
                depth.append(False)
                continue
            child.attrSet("href", target)
            depth.append(True)
        elif child.type == "link_close":
            if depth and not depth.pop():
                continue
        elif child.type == "image":
            src = str(child.attrGet("src") or "")
            match = _PICTURE_SRC.match(src)
            name = match["name"] if match else ""
            if not (PICTURE_NAME.match(name) and name in pictures):
                broken.append(("picture", src))
                alt = Token("text", "", 0)
                alt.content = _text(child)
                kept.append(alt)
                continue
            child.attrSet("src", picture_url(name))
            child.attrSet("loading", "lazy")
            shown.append(name)
        kept.append(child)
    return kept


def _link_target(
    href: str,
    chapters: Collection[str],
    chapter_url: Callable[[str], str],
    linked: list[str],
) -> str | None:
    if href.startswith("#") and len(href) > 1:
        return href
    if href.startswith(_OUTSIDE):
        return href
    match = _CHAPTER_LINK.match(href)
    if match and match["name"] in chapters:
        linked.append(match["name"])
        return chapter_url(match["name"]) + (match["fragment"] or "")
    return None


def language_folder(language_code: str | None) -> str:
    """The handbook's folder for a request's language: ``en…`` → en, anything else → zh."""
    return "en" if (language_code or "").lower().startswith("en") else "zh"
