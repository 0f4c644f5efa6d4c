"""Slide uploads: type sniffed from content, size capped, names sanitised, unit isolation."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pingyi.appraisal import services
from pingyi.appraisal.errors import SlidesError
from pingyi.appraisal.models import Event, Presentation
from pingyi.appraisal.slides import safe_filename, slides_upload

from .factories import event_json

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


@pytest.fixture
def event() -> Event:
    return services.event_import(data=event_json())


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_pdf_and_pptx_are_accepted(event: Event, settings: Any) -> None:
    settings.MEDIA_ROOT = settings.DATA_DIR / "uploads-test"
    p = slides_upload(
        event=event, track="counties", unit="hualong", upload=upload("a.pdf", PDF_BYTES)
    )
    assert p.slides.name.endswith(".pdf")
    p = slides_upload(
        event=event, track="counties", unit="hualong", upload=upload("述职.pptx", pptx_bytes())
    )
    assert p.slides.name.endswith("述职.pptx")
    assert Presentation.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.pptx", b"PK\x03\x04not really a zip"),
        ("doc.pdf", b"MZ\x90\x00"),
    ],
)
def test_wrong_content_is_refused_whatever_the_name(event: Event, name: str, data: bytes) -> None:
    with pytest.raises(SlidesError):
        slides_upload(event=event, track="counties", unit="hualong", upload=upload(name, data))
    assert Presentation.objects.count() == 0


def test_size_is_capped(event: Event, settings: Any) -> None:
    settings.PINGYI_SLIDES_MAX_BYTES = 100
    with pytest.raises(SlidesError, match="MB"):
        slides_upload(
            event=event,
            track="counties",
            unit="hualong",
            upload=upload("big.pdf", PDF_BYTES + b"0" * 200),
        )


def test_unknown_unit_is_refused(event: Event) -> None:
    with pytest.raises(SlidesError, match="nowhere"):
        slides_upload(
            event=event, track="counties", unit="nowhere", upload=upload("a.pdf", PDF_BYTES)
        )


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\报告 终稿.pdf", "报告_终稿.pdf"),
        ('"><img src=x>.pdf', "img_src_x.pdf"),
        ("....pdf", "slides.pdf"),
    ],
)
def test_names_are_sanitised(name: str, safe: str) -> None:
    assert safe_filename(name, "pdf") == safe


def test_a_liaison_uploads_only_for_its_own_unit(
    client: Any, event: Event, liaison_a: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = settings.DATA_DIR / "uploads-test"
    client.force_login(liaison_a)  # the liaison of hualong
    page = client.get("/slides/t1/")
    assert page.status_code == 200
    assert "华龙区" in page.content.decode() and "濮阳县" not in page.content.decode()
    other = client.post("/slides/t1/counties/puyang/", {"slides": upload("a.pdf", PDF_BYTES)})
    assert other.status_code == 403
    own = client.post("/slides/t1/counties/hualong/", {"slides": upload("a.pdf", PDF_BYTES)})
    assert own.status_code == 302
    assert Presentation.objects.get().unit == "hualong"
    assert client.get("/slides/t1/counties/hualong/file").status_code == 200


def test_slides_are_public_only_while_voting_is_open(
    client: Any, event: Event, settings: Any
) -> None:
    settings.MEDIA_ROOT = settings.DATA_DIR / "uploads-test"
    slides_upload(event=event, track="counties", unit="hualong", upload=upload("a.pdf", PDF_BYTES))
    assert client.get("/slides/t1/counties/hualong/file").status_code == 404
    services.event_open(key="t1")
    response = client.get("/slides/t1/counties/hualong/file")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
