"""The minutes (纪要) of an on-site office meeting as a Word document (.docx, python-docx):
the title, the date, place, chair and attendees, the summary, then each problem with the unit
that raised it, the decision (a batch's decision when it was decided by batch), the
responsible unit and the deadline — as a ruled table whose header repeats on every page, and
problem by problem under real headings (Heading 1/2, so Word's navigation pane and a table of
contents see them) — and the page number in the footer (a PAGE field: 第 N 页).

Body text is 仿宋_GB2312, headings 黑体, as the East Asian font (``w:eastAsia``) with
``w:hint="eastAsia"`` and the document's East Asian language zh-CN declared, so a computer
without those fonts substitutes a Chinese face (LibreOffice: Noto CJK SC). Latin text is
Times New Roman. These conventions, shared with the weekly bulletin, live in
:mod:`pingyi.supervision.official_docx`.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Mm

from pingyi.supervision.models import OnsiteMeeting, Problem
from pingyi.supervision.official_docx import page_number, para, styles, table


def decision_of(problem: Problem, *, mark: bool = True) -> str:
    """The decision a problem goes by: its batch's (marked （批处理） unless ``mark`` is
    false, for pages that show the mark as a tag), else the meeting's, else 待定."""
    if problem.batch is not None:
        return f"（批处理）{problem.batch.decision}" if mark else problem.batch.decision
    return problem.decision or "待研究提出办理意见"


def _table(doc: object, problems: list[Problem]) -> None:
    rows = [
        [
            str(p.number),
            p.unit.name,
            p.description,
            decision_of(p),
            p.responsible_unit.name,
            p.deadline_text or "—",
        ]
        for p in problems
    ]
    table(
        doc,
        ["序号", "提出单位", "问题", "办理意见", "责任单位", "完成时限"],
        rows,
        [14.0, 30.0, 70.0, 80.0, 36.0, 27.0],  # 257 mm: A4 landscape within its margins
        size=10.5,
        line_spacing=18,
        fixed=True,
    )


def minutes_docx(meeting: OnsiteMeeting) -> bytes:
    problems = list(
        meeting.problems.select_related("unit", "responsible_unit", "batch").order_by("number")
    )
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(297), Mm(210)  # A4 landscape: the table
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    styles(doc)
    page_number(section)
    doc.add_paragraph(f"{meeting.title}纪要", style="Title")
    day = meeting.held_on
    doc.add_heading("一、会议基本情况", level=1)
    para(doc, f"时间：{day.year}年{day.month}月{day.day}日", indent=False)
    para(doc, f"地点：{meeting.place}", indent=False)
    para(doc, f"主持：{meeting.leader}", indent=False)
    para(doc, f"参会：{'、'.join(meeting.attendees.split()) or '—'}", indent=False)
    if meeting.summary:
        para(doc, meeting.summary)
    batched = sum(1 for p in problems if p.batch_id)
    para(
        doc,
        f"会议现场研究企业和群众反映的问题{len(problems)}个，其中按批处理决定办理{batched}个。"
        "现将议定事项纪要如下：",
    )
    doc.add_heading("二、问题交办清单", level=1)
    _table(doc, problems)
    doc.add_heading("三、议定事项", level=1)
    for p in problems:
        doc.add_heading(f"（{p.number}）{p.unit.name}：{p.description}", level=2)
        para(doc, f"办理意见：{decision_of(p)}")
        para(doc, f"责任单位：{p.responsible_unit.name}；完成时限：{p.deadline_text or '—'}。")
    doc.add_heading("四、工作要求", level=1)
    para(
        doc,
        "各责任单位要对照交办清单，逐项明确措施、倒排工期，按时限办结；督查室纳入重要问题清单"
        "跟踪督办，每周调度进展，按点办理、按批处理的办结情况定期通报。",
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
