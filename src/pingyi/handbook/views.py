"""The handbook's pages: /handbook/ (the index), /handbook/<chapter>/, /handbook/img/<picture>.

Every signed-in account reads every chapter; the evaluator's and the liaison's chapters
(``book.PUBLIC``) and the pictures they show are open without signing in. The chapter is
shown in the request's language (the site's language switcher), in Chinese when it has no
English yet.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from pingyi.accounts.rules import is_signed_in
from pingyi.handbook import book
from pingyi.handbook.method import CHAPTER_NAME, language_folder


def _root() -> Path:
    return Path(settings.HANDBOOK_DIR)


def _chapter_url(name: str) -> str:
    if name == "index":
        return reverse("handbook:index")
    return reverse("handbook:chapter", args=[name])


def _picture_url(name: str) -> str:
    return reverse("handbook:picture", args=[name])


def _chapter(name: str, language: str) -> book.Chapter | None:
    return book.chapter(
        _root(), name, language, chapter_url=_chapter_url, picture_url=_picture_url
    )


def _link(name: str | None, language: str) -> dict[str, str] | None:
    if name is None:
        return None
    found = _chapter(name, language)
    return {"url": _chapter_url(name), "title": found.page.title if found else name}


def _page(request: HttpRequest, name: str) -> HttpResponse:
    language = language_folder(get_language())
    found = _chapter(name, language)
    if found is None:
        raise Http404("no such chapter")
    signed_in = is_signed_in(request.user)
    root = _root()
    before, after = book.neighbours(root, name)
    if not signed_in:  # the open chapters lead only to each other
        before = before if before in book.PUBLIC else None
        after = after if after in book.PUBLIC else None
    contents = [
        {**(_link(other, language) or {}), "current": other == name}
        for other in book.chapter_names(root)
        if signed_in or other in book.PUBLIC
    ]
    return render(
        request,
        "handbook/page.html",
        {
            "chapter": found,
            "page": found.page,
            "fallback": found.language != language,
            "previous": _link(before, language),
            "next": _link(after, language),
            "contents": contents,
        },
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    return _page(request, "index")


@require_safe
def chapter(request: HttpRequest, name: str) -> HttpResponse:
    if name == "index":
        return redirect("handbook:index")
    if name not in book.PUBLIC and not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    if not CHAPTER_NAME.match(name):
        raise Http404("no such chapter")
    return _page(request, name)


@require_safe
def picture(request: HttpRequest, name: str) -> HttpResponseBase:
    path = book.picture_path(_root(), name)
    if path is None:
        raise Http404("no such picture")
    if not is_signed_in(request.user) and name not in book.public_pictures(
        _root(), chapter_url=_chapter_url, picture_url=_picture_url
    ):
        return redirect_to_login(request.get_full_path())
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
