"""The on-site office's pages (supervision/views_onsite.py): the office records a meeting with
its problems (a bad row is a form error and nothing is written), a problem's page offers the
similar open problems and takes one decision for the batch, the minutes (.docx, opened with
python-docx: real headings, the table, names, decisions, the page field, 仿宋/黑体), and who
sees what: a liaison only its unit's problems, never the minutes; leaders read, never batch."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from pingyi.accounts.models import User
from pingyi.orgs.demo import load_demo_units
from pingyi.supervision import onsite
from pingyi.supervision.models import Item, OnsiteMeeting, Problem, ProblemBatch
from pingyi.supervision.onsite import FIRST_STEP, MeetingSpec, ProblemRow

pytestmark = pytest.mark.django_db
PASSWORD = "x-Strong-pass-1"


def as_(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    load_demo_units()
    meeting = onsite.meeting_record(
        MeetingSpec(
            title="2026年11月现场办公会",
            held_on=date(2026, 11, 18),
            place="濮阳工业园区",
            leader="李明",
            attendees="市发展改革委 市交通运输局 华龙区",
        ),
        [
            ProblemRow(
                unit="gongyeyuan",
                category="基础设施",
                description="园区内道路未打通，企业货车绕行",
                responsible="jtj",
                decision="市交通运输局牵头，12月底前打通",
                deadline="12月底前",
            ),
            ProblemRow(
                unit="puyang",
                category="基础设施",
                description="濮阳县产业集聚区规划路尚未打通，企业货运车辆绕行严重",
                responsible="jtj",
                deadline="年底前",
            ),
            ProblemRow(
                unit="nanle",
                category="基础设施",
                description="南乐县食品产业园规划道路未打通，制约企业落地",
                responsible="jtj",
                deadline="年底前",
            ),
            ProblemRow(
                unit="hualong",
                category="城市管理",
                description="华龙区人民医院周边停车难，车辆乱停乱放",
                responsible="zjj",
                deadline="3个月内",
            ),
        ],
    )
    users = {
        "office": User.objects.create_user("office1", password=PASSWORD, role="office"),
        "leader": User.objects.create_user("leader1", password=PASSWORD, role="leader"),
        "nanle": User.objects.create_user(
            "nanle1", password=PASSWORD, role="unit", unit_id=Problem.objects.get(number=3).unit_id
        ),
    }
    return {"meeting": meeting, "p": list(meeting.problems.order_by("number")), **users}


def test_the_office_records_a_meeting_with_its_problems(world) -> None:
    client = as_(world["office"])
    assert client.get(reverse("supervision:onsite_new")).status_code == 200
    form = {
        "title": "2026年12月现场办公会", "held_on": "2026-12-02", "place": "范县", "leader": "王强",
        "attendees": "市发展改革委", "summary": "",
        "p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0",
        "p-0-unit": "fanxian", "p-0-category": "要素保障", "p-0-description": "企业招工难",
        "p-0-responsible": "gxj", "p-0-deadline": "10个工作日内",
        "p-1-unit": "taiqian", "p-1-category": "要素保障", "p-1-description": "羽绒企业缝纫工短缺",
        "p-1-responsible": "gxj", "p-1-decision": "市工信局组织专场招聘",
    }  # fmt: skip
    response = client.post(reverse("supervision:onsite_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = OnsiteMeeting.objects.get(title="2026年12月现场办公会")
    assert meeting.problems.count() == 2  # the empty third row is skipped
    # a bad row: the problem is missing; a unit that is no unit — form errors, nothing written
    bad = {**form, "title": "坏", "p-1-description": "", "p-0-unit": "nowhere"}
    response = client.post(reverse("supervision:onsite_new"), bad)
    assert response.status_code == 422
    assert not OnsiteMeeting.objects.filter(title="坏").exists()
    assert Item.objects.count() == 6


def test_the_problem_page_offers_the_similar_ones_and_takes_one_decision(world) -> None:
    anchor, road2, road3, parking = world["p"]
    client = as_(world["office"])
    page = client.get(reverse("supervision:onsite_problem", args=[road2.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{road3.pk}" id="member-{road3.pk}" checked' in body
    assert f'value="{anchor.pk}"' in body
    assert "停车难" not in body  # another category
    url = reverse("supervision:onsite_batch", args=[road2.pk])
    # the decision is missing: a form error, nothing written
    refused = client.post(url, {"member": [road3.pk], "decision": " ", "decided_by": "李明"})
    assert refused.status_code == 422 and not ProblemBatch.objects.exists()
    # another category slipped in: refused whole, named
    refused = client.post(
        url, {"member": [road3.pk, parking.pk], "decision": "打通", "decided_by": "李明"}
    )
    assert refused.status_code == 422 and "城市管理" in refused.content.decode()
    assert not ProblemBatch.objects.exists()
    done = client.post(
        url,
        {"member": [road3.pk, anchor.pk], "decision": "市交通运输局统筹打通", "decided_by": "李明"},
    )
    assert done.status_code == 302
    batch = ProblemBatch.objects.get()
    assert set(batch.problems.values_list("pk", flat=True)) == {anchor.pk, road2.pk, road3.pk}
    for p in (road2, road3):
        assert Item.objects.get(pk=p.item_id).milestones.get(text=FIRST_STEP).done_on is not None
    shown = client.get(reverse("supervision:onsite_problem", args=[road2.pk])).content.decode()
    assert "市交通运输局统筹打通" in shown and "Record the decision" not in shown


def test_the_minutes_docx(world) -> None:
    _anchor, road2, road3, _parking = world["p"]
    onsite.batch_decide(road2, [road3], decision="统筹打通断头路", decided_by="李明",
                        decided_on=date(2026, 11, 20))  # fmt: skip
    response = as_(world["office"]).get(
        reverse("supervision:onsite_minutes", args=[world["meeting"].pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.content))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "2026年11月现场办公会纪要") in styles
    assert sum(1 for s, _t in styles if s == "Heading 1") == 4
    assert sum(1 for s, _t in styles if s == "Heading 2") == 4
    text = "\n".join(t for _s, t in styles)
    assert "主持：李明" in text and "地点：濮阳工业园区" in text and "华龙区" in text
    assert "办理意见：市交通运输局牵头，12月底前打通" in text
    assert "办理意见：（批处理）统筹打通断头路" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "提出单位",
        "问题",
        "办理意见",
        "责任单位",
        "完成时限",
    ]
    assert [c.text for c in table.rows[4].cells][1:3] == [
        "华龙区",
        "华龙区人民医院周边停车难，车辆乱停乱放",
    ]
    assert table.rows[4].cells[4].text == "市住房和城乡建设局"
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer
    xml = doc.element.xml + doc.styles.element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="黑体"' in xml


def test_who_sees_what(world) -> None:
    meeting = world["meeting"]
    anchor, _road2, road3, _parking = world["p"]
    liaison = as_(world["nanle"])
    assert liaison.get(reverse("supervision:onsite_index")).status_code == 200
    page = liaison.get(reverse("supervision:onsite_meeting", args=[meeting.pk])).content.decode()
    assert "南乐县食品产业园" in page and "园区内道路未打通" not in page  # its unit's only
    assert liaison.get(reverse("supervision:onsite_problem", args=[road3.pk])).status_code == 200
    shown = liaison.get(reverse("supervision:onsite_problem", args=[road3.pk])).content.decode()
    assert "园区内道路未打通" not in shown  # no similar list: other units' problems
    assert liaison.get(reverse("supervision:onsite_problem", args=[anchor.pk])).status_code == 403
    assert liaison.get(reverse("supervision:onsite_minutes", args=[meeting.pk])).status_code == 403
    assert liaison.get(reverse("supervision:onsite_new")).status_code == 403
    url = reverse("supervision:onsite_batch", args=[road3.pk])
    assert (
        liaison.post(url, {"member": [anchor.pk], "decision": "x", "decided_by": "x"}).status_code
        == 403
    )
    leader = as_(world["leader"])
    shown = leader.get(reverse("supervision:onsite_problem", args=[road3.pk])).content.decode()
    assert "园区内道路未打通" in shown and 'name="member"' not in shown
    assert (
        leader.post(url, {"member": [anchor.pk], "decision": "x", "decided_by": "x"}).status_code
        == 403
    )
    assert leader.get(reverse("supervision:onsite_minutes", args=[meeting.pk])).status_code == 200
    assert not ProblemBatch.objects.exists()
    assert Client().get(reverse("supervision:onsite_index")).status_code == 302
    assert (
        as_(world["office"]).get(reverse("supervision:onsite_problem", args=[987654])).status_code
        == 404
    )
