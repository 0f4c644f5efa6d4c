"""The handbook on disk: its chapters in order, each rendered once per change of its file.

``root`` is the handbook's folder (``settings.HANDBOOK_DIR``): ``zh/*.md``, ``en/*.md`` and
``img/*.png``. A chapter missing in English is shown in Chinese.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pingyi.handbook.method import CHAPTER_NAME, PICTURE_NAME, Rendered, render

#: The reading order (prev/next); chapters not named here follow, by name.
ORDER = (
    "index",
    "meeting-prepare",
    "meeting-run",
    "meeting-after",
    "supervision-lists",
    "supervision-weekly",
    "supervision-notices",
    "supervision-onsite",
    "scoreboard",
    "liaison",
    "evaluator",
)
#: Chapters anyone may read without signing in: the evaluator's one page (in the hall, on a
#: phone) and the liaison's guide (a liaison who forgot the password).
PUBLIC = frozenset({"evaluator", "liaison"})
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Chapter:
    name: str
    language: str  # the folder the text came from
    page: Rendered


_cache: dict[Path, tuple[tuple[object, ...], Rendered]] = {}
_lock = threading.Lock()


def _inside(path: Path, folder: Path) -> bool:
    """A regular file that really lives in ``folder`` (a link out of it does not count)."""
    try:
        return path.is_file() and path.resolve().parent == folder.resolve()
    except OSError:
        return False


def chapter_names(root: Path) -> list[str]:
    """Every chapter, in reading order (a chapter exists when its Chinese file does)."""
    names = {
        path.stem
        for path in (root / "zh").glob("*.md")
        if CHAPTER_NAME.match(path.stem) and _inside(path, root / "zh")
    }
    ordered = [name for name in ORDER if name in names]
    return ordered + sorted(names - set(ORDER))


def picture_names(root: Path) -> set[str]:
    return {
        path.name
        for path in (root / "img").glob("*.png")
        if PICTURE_NAME.match(path.name) and _inside(path, root / "img")
    }


def picture_path(root: Path, name: str) -> Path | None:
    """The picture's file, only for a well-formed name of a file inside ``img/``."""
    if not PICTURE_NAME.match(name):
        return None
    path = root / "img" / name
    return path if _inside(path, root / "img") else None


def chapter(
    root: Path,
    name: str,
    language: str,
    *,
    chapter_url: Callable[[str], str],
    picture_url: Callable[[str], str],
) -> Chapter | None:
    """The chapter ``name`` in ``language`` (or Chinese), or None when there is none."""
    names = chapter_names(root)
    if name not in names:
        return None
    folder = language if language in LANGUAGES else "zh"
    path = root / folder / f"{name}.md"
    if not _inside(path, root / folder):
        folder, path = "zh", root / "zh" / f"{name}.md"
    pictures = picture_names(root)
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size, tuple(names), tuple(sorted(pictures)))
    with _lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return Chapter(name=name, language=folder, page=cached[1])
    page = render(
        path.read_text(encoding="utf-8"),
        chapters=names,
        pictures=pictures,
        chapter_url=chapter_url,
        picture_url=picture_url,
        fallback_title=name,
    )
    with _lock:
        _cache[path] = (key, page)
    return Chapter(name=name, language=folder, page=page)


def neighbours(root: Path, name: str) -> tuple[str | None, str | None]:
    names = chapter_names(root)
    if name not in names:
        return None, None
    at = names.index(name)
    return (names[at - 1] if at > 0 else None, names[at + 1] if at + 1 < len(names) else None)


def public_pictures(
    root: Path, *, chapter_url: Callable[[str], str], picture_url: Callable[[str], str]
) -> set[str]:
    """The pictures shown by the chapters anyone may read (served without signing in)."""
    shown: set[str] = set()
    for name in sorted(PUBLIC):
        for language in LANGUAGES:
            found = chapter(root, name, language, chapter_url=chapter_url, picture_url=picture_url)
            if found is not None:
                shown |= set(found.page.pictures)
    return shown
