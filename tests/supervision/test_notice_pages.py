"""The notice pages (supervision/views_notices.py): the office's board (filters by colour,
unit and state; open notices counted by colour), the office's sweep button, a notice's page
(timeline from the audit trail, replies, accept / return), the liaison's inbox (its unit's
notices only; 403 on any other), 签收 once, the reply form's refusals named (empty text, a
.exe renamed .pdf) with nothing written, and the printable 督办单 (A4, Chinese text)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitKind
from pingyi.supervision import selectors, services
from pingyi.supervision.models import (
    Attachment,
    Item,
    Notice,
    NoticeReply,
    ReplyState,
    SupervisionList,
    Sweep,
)
from pingyi.supervision.notices import sweep

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def world(
    unit_hualong: Unit,
    unit_puyang: Unit,
    office_user: Any,
    leader_user: Any,
    viewer_user: Any,
    liaison_a: Any,
    liaison_b: Any,
) -> dict[str, Any]:
    """Today's sweep over: item 1 (华龙区 leads, 濮阳县 co-unit) overdue → a red 督办单 to
    华龙区 only; item 2 (濮阳县 leads, 华龙区 co-unit) due in 2 working days → a blue 提醒
    to both; item 3 (清丰县) just assigned, due in 300 days → nothing."""
    today = timezone.localdate()
    other = Unit.objects.create(code="qingfeng", name="清丰县", kind=UnitKind.COUNTY, order=3)
    the_list = SupervisionList.objects.create(
        key="nt", kind="tasks", name="重点工作任务清单", year=today.year,
        assigned_on=today - timedelta(days=1),
    )
    w = selectors.working_days()
    overdue = Item.objects.create(
        supervision_list=the_list, number="1", position=1, title="推进濮阳东站综合交通枢纽建设",
        lead_unit=unit_hualong, leader="李明", kind="date", due=today - timedelta(days=10),
        deadline_text="限期完成",
    )
    overdue.co_units.add(unit_puyang)
    soon = Item.objects.create(
        supervision_list=the_list, number="2", position=2, title="老旧小区改造",
        lead_unit=unit_puyang, kind="date", due=w.add_working_days(today, 2),
    )
    soon.co_units.add(unit_hualong)
    services.report_file(soon, unit=unit_puyang, reported_on=today, percent=99, accepted=True)
    Item.objects.create(
        supervision_list=the_list, number="3", position=3, title="营商环境", lead_unit=other,
        kind="date", due=today + timedelta(days=300),
    )
    summary = sweep(today)
    assert summary.issued["red"] == 1 and summary.issued["blue"] == 1, summary.as_json()
    return {
        "today": today,
        "red": Notice.objects.get(colour="red"),
        "blue": Notice.objects.get(colour="blue"),
        "office": office_user,
        "leader": leader_user,
        "viewer": viewer_user,
        "liaison_a": liaison_a,
        "liaison_b": liaison_b,
    }


def as_(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(notice: Notice) -> str:
    return reverse("supervision:notice_detail", kwargs={"pk": notice.pk})


def action(name: str, notice: Notice) -> str:
    return reverse(f"supervision:{name}", kwargs={"pk": notice.pk})


BOARD = "/supervision/notices/"


# --- the board ---------------------------------------------------------------------------


def test_the_board_shows_colour_and_word_number_item_units_and_counts(world) -> None:
    response = as_(world["office"]).get(reverse("supervision:notice_board"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "红色督办单" in body and "蓝色提醒" in body  # never colour alone
    assert 'class="status status-overdue"' in body and 'class="status status-due_soon"' in body
    assert world["red"].number in body
    assert reverse("supervision:item_detail", kwargs={"key": "nt", "number": "1"}) in body
    assert "濮阳县、华龙区" in body  # the blue one's units by name, lead unit first
    assert dict(response.context["colours"]) == {"blue": 1, "yellow": 0, "red": 1}
    red_row = next(r for r in response.context["rows"] if r.notice == world["red"])
    assert red_row.state == "待签收"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("colour=red", {"red"}),
        ("colour=blue", {"blue"}),
        ("colour=yellow", set()),
        ("unit=puyang", {"blue"}),  # the red one is addressed to 华龙区 only
        ("unit=hualong", {"red", "blue"}),
        ("state=unacknowledged", {"red"}),
        ("state=open", {"red", "blue"}),
        ("state=closed", set()),
        ("state=censured", set()),
        ("state=reply_pending", set()),
        ("colour=purple&state=nonsense&unit=nobody", {"red", "blue"}),  # unknown: no filter
    ],
)
def test_the_board_filters(world, query, expected) -> None:
    response = as_(world["office"]).get(f"{BOARD}?{query}")
    assert response.status_code == 200
    assert {r.notice.colour for r in response.context["rows"]} == expected


def test_late_marks_censure_and_closed_on_the_board(world) -> None:
    """签收 and the reply past their dues are marked 逾期 (a late 签收 stays late once made); a
    通报 shows its badge and its filter; a closed notice is not late and leaves 'open'."""
    red, blue, today = world["red"], world["blue"], world["today"]
    office = as_(world["office"])

    def red_row() -> Any:
        rows = office.get(BOARD).context["rows"]
        return next(r for r in rows if r.notice == red)

    assert (red_row().ack_late, red_row().reply_late) == (False, False)
    Notice.objects.filter(pk=red.pk).update(
        acknowledge_by=today - timedelta(days=3), reply_by=today - timedelta(days=1),
        censured_on=today,
    )
    assert (red_row().ack_late, red_row().reply_late) == (True, True)
    body = office.get(BOARD).content.decode()
    assert body.count('class="tag late"') == 2 and 'class="tag censured"' in body
    assert [r.notice for r in office.get(f"{BOARD}?state=censured").context["rows"]] == [red]
    as_(world["liaison_a"]).post(action("notice_acknowledge", red))
    assert red_row().ack_late  # acknowledged today, after its due: still late
    Notice.objects.filter(pk=blue.pk).update(closed_on=today, close_reason="resolved")
    closed = office.get(f"{BOARD}?state=closed").context["rows"]
    assert [(r.notice, r.state) for r in closed] == [(blue, "已关闭：已解除")]
    assert blue not in [r.notice for r in office.get(f"{BOARD}?state=open").context["rows"]]
    assert dict(office.get(BOARD).context["colours"]) == {"blue": 0, "yellow": 0, "red": 1}


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_leaders_and_viewers_read_the_board_without_the_sweep(world, role) -> None:
    response = as_(world[role]).get(BOARD)
    assert response.status_code == 200
    assert reverse("supervision:notice_sweep") not in response.content.decode()
    assert as_(world[role]).post(reverse("supervision:notice_sweep")).status_code == 403
    assert as_(world[role]).get(reverse("supervision:notice_sweep")).status_code == 403


@pytest.mark.parametrize("role", ["liaison_a", "liaison_b"])
def test_a_liaison_does_not_read_the_board(world, role) -> None:
    assert as_(world[role]).get(BOARD).status_code == 403


def test_the_office_runs_the_sweep_after_confirming_and_sees_the_summary(world) -> None:
    office = as_(world["office"])
    confirm = office.get(reverse("supervision:notice_sweep"))
    assert confirm.status_code == 200
    assert Sweep.objects.count() == 1  # asking runs nothing
    response = office.post(reverse("supervision:notice_sweep"), follow=True)
    body = response.content.decode()
    day = world["today"].isoformat()
    assert f"{day} 巡查完成：共 3 个事项；下发蓝色 0 件、黄色 0 件、红色 0 件" in body
    assert "今日已巡查过，未作任何改动。" in body
    assert Notice.objects.count() == 2  # the same day again: nothing new
    assert Sweep.objects.count() == 1


# --- the inbox and who sees what -----------------------------------------------------------


def test_the_inbox_shows_only_the_units_notices_open_and_red_first(world) -> None:
    rows = as_(world["liaison_a"]).get(reverse("supervision:notice_inbox")).context["rows"]
    assert [r.notice.colour for r in rows] == ["red", "blue"]
    rows = as_(world["liaison_b"]).get(reverse("supervision:notice_inbox")).context["rows"]
    assert [r.notice.colour for r in rows] == ["blue"]


def test_another_units_liaison_gets_403_on_every_page_of_a_notice(world, tmp_path) -> None:
    red = world["red"]
    b = as_(world["liaison_b"])
    assert b.get(detail(red)).status_code == 403
    assert b.get(action("notice_pdf", red)).status_code == 403
    assert b.post(action("notice_acknowledge", red)).status_code == 403
    assert b.post(action("notice_reply", red), {"text": "越权回复"}).status_code == 403
    assert b.post(action("notice_decide", red), {"action": "accept"}).status_code == 403
    red.refresh_from_db()
    assert red.acknowledged_at is None and not NoticeReply.objects.exists()
    # a co-unit's liaison sees the blue notice but may not acknowledge what is not red
    assert b.get(detail(world["blue"])).status_code == 200
    assert as_(world["liaison_a"]).get(detail(world["blue"])).status_code == 200


def test_an_unknown_notice_is_404(world) -> None:
    assert as_(world["office"]).get("/supervision/notices/987654/").status_code == 404


def test_the_item_page_lists_its_notices_for_whoever_may_read_them(world) -> None:
    item_url = reverse("supervision:item_detail", kwargs={"key": "nt", "number": "1"})
    assert world["red"].number in as_(world["office"]).get(item_url).content.decode()
    assert world["red"].number in as_(world["liaison_a"]).get(item_url).content.decode()
    # 濮阳县 is a co-unit of item 1 (it sees the item) but the red notice is not addressed to it
    body = as_(world["liaison_b"]).get(item_url).content.decode()
    assert world["red"].number not in body


def test_what_waits_counts_notices_to_answer_and_replies_to_decide(world) -> None:
    """A liaison's red notice waits for it until it replies (again after a return); the
    reply then waits for the office until it decides."""

    def waits(role: str) -> list[str]:
        page = as_(world[role]).get(reverse("supervision:unit_home"))
        return [str(w.what) for w in page.context["waiting"]]

    assert waits("liaison_a").count("待回复的督办单") == 1
    assert "待回复的督办单" not in waits("liaison_b")  # the blue one asks no reply
    assert "待审核的督办回复" not in waits("office")
    answer = reply(world)
    assert "待回复的督办单" not in waits("liaison_a")
    assert waits("office").count("待审核的督办回复") == 1
    as_(world["office"]).post(
        action("notice_decide", world["red"]),
        {"id": answer.pk, "action": "return", "reason": "措施不具体"},
    )
    assert "待审核的督办回复" not in waits("office")
    assert waits("liaison_a").count("待回复的督办单") == 1


def test_the_home_page_counts_open_notices_by_colour(world) -> None:
    body = as_(world["office"]).get("/").content.decode()
    assert reverse("supervision:notice_board") in body
    assert "督办通知" in body
    counts = as_(world["liaison_b"]).get("/").context["supervision_home"]["notices"]
    assert counts == {"blue": 1, "yellow": 0, "red": 0}


# --- acknowledgement, reply, decision ------------------------------------------------------


def test_acknowledging_twice_changes_nothing_the_second_time(world) -> None:
    red, a = world["red"], as_(world["liaison_a"])
    a.post(action("notice_acknowledge", red))
    red.refresh_from_db()
    first = red.acknowledged_at
    assert first is not None
    response = a.post(action("notice_acknowledge", red), follow=True)
    assert "这份通知已经签收过了。" in response.content.decode()
    red.refresh_from_db()
    assert red.acknowledged_at == first
    acks = AuditEntry.objects.filter(action="supervision.notice.acknowledged")
    assert acks.count() == 1


def test_a_blue_notice_cannot_be_acknowledged(world) -> None:
    blue = world["blue"]
    response = as_(world["liaison_b"]).post(action("notice_acknowledge", blue), follow=True)
    assert response.status_code == 200
    blue.refresh_from_db()
    assert blue.acknowledged_at is None


def test_an_empty_reply_is_named_and_nothing_is_written(world) -> None:
    response = as_(world["liaison_a"]).post(action("notice_reply", world["red"]), {"text": "  "})
    assert response.status_code == 422
    assert "回复" in response.content.decode()
    assert response.context["form"].errors["text"]
    assert not NoticeReply.objects.exists()


def test_an_exe_renamed_pdf_is_refused_by_name_and_nothing_is_written(world) -> None:
    red = world["red"]
    files = [
        SimpleUploadedFile("说明.pdf", PDF_BYTES, "application/pdf"),
        SimpleUploadedFile("整改方案.pdf", EXE_BYTES, "application/pdf"),
    ]
    response = as_(world["liaison_a"]).post(
        action("notice_reply", red), {"text": "已制定整改方案", "attachments": files}
    )
    assert response.status_code == 422
    assert "整改方案.pdf" in response.content.decode()
    assert not NoticeReply.objects.exists()
    assert not Attachment.objects.exists()
    red.refresh_from_db()
    assert red.acknowledged_at is None  # the refused reply acknowledged nothing either


def test_six_attachments_are_refused(world) -> None:
    files = [SimpleUploadedFile(f"{i}.pdf", PDF_BYTES, "application/pdf") for i in range(6)]
    response = as_(world["liaison_a"]).post(
        action("notice_reply", world["red"]), {"text": "说明", "attachments": files}
    )
    assert response.status_code == 422
    assert not NoticeReply.objects.exists()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def reply(world: dict[str, Any], text: str = "资金已到位，11月底前完成") -> NoticeReply:
    red = world["red"]
    response = as_(world["liaison_a"]).post(
        action("notice_reply", red),
        {"text": text, "attachments": [pdf("说明.pdf")]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return NoticeReply.objects.get(notice=red, state=ReplyState.PENDING)


def test_the_office_accepts_a_reply_and_the_timeline_tells_it(world) -> None:
    answer = reply(world)
    red, office = world["red"], as_(world["office"])
    pending = office.get(f"{BOARD}?state=reply_pending").context["rows"]
    assert [r.notice for r in pending] == [red]
    page = office.get(detail(red)).content.decode()
    file = answer.attachments.get()
    file_url = reverse("supervision:notice_attachment", kwargs={"pk": red.pk, "file_pk": file.pk})
    assert file_url in page
    download = office.get(file_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert as_(world["liaison_b"]).get(file_url).status_code == 403
    office.post(action("notice_decide", red), {"id": answer.pk, "action": "accept"})
    answer.refresh_from_db()
    assert answer.state == ReplyState.ACCEPTED
    trail = [s.title for s in office.get(detail(red)).context["trail"]]
    assert trail == ["已下发", "已回复", "回复已采纳"]


def test_a_replys_attachment_is_not_served_by_the_items_attachment_route(world) -> None:
    """濮阳县 is a co-unit of item 1 (it sees the item and its reports' files) but the red
    notice is not addressed to it: its reply's file is not served through the item."""
    answer = reply(world)
    file = answer.attachments.get()
    item_route = reverse(
        "supervision:attachment", kwargs={"key": "nt", "number": "1", "pk": file.pk}
    )
    assert as_(world["liaison_b"]).get(item_route).status_code == 404
    assert as_(world["office"]).get(item_route).status_code == 404
    notice_route = reverse(
        "supervision:notice_attachment", kwargs={"pk": world["red"].pk, "file_pk": file.pk}
    )
    assert as_(world["liaison_a"]).get(notice_route).status_code == 200
    assert as_(world["liaison_b"]).get(notice_route).status_code == 403


def test_returning_needs_a_reason_and_the_liaison_sees_it_and_replies_again(world) -> None:
    answer = reply(world)
    red, office = world["red"], as_(world["office"])
    office.post(action("notice_decide", red), {"id": answer.pk, "action": "return", "reason": ""})
    answer.refresh_from_db()
    assert answer.state == ReplyState.PENDING  # no reason: refused, nothing written
    office.post(
        action("notice_decide", red),
        {"id": answer.pk, "action": "return", "reason": "措施不具体"},
    )
    answer.refresh_from_db()
    assert answer.state == ReplyState.RETURNED
    page = as_(world["liaison_a"]).get(detail(red))
    assert "措施不具体" in page.content.decode()
    assert page.context["may_reply"]
    reply(world, "补充具体措施")
    assert NoticeReply.objects.filter(notice=red).count() == 2


def test_a_liaison_cannot_decide_nor_reply_twice_while_one_awaits(world) -> None:
    answer = reply(world)
    a = as_(world["liaison_a"])
    assert a.post(action("notice_decide", world["red"]),
                  {"id": answer.pk, "action": "accept"}).status_code == 403
    response = a.post(action("notice_reply", world["red"]), {"text": "再次回复"})
    assert response.status_code == 422
    assert NoticeReply.objects.count() == 1


def test_a_reply_of_another_notice_is_404(world) -> None:
    answer = reply(world)
    response = as_(world["office"]).post(
        action("notice_decide", world["blue"]), {"id": answer.pk, "action": "accept"}
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.state == ReplyState.PENDING


# --- the printable 督办单 ---------------------------------------------------------------------


def test_the_red_notice_prints_as_an_a4_pdf_in_chinese(world, tmp_path: Path) -> None:
    red = world["red"]
    response = as_(world["liaison_a"]).get(action("notice_pdf", red))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:  # pragma: no cover
        pytest.skip("poppler-utils is missing")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    compact = "".join(text.split())
    for words in ("督办单", red.number, "推进濮阳东站综合交通枢纽建设", "华龙区", "濮阳县",
                  "李明", "签收时限", "回复时限", "签收人", "督查室（盖章）"):
        assert words in compact, (words, text)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    assert "Pages:           1" in info.stdout


def test_a_blue_notice_has_no_pdf(world) -> None:
    assert as_(world["office"]).get(action("notice_pdf", world["blue"])).status_code == 404


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_sweeps_its_history_once_with_a_reply_awaiting_and_a_censure(db) -> None:
    from pingyi.orgs.demo import load_demo_units
    from pingyi.supervision.demo import load_demo_list
    from pingyi.supervision.demo_notices import load_demo_notices

    load_demo_units()
    load_demo_list()
    today = timezone.localdate()
    assert Sweep.objects.count() == 11  # 10 working days back, then today
    assert Sweep.objects.order_by("-day").first().day == today
    pending = NoticeReply.objects.filter(state=ReplyState.PENDING)
    assert pending.count() == 1 and pending.get().notice.colour == "red"
    assert Notice.objects.filter(censured_on__isnull=False).exists()
    before = (Notice.objects.count(), NoticeReply.objects.count(), AuditEntry.objects.count())
    load_demo_list()
    load_demo_notices(today)
    after = (Notice.objects.count(), NoticeReply.objects.count(), AuditEntry.objects.count())
    assert after == before
