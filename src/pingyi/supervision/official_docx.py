"""The conventions of an official Chinese document in Word (.docx, python-docx), shared by the
weekly bulletin (``bulletin_docx``) and the on-site office's minutes (``minutes_docx``).

Body text is 仿宋_GB2312 and headings 黑体, set as the East Asian font (``w:eastAsia``, with
``w:hint="eastAsia"``), Latin text in Times New Roman, and the document's East Asian language
is zh-CN (``w:themeFontLang``); the font table names each Chinese font with an alternative
(仿宋, SimHei) and the GB2312 character set: a computer without those fonts substitutes its own
Chinese face (Word's and LibreOffice's font substitution, e.g. Noto CJK SC), so the text
renders everywhere; no glyph is embedded, Chinese stays text. Title, Heading 1 and Heading 2
are real Word styles (the navigation pane and a table of contents see them); the footer holds
the page number as a PAGE field (第 N 页); tables are ruled and their header row repeats on
every page.

It knows no model: the documents hand it strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋_GB2312", "黑体", "Times New Roman"
RED = RGBColor(0xC0, 0x1A, 0x14)

#: the Chinese fonts declared in the font table: the name Word looks for, the one it may use
#: instead, and the GB2312 character set (charset 86), so a computer without them picks a
#: Chinese face of the same kind (serif 仿宋, sans 黑体) rather than a Latin one
FONT_TABLE = (("仿宋_GB2312", "仿宋", "roman"), ("黑体", "SimHei", "modern"))
_FONT_TABLE_PART = "/word/fontTable.xml"


def fonts(element: Any, east_asia: str) -> None:
    """East Asian and Latin fonts on a style's or run's properties."""
    rpr = element.get_or_add_rPr()
    found = rpr.find(qn("w:rFonts"))
    if found is None:
        found = OxmlElement("w:rFonts")
        rpr.insert(0, found)
    # a theme font (the default template's headings: majorEastAsia …) would win over the
    # named one: dropped
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        found.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi"):
        found.set(qn(attr), LATIN_FONT)
    found.set(qn("w:eastAsia"), east_asia)
    found.set(qn("w:hint"), "eastAsia")


def styles(doc: Any) -> None:
    """Normal (四号 仿宋), Title (red, centred, no border), Heading 1/2 (黑体, bold), the
    document's East Asian language and the font table."""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)  # 四号, the usual body size of an official document
    normal.font.name = LATIN_FONT
    fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(26)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = name != "Title"
        style.font.color.rgb = RED if name == "Title" else RGBColor(0, 0, 0)
        style.font.name = LATIN_FONT
        fonts(style.element, HEADING_FONT)
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


def page_number(section: Any) -> None:
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


def table(
    doc: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = 12,
    line_spacing: float = 20,
    fixed: bool = False,
) -> None:
    """A ruled, centred table: the header row in bold 黑体, repeated on every page; each
    column ``widths`` mm wide; the cells' text ``size`` pt on ``line_spacing`` pt lines.
    ``fixed``: the widths are also set on the grid and autofit is off, so Word and
    LibreOffice both follow them."""
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        fonts(run._r, HEADING_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # the header row repeats on every page
    trpr = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for values in rows:
        for cell, text in zip(grid.add_row().cells, values, strict=True):
            cell.text = text
    if fixed:
        grid.autofit = False
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = Mm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            for p in cell.paragraphs:
                p.paragraph_format.line_spacing = Pt(line_spacing)
                for r in p.runs:
                    r.font.size = Pt(size)


def para(doc: Any, text: str, *, indent: bool = True) -> None:
    """One paragraph a line of ``text``; ``indent``: the first line indented two characters."""
    for line in text.splitlines() or [""]:
        p = doc.add_paragraph(line)
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)  # two characters
