"""The weekly bulletin (周通报) as a Word document (.docx, python-docx), the format offices
circulate: A4, the title, real headings (Word's "Heading 1/2" styles: the navigation pane
and a table of contents see them), ruled tables, and the page number in the footer (a PAGE
field: "第 N 页"). Body text is 仿宋_GB2312 and headings 黑体, set as the East Asian font
(``w:eastAsia``, with ``w:hint="eastAsia"``), Latin text in Times New Roman, and the
document's East Asian language is zh-CN (``w:themeFontLang``); the font table names each
with an alternative (仿宋, SimHei) and the GB2312 character set: a computer without those
fonts substitutes its own Chinese face (Word's and LibreOffice's font substitution), so the
text renders everywhere; no glyph is embedded, Chinese stays text.

The document is an official Chinese document: its words are Chinese in every interface
language. It is made from the bulletin's frozen figures and the office's text
(``weekly.data_of``), so an issued bulletin prints the same every time.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from pingyi.supervision.selectors_weekly import COLOUR_WORDS, STATUS_WORDS

BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋_GB2312", "黑体", "Times New Roman"
ISSUER = "督查室"
RED = RGBColor(0xC0, 0x1A, 0x14)


def _fonts(element: Any, east_asia: str) -> None:
    """East Asian and Latin fonts on a style's or run's properties."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    # a theme font (the default template's headings: majorEastAsia …) would win over the
    # named one: dropped
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)  # 四号, the usual body size of an official document
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
    # the Title style's bottom border (python-docx's default template) goes: a plain title
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    _east_asian_language(doc)
    _font_table(doc)


#: the Chinese fonts declared in the font table: the name Word looks for, the one it may use
#: instead, and the GB2312 character set (charset 86), so a computer without them picks a
#: Chinese face of the same kind (serif 仿宋, sans 黑体) rather than a Latin one
FONT_TABLE = (("仿宋_GB2312", "仿宋", "roman"), ("黑体", "SimHei", "modern"))
_FONT_TABLE_PART = "/word/fontTable.xml"


def _font_table(doc: Any) -> None:
    for part in doc.part.package.iter_parts():
        if str(part.partname) == _FONT_TABLE_PART:
            break
    else:  # pragma: no cover - python-docx's template always has one
        return
    table = parse_xml(part.blob)  # python-docx's own template
    for name, alternative, family in FONT_TABLE:
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        table.append(font)
        for tag, value in (
            ("w:altName", alternative),
            ("w:charset", "86"),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
    part._blob = serialize_part_xml(table)


def _east_asian_language(doc: Any) -> None:
    """Declares the document's East Asian language (zh-CN), so that a computer without the
    named fonts substitutes a Chinese face for them (not a Japanese one)."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_number(section: Any) -> None:
    """The footer: 第 {PAGE} 页, centred."""
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


def _table(doc: Any, header: list[str], rows: list[list[str]], widths: Sequence[float]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _fonts(run._r, HEADING_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the header row repeats on every page
    trpr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            for p in cell.paragraphs:
                p.paragraph_format.line_spacing = Pt(20)
                for r in p.runs:
                    r.font.size = Pt(12)


def _para(doc: Any, text: str, *, indent: bool = True) -> None:
    for line in text.splitlines() or [""]:
        p = doc.add_paragraph(line)
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)  # two characters


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
    _styles(doc)
    _page_number(section)
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
        _para(doc, data["intro"])
    for heading, header, rows, paragraphs in sections(data):
        doc.add_heading(heading, level=1)
        for text in paragraphs:
            _para(doc, text)
        if header and rows:
            _table(doc, header, rows, WIDTHS[heading][: len(header)])
    if data.get("remarks"):
        doc.add_heading("六、工作要求", level=1)
        _para(doc, data["remarks"])
    end = doc.add_paragraph(ISSUER)
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    end.paragraph_format.space_before = Pt(24)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
