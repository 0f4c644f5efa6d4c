"""Printable ballot cards: a PDF of QR cards, 8 per A4 page (2 × 4) with cut marks.

Each card shows the event, the panel, a QR of the ballot address (the token is in the
fragment, after ``#``), the short code to type instead, the unit the card is bound to (if
any) and a one-line instruction. The cards are shuffled before they are laid out (三重随机:
random codes, random handing out, random scanning), so the order on the sheets says
nothing about the order of issue.

The secrets exist only when the cards are issued (the database keeps keyed hashes), so
:func:`issue_cards_pdf` issues the cards it prints, inside one transaction with the
rendering: if the PDF cannot be made, no card is issued. Printing again issues new cards;
used cards can never be printed again.

Chinese text is set in the one font :func:`pingyi.core.pdf_font.cjk_font` finds for every
PDF pingyi makes.
"""

from __future__ import annotations

import io
import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape  # nosec B406 # escapes text, parses no XML

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, black, white
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from pingyi.appraisal import services
from pingyi.appraisal.casting.cards import ballot_url, format_code
from pingyi.appraisal.models import Event
from pingyi.core.pdf_font import cjk_font

#: The short code is printed in a standard PDF font (always available, never embedded).
CODE_FONT = "Courier-Bold"

# --- cards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintCard:
    """What one printed card shows. ``url`` holds the token; ``code`` is the raw short code."""

    url: str
    code: str
    panel_name: str
    bound_unit_name: str = ""


COLUMNS, ROWS = 2, 4
CARDS_PER_PAGE = COLUMNS * ROWS
PAGE_W, PAGE_H = A4
MARGIN = 9 * mm
CARD_W = (PAGE_W - 2 * MARGIN) / COLUMNS
CARD_H = (PAGE_H - 2 * MARGIN) / ROWS
PAD = 5 * mm
QR_SIZE = 38 * mm
MARK = 4 * mm  # length of a cut mark
GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.8, 0.8, 0.8)
ACCENT = Color(0.70, 0.11, 0.11)


def entry_address(public_url: str) -> str:
    """Where a holder types the code, as printed: the host and path, without the scheme."""
    parts = urlsplit(public_url.rstrip("/"))
    host = parts.netloc or parts.path
    return f"{host}{parts.path if parts.netloc else ''}/b/"


def cards_pdf(
    *,
    event_name: str,
    cards: Sequence[PrintCard],
    public_url: str,
    shuffle: bool = True,
) -> bytes:
    """The PDF of ``cards`` (shuffled with the system's CSPRNG unless ``shuffle`` is False)."""
    font = cjk_font()
    order = list(cards)
    if shuffle:
        secrets.SystemRandom().shuffle(order)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Ballot cards — %(event)s") % {"event": event_name})
    canvas.setAuthor("pingyi")
    canvas.setCreator("pingyi")
    pages = max(1, math.ceil(len(order) / CARDS_PER_PAGE))
    styles = _card_styles(font)
    instruction = _(
        "Scan the QR with your phone, or enter the code at %(address)s. "
        "Each card can be used only once."
    ) % {"address": entry_address(public_url)}
    for page in range(pages):
        batch = order[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
        _cut_marks(canvas)
        _page_footer(canvas, font, event_name, page + 1, pages)
        for i, card in enumerate(batch):
            col, row = i % COLUMNS, i // COLUMNS
            x = MARGIN + col * CARD_W
            y = PAGE_H - MARGIN - (row + 1) * CARD_H
            _draw_card(canvas, x, y, card, event_name, instruction, font, styles)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _card_styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "event": ParagraphStyle(
            "event", fontName=font, fontSize=10.5, leading=13, wordWrap="CJK", alignment=TA_LEFT
        ),
        "panel": ParagraphStyle(
            "panel", fontName=font, fontSize=8.5, leading=10.5, wordWrap="CJK", textColor=GREY
        ),
        "bound": ParagraphStyle(
            "bound", fontName=font, fontSize=8.5, leading=10.5, wordWrap="CJK", textColor=ACCENT
        ),
        "hint": ParagraphStyle(
            "hint",
            fontName=font,
            fontSize=7.5,
            leading=9.5,
            wordWrap="CJK",
            textColor=GREY,
            alignment=TA_CENTER,
        ),
        "label": ParagraphStyle("label", fontName=font, fontSize=8, leading=10, textColor=GREY),
    }


def _paragraph(
    canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float
) -> float:
    """Draw ``text`` wrapped to ``width`` with its top at ``top``; return its height."""

    para = Paragraph(escape(text), style)
    _w, h = para.wrapOn(canvas, width, 1000)
    para.drawOn(canvas, x, top - h)
    return float(h)


def _draw_card(
    canvas: Canvas,
    x: float,
    y: float,
    card: PrintCard,
    event_name: str,
    instruction: str,
    font: str,
    styles: dict[str, ParagraphStyle],
) -> None:
    inner_w = CARD_W - 2 * PAD
    top = y + CARD_H - PAD
    # a thin accent rule and the event name
    canvas.setFillColor(ACCENT)
    canvas.rect(x + PAD, top - 1.2 * mm, 12 * mm, 1.2 * mm, stroke=0, fill=1)
    top -= 2.6 * mm
    top -= _paragraph(canvas, event_name, styles["event"], x + PAD, top, inner_w)
    top -= 0.8 * mm
    top -= _paragraph(
        canvas,
        _("Panel: %(panel)s") % {"panel": card.panel_name},
        styles["panel"],
        x + PAD,
        top,
        inner_w,
    )
    # the QR on the left, the code on the right
    hint = styles["hint"]
    size = hint.fontSize
    while size > 6.5 and pdfmetrics.stringWidth(instruction, font, size) > inner_w:
        size -= 0.25  # one line if it fits at a readable size, else wrapped
    hint = ParagraphStyle("hint-fit", parent=hint, fontSize=size, leading=size + 2)
    hint_h = _paragraph_height(canvas, instruction, hint, inner_w)
    bottom = y + PAD + hint_h + 1.5 * mm
    qr_size = max(24 * mm, min(QR_SIZE, top - bottom - 1.5 * mm))
    qr_top = top - 1.5 * mm
    _draw_qr(canvas, card.url, x + PAD, qr_top - qr_size, qr_size)
    right_x = x + PAD + qr_size + 4 * mm
    right_w = x + CARD_W - PAD - right_x
    line = qr_top - 4 * mm
    line -= _paragraph(canvas, _("Ballot code"), styles["label"], right_x, line, right_w)
    code = format_code(card.code)
    size = 17.0
    while size > 9 and pdfmetrics.stringWidth(code, CODE_FONT, size) > right_w:
        size -= 0.5
    canvas.setFillColor(black)
    canvas.setFont(CODE_FONT, size)
    line -= size + 1 * mm
    canvas.drawString(right_x, line, code)
    line -= 4 * mm
    if card.bound_unit_name:
        text = _("Your unit: %(unit)s (not scored on this card)") % {"unit": card.bound_unit_name}
        _paragraph(canvas, text, styles["bound"], right_x, line, right_w)
    # the instruction along the bottom
    _paragraph(canvas, instruction, hint, x + PAD, y + PAD + hint_h, inner_w)


def _paragraph_height(canvas: Canvas, text: str, style: ParagraphStyle, width: float) -> float:
    _w, h = Paragraph(escape(text), style).wrapOn(canvas, width, 1000)
    return float(h)


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR as vector squares (crisp at any printer resolution), quiet zone included."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    quiet = 4
    module = size / (n + 2 * quiet)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                canvas.rect(
                    x + (quiet + start) * module,
                    y + size - (quiet + r + 1) * module,
                    (c - start) * module,
                    module,
                    stroke=0,
                    fill=1,
                )
            else:
                c += 1


def _cut_marks(canvas: Canvas) -> None:
    """Marks in the margin on every cutting line, and small crosses where lines meet inside."""
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.4)
    xs = [MARGIN + i * CARD_W for i in range(COLUMNS + 1)]
    ys = [MARGIN + j * CARD_H for j in range(ROWS + 1)]
    gap = 1 * mm
    for x in xs:
        canvas.line(x, PAGE_H - MARGIN + gap, x, PAGE_H - MARGIN + gap + MARK)
        canvas.line(x, MARGIN - gap, x, MARGIN - gap - MARK)
    for y in ys:
        canvas.line(MARGIN - gap, y, MARGIN - gap - MARK, y)
        canvas.line(PAGE_W - MARGIN + gap, y, PAGE_W - MARGIN + gap + MARK, y)
    arm = 2 * mm
    for x in xs[1:-1]:
        for y in ys:
            canvas.line(x - arm, y, x + arm, y)
    for y in ys[1:-1]:
        for x in xs:
            canvas.line(x, y - arm, x, y + arm)
    # a faint outline helps scissors where no mark is in reach
    canvas.setStrokeColor(LIGHT)
    canvas.setLineWidth(0.25)
    canvas.setDash(1, 2)
    for x in xs:
        canvas.line(x, MARGIN, x, PAGE_H - MARGIN)
    for y in ys:
        canvas.line(MARGIN, y, PAGE_W - MARGIN, y)
    canvas.setDash()


def _page_footer(canvas: Canvas, font: str, event_name: str, page: int, pages: int) -> None:
    canvas.setFillColor(GREY)
    canvas.setFont(font, 6.5)
    text = _("%(event)s · ballot cards · sheet %(page)d of %(pages)d") % {
        "event": event_name,
        "page": page,
        "pages": pages,
    }
    # between the first two cut marks, clear of them
    room = CARD_W - 6 * mm
    while text and pdfmetrics.stringWidth(text, font, 6.5) > room:
        text = text[:-2] + "…"
    canvas.drawString(MARGIN + 3 * mm, MARGIN / 2 - 1.5, text)


# --- issuing and printing together ----------------------------------------------------------


@dataclass(frozen=True)
class PrintedCards:
    pdf: bytes
    count: int
    pages: int


def issue_cards_pdf(
    *,
    event: object,
    panel: str,
    count: int,
    unit: str | None = None,
    public_url: str,
    before_commit: Callable[[bytes], None] | None = None,
) -> PrintedCards:
    """Issue ``count`` cards and print them, in one transaction.

    If the font is missing, rendering fails, or ``before_commit`` (for example writing the
    file) raises, nothing is issued. Refusals of :func:`services.tokens_issue` (closed event,
    unknown panel or unit, bad count) propagate as :class:`~pingyi.appraisal.errors.AppraisalError`.
    """

    assert isinstance(event, Event)  # nosec B101 # type narrowing
    if not public_url:
        raise ValueError("public_url is required")
    cjk_font()  # fail before anything is issued
    spec = event.spec
    panel_spec = next((p for p in spec.panels if p.key == panel), None)
    unit_names = {u.key: u.name for t in spec.tracks for u in t.units}
    with transaction.atomic():
        issued = services.tokens_issue(event=event, panel=panel, count=count, unit=unit)
        cards = [
            PrintCard(
                url=ballot_url(c.token, public_url),
                code=c.code,
                panel_name=panel_spec.name if panel_spec else c.panel,
                bound_unit_name=unit_names.get(c.bound_unit, c.bound_unit),
            )
            for c in issued
        ]
        pdf = cards_pdf(event_name=event.name, cards=cards, public_url=public_url)
        if before_commit is not None:
            before_commit(pdf)
    return PrintedCards(pdf=pdf, count=len(issued), pages=math.ceil(len(issued) / CARDS_PER_PAGE))


__all__ = [
    "CARDS_PER_PAGE",
    "PrintCard",
    "PrintedCards",
    "cards_pdf",
    "cjk_font",
    "entry_address",
    "issue_cards_pdf",
]
