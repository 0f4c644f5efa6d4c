"""The PDF results report an office prints for leaders the afternoon of the meeting.

Cover (event, date, state, attendance, the first place of each track), then per track the
ranking with a bar chart, the per-panel scores and the criterion means or grade
distribution, the rank changes against the previous event (争先进位), the rater
diagnostics, and the method applied. Every page has the event name in its header and
"page x of y" in its footer. Chinese is set in the TrueType font found by
:func:`pingyi.core.pdf_font.cjk_font`; charts are reportlab graphics (no matplotlib).

Rater diagnostics are computed by :mod:`pingyi.appraisal.method.diagnostics`; the caller passes
them in as :class:`DiagnosticSection` items (:func:`event_diagnostics` makes them from an
event; plain ``(title, explanation, rows[, header])`` tuples work too), and an empty list
prints a short note.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple
from xml.sax.saxutils import escape  # nosec B406 # escapes text, parses no XML

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pingyi.appraisal import selectors
from pingyi.appraisal.method.diagnostics import Diagnostics, diagnose
from pingyi.appraisal.method.spec import EventSpec, format_number
from pingyi.appraisal.method.statement import method_statement, rubric_statement
from pingyi.appraisal.method.tally import Results, TrackResult
from pingyi.appraisal.models import Event
from pingyi.appraisal.outputs.workbook import change_text, grade_rate, require_results, rounded
from pingyi.core.pdf_font import cjk_font


class DiagnosticSection(NamedTuple):
    """One finding of the rater diagnostics: a title, plain words, and a table.

    ``header`` names the columns of ``rows``; with no header the rows print as they are.
    ``summary`` is the verdict in one sentence; ``level`` ("ok", "note", "warning") colours it.
    """

    title: str
    explanation: str
    rows: Sequence[Sequence[Any]] = ()
    header: Sequence[str] = ()
    summary: str = ""
    level: str = ""


def as_sections(items: Sequence[Any]) -> list[DiagnosticSection]:
    return [i if isinstance(i, DiagnosticSection) else DiagnosticSection(*i) for i in items]


def sections_from_diagnostics(diagnostics: Diagnostics) -> list[DiagnosticSection]:
    """The checks of :func:`pingyi.appraisal.method.diagnostics.diagnose`, one section each."""
    sections = []
    for track in diagnostics.tracks:
        for check in track.checks:
            explanation = check.explanation + (f" {check.note}" if check.note else "")
            sections.append(
                DiagnosticSection(
                    title=f"{track.name} · {check.title}",
                    explanation=explanation,
                    rows=check.rows,
                    header=check.columns,
                    summary=check.summary,
                    level=check.level,
                )
            )
    return sections


def event_diagnostics(event: Event) -> tuple[str, list[DiagnosticSection]]:
    """Rater diagnostics of a closed event for the report: (introduction, sections)."""

    found = diagnose(event.spec, selectors.ballot_matrix(event=event))
    return found.explanation, sections_from_diagnostics(found)


PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
WIDTH = PAGE_W - 2 * MARGIN_X
ACCENT = HexColor("#B21C1C")
INK = HexColor("#222222")
GREY = HexColor("#666666")
RULE = HexColor("#BFBFBF")
HEAD_BG = HexColor("#F3E9E7")
ZEBRA = HexColor("#FAF7F6")
BAR = HexColor("#C0392B")
BAR_FIRST = HexColor("#8E1B12")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "base", fontName=font, fontSize=10, leading=15, textColor=INK, wordWrap="CJK"
    )
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "cellc": ParagraphStyle("cellc", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=24, leading=34, alignment=TA_CENTER, spaceAfter=6
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=15,
            leading=22,
            alignment=TA_CENTER,
            textColor=ACCENT,
            spaceAfter=18,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontSize=16,
            leading=22,
            spaceBefore=4,
            spaceAfter=8,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12,
            leading=17,
            spaceBefore=10,
            spaceAfter=5,
            alignment=TA_LEFT,
        ),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None,
    styles: dict[str, ParagraphStyle],
    *,
    left_columns: Sequence[int] = (1,),
    highlight_first: bool = False,
) -> Table:
    data: list[list[Any]] = []
    if header:
        data.append([_p(h, styles["head"]) for h in header])
    for row in rows:
        data.append(
            [
                _p(v, styles["cell"] if j in left_columns else styles["cellc"])
                for j, v in enumerate(row)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    start = 1 if header else 0
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    for i in range(start, len(data)):
        if (i - start) % 2 == 1:
            commands.append(("BACKGROUND", (0, i), (-1, i), ZEBRA))
    if highlight_first and len(data) > start:
        commands.append(("LINEBELOW", (0, start), (-1, start), 0.8, ACCENT))
    table.setStyle(TableStyle(commands))
    return table


def _dash(value: Any) -> Any:
    return "—" if value is None else value


# --- the chart ---------------------------------------------------------------------------------


def ranking_chart(track: TrackResult, font: str, decimals: int) -> Drawing | None:
    """Horizontal bars of the ranked units' scores, first place on top."""
    ranked = [u for u in track.ranking if u.score is not None and u.text is not None]
    if not ranked:
        return None
    values = [float(Decimal(u.text or "0")) for u in ranked]  # drawing only; labels are exact
    label_size = 8.5
    longest = 55 * mm
    names = [_fit(u.name, font, label_size, longest) for u in ranked]
    label_w = max(pdfmetrics.stringWidth(n, font, label_size) for n in names) + 8
    bar_h = 15 if len(ranked) <= 12 else 11
    height = len(ranked) * bar_h + 40
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 24
    chart.width = WIDTH - label_w - 20 * mm
    chart.height = len(ranked) * bar_h
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = label_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    low, high = min(values), max(values)
    axis_min = _axis_floor(low, high)
    chart.valueAxis.valueMin = axis_min
    chart.valueAxis.valueMax = _axis_ceiling(high, axis_min)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = Color(0.88, 0.88, 0.88)
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.bars[(0, len(ranked) - 1)].fillColor = BAR_FIRST
    chart.barSpacing = 0
    chart.groupSpacing = 3
    chart.barLabelFormat = lambda v: f"{v:.{decimals}f}"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    if axis_min > 0:
        note = _("The axis starts at %(min)s.") % {"min": format_number_plain(axis_min)}
        drawing.add(String(chart.x, 4, note, fontName=font, fontSize=7.5, fillColor=GREY))
    return drawing


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def format_number_plain(value: float) -> str:
    return f"{value:g}"


def _axis_floor(low: float, high: float) -> float:
    """Start the axis below the lowest score so differences show, at a round number."""
    if low <= 0:
        return 0.0
    spread = max(high - low, 1.0)
    start = low - spread * 0.6
    step = 10 ** math.floor(math.log10(spread)) if spread >= 1 else 1
    start = math.floor(start / step) * step
    return max(0.0, float(start))


def _axis_ceiling(high: float, low: float) -> float:
    spread = max(high - low, 1.0)
    step = 10 ** math.floor(math.log10(spread))
    return float(math.ceil((high + spread * 0.02) / step) * step) or 1.0


# --- page furniture ----------------------------------------------------------------------------


def _canvas_class(font: str, event_name: str, title: str) -> type[Canvas]:
    page_of = _("Page %(page)d of %(pages)d")

    class NumberedCanvas(Canvas):
        """Defers each page until the total is known, then draws header and footer."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, total: int) -> None:
            page = self._pageNumber
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(GREY)
            if page > 1:
                y = PAGE_H - MARGIN_TOP + 8 * mm
                self.drawString(MARGIN_X, y, event_name)
                self.drawRightString(PAGE_W - MARGIN_X, y, title)
                self.setStrokeColor(ACCENT)
                self.setLineWidth(0.6)
                self.line(MARGIN_X, y - 2.5 * mm, PAGE_W - MARGIN_X, y - 2.5 * mm)
            self.drawCentredString(
                PAGE_W / 2, MARGIN_BOTTOM - 10 * mm, page_of % {"page": page, "pages": total}
            )
            self.restoreState()

    return NumberedCanvas


# --- the report --------------------------------------------------------------------------------


def build_report(
    *,
    event: Event,
    diagnostics: Sequence[Any] = (),
    diagnostics_intro: str = "",
    results: Results | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The PDF report of a closed event. ``diagnostics``: :class:`DiagnosticSection` items
    (see :func:`event_diagnostics`), ``diagnostics_intro``: a paragraph before them."""

    require_results(event)
    font = cjk_font()
    styles = _styles(font)
    spec = event.spec
    results = results or selectors.results_of(event=event)
    changes = selectors.rank_changes(event=event)
    now = now or timezone.now()
    title = _("Appraisal results report")

    story: list[Flowable] = []
    story += _cover(event, spec, results, styles, now, title)
    for number, track in enumerate(results.tracks, start=1):
        story.append(PageBreak())
        story += _track_section(number, spec, track, changes.get(track.key, {}), styles, font)
    story.append(PageBreak())
    story += _changes_section(event, results, changes, styles)
    story += _diagnostics_section(as_sections(diagnostics), diagnostics_intro, styles)
    story.append(CondPageBreak(60 * mm))
    story.append(Spacer(1, 6 * mm))
    story += _method_section(spec, styles)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{event.name} — {title}",
        author="pingyi",
        creator="pingyi",
        subject=title,
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        WIDTH,
        PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_canvas_class(font, event.name, title))
    return buffer.getvalue()


def _cover(
    event: Event,
    spec: EventSpec,
    results: Results,
    styles: dict[str, ParagraphStyle],
    now: dt.datetime,
    title: str,
) -> list[Flowable]:

    story: list[Flowable] = [
        Spacer(1, 30 * mm),
        _p(event.name, styles["title"]),
        _p(title, styles["subtitle"]),
    ]
    facts: list[tuple[str, Any]] = [
        (_("Held on"), spec.held_on or "—"),
        (_("State"), event.get_state_display()),
    ]
    if event.closed_at:
        facts.append((_("Voting closed"), _local(event.closed_at)))
    facts.append((_("Ballots counted"), results.ballots))
    if event.previous is not None:
        facts.append((_("Compared with"), event.previous.name))
    facts.append((_("Report made"), _local(now)))
    story.append(_table((), facts, [40 * mm, WIDTH - 40 * mm], styles, left_columns=(0, 1)))

    story.append(_p(_("Attendance"), styles["h2"]))
    weights = {p.key: p.weight for p in spec.panels}
    rows = []
    warnings = []
    for count in selectors.panel_counts(event=event):
        met = count.quorum_met
        rows.append(
            [
                count.name,
                format_number(weights[count.key]),
                _dash(count.expected),
                count.issued,
                count.cast,
                results.ballots_per_panel.get(count.key, 0),
                "—" if met is None else (_("yes") if met else _("NO")),
            ]
        )
        if met is False:
            warnings.append(count.name)
    header = [
        _("Panel"),
        _("Weight"),
        _("Expected (应到)"),
        _("Cards issued"),
        _("Ballots cast (实到)"),
        _("Ballots counted"),
        _("Quorum met"),
    ]
    story.append(
        _table(header, rows, [38 * mm] + [(WIDTH - 38 * mm) / 6] * 6, styles, left_columns=(0,))
    )
    if warnings:
        story.append(Spacer(1, 3 * mm))
        story.append(
            _p(
                _("Quorum not met (no more than half of those expected voted): %(panels)s.")
                % {"panels": "、".join(warnings)},
                ParagraphStyle("warn", parent=styles["base"], textColor=ACCENT),
            )
        )

    story.append(_p(_("Results at a glance"), styles["h2"]))
    glance = []
    for track in results.tracks:
        firsts = [u.name for u in track.ranking if u.rank == 1]
        ranked = sum(1 for u in track.ranking if u.rank is not None)
        top_score = next((u.text for u in track.ranking if u.rank == 1), None)
        glance.append(
            [track.name, len(track.ranking), ranked, "、".join(firsts) or "—", _dash(top_score)]
        )
    story.append(
        _table(
            [_("Track"), _("Units"), _("Ranked"), _("First place"), _("Score")],
            glance,
            [40 * mm, 18 * mm, 18 * mm, WIDTH - 100 * mm, 24 * mm],
            styles,
            left_columns=(0, 3),
        )
    )
    return story


def _track_section(
    number: int,
    spec: EventSpec,
    track: TrackResult,
    changes: dict[str, int | None],
    styles: dict[str, ParagraphStyle],
    font: str,
) -> list[Flowable]:
    track_spec = spec.track(track.key)
    assert track_spec is not None  # nosec B101 # type narrowing
    rubric = track_spec.rubric
    d = spec.method.decimals
    story: list[Flowable] = [
        _p(f"{number}　{track.name}", styles["h1"]),
        _p(rubric_statement(rubric), styles["small"]),
        _p(_("Ranking"), styles["h2"]),
    ]
    rows = [
        [
            _dash(u.rank),
            u.name,
            _dash(u.text),
            u.ballots,
            u.abstentions,
            change_text(changes.get(u.key)),
        ]
        for u in track.ranking
    ]
    header = [
        _("Rank"),
        _("Unit"),
        _("Score"),
        _("Ballots counted"),
        _("Abstentions (don't know)"),
        _("Rank change"),
    ]
    widths = [16 * mm, WIDTH - 112 * mm, 22 * mm, 22 * mm, 26 * mm, 26 * mm]
    story.append(_table(header, rows, widths, styles, highlight_first=True))
    chart = ranking_chart(track, font, d)
    if chart is not None:
        story.append(Spacer(1, 4 * mm))
        story.append(KeepTogether([_p(_("Scores"), styles["h2"]), chart]))

    panel_header = [_("Rank"), _("Unit")] + [
        _("%(panel)s (weight %(weight)s)") % {"panel": p.name, "weight": format_number(p.weight)}
        for p in spec.panels
    ]
    panel_rows = []
    for u in track.ranking:
        cells: list[Any] = [_dash(u.rank), u.name]
        for p in spec.panels:
            ps = u.panels.get(p.key)
            cells.append(
                _("%(score)s (%(n)d ballots)") % {"score": ps.text, "n": ps.ballots} if ps else "—"
            )
        panel_rows.append(cells)
    n = len(spec.panels)
    rest = (WIDTH - 16 * mm - 45 * mm) / max(n, 1)
    story.append(
        KeepTogether(
            [
                _p(_("Scores by panel"), styles["h2"]),
                _table(panel_header, panel_rows, [16 * mm, 45 * mm] + [rest] * n, styles),
            ]
        )
    )
    if spec.method.weighting == "pooled":
        story.append(
            _p(
                _(
                    "The score pools every evaluator's total; panel scores are shown for "
                    "information."
                ),
                styles["small"],
            )
        )

    if rubric.kind == "criteria":
        head = (
            [_("Rank"), _("Unit")]
            + [
                _("%(criterion)s (of %(max)s)") % {"criterion": c.name, "max": format_number(c.max)}
                for c in rubric.criteria
            ]
            + [_("Score")]
        )
        body = []
        for u in track.ranking:
            means = [_dash(None if m is None else str(rounded(m, d))) for m in u.criterion_means]
            body.append([_dash(u.rank), u.name, *means, _dash(u.text)])
        k = len(rubric.criteria)
        rest = (WIDTH - 16 * mm - 45 * mm - 22 * mm) / max(k, 1)
        story.append(
            KeepTogether(
                [
                    _p(_("Criterion means"), styles["h2"]),
                    _table(head, body, [16 * mm, 45 * mm] + [rest] * k + [22 * mm], styles),
                ]
            )
        )
    elif rubric.kind == "ranking":
        head = [_("Rank"), _("Unit"), _("Mean rank"), _("Times ranked first"), _("Score")]
        body = [
            [
                _dash(u.rank),
                u.name,
                _dash(None if u.mean_rank is None else str(rounded(u.mean_rank, 2))),
                u.grade_counts[0] if u.grade_counts else 0,
                _dash(u.text),
            ]
            for u in track.ranking
        ]
        story.append(
            KeepTogether(
                [
                    _p(_("Ranks given"), styles["h2"]),
                    _table(head, body, [16 * mm, 60 * mm, 30 * mm, 30 * mm, 30 * mm], styles),
                ]
            )
        )
    else:
        head = (
            [_("Rank"), _("Unit")]
            + [g.name for g in rubric.grades]
            + [_("Top-grade rate (“%(grade)s”)") % {"grade": rubric.grades[0].name}]
        )
        body = []
        for u in track.ranking:
            rate = grade_rate(u)
            body.append(
                [
                    _dash(u.rank),
                    u.name,
                    *u.grade_counts,
                    "—" if rate is None else f"{rate * 100:.1f}%",
                ]
            )
        k = len(rubric.grades)
        rest = (WIDTH - 16 * mm - 45 * mm - 30 * mm) / max(k, 1)
        story.append(
            KeepTogether(
                [
                    _p(_("Grade distribution"), styles["h2"]),
                    _table(head, body, [16 * mm, 45 * mm] + [rest] * k + [30 * mm], styles),
                ]
            )
        )
    return story


def _changes_section(
    event: Event,
    results: Results,
    changes: dict[str, dict[str, int | None]],
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    story: list[Flowable] = [_p(_("Rank changes (争先进位)"), styles["h1"])]
    if event.previous is None:
        story.append(
            _p(
                _(
                    "This event names no previous event to compare with, so no rank "
                    "changes are shown."
                ),
                styles["base"],
            )
        )
        return story
    story.append(
        _p(
            _("Compared with “%(previous)s”: places gained (↑) or lost (↓).")
            % {"previous": event.previous.name},
            styles["base"],
        )
    )
    for track in results.tracks:
        moves = changes.get(track.key, {})
        rows = []
        for u in track.ranking:
            change = moves.get(u.key)
            before = None if change is None or u.rank is None else u.rank + change
            rows.append([u.name, _dash(before), _dash(u.rank), change_text(change)])
        story.append(
            KeepTogether(
                [
                    _p(track.name, styles["h2"]),
                    _table(
                        [_("Unit"), _("Previous rank"), _("Rank"), _("Change")],
                        rows,
                        [WIDTH - 90 * mm, 30 * mm, 30 * mm, 30 * mm],
                        styles,
                        left_columns=(0,),
                    ),
                ]
            )
        )
    return story


def _diagnostics_section(
    sections: list[DiagnosticSection], intro: str, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 6 * mm), _p(_("Rater diagnostics"), styles["h1"])]
    if intro:
        story.append(_p(intro, styles["base"]))
    if not sections:
        story.append(_p(_("No rater diagnostics were supplied for this report."), styles["base"]))
        return story
    colours = {"warning": ACCENT, "note": HexColor("#9A6700")}
    for section in sections:
        colour = colours.get(section.level, INK)
        heading = ParagraphStyle("dh", parent=styles["h2"], textColor=colour)
        block: list[Flowable] = [_p(section.title, heading)]
        if section.summary:
            block.append(
                _p(section.summary, ParagraphStyle("ds", parent=styles["base"], textColor=colour))
            )
        block.append(_p(section.explanation, styles["small"]))
        story.append(KeepTogether(block))
        if section.rows:
            rows = [list(r) for r in section.rows]
            story.append(Spacer(1, 2 * mm))
            story.append(
                _table(
                    list(section.header),
                    rows,
                    _widths(section.header, rows),
                    styles,
                    left_columns=(0, len(rows[0]) - 1),
                )
            )
    return story


def _widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in proportion to their longest text (Chinese counts double)."""
    columns = max([len(header)] + [len(r) for r in rows])
    need = [4.0] * columns
    for row in [list(header), *rows]:
        for j, value in enumerate(row):
            text = "" if value is None else str(value)
            size = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
            need[j] = max(need[j], min(float(size), 60.0))
    total = sum(need)
    return [WIDTH * n / total for n in need]


def _method_section(spec: EventSpec, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = method_statement(spec)
    return [
        _p(_("Method"), styles["h1"]),
        _table((), rows, [32 * mm, WIDTH - 32 * mm], styles, left_columns=(0, 1)),
    ]


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


__all__ = [
    "DiagnosticSection",
    "as_sections",
    "build_report",
    "event_diagnostics",
    "ranking_chart",
    "sections_from_diagnostics",
]
