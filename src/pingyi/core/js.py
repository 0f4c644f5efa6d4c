"""The browser's scripts: native ES modules served as they are (WhiteNoise, no build step).

A page loads one entry module with ``{% js_module "pingyi/ballot.js" %}``
(``templatetags/pingyi_js.py``). Without a bundler, this module reads the entry's static
``import … from './x.js'`` lines to know:

- :func:`module_files`: the entry and every module it imports, transitively. The page
  preloads them (``<link rel="modulepreload">``: one round trip, not one per level of
  imports) and the phone ballot's service worker keeps them all for a reload offline.
- :func:`messages`: every ``gettext('…')`` literal in those modules, the English msgids that
  ``makemessages --domain=djangojs`` extracts into ``locale/<lang>/LC_MESSAGES/djangojs.po``.
- :func:`catalogue`: those messages in the active language (only the ones translated), which
  the page carries in its JSON data island ``#i18n`` for ``shared/i18n.js``. The strings come
  with the page, so a page kept by a service worker is translated offline too, and no page
  loads a catalogue it does not use.

Only relative imports (``./`` and ``../``) of ``.js`` files are allowed: an address the
browser resolves against the importing module's own, exactly as it is resolved here.
"""

from __future__ import annotations

import functools
import posixpath
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language
from django.utils.translation.trans_real import DjangoTranslation

#: ``import … from '…'``, ``import '…'`` and ``export … from '…'`` at the start of a line.
_IMPORT = re.compile(
    r"""^\s*(?:import|export)\s+(?:[\w*${}\s,]+?\s+from\s+)?(['"])(?P<spec>[^'"]+)\1""",
    re.MULTILINE,
)
#: ``gettext('…')`` or ``gettext("…")`` with a literal first argument.
_GETTEXT = re.compile(
    r"""\bgettext\(\s*(?:'(?P<single>(?:[^'\\\n]|\\.)*)'|"(?P<double>(?:[^"\\\n]|\\.)*)")"""
)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)
_ESCAPE = re.compile(r"\\(.)")


def _source(name: str) -> str:
    found = finders.find(name)
    path = found[0] if isinstance(found, list) else found
    if not path:
        raise ImproperlyConfigured(f"JavaScript module {name!r} is not among the static files")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _code(source: str) -> str:
    """The source without its comments (an import or a gettext in a comment is none)."""
    return _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", source))


def _resolve(importer: str, spec: str) -> str:
    if not spec.startswith(("./", "../")) or not spec.endswith(".js"):
        raise ImproperlyConfigured(
            f"{importer}: import {spec!r}: only relative imports of .js modules are served"
        )
    name = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    if name.startswith("../"):
        raise ImproperlyConfigured(f"{importer}: import {spec!r} leaves the static files")
    return name


@functools.lru_cache(maxsize=32)
def _graph(entry: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    files: list[str] = []
    found: dict[str, None] = {}
    pending = [entry]
    while pending:
        name = pending.pop(0)
        if name in files:
            continue
        files.append(name)
        code = _code(_source(name))
        for match in _GETTEXT.finditer(code):
            text = match.group("single") if match.group("single") is not None else match["double"]
            found.setdefault(_ESCAPE.sub(r"\1", text), None)
        pending += [_resolve(name, m["spec"]) for m in _IMPORT.finditer(code)]
    return tuple(files), tuple(found)


def _scan(entry: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Read once per process; a development server (DEBUG) rereads the files every time.
    return _graph.__wrapped__(entry) if settings.DEBUG else _graph(entry)


def module_files(entry: str) -> list[str]:
    """The static names of ``entry`` and of every module it imports, the entry first."""
    return list(_scan(entry)[0])


def messages(entry: str) -> list[str]:
    """The msgids of every ``gettext('…')`` in ``entry`` and the modules it imports."""
    return list(_scan(entry)[1])


@functools.lru_cache(maxsize=8)
def _translation(language: str) -> DjangoTranslation:
    return DjangoTranslation(language, domain="djangojs")


def catalogue(entry: str, language: str | None = None) -> dict[str, str]:
    """{msgid: translation} for the messages of ``entry``'s modules that ``language`` (the
    active one by default) translates; the script shows the English of any other."""
    translation = _translation(language or get_language() or settings.LANGUAGE_CODE)
    out = {}
    for msgid in messages(entry):
        text = translation.gettext(msgid)
        if text != msgid:
            out[msgid] = text
    return out
