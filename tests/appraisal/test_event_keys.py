"""An event's key is part of its web addresses: one rule, checked on every way in.

Issue 9, item 5: importing an event keyed ``2026.h1`` (or ``../../etc`` over the API) was
accepted, and then ``/`` and ``/meeting/`` answered 500 to every office user. The rule
(:mod:`pingyi.appraisal.method.event_keys`) is applied by the event.json parser, so the API, the
command line, the office's import page and bundles all refuse such a key with the same
clear message naming ``key``. A bad row that exists anyway (written by raw SQL here) is
listed without links; no page that lists it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import translation

from pingyi.appraisal import errors, services
from pingyi.appraisal.method.bundle import BundleError, read_bundle
from pingyi.appraisal.method.event_keys import EVENT_KEY_MAX_LENGTH, event_key_problem
from pingyi.appraisal.method.spec import SpecError, load_event_json
from pingyi.appraisal.models import Event

from .factories import event_data
from .test_api import basic

BAD_KEYS = [
    "2026.h1",
    "../../etc",
    "..",
    "a/b",
    "a\\b",
    "a b",
    " lead",
    "tab\there",
    "new\nline",
    "end\n",
    "%2e%2e",
    "a?b",
    "a#b",
    "",
    "华龙区评议",
    "ключ",
    "x" * (EVENT_KEY_MAX_LENGTH + 1),
    "units",
    "\udc00",
    "<script>",
]
GOOD_KEYS = ["2026-h1", "t1", "A_b-9", "x" * EVENT_KEY_MAX_LENGTH]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The rule's messages are read in English here (the catalogue test checks the Chinese);
    a request still answers in its own language."""
    with translation.override("en"):
        yield


def event_json(key: Any, **extra: Any) -> str:
    return json.dumps(event_data(key=key, **extra), ensure_ascii=False)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_the_rule_refuses_what_no_address_can_hold(key: str) -> None:
    problem = event_key_problem(key)
    assert problem is not None
    if key != "units":
        assert "“-” or “_”" in problem and "web addresses" in problem
        assert "\n" not in problem and "\udc00" not in problem  # shown escaped
    else:
        assert "reserved" in problem


@pytest.mark.parametrize("key", [None, 12, ["a"], {"k": 1}, True])
def test_the_rule_refuses_what_is_not_text(key: Any) -> None:
    assert event_key_problem(key) is not None


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_the_rule_takes_slugs(key: str) -> None:
    assert event_key_problem(key) is None
    assert load_event_json(event_json(key)).key == key


@pytest.mark.parametrize("key", BAD_KEYS)
def test_event_json_refuses_the_key_naming_it(key: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_event_json(event_json(key))
    assert caught.value.path == "key"
    assert str(caught.value).startswith("key: ")


def test_previous_is_an_event_key_too() -> None:
    with pytest.raises(SpecError) as caught:
        load_event_json(event_json("t2", previous="../2025"))
    assert caught.value.path == "previous"


# --- every way in ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["../../etc", "2026.h1", "units", "x" * 65])
def test_the_api_refuses_with_422_and_the_reason(client: Any, office_user: Any, key: str) -> None:
    response = client.post(
        "/api/v1/events",
        data=event_json(key),
        content_type="application/json",
        **basic(office_user),
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) >= {"detail", "code"} and body["code"] == "invalid_event"
    assert "key" in body["detail"]
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_service_refuses_before_writing() -> None:
    with pytest.raises(errors.EventInvalid) as caught:
        services.event_import(data=event_json("2026.h1"))
    assert "key" in caught.value.message and "2026.h1" in caught.value.message
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_import_page_shows_the_reason(client: Any, office_user: Any) -> None:
    client.force_login(office_user)
    upload = SimpleUploadedFile("event.json", event_json("2026.h1").encode(), "application/json")
    with_language = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    response = client.post("/meeting/import", {"file": upload}, **with_language)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026.h1" in html and "评议活动网址" in html  # the rule, in Chinese
    assert Event.objects.count() == 0


def test_a_bundle_with_a_bad_key_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "event.json").write_text(event_json("../../etc"), encoding="utf-8")
    (folder / "ballots.csv").write_text("ballot,panel\n", encoding="utf-8")
    with pytest.raises((BundleError, SpecError)) as caught:
        read_bundle(folder)
    assert "key" in str(caught.value) and "web addresses" in str(caught.value)


@pytest.mark.django_db
def test_the_command_line_refuses_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "event"
    source.mkdir()
    (source / "event.json").write_text(event_json("2026.h1"), encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PINGYI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(PINGYI_DATA_DIR=str(tmp_path / "data"), PINGYI_LANGUAGE="en")
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", "event", "import", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "key" in done.stderr and "2026.h1" in done.stderr, done.stderr


# --- a bad row anyway --------------------------------------------------------------------


def rekey_by_raw_sql(event: Event, key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE appraisal_event SET key = %s WHERE id = %s", [key, event.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2026.h1", "../../etc", "a b"])
def test_pages_listing_a_bad_row_still_answer(
    bad: str,
    office_user: Any,
    leader_user: Any,
    viewer_user: Any,
    liaison_a: Any,
) -> None:
    old = services.event_import(data=event_json("old"))
    services.event_open(key="old")
    services.event_close(key="old")
    services.event_publish(key="old")
    rekey_by_raw_sql(old, bad)
    new = services.event_import(data=event_json("new"))
    new.previous = Event.objects.get(key=bad)  # compared with the bad row
    new.save()
    services.event_open(key="new")
    services.event_close(key="new")
    services.event_publish(key="new")
    for user in (office_user, leader_user, viewer_user, liaison_a, None):
        client = Client()
        if user is not None:
            client.force_login(user)
        pages = ["/", "/meeting/", "/results/", "/results/units/hualong/", "/results/new/"]
        for page in pages:
            response = client.get(page)
            assert response.status_code in (200, 302, 403), (page, user, response.status_code)
    office = Client()
    office.force_login(office_user)
    for page in ("/", "/meeting/"):
        html = office.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "cannot be part of a web address" in html, page
        assert "/meeting/new/console" in html  # the good event keeps its links
