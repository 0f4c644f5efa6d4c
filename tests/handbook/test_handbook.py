"""The handbook served by pingyi (src/pingyi/handbook): docs/handbook/{zh,en}/*.md as pages.

The real chapters: every one renders in both languages, with no broken link or picture.
The rules, on a handbook of our own (``settings.HANDBOOK_DIR`` → a temporary folder): links
rewritten or refused, raw HTML escaped, pictures served by name only (no traversal), who may
read what, the language, the table of contents, prev/next, the cache per file change.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pingyi.handbook import book
from pingyi.handbook.method import render

REAL = Path(__file__).resolve().parents[2] / "docs" / "handbook"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _client(user: object | None = None, language: str = "zh-hans") -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def real_chapters() -> list[str]:
    return sorted(path.stem for path in (REAL / "zh").glob("*.md"))


# --- the real handbook -----------------------------------------------------------------------


def test_the_package_reaches_the_handbook_folder() -> None:
    """The setting's default goes through src/pingyi/handbook/docs (what a wheel carries)."""
    assert Path(django_settings.HANDBOOK_DIR).resolve() == REAL.resolve()
    assert (Path(django_settings.HANDBOOK_DIR) / "zh" / "index.md").is_file()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_chapter_renders_in_both_languages(cast, language) -> None:
    client = _client(cast["liaison_a"], language)
    folder = "en" if language == "en" else "zh"
    assert real_chapters(), "docs/handbook/zh/ has no chapter"
    for name in real_chapters():
        url = "/handbook/" if name == "index" else f"/handbook/{name}/"
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text = (REAL / folder / f"{name}.md").read_text(encoding="utf-8")
        first = text.splitlines()[0]
        assert first.startswith("# "), f"{folder}/{name}.md: the first line is '# Title'"
        title = html.escape(first[2:].strip())
        assert f"<h1>{title}</h1>" in response.content.decode(), name
        assert "handbook-chapter" in response.content.decode()


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_every_link_and_picture_of_the_real_chapters_resolves(folder) -> None:
    names = book.chapter_names(REAL)
    pictures = book.picture_names(REAL)
    for name in names:
        text = (REAL / folder / f"{name}.md").read_text(encoding="utf-8")
        page = render(
            text, chapters=names, pictures=pictures, chapter_url=str, picture_url=str
        )
        assert not page.broken, f"{folder}/{name}.md: broken links or pictures {page.broken}"
        for picture in page.pictures:
            assert (REAL / "img" / picture).stat().st_size > 1000, picture


def test_the_footer_offers_the_handbook_to_signed_in_accounts(cast) -> None:
    assert 'href="/handbook/"' in _client(cast["viewer"]).get("/").content.decode()
    assert 'href="/handbook/"' not in _client().get("/accounts/login/").content.decode()


# --- the rules, on a handbook of our own -----------------------------------------------------


@pytest.fixture
def handbook(tmp_path: Path, settings) -> Path:
    root = tmp_path / "handbook"
    for folder in ("zh", "en", "img"):
        (root / folder).mkdir(parents=True)
    chapters = {
        "index": ("# 目录\n\n- [评议员](evaluator.md)\n- [准备](meeting-prepare.md#section-2)\n",
                  "# Contents\n\n- [Evaluator](evaluator.md)\n"),
        "meeting-prepare": (
            "# 会前准备\n\n## 第一步\n\n![控制台](../img/meeting-a.png)\n\n## 第二步\n\n文字\n",
            "# Before the meeting\n\n## Step one\n\n![console](../img/meeting-a.png)\n",
        ),
        "evaluator": ("# 评议员须知\n\n![手机](../img/evaluator-phone.png)\n",
                      "# The evaluator's page\n\n![phone](../img/evaluator-phone.png)\n"),
    }
    for name, (zh, en) in chapters.items():
        (root / "zh" / f"{name}.md").write_text(zh, encoding="utf-8")
        (root / "en" / f"{name}.md").write_text(en, encoding="utf-8")
    (root / "img" / "meeting-a.png").write_bytes(PNG)
    (root / "img" / "evaluator-phone.png").write_bytes(PNG + b"2")
    (root / "secret.png").write_bytes(b"not for you")
    (root / "zh" / "leak.png").write_bytes(b"not for you either")
    settings.HANDBOOK_DIR = root
    return root


def test_links_to_chapters_are_rewritten_and_the_rest_refused() -> None:
    text = (
        "# T\n\n[a](meeting-run.md) [b](meeting-run.md#section-2) [c](./evaluator.md) "
        "[d](missing.md) [e](../deploy.md) [f](javascript:alert(1)) [g](file:///etc/passwd) "
        "[h](#section-1) [i](https://example.org/x) [j](mailto:office@example.org) "
        "[k](/admin/) [l](MEETING-RUN.md) [m](meeting-run.md/../../x.md) [n](#)\n"
    )
    page = render(
        text, chapters={"meeting-run", "evaluator"}, pictures=set(),
        chapter_url=lambda name: f"/handbook/{name}/", picture_url=str,
    )
    assert 'href="/handbook/meeting-run/"' in page.html
    assert 'href="/handbook/meeting-run/#section-2"' in page.html
    assert 'href="/handbook/evaluator/"' in page.html
    assert 'href="#section-1"' in page.html
    assert 'href="https://example.org/x"' in page.html
    assert 'href="mailto:office@example.org"' in page.html
    assert sorted(href for kind, href in page.broken if kind == "link") == sorted(
        ["missing.md", "../deploy.md", "javascript:alert(1)", "file:///etc/passwd", "/admin/",
         "MEETING-RUN.md", "meeting-run.md/../../x.md", "#"]
    )
    for gone in ("missing.md", "deploy.md", "javascript", "file:", "/admin/", "x.md"):
        assert gone not in page.html, gone
    # the broken links' words stay, as text
    for word in ("d", "e", "f", "g", "k", "l", "m", "n"):
        assert f" {word} " in f" {page.html.replace('<p>', ' ').replace('</p>', ' ')} "


def test_pictures_are_rewritten_and_the_rest_refused() -> None:
    text = (
        "# T\n\n![ok](../img/meeting-a.png) ![also](img/meeting-a.png) "
        "![missing](../img/meeting-b.png) ![outside](https://example.org/x.png) "
        "![up](../img/../zh/x.png) ![upper](../img/Meeting-A.png) "
        "![data](data:image/png;base64,AA)\n"
    )
    page = render(
        text, chapters=set(), pictures={"meeting-a.png"},
        chapter_url=str, picture_url=lambda name: f"/handbook/img/{name}",
    )
    assert page.html.count('src="/handbook/img/meeting-a.png"') == 2
    assert page.pictures == ["meeting-a.png", "meeting-a.png"]
    assert [src for _, src in page.broken] == [
        "../img/meeting-b.png", "https://example.org/x.png", "../img/../zh/x.png",
        "../img/Meeting-A.png", "data:image/png;base64,AA",
    ]
    assert page.html.count("<img") == 2
    assert "missing" in page.html and "outside" in page.html  # the alt text stays


def test_html_in_a_chapter_is_escaped(client, handbook, cast) -> None:
    (handbook / "zh" / "meeting-prepare.md").write_text(
        "# 会前 <script>alert(1)</script>\n\n"
        "<script>alert(2)</script>\n\n"
        '<img src=x onerror="alert(3)">\n\n'
        "## <b>粗</b>\n\n"
        'x <a href="javascript:alert(4)">y</a> <iframe src="/admin/"></iframe>\n\n'
        "| a | b |\n|---|---|\n| <style>body{display:none}</style> | 2 |\n",
        encoding="utf-8",
    )
    body = _client(cast["office"]).get("/handbook/meeting-prepare/").content.decode()
    article = body[body.index('class="handbook-chapter"'):]
    for raw in ("<script>alert", "<img src=x", "<b>粗", "<a href=\"javascript", "<iframe",
                "<style>"):
        assert raw not in article, raw
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in article
    assert "&lt;b&gt;粗&lt;/b&gt;" in article  # in the heading and in the table of contents


def test_pictures_serve(handbook, cast) -> None:
    response = _client(cast["liaison_b"]).get("/handbook/img/meeting-a.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    page = _client(cast["liaison_b"]).get("/handbook/meeting-prepare/").content.decode()
    assert '<img src="/handbook/img/meeting-a.png" alt="控制台"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/handbook/img/..%2fsecret.png",
        "/handbook/img/..%2Fsecret.png",
        "/handbook/img/%2e%2e%2fsecret.png",
        "/handbook/img/..%5csecret.png",
        "/handbook/img/..\\secret.png",
        "/handbook/img/..%2fzh%2fleak.png",
        "/handbook/img/%2e%2e/zh/leak.png",
        "/handbook/img/%252e%252e%252fsecret.png",
        "/handbook/img/meeting-a.png%00.png",
        "/handbook/img/meeting-a.png%2f",
        "/handbook/img/Meeting-A.png",
        "/handbook/img/.png",
        "/handbook/img/meeting-a",
        "/handbook/img/%2fetc%2fpasswd",
        "/handbook/img/..%2f..%2f..%2fsettings.py",
        "/handbook/img/..%c0%afsecret.png",
        "/handbook/..%2fsecret.png/",
        "/handbook/..%2fzh%2fleak/",
        "/handbook/%2e%2e/",
    ],
)
def test_traversal_is_refused(handbook, cast, path) -> None:
    response = _client(cast["office"]).get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert b"not for you" not in response.content


def test_a_link_out_of_the_handbook_is_not_followed(handbook, cast, tmp_path) -> None:
    """A picture or a chapter that is a symbolic link to a file elsewhere is not served."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "key.png").write_bytes(b"the secret key")
    (outside / "notes.md").write_text("# 机密\n\nthe secret notes\n", encoding="utf-8")
    (handbook / "img" / "meeting-key.png").symlink_to(outside / "key.png")
    (handbook / "zh" / "notes.md").symlink_to(outside / "notes.md")
    (handbook / "en" / "meeting-prepare.md").unlink()
    (handbook / "en" / "meeting-prepare.md").symlink_to(outside / "notes.md")
    client = _client(cast["office"], "en")
    assert client.get("/handbook/img/meeting-key.png").status_code == 404
    assert client.get("/handbook/notes/").status_code == 404
    page = client.get("/handbook/meeting-prepare/").content.decode()
    assert "secret" not in page and "<h1>会前准备</h1>" in page  # the Chinese text instead


@pytest.mark.parametrize(
    "path",
    ["/handbook/no-such-chapter/", "/handbook/Evaluator/", "/handbook/evaluator.md/",
     "/handbook/img/no-such.png", "/handbook/meeting_prepare/", "/handbook/-x-/"],
)
def test_an_unknown_chapter_or_picture_is_404(handbook, cast, path) -> None:
    assert _client(cast["office"]).get(path).status_code == 404


def test_who_may_read_what(handbook, cast) -> None:
    anonymous = _client()
    assert anonymous.get("/handbook/evaluator/").status_code == 200
    assert anonymous.get("/handbook/img/evaluator-phone.png").status_code == 200
    for path in ("/handbook/", "/handbook/meeting-prepare/", "/handbook/img/meeting-a.png"):
        response = anonymous.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    # the open chapter does not lead an anonymous reader to the closed ones
    page = anonymous.get("/handbook/evaluator/").content.decode()
    assert "/handbook/meeting-prepare/" not in page and 'href="/handbook/"' not in page
    for role in ("office", "leader", "viewer", "liaison_a"):
        client = _client(cast[role])
        for path in ("/handbook/", "/handbook/meeting-prepare/", "/handbook/evaluator/"):
            assert client.get(path).status_code == 200, (role, path)
    assert _client(cast["office"]).post("/handbook/").status_code in (403, 405)


def test_an_inactive_account_reads_only_the_open_chapters(handbook, cast) -> None:
    user = cast["viewer"]
    client = _client(user)
    user.is_active = False  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    assert client.get("/handbook/meeting-prepare/").status_code == 302
    assert client.get("/handbook/evaluator/").status_code == 200


def test_the_language_is_the_request_s_and_chinese_fills_in(handbook, cast) -> None:
    zh = _client(cast["office"], "zh-hans").get("/handbook/meeting-prepare/").content.decode()
    en = _client(cast["office"], "en").get("/handbook/meeting-prepare/").content.decode()
    assert "<h1>会前准备</h1>" in zh and "<h1>Before the meeting</h1>" in en
    (handbook / "en" / "meeting-prepare.md").unlink()
    en = _client(cast["office"], "en").get("/handbook/meeting-prepare/").content.decode()
    assert "<h1>会前准备</h1>" in en and "shown in Chinese" in en


def test_table_of_contents_and_previous_next(handbook, cast) -> None:
    page = _client(cast["office"]).get("/handbook/meeting-prepare/").content.decode()
    assert '<h2 id="section-1">第一步</h2>' in page and '<h2 id="section-2">第二步</h2>' in page
    assert '<a href="#section-1">第一步</a>' in page and '<a href="#section-2">第二步</a>' in page
    assert '<a rel="prev" href="/handbook/">' in page  # the index comes first (book.ORDER)
    assert '<a rel="next" href="/handbook/evaluator/">' in page
    index = _client(cast["office"]).get("/handbook/").content.decode()
    assert 'href="/handbook/meeting-prepare/#section-2"' in index
    assert _client(cast["office"]).get("/handbook/index/")["Location"] == "/handbook/"


def test_a_changed_chapter_is_rendered_again(handbook, cast) -> None:
    client = _client(cast["office"])
    assert "第二步" in client.get("/handbook/meeting-prepare/").content.decode()
    path = handbook / "zh" / "meeting-prepare.md"
    path.write_text("# 会前准备\n\n## 改过的一步\n", encoding="utf-8")
    page = client.get("/handbook/meeting-prepare/").content.decode()
    assert "改过的一步" in page and "第二步" not in page
    # a picture removed: the chapter no longer shows it (the cache knows the img/ folder)
    (handbook / "img" / "meeting-a.png").unlink()
    path.write_text("# 会前准备\n\n![控制台](../img/meeting-a.png)\n", encoding="utf-8")
    assert "<img" not in client.get("/handbook/meeting-prepare/").content.decode()


def test_the_site_s_language_switcher_switches_the_handbook(handbook, cast) -> None:
    client = _client(cast["liaison_a"])
    assert "<h1>会前准备</h1>" in client.get("/handbook/meeting-prepare/").content.decode()
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/handbook/meeting-prepare/"}
    )
    assert switched.status_code == 302 and switched["Location"] == "/handbook/meeting-prepare/"
    page = client.get("/handbook/meeting-prepare/").content.decode()
    assert "<h1>Before the meeting</h1>" in page and 'lang="en"' in page


def test_the_wheel_carries_every_chapter_and_picture() -> None:
    """pyproject's package data for pingyi.handbook matches every file of docs/handbook (as
    setuptools globs it, through the link src/pingyi/handbook/docs): a wheel serves them all.
    Checked by hand with ``pip wheel --no-deps .``: the .md and .png are inside."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pingyi.handbook"]
    package = root / "src" / "pingyi" / "handbook"
    assert (package / "docs").is_symlink() and (package / "docs").resolve() == REAL.resolve()
    packaged = {
        path.resolve() for pattern in patterns for path in package.glob(pattern) if path.is_file()
    }
    wanted = {
        path.resolve() for pattern in ("*/*.md", "img/*.png") for path in REAL.glob(pattern)
    }
    assert wanted and wanted <= packaged, sorted(str(p) for p in wanted - packaged)
