"""The printable 督办单 of a red notice: one A4 page in the usual layout of a 督查室's
supervision notice — the title 督 办 单, its number (督〔2026〕12号) top right, a ruled table
(事项, 牵头单位, 配合单位, 责任领导, 原定时限, 督办事项及要求, 签收时限, 回复时限), then the
signature lines (签收人 / 签收日期, 督查室（盖章） / 日期).

The form is an official Chinese document: its labels are Chinese in every interface language.
Chinese is set in the one TrueType font pingyi embeds in its PDFs
(:func:`pingyi.core.pdf_font.cjk_font`); without one,
:class:`~pingyi.core.pdf_font.PdfFontMissing` says what to install.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape  # nosec B406 # escapes text, parses no XML

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pingyi.core.pdf_font import PdfFontMissing, cjk_font
from pingyi.supervision.models import Notice, NoticeColour

__all__ = ["PdfFontMissing", "notice_pdf"]

RED = Color(0.75, 0.1, 0.08)
TITLE = "督 办 单"
ISSUER = "督查室"


def _day(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11.5, leading=18, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontSize=30, leading=40, alignment=TA_CENTER, textColor=RED
        ),
        "number": ParagraphStyle("number", parent=base, fontSize=12, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=base, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, alignment=TA_LEFT),
        "sign": ParagraphStyle("sign", parent=base, fontSize=12, leading=22),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=black),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def notice_pdf(notice: Notice) -> bytes:
    """The 督办单 of a red notice as PDF bytes (A4, Chinese embedded)."""
    if notice.colour != NoticeColour.RED:
        raise ValueError("only a red notice (督办单) is printed")
    font = cjk_font()
    s = _styles(font)
    item = notice.item
    units = {u.code: u.name for u in notice.units.all()}
    lead = units.get(notice.unit_codes[0], notice.unit_codes[0]) if notice.unit_codes else ""
    co_units = "、".join(u.name for u in item.co_units.all()) or "—"
    deadline = item.deadline_text or "—"
    if notice.due_on:
        deadline = f"{deadline}（{_day(notice.due_on)}）"
    rows = [
        ("督办事项", f"{item.supervision_list.name}\n第{item.number}项　{item.title}"),
        ("牵头单位", lead or item.lead_unit.name),
        ("配合单位", co_units),
        ("责任领导", notice.leader or item.leader or "—"),
        ("原定时限", deadline),
        ("督办要求", notice.demand or "—"),
        ("签收时限", f"{_day(notice.acknowledge_by)}前"),
        ("回复时限", f"{_day(notice.reply_by)}前（书面回复原因、措施及完成时间）"),
    ]
    table = Table(
        [[_p(label, s["label"]), _p(value, s["cell"])] for label, value in rows],
        colWidths=[32 * mm, 136 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.8, black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ("LEFTPADDING", (1, 0), (1, -1), 8),
            ]
        )
    )
    signatures = Table(
        [
            [_p("签收人：＿＿＿＿＿＿＿＿", s["sign"]), _p(f"{ISSUER}（盖章）", s["sign"])],
            [
                _p("签收日期：　　年　　月　　日", s["sign"]),
                _p(f"日期：{_day(notice.issued_on)}", s["sign"]),
            ],
        ],
        colWidths=[84 * mm, 84 * mm],
    )
    signatures.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 10)]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=21 * mm,
        rightMargin=21 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"督办单 {notice.number or ''}",
        author=ISSUER,
        subject=item.title,
    )
    story = [
        _p(TITLE, s["title"]),
        Spacer(1, 4 * mm),
        _p(notice.number or "", s["number"]),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 12 * mm),
        signatures,
        Spacer(1, 10 * mm),
        _p(
            "请于签收时限内签收，于回复时限内书面回复；逾期未回复的，予以通报。",
            s["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
