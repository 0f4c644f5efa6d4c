"""The translation catalogues: 简体中文 complete, compiled, faithful to the placeholders.

Chinese (``zh-hans``) is the default language and the msgids are English, so a missing or
fuzzy translation shows English on a Chinese page. These tests fail when:

- an entry of ``zh_Hans/LC_MESSAGES/django.po`` is untranslated or fuzzy;
- a msgstr does not carry exactly the placeholders of its msgid (``%(name)s``, ``%d``,
  ``{name}``): Python would raise ``KeyError`` or drop a value at run time;
- a compiled ``.mo`` is out of date with its ``.po`` (same messages, and the same bytes as
  ``msgfmt`` makes now);
- the source holds a translatable string that the catalogue lacks (extraction into a scratch
  copy of the tree with ``makemessages``);
- pages rendered in ``zh-hans`` show English where the catalogue has Chinese.

The fix in every case: ``scripts/i18n``, translate what it reports, ``scripts/i18n`` again.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "pingyi"
LOCALE = PACKAGE / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
FIX = "run scripts/i18n, translate what it reports in the .po, then run scripts/i18n again"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def need_gettext_tool(name: str) -> str:
    """The path of a GNU gettext tool; skipped on a laptop without it, a failure under CI."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is missing: apt-get install gettext"
        if in_ci():
            pytest.fail(f"{reason} (CI is set: it may not be skipped)", pytrace=False)
        pytest.skip(reason)
    return path


# --- a small .po reader ------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    line: int
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The key of the message in a compiled catalogue (as Python's gettext reads it)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def where(self) -> str:
        return f"{ZH_PO.name}:{self.line} ({', '.join(self.locations) or 'no location'})"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str, path: Path, number: int) -> str:
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{path}:{number}: not a quoted string: {text}")
    # PO strings use C escapes, which are Python's for the ones gettext writes.
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Every active entry of a .po file, the header (msgid "") included; obsolete ones skipped."""
    entries: list[Entry] = []
    flags: set[str] = set()
    locations: list[str] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_ctxt: str | None = None

    def close() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not compiled
        if line.startswith("#"):
            if current is not None and current.msgstr:
                close()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                locations += line[2:].split()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            value = _unquote(text, path, number)
            if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstr:
                close()
            if keyword == "msgctxt":
                pending_ctxt = value
                target = ("msgctxt", 0)
            elif keyword == "msgid":
                current = Entry(msgid=value, line=number, msgctxt=pending_ctxt)
                current.flags, current.locations = flags, locations
                flags, locations, pending_ctxt = set(), [], None
                target = ("msgid", 0)
            else:
                if current is None:
                    raise ValueError(f"{path}:{number}: {keyword} before msgid")
                if keyword == "msgid_plural":
                    current.msgid_plural = value
                    target = ("msgid_plural", 0)
                else:
                    slot = int(index) if index is not None else 0
                    current.msgstr[slot] = value
                    target = ("msgstr", slot)
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line, path, number)
            kind, slot = target
            if kind == "msgctxt":
                pending_ctxt = (pending_ctxt or "") + value
            elif current is None:
                raise ValueError(f"{path}:{number}: continuation outside an entry")
            elif kind == "msgid":
                current.msgid += value
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[slot] += value
            continue
        raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    close()
    return entries


def messages(path: Path) -> list[Entry]:
    """The entries of a catalogue without its header."""
    return [entry for entry in read_po(path) if entry.msgid]


def header(path: Path) -> dict[str, str]:
    head = next(entry for entry in read_po(path) if not entry.msgid)
    fields = {}
    for line in head.msgstr[0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return fields


# --- placeholders --------------------------------------------------------------------------

#: printf-style conversions as Python's % operator reads them (named or positional).
_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[-#0 +]*)(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
#: str.format fields: {name}, {0}, {name!r:>10}; "{{" and "}}" are literal braces.
_BRACE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def percent_placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for match in _PERCENT.finditer(text):
        if match.group("type") == "%":
            continue
        name = match.group("name")
        found[f"%({name}){match.group('type')}" if name is not None else f"%{match['type']}"] += 1
    return found


def brace_placeholders(text: str) -> set[str]:
    return {f"{{{m.group(1)}}}" for m in _BRACE.finditer(text) if m.group(1) is not None}


def placeholder_problem(entry: Entry, source: str, translation: str) -> str | None:
    """Why ``translation`` cannot stand for ``source``, or None."""
    named = "python-format" in entry.flags or bool(percent_placeholders(source))
    if named:
        want, got = percent_placeholders(source), percent_placeholders(translation)
        positional = [p for p in want if not p.startswith("%(")]
        if positional:
            # Positional conversions are consumed in order: the sequence must be the same.
            seq_want = [m.group(0) for m in _PERCENT.finditer(source) if m["type"] != "%"]
            seq_got = [m.group(0) for m in _PERCENT.finditer(translation) if m["type"] != "%"]
            if seq_want != seq_got:
                return f"positional placeholders {seq_want} became {seq_got}"
        elif set(want) != set(got):
            return (
                f"placeholders {sorted(want)} became {sorted(got)}"
                f" (missing {sorted(set(want) - set(got))}, extra {sorted(set(got) - set(want))})"
            )
        # A lone % that is not a conversion makes "text % params" raise at run time.
        stray = re.sub(_PERCENT, "", translation)
        if "%" in stray:
            return "a lone '%' (write '%%' for a percent sign)"
    if "python-brace-format" in entry.flags or brace_placeholders(source):
        want_b, got_b = brace_placeholders(source), brace_placeholders(translation)
        if want_b != got_b:
            return f"placeholders {sorted(want_b)} became {sorted(got_b)}"
    return None


# --- the catalogue itself ------------------------------------------------------------------


def test_catalogues_exist_with_the_right_headers() -> None:
    assert ZH_PO.exists(), f"{ZH_PO} is missing: {FIX}"
    assert EN_PO.exists(), f"{EN_PO} is missing: {FIX}"
    zh = header(ZH_PO)
    assert zh.get("Language") == "zh_Hans"
    assert zh.get("Plural-Forms") == "nplurals=1; plural=0;", (
        "Chinese has one plural form: 'Plural-Forms: nplurals=1; plural=0;'"
    )
    assert "charset=UTF-8" in zh.get("Content-Type", "")
    assert "fuzzy" not in next(e for e in read_po(ZH_PO) if not e.msgid).flags, (
        "the zh_Hans header is fuzzy: msgfmt would leave it out of the .mo"
    )
    assert header(EN_PO).get("Language") == "en"


def test_every_chinese_entry_is_translated_and_not_fuzzy() -> None:
    entries = messages(ZH_PO)
    assert len(entries) > 100, f"only {len(entries)} entries: was makemessages run?"
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.where()}: fuzzy (check the translation, drop '#, fuzzy')")
        elif not entry.msgstr or not all(text.strip() for text in entry.msgstr.values()):
            problems.append(f"{entry.where()}: untranslated")
        else:
            continue
        problems[-1] += f"\n    msgid {entry.msgid!r}"
    assert not problems, f"{len(problems)} zh_Hans entries need work ({FIX}):\n" + "\n".join(
        problems
    )


def test_chinese_plural_entries_have_one_form() -> None:
    bad = [
        f"{entry.where()}: msgstr indexes {sorted(entry.msgstr)}"
        for entry in messages(ZH_PO)
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0]
    ]
    assert not bad, "nplurals=1: a plural entry has exactly msgstr[0]:\n" + "\n".join(bad)


def test_placeholders_are_kept_exactly() -> None:
    problems = []
    for entry in messages(ZH_PO):
        for index, translation in entry.msgstr.items():
            if not translation:
                continue
            # With one plural form, msgstr[0] serves every n: it must carry the plural's fields.
            source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
            problem = placeholder_problem(entry, source, translation)
            if problem is None and entry.msgid_plural is not None:
                # ...and may not need any field the singular lacks either.
                problem = placeholder_problem(
                    entry, entry.msgid_plural + entry.msgid, translation + translation
                )
            if problem:
                problems.append(
                    f"{entry.where()} msgstr[{index}]: {problem}\n"
                    f"    msgid  {entry.msgid!r}\n    msgstr {translation!r}"
                )
    assert not problems, "\n".join(problems)


def test_placeholder_checker_catches_mistakes() -> None:
    """The checker itself: a renamed, dropped or stray placeholder is reported."""
    entry = Entry(msgid="", line=0, flags={"python-format"})
    assert placeholder_problem(entry, "%(unit)s has %(n)d", "%(unit)s有%(n)d个") is None
    assert placeholder_problem(entry, "%(unit)s has %(n)d", "%(n)d个%(unit)s") is None
    assert placeholder_problem(entry, "%(unit)s has %(n)d", "%(unit)s有%(n)s个")
    assert placeholder_problem(entry, "%(unit)s", "单位")
    assert placeholder_problem(entry, "%(unit)s", "%(units)s")
    assert placeholder_problem(entry, "at most %(share)s%%", "不超过%(share)s%")
    assert placeholder_problem(entry, "at most %(share)s%%", "不超过%(share)s%%") is None
    assert placeholder_problem(entry, "%s of %s", "%s的%s") is None
    brace = Entry(msgid="", line=0, flags={"python-brace-format"})
    assert placeholder_problem(brace, "{name} signed in", "{name}已登录") is None
    assert placeholder_problem(brace, "{name} signed in", "{user}已登录")


def test_both_catalogues_hold_the_same_messages() -> None:
    """zh_Hans and en are extracted together: a message in one only means a stale catalogue."""
    zh = {entry.key for entry in messages(ZH_PO)}
    en = {entry.key for entry in messages(EN_PO)}
    assert zh == en, (
        f"only in zh_Hans: {sorted(zh - en)[:10]}; only in en: {sorted(en - zh)[:10]} ({FIX})"
    )
    assert all(not any(e.msgstr.values()) for e in messages(EN_PO)), (
        "the English catalogue keeps every msgstr empty: the msgid is the English"
    )


# --- compiled catalogues -------------------------------------------------------------------


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_compiled_catalogue_matches_its_source(po: Path) -> None:
    """The .mo holds exactly the translated, non-fuzzy messages of the .po, header included."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: {FIX}"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    catalog: dict[Any, str] = compiled._catalog  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for entry in read_po(po):
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        if not entry.msgid:  # the header: msgfmt leaves out the POT-Creation-Date line
            expected[""] = re.sub(r"(?m)^POT-Creation-Date:.*\n", "", entry.msgstr[0])
        elif entry.msgid_plural is None:
            if entry.msgstr.get(0):
                expected[entry.key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    stale = {k for k in expected.keys() | catalog.keys() if expected.get(k) != catalog.get(k)}
    assert not stale, (
        f"{mo.relative_to(ROOT)} is out of date with its .po ({len(stale)} messages differ, "
        f"e.g. {sorted(map(str, stale))[:5]}): {FIX}"
    )


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_compiled_catalogue_is_what_msgfmt_makes_now(po: Path, tmp_path: Path) -> None:
    """Byte for byte what compilemessages writes (msgfmt --check-format), and valid."""
    msgfmt = need_gettext_tool("msgfmt")
    fresh = tmp_path / "django.mo"
    run = subprocess.run(
        [msgfmt, "--check-format", "--check-header", "-o", str(fresh), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"msgfmt refuses {po.relative_to(ROOT)}:\n{run.stderr}"
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"{po.with_suffix('.mo').relative_to(ROOT)} differs from a fresh compile: {FIX}"
    )


# --- the catalogue covers the source -------------------------------------------------------


def test_catalogue_covers_every_string_in_the_source(tmp_path: Path) -> None:
    """Extract the current source into a scratch copy: no new or changed msgid may appear."""
    need_gettext_tool("xgettext")
    need_gettext_tool("msgmerge")
    tree = tmp_path / "pingyi"
    shutil.copytree(
        PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "*.mo")
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pingyi.settings",
        "PINGYI_DATA_DIR": tempfile.mkdtemp(dir=tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale=zh_Hans",
            "--domain=django",
            "--no-obsolete",
            "--add-location=file",
            "--ignore=static/*",
            "--ignore=*/static/*",
            "--ignore=*/migrations/*",
            "--ignore=locale/*",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    now = {entry.key: entry for entry in messages(tree / "locale/zh_Hans/LC_MESSAGES/django.po")}
    have = {entry.key for entry in messages(ZH_PO)}
    new = sorted(now.keys() - have)
    gone = sorted(have - now.keys())
    assert not new, (
        f"{len(new)} translatable strings in the source are not in the catalogue ({FIX}):\n"
        + "\n".join(f"  {key!r}  ({', '.join(now[key].locations)})" for key in new[:40])
    )
    assert not gone, f"the catalogue holds strings the source no longer has ({FIX}): {gone[:20]}"


# --- pages in Chinese ----------------------------------------------------------------------


class _Text(HTMLParser):
    """The visible text of a page (and the attributes people read), one string per node."""

    READ = {"title", "placeholder", "aria-label", "alt", "value"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in self.READ and value and not (tag == "input" and name == "value"):
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def page_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def english_leaks(html: str) -> list[str]:
    """Text nodes of a page that are, word for word, an English msgid of the catalogue."""
    english = {e.msgid for e in messages(ZH_PO) if re.search(r"[A-Za-z]{2}", e.msgid)}
    english -= {e.msgid for e in messages(ZH_PO) if e.msgstr.get(0) == e.msgid}  # e.g. file names
    return [text for text in page_texts(html) if text in english]


@pytest.fixture
def chinese_client(client: Any) -> Any:
    """A client whose browser asks for Chinese, like an office PC in China."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    return client


@pytest.mark.django_db
def test_sign_in_page_is_chinese_by_default(client: Any, settings: Any) -> None:
    """No Accept-Language at all: the product's default language, 简体中文.

    The default is read from ``pingyi.settings`` itself, so that this holds whatever the test
    settings choose for the other tests.
    """
    from pingyi import settings as product

    assert product.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = product.LANGUAGE_CODE
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert 'lang="zh-hans"' in html
    assert "Sign in" not in page_texts(html)
    assert not english_leaks(html)


@pytest.mark.django_db
def test_sign_in_page_follows_the_browser_language(client: Any) -> None:
    chinese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "登录" in chinese
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in page_texts(english)
    assert "登录" not in english


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", ["首页", "单位", "退出登录"]),
        ("/units/", ["单位", "从Excel导入", "编码", "简称"]),
        ("/units/import/", ["从Excel导入单位", "导入"]),
        ("/meeting/", ["评议会议"]),
        ("/results/", ["结果公示"]),
    ],
)
def test_office_pages_show_chinese(
    chinese_client: Any, office_user: Any, path: str, words: list[str]
) -> None:
    chinese_client.force_login(office_user)
    response = chinese_client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    for word in words:
        assert word in html, f"{path}: {word!r} not on the page"
    leaks = english_leaks(html)
    assert not leaks, f"{path} shows English where the catalogue has Chinese: {leaks}"


def test_core_messages_follow_the_active_language() -> None:
    """The Django-free appraisal core translates through Django once Django is running."""
    from django.utils import translation

    from pingyi.core.pure.i18n import gettext as core_gettext

    with translation.override("zh-hans"):
        assert core_gettext("The ballot has no scores.") == "该评议票没有任何评分。"
    with translation.override("en"):
        assert core_gettext("The ballot has no scores.") == "The ballot has no scores."


# --- the browser scripts' catalogue (djangojs) ---------------------------------------------

ZH_JS = LOCALE / "zh_Hans" / "LC_MESSAGES" / "djangojs.po"
EN_JS = LOCALE / "en" / "LC_MESSAGES" / "djangojs.po"
#: The pages' entry modules ({% js_module %} in the templates).
JS_ENTRIES = ["pingyi/ballot.js", "pingyi/screen.js", "pingyi/console.js", "pingyi/history.js"]


def test_script_catalogue_is_translated_with_its_placeholders() -> None:
    """Every gettext('…') of the ES modules has its Chinese, with the same %(name)s fields."""
    assert header(ZH_JS).get("Language") == "zh_Hans"
    assert header(EN_JS).get("Language") == "en"
    entries = messages(ZH_JS)
    assert len(entries) > 50, f"only {len(entries)} entries in {ZH_JS.name}"
    problems = []
    for entry in entries:
        translation = entry.msgstr.get(0, "")
        if "fuzzy" in entry.flags or not translation.strip():
            problems.append(f"{entry.msgid!r}: untranslated or fuzzy")
        elif problem := placeholder_problem(entry, entry.msgid, translation):
            problems.append(f"{entry.msgid!r}: {problem}")
    assert not problems, f"djangojs.po ({FIX}):\n" + "\n".join(problems)
    assert {e.key for e in entries} == {e.key for e in messages(EN_JS)}
    assert all(not any(e.msgstr.values()) for e in messages(EN_JS))


@pytest.mark.parametrize("po", [ZH_JS, EN_JS], ids=["zh_Hans", "en"])
def test_script_catalogue_is_compiled(po: Path, tmp_path: Path) -> None:
    msgfmt = need_gettext_tool("msgfmt")
    fresh = tmp_path / "djangojs.mo"
    run = subprocess.run(
        [msgfmt, "--check-format", "--check-header", "-o", str(fresh), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"msgfmt refuses {po.relative_to(ROOT)}:\n{run.stderr}"
    assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), (
        f"{po.with_suffix('.mo').relative_to(ROOT)} differs from a fresh compile: {FIX}"
    )


def test_script_catalogue_covers_every_gettext_in_the_modules(tmp_path: Path) -> None:
    """makemessages --domain=djangojs over the modules (xgettext) finds exactly the catalogue,
    and exactly what the pages' islands are built from (pingyi.core.js reads the same calls)."""
    need_gettext_tool("xgettext")
    need_gettext_tool("msgmerge")
    from pingyi.core import js

    tree = tmp_path / "pingyi"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pingyi.settings",
        "PINGYI_DATA_DIR": tempfile.mkdtemp(dir=tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale=zh_Hans",
            "--domain=djangojs",
            "--no-obsolete",
            "--add-location=file",
            "--ignore=*/vendor/*",
            "--ignore=templates/*",
            "--ignore=locale/*",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    extracted = {e.key for e in messages(tree / "locale/zh_Hans/LC_MESSAGES/djangojs.po")}
    have = {e.key for e in messages(ZH_JS)}
    assert extracted == have, (
        f"new: {sorted(extracted - have)[:20]}; gone: {sorted(have - extracted)[:20]} ({FIX})"
    )
    scanned = {msgid for entry in JS_ENTRIES for msgid in js.messages(entry)}
    assert scanned == extracted, (
        f"pingyi.core.js misses {sorted(extracted - scanned)[:10]}, "
        f"finds more: {sorted(scanned - extracted)[:10]}"
    )
