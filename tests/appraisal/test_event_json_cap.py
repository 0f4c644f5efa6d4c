"""event.json is read with one cap and one rule everywhere; slides are served as downloads.

``bundle.read_event_json`` is the one reader of an event.json: ``pingyi event import``, the
browser's import and ``read_bundle`` (``pingyi tally``) all use it, so a zip bomb (a small
.zip whose event.json inflates to many MB) is refused by each of them after inflating at most
``EVENT_JSON_MAX_BYTES``, and a zip's event.json is found by the same rule: at the root or in
its one top folder. docs/security.md, "Uploads".
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pingyi.appraisal import services
from pingyi.appraisal.method.bundle import (
    EVENT_JSON_MAX_BYTES,
    BundleError,
    read_bundle,
    read_event_json,
)
from pingyi.appraisal.models import Event
from pingyi.appraisal.slides import slides_upload
from tests.test_cli import fresh_env, run

from .factories import event_json


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The pure modules' messages in English (their Chinese is the catalogue test's)."""
    with translation.override("en"):
        yield


#: 64 MB of JSON (an object padded with spaces) that deflates to about 64 KB.
BOMB_BYTES = 64 * 1024 * 1024
EVENT_BYTES = event_json().encode()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "event.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("event.json", "w", force_zip64=True) as member:
            member.write(EVENT_BYTES[:-1])
            chunk = b" " * (1 << 20)
            for _ in range(BOMB_BYTES >> 20):
                member.write(chunk)
            member.write(b"}")
        zf.writestr("ballots.csv", "ballot,panel,track,unit,item,value\n")
    assert path.stat().st_size < 1024 * 1024  # a small file...
    return path


def test_the_bomb_is_refused_after_inflating_at_most_the_cap(bomb: Path) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(BundleError) as refused:
            read_event_json(bomb)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 4 * EVENT_JSON_MAX_BYTES, peak  # ...never inflated to its 64 MB
    assert str(refused.value) == "event.json: larger than 2 MB: too large for an event.json"
    assert refused.value.code == "too_large"


def test_read_bundle_refuses_the_bomb(bomb: Path) -> None:
    with pytest.raises(BundleError, match="larger than 2 MB"):
        read_bundle(bomb)


@pytest.mark.parametrize("verb", [["event", "import"], ["tally"]])
def test_the_command_line_refuses_the_bomb(bomb: Path, tmp_path: Path, verb: list[str]) -> None:
    started = time.monotonic()
    result = run([*verb, str(bomb)], fresh_env(tmp_path / "data"), tmp_path)
    assert time.monotonic() - started < 30
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2
    assert "event.json: larger than 2 MB" in result.stderr


def test_the_browser_import_refuses_the_bomb(client: Any, office_user: Any, bomb: Path) -> None:
    client.force_login(office_user)
    upload = SimpleUploadedFile("event.zip", bomb.read_bytes(), content_type="application/zip")
    response = client.post(reverse("meeting:import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "larger than 2 MB" in response.content.decode()
    assert not Event.objects.exists()


def test_a_plain_event_json_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "event.json"
    big.write_bytes(EVENT_BYTES[:-1] + b" " * EVENT_JSON_MAX_BYTES + b"}")
    with pytest.raises(BundleError, match="larger than 2 MB"):
        read_event_json(big)
    with pytest.raises(BundleError, match="larger than 2 MB"):
        read_event_json(tmp_path)  # the folder holding it: the same cap
    # exactly at the cap is accepted
    big.write_bytes(EVENT_BYTES[:-1] + b" " * (EVENT_JSON_MAX_BYTES - len(EVENT_BYTES)) + b"}")
    assert len(read_event_json(big)) == EVENT_JSON_MAX_BYTES


# --- one rule for where a zip keeps its event.json ---------------------------------------

FOUND = [
    ({"event.json": EVENT_BYTES}, True),
    ({"pingyi-t1/event.json": EVENT_BYTES, "pingyi-t1/ballots.csv": b""}, True),  # the download
    ({"event.json": EVENT_BYTES, "old/event.json": b"{}"}, True),  # the root one wins
    ({"a/b/event.json": EVENT_BYTES}, False),  # deeper than one folder
    ({"a/event.json": EVENT_BYTES, "b/event.json": EVENT_BYTES}, False),  # which one?
    ({"notes.txt": b"hello"}, False),
]


@pytest.mark.parametrize(("members", "found"), FOUND)
def test_reader_and_bundle_agree_on_the_member(
    tmp_path: Path, members: dict[str, bytes], found: bool
) -> None:
    archive = tmp_path / "e.zip"
    archive.write_bytes(zip_of(members))
    if found:
        assert read_event_json(archive) == EVENT_BYTES
        assert read_event_json(io.BytesIO(archive.read_bytes())) == EVENT_BYTES
    else:
        with pytest.raises(BundleError, match=r"holds no event\.json"):
            read_event_json(archive)
    # read_bundle finds the same member (then it wants a ballots.csv beside it)
    try:
        read_bundle(archive)
    except BundleError as exc:
        assert ("holds no event.json" in str(exc)) is not found, str(exc)


@pytest.mark.django_db
@pytest.mark.parametrize(("members", "found"), FOUND)
def test_the_browser_import_follows_the_same_rule(
    client: Any, office_user: Any, members: dict[str, bytes], found: bool
) -> None:
    client.force_login(office_user)
    upload = SimpleUploadedFile("e.zip", zip_of(members), content_type="application/zip")
    response = client.post(reverse("meeting:import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert Event.objects.filter(key="t1").exists() is found
    if not found:
        assert "holds no event.json" in response.content.decode()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated: no central directory
        lambda data: data.replace(b"PK\x03\x04", b"PK\x03\x05", 1),  # bad local header
        lambda data: data[:40] + bytes(b ^ 0xFF for b in data[40:60]) + data[60:],  # bad data
    ],
    ids=["truncated", "header", "data"],
)
def test_a_damaged_zip_is_a_clear_error(tmp_path: Path, damage: Any) -> None:
    archive = tmp_path / "e.zip"
    archive.write_bytes(damage(zip_of({"event.json": EVENT_BYTES * 20})))
    with pytest.raises(BundleError) as refused:
        read_event_json(archive)
    assert str(archive) in str(refused.value) or "event.json" in str(refused.value)
    result = run(["event", "import", str(archive)], fresh_env(tmp_path / "data"), tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


# --- slides: downloads, never shown inside pingyi --------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["述职报告.pdf", "report.pdf"])
def test_slides_are_attachments(client: Any, settings: Any, name: str) -> None:
    settings.MEDIA_ROOT = settings.DATA_DIR / "uploads-cap-test"
    event = services.event_import(data=EVENT_BYTES)
    slides_upload(
        event=event,
        track="counties",
        unit="hualong",
        upload=SimpleUploadedFile(name, PDF, content_type="text/html"),
    )
    services.event_open(key="t1")
    response = client.get("/slides/t1/counties/hualong/file")  # anonymous evaluator
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert "inline" not in disposition
    assert name in disposition or quote(name) in disposition, disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
