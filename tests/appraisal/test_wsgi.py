"""The served WSGI application: ballots take the lean path and behave exactly the same."""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from pingyi import wsgi
from pingyi.appraisal import services
from pingyi.appraisal.models import Ballot

from .factories import event_json, full_scores

pytestmark = pytest.mark.django_db(transaction=True)


def call(method: str, path: str, body: bytes = b"") -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["headers"] = status, dict(headers)
        return lambda data: None

    chunks = wsgi.application(environ, start_response)
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def test_ballots_take_the_lean_path_with_the_same_answers() -> None:
    assert wsgi.lean_application is not wsgi.full_application
    event = services.event_import(data=event_json())
    services.event_open(key=event.key)
    token = services.tokens_issue(event=event, panel="leaders", count=1)[0].token
    body = json.dumps({"token": token, "scores": full_scores()}).encode()
    status, headers, content = call("POST", "/api/v1/ballots", body)
    assert status.startswith("201"), content
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "Set-Cookie" not in headers  # no session, no CSRF cookie on the lean path
    assert headers["Content-Length"] == str(len(content))  # keep-alive without chunking
    receipt = json.loads(content)["receipt"]
    assert Ballot.objects.get().receipt == receipt
    status, _h, again = call("POST", "/api/v1/ballots", body)
    assert status.startswith("201") and json.loads(again)["receipt"] == receipt
    status, _h, used = call(
        "POST", "/api/v1/ballots", json.dumps({"token": token, "scores": []}).encode()
    )
    assert status.startswith("409"), used
    # Other routes keep the full stack (sessions, accounts, lockout).
    status, headers, _c = call("GET", "/")
    assert status.startswith("302") and "/accounts/login/" in headers["Location"]
