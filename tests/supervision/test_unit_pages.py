"""The unit liaison's and the leader's pages (supervision/views_unit.py): the report with its
attachments checked by content, the office's accept/return, the leader's 点评 (差 → lagging),
extension and closure with the office's decisions, "my items"; a liaison of another unit gets
403 on every one of an item's pages; bad input says what and where and writes nothing."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pingyi.accounts.models import User
from pingyi.core import uploads
from pingyi.core.models import AuditEntry
from pingyi.orgs.demo import load_demo_units
from pingyi.orgs.models import Unit
from pingyi.supervision import selectors
from pingyi.supervision.demo import load_demo_list
from pingyi.supervision.models import Attachment, Closure, Extension, Item, Report
from tests.conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(folder: str, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{folder}/document.xml", "<x/>")
        if macro:
            zf.writestr(f"{folder}/vbaProject.bin", b"\x00")
    return buffer.getvalue()


@pytest.fixture
def key() -> str:
    load_demo_units()
    load_demo_list()
    return f"{timezone.localdate().year}-key-tasks"


def client_of(role: str, unit: str | None = None, **kwargs: Any) -> Client:
    user = User.objects.create_user(
        username=f"u-{role}-{unit}",
        password=STRONG_PASSWORD,
        role=role,
        display_name="李市长" if role == "leader" else "",
        unit=Unit.objects.get(code=unit) if unit else None,
    )
    client = Client(**kwargs)
    client.force_login(user)
    return client


def url(name: str, key: str, number: str, **extra: Any) -> str:
    return reverse(f"supervision:{name}", kwargs={"key": key, "number": number, **extra})


def report_data(**changes: Any) -> dict[str, Any]:
    data = {
        "reported_on": timezone.localdate().isoformat(),
        "period": "第48周",
        "percent": "60",
        "done_text": "完成征迁协议签订",
        "problems": "资金缺口",
        "next_steps": "启动主体施工",
    }
    data.update(changes)
    return data


def audit_data(entry: AuditEntry) -> Any:
    return json.loads(entry.data) if isinstance(entry.data, str) else entry.data


def uploaded_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "supervision"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- the report -----------------------------------------------------------------------------


def test_a_liaison_files_a_report_on_the_phone_page_with_an_attachment(key: str) -> None:
    client = client_of("unit", "hualong")
    page = client.get(url("report_new", key, "20"))
    assert page.status_code == 200
    body = page.content.decode()
    item = Item.objects.get(supervision_list__key=key, number="20")
    assert item.title in body and "csrfmiddlewaretoken" in body
    assert 'class="status status-on_track">正常推进' in body  # colour and word, Chinese
    last = item.reports.order_by("reported_on", "id").last()
    assert last is not None and f"{last.percent}%" in body and "最近一次报告" in body
    assert 'enctype="multipart/form-data"' in body and 'name="attachments"' in body
    response = client.post(
        url("report_new", key, "20"),
        {
            **report_data(),
            "attachments": [
                SimpleUploadedFile("../../现场照片.png", PNG_BYTES, "text/html"),
                SimpleUploadedFile("进度表.pdf", PDF_BYTES, "application/pdf"),
            ],
        },
    )
    assert response.status_code == 302 and response["Location"] == url("item_detail", key, "20")
    report = Report.objects.filter(item=item).latest("id")
    assert (report.percent, report.state, report.unit.code) == (60, "pending", "hualong")
    assert (report.period, report.problems, report.next_steps) == (
        "第48周",
        "资金缺口",
        "启动主体施工",
    )
    files = list(report.attachments.order_by("id"))
    assert [(f.name, f.content_type) for f in files] == [
        ("现场照片.png", uploads.PNG),  # no path from the browser; the type from the bytes
        ("进度表.pdf", uploads.PDF),
    ]
    stored = Path(files[0].file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "supervision" / key)
    assert stored.read_bytes() == PNG_BYTES
    entry = AuditEntry.objects.filter(
        action="supervision.report.filed", target=f"item:{key}/20"
    ).latest("id")
    assert audit_data(entry)["attachments"] == ["现场照片.png", "进度表.pdf"]
    # the item page lists the report and its files; a file is a download, never shown inline
    page = client.get(url("item_detail", key, "20")).content.decode()
    assert "完成征迁协议签订" in page and "进度表.pdf" in page
    download = client.get(url("attachment", key, "20", pk=files[1].pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("报告.pdf", b"<html><script>alert(1)</script></html>", "报告.pdf"),  # HTML named .pdf
        ("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 60, "photo.png"),  # a program named .png
        ("方案.docx", ooxml("word", macro=True), "方案.docx"),  # a .docm named .docx
        ("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 60, "bomb.xlsx"),  # a broken zip
        ("empty.pdf", b"", "empty.pdf"),
    ],
)
def test_an_attachment_is_typed_by_its_content_and_a_bad_one_writes_nothing(
    key: str, name: str, content: bytes, said: str
) -> None:
    client = client_of("unit", "hualong")
    reports, before = Report.objects.count(), uploaded_files()
    response = client.post(
        url("report_new", key, "20"),
        {
            **report_data(),
            "attachments": [
                SimpleUploadedFile("ok.pdf", PDF_BYTES, "application/pdf"),
                SimpleUploadedFile(name, content, "application/pdf"),
            ],
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f"附件“{said}”" in body and "按内容" in body
    assert Report.objects.count() == reports and not Attachment.objects.exists()
    assert uploaded_files() == before


def test_office_files_pass_and_the_caps_on_size_and_count(key: str, settings: Any) -> None:
    client = client_of("unit", "hualong")
    settings.PINGYI_ATTACHMENT_MAX_BYTES = 2**20
    big = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * 2**20, "application/pdf")
    response = client.post(url("report_new", key, "20"), {**report_data(), "attachments": [big]})
    assert response.status_code == 422
    assert "附件“大.pdf”" in response.content.decode() and "最多 1 MB" in response.content.decode()
    six = [SimpleUploadedFile(f"{n}.pdf", PDF_BYTES) for n in range(6)]
    response = client.post(url("report_new", key, "20"), {**report_data(), "attachments": six})
    assert response.status_code == 422 and "最多 5 个附件" in response.content.decode()
    assert not Report.objects.filter(item__number="20", state="pending").exists()
    office_files = [
        SimpleUploadedFile("a.docx", ooxml("word")),
        SimpleUploadedFile("b.xlsx", ooxml("xl")),
        SimpleUploadedFile("c.pptx", ooxml("ppt")),
        SimpleUploadedFile("d.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    ]
    response = client.post(
        url("report_new", key, "20"), {**report_data(), "attachments": office_files}
    )
    assert response.status_code == 302
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == sorted(
        [uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.JPEG]
    )


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("percent", "101", "percent"),
        ("percent", "-1", "percent"),
        ("percent", "50.5", "percent"),
        ("percent", "六十", "percent"),
        ("percent", "", "percent"),
        ("reported_on", "2026-02-30", "reported_on"),
        ("reported_on", "tomorrow", "reported_on"),
        ("done_text", "  ", "done_text"),
    ],
)
def test_bad_report_input_is_a_field_error_and_writes_nothing(
    key: str, field: str, value: str, said: str
) -> None:
    client = client_of("unit", "hualong")
    count = Report.objects.count()
    response = client.post(url("report_new", key, "20"), report_data(**{field: value}))
    assert response.status_code == 422
    assert said in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert Report.objects.count() == count


def test_a_report_dated_in_the_future_is_refused(key: str) -> None:
    client = client_of("unit", "hualong")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url("report_new", key, "20"), report_data(reported_on=tomorrow))
    assert response.status_code == 422
    assert "未来" in response.context["form"].errors["reported_on"][0]


def test_a_form_without_the_csrf_token_is_refused(key: str) -> None:
    client = client_of("unit", "hualong", enforce_csrf_checks=True)
    count = Report.objects.count()
    assert client.post(url("report_new", key, "20"), report_data()).status_code == 403
    assert Report.objects.count() == count


# --- who may ------------------------------------------------------------------------------


def test_another_units_liaison_gets_403_on_every_page_of_the_item(key: str) -> None:
    """hualong is neither lead (fgw) nor co-unit (zrzyj, jtj) of item 1."""
    owner = client_of("unit", "fgw")
    owner.post(
        url("report_new", key, "1"),
        {**report_data(), "attachments": [SimpleUploadedFile("x.pdf", PDF_BYTES)]},
    )
    report = Report.objects.filter(item__number="1").latest("id")
    file = Attachment.objects.get(report=report)
    client = client_of("unit", "hualong")
    before = (Report.objects.count(), Extension.objects.count(), Closure.objects.count())
    for name in ("item_detail", "report_new", "extension_new", "closure_new"):
        assert client.get(url(name, key, "1")).status_code == 403, name
    assert client.post(url("report_new", key, "1"), report_data()).status_code == 403
    assert (
        client.post(
            url("extension_new", key, "1"),
            {"reason": "x", "proposed_due": "2099-01-01"},
        ).status_code
        == 403
    )
    assert client.post(url("closure_new", key, "1"), {"evidence": "x"}).status_code == 403
    decide = {"what": "report", "action": "accept", "id": report.pk}
    assert client.post(url("decide", key, "1"), decide).status_code == 403
    rate = {"id": report.pk, "rating": "好"}
    assert client.post(url("comment", key, "1"), rate).status_code == 403
    assert client.get(url("attachment", key, "1", pk=file.pk)).status_code == 403
    # an attachment of item 1 asked for through hualong's own item: not found there
    assert client.get(url("attachment", key, "20", pk=file.pk)).status_code == 404
    assert (Report.objects.count(), Extension.objects.count(), Closure.objects.count()) == before
    report.refresh_from_db()
    assert report.state == "pending" and report.rating == ""


def test_a_co_unit_reports_but_only_the_lead_unit_asks_for_extension_or_closure(
    key: str,
) -> None:
    client = client_of("unit", "hualong")  # item 14: zjj leads, hualong is a co-unit
    assert client.get(url("report_new", key, "14")).status_code == 200
    assert client.get(url("extension_new", key, "14")).status_code == 403
    assert client.get(url("closure_new", key, "14")).status_code == 403
    page = client.get(url("item_detail", key, "14")).content.decode()
    assert url("report_new", key, "14") in page and url("closure_new", key, "14") not in page
    # the liaison may not decide nor comment, even on its own item
    client.post(url("report_new", key, "20"), report_data())
    report = Report.objects.filter(item__number="20").latest("id")
    decide = {"what": "report", "action": "accept", "id": report.pk}
    assert client.post(url("decide", key, "20"), decide).status_code == 403
    assert (
        client.post(url("comment", key, "20"), {"id": report.pk, "rating": "好"}).status_code == 403
    )
    viewer = client_of("viewer")
    assert (
        viewer.post(url("comment", key, "20"), {"id": report.pk, "rating": "好"}).status_code == 403
    )
    assert viewer.get(url("report_new", key, "20")).status_code == 403
    report.refresh_from_db()
    assert report.state == "pending" and report.rating == ""


# --- the office's decision, the leader's comment ------------------------------------------


def test_the_office_returns_with_a_reason_and_the_liaison_sees_it(key: str) -> None:
    liaison = client_of("unit", "hualong")
    liaison.post(url("report_new", key, "20"), report_data(percent="70"))
    report = Report.objects.filter(item__number="20").latest("id")
    office = client_of("office")
    page = office.get(url("item_detail", key, "20")).content.decode()
    assert 'name="action" value="accept"' in page and 'name="action" value="return"' in page
    no_reason = {"what": "report", "action": "return", "id": report.pk, "reason": "  "}
    response = office.post(url("decide", key, "20"), no_reason, follow=True)
    assert "请说明退回理由" in response.content.decode()
    # a reason longer than 5,000 characters is said, not cut
    long = office.post(url("decide", key, "20"), {**no_reason, "reason": "长" * 5001}, follow=True)
    assert "5001" in long.content.decode()
    report.refresh_from_db()
    assert report.state == "pending"
    reason = "进度数据与现场核查不符，请补充照片"
    office.post(url("decide", key, "20"), {**no_reason, "reason": reason})
    report.refresh_from_db()
    assert (report.state, report.return_reason) == ("returned", reason)
    returned = AuditEntry.objects.filter(
        action="supervision.report.returned", target=f"item:{key}/20"
    )
    assert audit_data(returned.latest("id")) == {"report": report.pk, "reason": reason}
    # the liaison sees the return and the reason: on the report page, the item page, my items
    assert reason in liaison.get(url("report_new", key, "20")).content.decode()
    assert reason in liaison.get(url("item_detail", key, "20")).content.decode()
    mine = liaison.get(reverse("supervision:unit_home")).content.decode()
    assert "报告被退回" in mine and reason in mine
    # a decided report cannot be decided again; an unknown id is 404
    again = {"what": "report", "action": "accept", "id": report.pk}
    office.post(url("decide", key, "20"), again)
    report.refresh_from_db()
    assert report.state == "returned"
    assert office.post(url("decide", key, "20"), {**again, "id": "999999"}).status_code == 404
    assert office.post(url("decide", key, "20"), {**again, "id": "x'"}).status_code == 404


def test_the_office_accepts_then_a_leader_rates_poor_and_the_item_is_lagging(key: str) -> None:
    liaison = client_of("unit", "hualong")
    liaison.post(url("report_new", key, "20"), report_data(percent="90"))
    report = Report.objects.filter(item__number="20").latest("id")
    office = client_of("office")
    office.post(url("decide", key, "20"), {"what": "report", "action": "accept", "id": report.pk})
    report.refresh_from_db()
    assert report.state == "accepted"
    item = selectors.items_with_facts(Item.objects.filter(number="20")).get()
    assert selectors.item_status(item, timezone.localdate()).status == "on_track"
    leader = client_of("leader")
    bad = leader.post(url("comment", key, "20"), {"id": report.pk, "rating": "很差"}, follow=True)
    assert "很差" in bad.content.decode()  # the refusal names the bad rating
    report.refresh_from_db()
    assert report.rating == ""
    too_long = {"id": report.pk, "rating": "差", "comment": "长" * 5001}
    assert "5001" in leader.post(url("comment", key, "20"), too_long, follow=True).content.decode()
    report.refresh_from_db()
    assert report.rating == ""
    leader.post(url("comment", key, "20"), {"id": report.pk, "rating": "差", "comment": "进度虚报"})
    report.refresh_from_db()
    assert (report.rating, report.comment, report.rated_by) == ("差", "进度虚报", "李市长")
    page = liaison.get(url("item_detail", key, "20")).content.decode()
    assert 'class="status status-lagging">滞后' in page
    assert "最近一次报告被点评为“差”" in page  # the reason, beside the status
    assert "进度虚报" in page
    rated = AuditEntry.objects.filter(
        action="supervision.report.commented", target=f"item:{key}/20"
    )
    assert audit_data(rated.get()) == {"report": report.pk, "rating": "差", "leader": "李市长"}


# --- extension and closure ------------------------------------------------------------------


def test_an_extension_is_requested_before_the_due_and_approved_with_another_date(
    key: str,
) -> None:
    item = Item.objects.get(supervision_list__key=key, number="20")
    due = item.due
    assert due is not None
    liaison = client_of("unit", "hualong")
    assert liaison.get(url("extension_new", key, "20")).status_code == 200
    early = {"reason": "征迁未完成", "progress": "60%", "proposed_due": due.isoformat()}
    response = liaison.post(url("extension_new", key, "20"), early)
    assert response.status_code == 422 and due.isoformat() in response.content.decode()
    bad = liaison.post(url("extension_new", key, "20"), {**early, "proposed_due": "明年"})
    assert bad.status_code == 422 and "proposed_due" in bad.context["form"].errors
    assert not Extension.objects.filter(item=item).exists()
    proposed = due + timedelta(days=60)
    ok = {**early, "proposed_due": proposed.isoformat()}
    assert liaison.post(url("extension_new", key, "20"), ok).status_code == 302
    second = liaison.post(url("extension_new", key, "20"), ok)
    assert second.status_code == 422 and "已有延期申请" in second.content.decode()
    extension = Extension.objects.get(item=item)
    office = client_of("office")
    page = office.get(url("item_detail", key, "20")).content.decode()
    assert "征迁未完成" in page and 'value="approve"' in page
    approved = due + timedelta(days=30)
    office.post(
        url("decide", key, "20"),
        {
            "what": "extension",
            "action": "approve",
            "id": extension.pk,
            "approved_due": approved.isoformat(),
        },
    )
    extension.refresh_from_db()
    assert (extension.state, extension.approved_due) == ("approved", approved)
    page = liaison.get(url("item_detail", key, "20")).content.decode()
    assert approved.isoformat() in page and f"原定 {due.isoformat()}" in page


def test_a_bad_approved_date_is_said_and_nothing_changes(key: str) -> None:
    item = Item.objects.get(supervision_list__key=key, number="20")
    assert item.due is not None
    liaison = client_of("unit", "hualong")
    proposed = (item.due + timedelta(days=60)).isoformat()
    liaison.post(url("extension_new", key, "20"), {"reason": "r", "proposed_due": proposed})
    extension = Extension.objects.get(item=item)
    office = client_of("office")
    decision = {"what": "extension", "action": "approve", "id": extension.pk}
    response = office.post(
        url("decide", key, "20"), {**decision, "approved_due": "2026-13-01"}, follow=True
    )
    assert "2026-13-01" in response.content.decode()
    earlier = office.post(
        url("decide", key, "20"), {**decision, "approved_due": item.due.isoformat()}, follow=True
    )
    assert item.due.isoformat() in earlier.content.decode()
    extension.refresh_from_db()
    assert extension.state == "pending"
    office.post(url("decide", key, "20"), {**decision, "action": "refuse"})
    extension.refresh_from_db()
    assert extension.state == "refused"


def test_closure_with_evidence_returned_with_a_reason_then_verified_done(key: str) -> None:
    liaison = client_of("unit", "hualong")
    assert liaison.post(url("closure_new", key, "20"), {"evidence": " "}).status_code == 422
    response = liaison.post(
        url("closure_new", key, "20"),
        {
            "evidence": "项目已竣工验收",
            "attachments": [SimpleUploadedFile("验收报告.pdf", PDF_BYTES)],
        },
    )
    assert response.status_code == 302
    closure = Closure.objects.get(item__number="20")
    assert [a.name for a in closure.attachments.all()] == ["验收报告.pdf"]
    again = liaison.post(url("closure_new", key, "20"), {"evidence": "再次"})
    assert again.status_code == 422 and "等待核实" in again.content.decode()
    office = client_of("office")
    decision = {"what": "closure", "id": closure.pk, "method": "现场"}
    office.post(url("decide", key, "20"), {**decision, "action": "return", "reason": ""})
    closure.refresh_from_db()
    assert closure.state == "pending"
    office.post(url("decide", key, "20"), {**decision, "method": "传真", "action": "pass"})
    closure.refresh_from_db()
    assert closure.state == "pending"
    office.post(url("decide", key, "20"), {**decision, "action": "return", "reason": "现场未完工"})
    closure.refresh_from_db()
    assert (closure.state, closure.reason) == ("returned", "现场未完工")
    mine = liaison.get(reverse("supervision:unit_home")).content.decode()
    assert "退办" in mine and "现场未完工" in mine
    liaison.post(url("closure_new", key, "20"), {"evidence": "已整改完毕"})
    second = Closure.objects.filter(item__number="20").latest("id")
    office.post(url("decide", key, "20"), {**decision, "id": second.pk, "action": "pass"})
    page = liaison.get(url("item_detail", key, "20")).content.decode()
    assert 'class="status status-done">已办结' in page
    assert url("report_new", key, "20") not in page  # a done item takes no more reports
    assert list(
        AuditEntry.objects.filter(
            action__startswith="supervision.closure", target=f"item:{key}/20"
        ).values_list("action", flat=True)
    ) == [
        "supervision.closure.applied",
        "supervision.closure.returned",
        "supervision.closure.applied",
        "supervision.closure.verified",
    ]


# --- my items -------------------------------------------------------------------------------


def test_my_items_by_status_and_what_waits_for_each_role(key: str) -> None:
    liaison = client_of("unit", "hualong")
    response = liaison.get(reverse("supervision:unit_home"))
    assert response.status_code == 200
    body = response.content.decode()
    numbers = {i.number for _n, _l, rows in response.context["groups"] for i, _s in rows}
    assert numbers == {i.number for i in selectors.unit_items(Unit.objects.get(code="hualong"))}
    assert "1" not in numbers and {"20", "14"} <= numbers
    assert 'class="status status-lagging">滞后' in body and "等待您处理" in body
    assert "需报送进展" in body  # a due-soon item waits for its report
    liaison.post(url("report_new", key, "20"), report_data())
    office = client_of("office")
    office_page = office.get(reverse("supervision:unit_home")).content.decode()
    assert "待审核的报告" in office_page
    leader = client_of("leader")
    assert "待点评的报告" in leader.get(reverse("supervision:unit_home")).content.decode()
    english = liaison.get(reverse("supervision:unit_home"), HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "My items" in text and "Waiting for you" in text and "等待您处理" not in text


def test_the_report_page_in_english(key: str) -> None:
    body = (
        client_of("unit", "hualong")
        .get(url("report_new", key, "20"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    for words in ("Progress report", "What was done", "Next steps", "File the report", "On track"):
        assert words in body, words
    assert "填报" not in body


# --- one home for upload checks -------------------------------------------------------------


def test_slides_and_attachments_share_one_content_check() -> None:
    from pingyi.appraisal import slides

    assert slides.sniff is uploads.sniff
    assert uploads.sniff(io.BytesIO(PDF_BYTES), (uploads.PPTX,)) is None  # not allowed here
    assert uploads.sniff(io.BytesIO(ooxml("ppt", macro=True)), (uploads.PPTX,)) is None
    pptx = uploads.sniff(io.BytesIO(ooxml("ppt")), (uploads.PDF, uploads.PPTX))
    assert pptx is not None and pptx.extension == "pptx"
    assert uploads.safe_filename("C:\\x\\..\\报告 (1).exe", "pdf") == "报告_1.pdf"


def test_the_home_page_shows_my_items_by_status_and_what_waits(key: str) -> None:
    liaison = client_of("unit", "hualong")
    body = liaison.get(reverse("core:home")).content.decode()
    mine = liaison.get(reverse("supervision:unit_home")).context
    waiting = len(mine["waiting"])
    assert f"{waiting} 件事等待您处理。" in body
    assert reverse("supervision:unit_home") in body
    for name, label, rows in mine["groups"]:
        if rows:
            assert (
                f'<span class="status status-{name}">{label}</span> <strong>{len(rows)}</strong>'
                in body
            )
    english = liaison.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{waiting} things wait for you." in english and "My items" in english
    # an account that sees no item: nothing by status, nothing waits
    viewer_of_nothing = client_of("unit", "nanle")
    Item.objects.filter(lead_unit__code="nanle").delete()
    for item in Item.objects.filter(co_units__code="nanle"):
        item.co_units.remove(Unit.objects.get(code="nanle"))
    body = viewer_of_nothing.get(reverse("core:home")).content.decode()
    assert "0 件事等待您处理。" in body and "home-statuses" not in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["return", "accept"])
def test_two_office_decisions_at_once_decide_a_report_once(
    key: str, monkeypatch: pytest.MonkeyPatch, second: str
) -> None:
    """Two office clerks press accept and return (or accept twice) at the same moment: the
    report's row is locked, so the second sees it decided and writes nothing. Both requests are
    held just before the state check until the other arrives (or 1 s passes): without the
    lock both would pass it and both decisions would be written."""
    import threading

    from django.db import connection

    from pingyi.supervision import services

    client_of("unit", "hualong").post(url("report_new", key, "20"), report_data())
    report = Report.objects.filter(item__number="20").latest("id")
    clerks = [client_of("office")]
    clerks.append(Client())
    clerks[1].force_login(User.objects.get(username="u-office-None"))
    barrier = threading.Barrier(2)
    check = services._pending_report

    def held(report: Report) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        check(report)

    monkeypatch.setattr(services, "_pending_report", held)
    answers: list[int] = []

    def press(client: Client, action: str) -> None:
        try:
            body = {"what": "report", "action": action, "id": report.pk, "reason": "不实"}
            answers.append(client.post(url("decide", key, "20"), body).status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(clerks[0], "accept")),
        threading.Thread(target=press, args=(clerks[1], second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [302, 302]
    decisions = AuditEntry.objects.filter(
        target=f"item:{key}/20",
        action__in=["supervision.report.accepted", "supervision.report.returned"],
    ).filter(data__contains=str(report.pk))
    assert decisions.count() == 1
    report.refresh_from_db()
    assert report.state in ("accepted", "returned")
