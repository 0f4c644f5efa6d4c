"""The handbook's pictures are kept by the browser tests (``tests/browser/handbook.py``).

The build fails when:

- a picture the handbook shows (``![…](../img/NAME.png)`` in ``docs/handbook/{zh,en}/*.md``)
  is not in ``docs/handbook/img/``;
- no test marked ``@pytest.mark.handbook`` writes it with ``shoot(page, "NAME.png")``, so
  nothing would keep it current;
- a picture in ``img/`` is shown by no chapter (a stale picture);
- a chapter exists in one language and not the other, or the two show different pictures.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANDBOOK = ROOT / "docs" / "handbook"
PICTURE = re.compile(r"!\[[^\]]*\]\((?:\.\./)?img/([^)\s]+)\)")


def shown() -> dict[str, set[str]]:
    """picture name → the chapters (``zh/x.md``) that show it."""
    where: dict[str, set[str]] = {}
    for chapter in sorted(HANDBOOK.glob("*/*.md")):
        for name in PICTURE.findall(chapter.read_text(encoding="utf-8")):
            where.setdefault(name, set()).add(str(chapter.relative_to(HANDBOOK)))
    return where


def _is_handbook_mark(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return isinstance(target, ast.Attribute) and target.attr == "handbook"


def written_by_marked_tests() -> dict[str, str]:
    """picture name → the test that writes it (a ``shoot`` call with a literal name inside a
    test marked ``handbook``, by decorator or by the module's ``pytestmark``)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module_marked = any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and any(_is_handbook_mark(e) for e in ast.walk(node.value) if isinstance(e, ast.expr))
            for node in tree.body
        )
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef) or not func.name.startswith("test"):
                continue
            if not (module_marked or any(_is_handbook_mark(d) for d in func.decorator_list)):
                continue
            for call in ast.walk(func):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name | ast.Attribute)
                    and (getattr(call.func, "id", None) or getattr(call.func, "attr", None))
                    == "shoot"
                    and len(call.args) >= 2
                    and isinstance(call.args[1], ast.Constant)
                    and isinstance(call.args[1].value, str)
                ):
                    found[call.args[1].value] = f"{path.relative_to(ROOT)}::{func.name}"
    return found


def test_the_handbook_has_chapters_in_both_languages() -> None:
    zh = {p.name for p in (HANDBOOK / "zh").glob("*.md")}
    en = {p.name for p in (HANDBOOK / "en").glob("*.md")}
    assert zh, "docs/handbook/zh/ has no chapter"
    assert zh == en, f"only in Chinese: {sorted(zh - en)}; only in English: {sorted(en - zh)}"


def test_both_languages_show_the_same_pictures() -> None:
    for chapter in sorted((HANDBOOK / "zh").glob("*.md")):
        english = HANDBOOK / "en" / chapter.name
        if not english.exists():
            continue  # the test above names it
        zh = PICTURE.findall(chapter.read_text(encoding="utf-8"))
        en = PICTURE.findall(english.read_text(encoding="utf-8"))
        assert sorted(set(zh)) == sorted(set(en)), f"{chapter.name}: zh shows {zh}, en shows {en}"


def test_every_picture_the_handbook_shows_is_there() -> None:
    missing = {
        name: sorted(chapters)
        for name, chapters in shown().items()
        if not (HANDBOOK / "img" / name).is_file()
    }
    assert not missing, f"shown by the handbook, missing from docs/handbook/img/: {missing}"


def test_every_picture_is_written_by_a_marked_browser_test() -> None:
    writers = written_by_marked_tests()
    orphans = {name: sorted(ch) for name, ch in shown().items() if name not in writers}
    assert not orphans, (
        "pictures no @pytest.mark.handbook test writes with shoot(page, NAME), so nothing keeps "
        f"them current: {orphans}"
    )


def test_no_stale_picture() -> None:
    stale = sorted(p.name for p in (HANDBOOK / "img").glob("*.png") if p.name not in shown())
    assert not stale, f"pictures in docs/handbook/img/ that no chapter shows: {stale}"
