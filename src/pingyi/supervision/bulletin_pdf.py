"""The weekly bulletin (周通报) as an A4 PDF (reportlab), the same parts as the .docx
(:func:`pingyi.supervision.bulletin_docx.sections`), Chinese set in the one TrueType font
pingyi embeds (:func:`pingyi.core.pdf_font.cjk_font`, as ``notice_pdf.py``);
without one, :class:`~pingyi.core.pdf_font.PdfFontMissing` says what to install. Page
numbers at the foot: 第 N 页."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape  # nosec B406 # escapes text, parses no XML

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pingyi.core.pdf_font import PdfFontMissing, cjk_font
from pingyi.supervision.bulletin_docx import ISSUER, WIDTHS, sections, week_words

__all__ = ["PdfFontMissing", "bulletin_pdf"]

RED = Color(0.75, 0.1, 0.08)
GREY = Color(0.93, 0.93, 0.93)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def bulletin_pdf(data: dict[str, Any]) -> bytes:
    """The bulletin as PDF bytes. ``data``: ``weekly.data_of(bulletin)``."""
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    body = ParagraphStyle("body", parent=base, firstLineIndent=24)
    title = ParagraphStyle(
        "title", parent=base, fontSize=24, leading=34, alignment=TA_CENTER, textColor=RED
    )
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", parent=base, fontSize=14, leading=24, spaceBefore=8)
    cell = ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15)
    story: list[Any] = [_p("督查工作周通报", title), _p(week_words(data), centred)]
    if not data.get("issued"):
        story.append(_p("（草稿）", ParagraphStyle("draft", parent=centred, textColor=RED)))
    story.append(Spacer(1, 4 * mm))
    if data.get("intro"):
        story += [_p(line, body) for line in data["intro"].splitlines()]
    for name, header, rows, paragraphs in sections(data):
        story.append(_p(name, heading))
        story += [_p(text, body) for text in paragraphs]
        if header and rows:
            widths = [w * mm * 0.98 for w in WIDTHS[name][: len(header)]]
            table = Table(
                [[_p(h, cell) for h in header], *[[_p(v, cell) for v in r] for r in rows]],
                colWidths=widths,
                repeatRows=1,
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.6, black),
                        ("BACKGROUND", (0, 0), (-1, 0), GREY),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            story += [Spacer(1, 2 * mm), table]
    if data.get("remarks"):
        story.append(_p("六、工作要求", heading))
        story += [_p(line, body) for line in data["remarks"].splitlines()]
    story += [
        Spacer(1, 10 * mm),
        _p(ISSUER, ParagraphStyle("end", parent=base, alignment=TA_RIGHT)),
    ]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"督查工作周通报 {data['week']}",
        author=ISSUER,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
