"""The minutes (纪要) of an on-site office meeting as a Word document (.docx, python-docx):
the title, the date, place, chair and attendees, the summary, then each problem with the unit
that raised it, the decision (a batch's decision when it was decided by batch), the
responsible unit and the deadline — as a ruled table whose header repeats on every page, and
problem by problem under real headings (Heading 1/2, so Word's navigation pane and a table of
contents see them) — and the page number in the footer (a PAGE field: 第 N 页).

Body text is 仿宋_GB2312, headings 黑体, as the East Asian font (``w:eastAsia``) with
``w:hint="eastAsia"`` and the document's East Asian language zh-CN declared, so a computer
without those fonts substitutes a Chinese face (LibreOffice: Noto CJK SC). Latin text is
Times New Roman.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from pingyi.supervision.models import OnsiteMeeting, Problem

BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋_GB2312", "黑体", "Times New Roman"
RED = RGBColor(0xC0, 0x1A, 0x14)


def _fonts(element: Any, east_asia: str) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    normal.font.name = LATIN_FONT
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(26)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = name != "Title"
        style.font.color.rgb = RED if name == "Title" else RGBColor(0, 0, 0)
        style.font.name = LATIN_FONT
        _fonts(style.element, HEADING_FONT)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
    title = doc.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_number(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    begin, instr, sep, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    sep.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    shown = OxmlElement("w:t")
    shown.text = "1"
    for element in (begin, instr, sep, shown, end):
        run._r.append(element)
    paragraph.add_run(" 页")


def decision_of(problem: Problem, *, mark: bool = True) -> str:
    """The decision a problem goes by: its batch's (marked （批处理） unless ``mark`` is
    false, for pages that show the mark as a tag), else the meeting's, else 待定."""
    if problem.batch is not None:
        return f"（批处理）{problem.batch.decision}" if mark else problem.batch.decision
    return problem.decision or "待研究提出办理意见"


def _table(doc: Any, problems: list[Problem]) -> None:
    header = ["序号", "提出单位", "问题", "办理意见", "责任单位", "完成时限"]
    widths = [14.0, 30.0, 70.0, 80.0, 36.0, 27.0]  # 257 mm: A4 landscape within its margins
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _fonts(run._r, HEADING_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    trpr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for p in problems:
        values = [
            str(p.number),
            p.unit.name,
            p.description,
            decision_of(p),
            p.responsible_unit.name,
            p.deadline_text or "—",
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    # fixed widths in the grid and in every cell: Word and LibreOffice both follow them
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.line_spacing = Pt(18)
                for r in paragraph.runs:
                    r.font.size = Pt(10.5)


def _para(doc: Any, text: str, *, indent: bool = True) -> None:
    for line in text.splitlines() or [""]:
        p = doc.add_paragraph(line)
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)


def minutes_docx(meeting: OnsiteMeeting) -> bytes:
    problems = list(
        meeting.problems.select_related("unit", "responsible_unit", "batch").order_by("number")
    )
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(297), Mm(210)  # A4 landscape: the table
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    _styles(doc)
    _page_number(section)
    doc.add_paragraph(f"{meeting.title}纪要", style="Title")
    day = meeting.held_on
    doc.add_heading("一、会议基本情况", level=1)
    _para(doc, f"时间：{day.year}年{day.month}月{day.day}日", indent=False)
    _para(doc, f"地点：{meeting.place}", indent=False)
    _para(doc, f"主持：{meeting.leader}", indent=False)
    _para(doc, f"参会：{'、'.join(meeting.attendees.split()) or '—'}", indent=False)
    if meeting.summary:
        _para(doc, meeting.summary)
    batched = sum(1 for p in problems if p.batch_id)
    _para(
        doc,
        f"会议现场研究企业和群众反映的问题{len(problems)}个，其中按批处理决定办理{batched}个。"
        "现将议定事项纪要如下：",
    )
    doc.add_heading("二、问题交办清单", level=1)
    _table(doc, problems)
    doc.add_heading("三、议定事项", level=1)
    for p in problems:
        doc.add_heading(f"（{p.number}）{p.unit.name}：{p.description}", level=2)
        _para(doc, f"办理意见：{decision_of(p)}")
        _para(doc, f"责任单位：{p.responsible_unit.name}；完成时限：{p.deadline_text or '—'}。")
    doc.add_heading("四、工作要求", level=1)
    _para(
        doc,
        "各责任单位要对照交办清单，逐项明确措施、倒排工期，按时限办结；督查室纳入重要问题清单"
        "跟踪督办，每周调度进展，按点办理、按批处理的办结情况定期通报。",
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
