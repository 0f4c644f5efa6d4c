"""The weekly bulletin (周通报) as a Word document (.docx, python-docx), the format offices
circulate: A4, the title, real headings (Word's "Heading 1/2" styles: the navigation pane
and a table of contents see them), ruled tables, and the page number in the footer (a PAGE
field: "第 N 页"). Body text is 仿宋_GB2312 and headings 黑体, set as the East Asian font
(``w:eastAsia``, with ``w:hint="eastAsia"``), Latin text in Times New Roman, and the
document's East Asian language is zh-CN (``w:themeFontLang``); the font table names each
with an alternative (仿宋, SimHei) and the GB2312 character set: a computer without those
fonts substitutes its own Chinese face (Word's and LibreOffice's font substitution), so the
text renders everywhere; no glyph is embedded, Chinese stays text. These conventions,
shared with the on-site office's minutes, live in :mod:`pingyi.supervision.official_docx`.

The document is an official Chinese document: its words are Chinese in every interface
language. It is made from the bulletin's frozen figures and the office's text
(``weekly.data_of``), so an issued bulletin prints the same every time.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from pingyi.supervision.official_docx import RED, page_number, para, styles, table
from pingyi.supervision.selectors_weekly import COLOUR_WORDS, STATUS_WORDS

ISSUER = "督查室"


def week_words(data: dict[str, Any]) -> str:
    """``2026年第41周（10月5日—10月11日）``"""
    year, week = str(data["week"]).split("-W")
    monday, sunday = data["monday"].split("-"), data["sunday"].split("-")
    return (
        f"{year}年第{int(week)}周（{int(monday[1])}月{int(monday[2])}日—"
        f"{int(sunday[1])}月{int(sunday[2])}日）"
    )


def sections(data: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]], list[str]]]:
    """The bulletin's parts, shared by the .docx and the PDF: (heading, table header, table
    rows, paragraphs after the table)."""
    parts = []
    units = data.get("units", [])
    sheet = data.get("sheet")
    if sheet:
        lead = (
            f"本周交办事项{sheet['items']}项，报送时限{sheet['deadline']}。"
            "按时报送率＝按时报送数÷应报送数。"
        )
    else:
        lead = "本周未下发交办单。"
    parts.append(
        (
            "一、进展报送情况",
            ["名次", "单位", "应报", "按时", "迟报", "未报", "按时报送率"],
            [
                [
                    str(u["rank"]),
                    u["name"],
                    str(u["owed"]),
                    str(u["on_time"]),
                    str(u["late"]),
                    str(u["missing"]),
                    f"{u['percent']}%",
                ]
                for u in units
            ],
            [lead],
        )
    )
    statuses = data.get("statuses", [])
    parts.append(
        (
            "二、事项推进情况",
            ["状态", "事项数"],
            [[STATUS_WORDS.get(s["status"], s["status"]), str(s["count"])] for s in statuses],
            [f"截至{data.get('as_of', '')}，共有事项{sum(s['count'] for s in statuses)}项。"],
        )
    )
    notices = data.get("notices", {})
    issued = notices.get("issued", {})
    censured = notices.get("censured", [])
    words = "，".join(f"{COLOUR_WORDS[c]}{issued.get(c, 0)}件" for c in ("blue", "yellow", "red"))
    parts.append(
        (
            "三、督办情况",
            ["通报督办单", "事项", "责任单位"] if censured else [],
            [[n["number"], f"{n['item']} {n['title']}", "、".join(n["units"])] for n in censured],
            [
                f"本周发出{words}；升级{notices.get('escalated', 0)}件；"
                f"逾期未回复予以通报{len(censured)}件。"
            ],
        )
    )
    comments = data.get("comments", [])
    parts.append(
        (
            "四、领导点评",
            ["事项", "单位", "点评", "意见", "点评人"] if comments else [],
            [
                [f"{c['item']} {c['title']}", c["unit"], c["rating"], c["comment"], c["leader"]]
                for c in comments
            ],
            [] if comments else ["本周无点评。"],
        )
    )
    best, worst = data.get("best", []), data.get("worst", [])
    parts.append(
        (
            "五、本周表扬与通报",
            [],
            [],
            [
                "表扬：" + ("、".join(best) if best else "无") + "（按时报送率最高）。",
                "通报：" + ("、".join(worst) if worst else "无") + "（按时报送率最低）。",
            ],
        )
    )
    return parts


#: column widths (mm) of each part's table
WIDTHS = {
    "一、进展报送情况": [12, 50, 16, 16, 16, 16, 30],
    "二、事项推进情况": [78, 78],
    "三、督办情况": [40, 78, 38],
    "四、领导点评": [48, 30, 14, 38, 26],
}


def bulletin_docx(data: dict[str, Any]) -> bytes:
    """The bulletin as .docx bytes. ``data``: ``weekly.data_of(bulletin)``."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    styles(doc)
    page_number(section)
    props = doc.core_properties
    props.title = f"督查工作周通报 {data['week']}"
    props.author = ISSUER
    props.language = "zh-CN"
    doc.add_paragraph("督查工作周通报", style="Title")
    sub = doc.add_paragraph(week_words(data))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not data.get("issued"):
        mark = doc.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run("（草稿）")
        run.font.color.rgb = RED
    if data.get("intro"):
        para(doc, data["intro"])
    for heading, header, rows, paragraphs in sections(data):
        doc.add_heading(heading, level=1)
        for text in paragraphs:
            para(doc, text)
        if header and rows:
            table(doc, header, rows, WIDTHS[heading][: len(header)])
    if data.get("remarks"):
        doc.add_heading("六、工作要求", level=1)
        para(doc, data["remarks"])
    end = doc.add_paragraph(ISSUER)
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    end.paragraph_format.space_before = Pt(24)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
