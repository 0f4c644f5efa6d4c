"""The browser's scripts as native ES modules (pingyi/core/js.py, {% js_module %}).

One module style (ES modules, relative static imports, no build step), one translation path
(gettext('…') in the modules; the djangojs catalogue rendered into the page's #i18n island),
and the module graph read from the imports, which the pages preload and the phone's service
worker keeps offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from pingyi.core import js

SRC = Path(__file__).resolve().parents[2] / "src" / "pingyi"
BALLOT = SRC / "appraisal" / "static" / "pingyi"


@pytest.fixture(autouse=True)
def fresh_graph() -> Iterator[None]:
    js._graph.cache_clear()
    yield
    js._graph.cache_clear()


def test_the_ballot_graph_holds_every_ballot_module_once_entry_first() -> None:
    files = js.module_files("pingyi/ballot.js")
    assert files[0] == "pingyi/ballot.js"
    assert len(files) == len(set(files))
    on_disk = {f"pingyi/ballot/{path.name}" for path in (BALLOT / "ballot").glob("*.js")}
    assert on_disk <= set(files), f"modules nothing imports: {on_disk - set(files)}"
    assert {"pingyi/shared/i18n.js", "pingyi/shared/dom.js"} <= set(files)
    # The screen and the console share the live connection; the ballot does not load it.
    assert "pingyi/shared/live.js" in js.module_files("pingyi/screen.js")
    assert "pingyi/shared/live.js" in js.module_files("pingyi/console.js")
    assert "pingyi/shared/live.js" not in files


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("lodash", "only relative imports"),
        ("/static/x.js", "only relative imports"),
        ("https://evil.example/x.js", "only relative imports"),
        ("./x.mjs", "only relative imports"),
        ("../../../../etc/passwd.js", "leaves the static files"),
        ("./missing.js", "not among the static files"),
    ],
)
def test_an_import_the_server_cannot_serve_is_refused_naming_it(
    tmp_path: Path, spec: str, why: str
) -> None:
    write(tmp_path, "t/entry.js", f"import {{ a }} from '{spec}';\n")
    with (
        override_settings(STATICFILES_DIRS=[tmp_path]),
        pytest.raises(ImproperlyConfigured, match=why) as error,
    ):
        js.module_files("t/entry.js")
    assert "t/" in str(error.value) or "missing" in str(error.value)


def test_comments_hold_no_imports_and_no_messages(tmp_path: Path) -> None:
    write(
        tmp_path,
        "t/entry.js",
        "/* import { x } from './nope.js'; gettext('in a comment') */\n"
        "// import './nope.js';\n"
        "import { y } from './dep.js';\n"
        'export const z = gettext(\'Voting open\') + gettext("It\\\'s \\"quoted\\"");\n',
    )
    write(tmp_path, "t/dep.js", "export const y = 1; // gettext('trailing')\n")
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        assert js.module_files("t/entry.js") == ["t/entry.js", "t/dep.js"]
        assert js.messages("t/entry.js")[:2] == ["Voting open", 'It\'s "quoted"']


def test_an_import_cycle_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "t/a.js", "import { b } from './b.js';\nexport const a = 1;\n")
    write(tmp_path, "t/b.js", "import { a } from './a.js';\nexport const b = 2;\n")
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        assert js.module_files("t/a.js") == ["t/a.js", "t/b.js"]


def render(entry: str, language: str) -> str:
    with translation.override(language):
        return Template('{% load pingyi_js %}{% js_module "' + entry + '" %}').render(Context())


def island(html: str) -> Any:
    match = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html)
    assert match, html
    return json.loads(match.group(1))


def test_the_tag_writes_one_module_its_preloads_and_its_own_strings() -> None:
    html = render("pingyi/console.js", "zh-hans")
    assert '<script type="module" src="/static/pingyi/console.js"></script>' in html
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert preloads == [f"/static/{n}" for n in js.module_files("pingyi/console.js")[1:]]
    strings = island(html)
    assert strings["Quorum met"] == "到会已过半"
    assert strings["Reconnecting…"] == "正在重新连接…"
    assert "Enter a number." not in strings  # the ballot's, not the console's
    assert set(strings) == set(js.messages("pingyi/console.js"))
    assert island(render("pingyi/console.js", "en")) == {}  # English is the msgid itself


def test_the_island_cannot_close_its_script_element(monkeypatch: pytest.MonkeyPatch) -> None:
    """A translation holding </script> or <!-- stays data (escaped as json_script does)."""
    hostile = {"x": "</script><script>alert(1)</script><!--&"}
    monkeypatch.setattr(js, "catalogue", lambda entry, language=None: hostile)
    html = render("pingyi/history.js", "zh-hans")
    inside = html.split('id="i18n">', 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in inside and ">" not in inside and "&" not in inside
    assert island(html) == hostile
