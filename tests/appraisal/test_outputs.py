"""Outputs: printable ballot cards, the results workbook, the PDF report, their command-line
verbs and the office download pages — all on the real database, PDFs rendered by poppler and
QR codes decoded from the rendered pixels."""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import include, path
from django.utils import translation

import pingyi.urls
from pingyi.appraisal import errors, selectors, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.casting.cards import format_code
from pingyi.appraisal.errors import OutputsNotReady
from pingyi.appraisal.models import BallotCard, Event
from pingyi.appraisal.outputs import printing
from pingyi.appraisal.outputs.report import DiagnosticSection, build_report
from pingyi.appraisal.outputs.workbook import HEADER_ROW, build_workbook
from pingyi.core import pdf_font

from .factories import event_data
from .test_round_trip import pingyi as run_pingyi

# The outputs pages, mounted as the lead will mount them in pingyi/urls.py (once only).
_OUTPUTS = path("outputs/", include("pingyi.appraisal.urls_outputs"))
urlpatterns = list(pingyi.urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "outputs" for p in urlpatterns):
    urlpatterns.append(_OUTPUTS)
pytestmark = pytest.mark.urls(__name__)

PUBLIC_URL = "https://pingyi.example.gov.cn"
EVIL = '=HYPERLINK("http://x","y")'
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


# --- events with ballots -----------------------------------------------------------------------


def event_json(key: str, *, previous: str | None = None, name: str = "测试评议会") -> str:
    event = event_data()
    event["key"] = key
    event["name"] = name
    event["tracks"][0]["units"].append({"key": "evil", "name": EVIL})
    if previous:
        event["previous"] = previous
    return json.dumps(event, ensure_ascii=False)


COUNTIES = ["hualong", "puyang", "qingfeng", "evil"]
LEADS = ["fgw", "gxj", "kjj", "swj"]


def ballot(rng: random.Random, bound: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for unit in COUNTIES:
        if unit == bound:
            continue
        rows.append(
            {
                "track": "counties",
                "unit": unit,
                "item": "results",
                "value": rng.randrange(60, 121) / 2,
            }
        )
        rows.append(
            {"track": "counties", "unit": unit, "item": "style", "value": rng.randrange(40, 81) / 2}
        )
    abstain = rng.choice([*LEADS, None, None])
    good_left = 3 * (len(LEADS) - (abstain is not None)) // 10  # floor(0.3 × graded units)
    for unit in LEADS:
        if unit == abstain:
            rows.append({"track": "leads", "unit": unit, "item": "abstain", "value": None})
            continue
        grade = rng.choice(["good", "fair", "average", "poor"])
        if grade == "good":
            if good_left:
                good_left -= 1
            else:
                grade = "fair"
        rows.append({"track": "leads", "unit": unit, "item": "grade", "value": grade})
    return rows


def closed_event(key: str, *, seed: int, previous: str | None = None) -> Event:
    event = services.event_import(data=event_json(key, previous=previous))
    services.event_open(key=key)
    rng = random.Random(seed)
    for panel, n, unit in (
        ("leaders", 3, None),
        ("attendees", 8, None),
        ("attendees", 2, "puyang"),
    ):
        for card in services.tokens_issue(event=event, panel=panel, count=n, unit=unit):
            casting.ballot_cast(token=card.token, scores=ballot(rng, unit))
    services.event_close(key=key)
    return Event.objects.get(key=key)


@pytest.fixture
def two_events(db: None) -> Event:
    """``out0`` (closed) and ``out1`` (closed, compared with ``out0``)."""
    closed_event("out0", seed=1)
    return closed_event("out1", seed=2, previous="out0")


# --- helpers -------------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    source = tmp_path / "info.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(source)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def decode_qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Render every page at 150 dpi and decode every QR code on it."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    source = tmp_path / "cards.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(source), str(tmp_path / "page")], check=True
    )
    found: list[str] = []
    for png in sorted(tmp_path.glob("page-*.png")):
        with Image.open(png) as image:
            results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        found += [r.text for r in results]
    return found


CODE_RE = re.compile(r"\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b")


# --- ballot cards ----------------------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
def test_cards_pdf_holds_n_distinct_qr_codes_that_vote(tmp_path: Path) -> None:
    event = services.event_import(data=event_json("cards1", name="二〇二六年卡片测试评议会"))
    printed = printing.issue_cards_pdf(
        event=event, panel="attendees", count=11, public_url=PUBLIC_URL
    )
    assert printed.count == 11 and printed.pages == 2
    assert BallotCard.objects.filter(event=event).count() == 11
    assert pdf_pages(printed.pdf, tmp_path) == 2

    urls = decode_qr_codes(printed.pdf, tmp_path)
    assert len(urls) == 11 and len(set(urls)) == 11
    prefix = f"{PUBLIC_URL}/b/#"
    assert all(u.startswith(prefix) for u in urls)
    tokens = [u[len(prefix) :] for u in urls]

    text = pdf_text(printed.pdf, tmp_path)
    assert "二〇二六年卡片测试评议会" in text
    assert "列席人员" in text
    codes = CODE_RE.findall(text)
    assert len(set(codes)) == 11
    # the codes and the QR tokens are the two secrets of the same 11 cards
    by_code = {casting.card_for_secret(c).pk for c in codes}  # type: ignore[union-attr]
    by_token = {casting.card_for_secret(t).pk for t in tokens}  # type: ignore[union-attr]
    assert by_code == by_token and len(by_token) == 11
    assert "pingyi.example.gov.cn/b/" in text.replace("\n", "")

    services.event_open(key="cards1")
    rng = random.Random(5)
    receipts = {casting.ballot_cast(token=t, scores=ballot(rng, None)).receipt for t in tokens}
    assert len(receipts) == 11
    with pytest.raises(errors.CardUsed):
        casting.ballot_cast(token=tokens[0], scores=ballot(rng, None))


@needs_poppler
@pytest.mark.django_db
def test_bound_cards_name_their_unit(tmp_path: Path) -> None:
    event = services.event_import(data=event_json("cards2"))
    printed = printing.issue_cards_pdf(
        event=event, panel="leaders", count=2, unit="puyang", public_url=PUBLIC_URL
    )
    assert set(BallotCard.objects.filter(event=event).values_list("bound_unit", flat=True)) == {
        "puyang"
    }
    assert "濮阳县" in pdf_text(printed.pdf, tmp_path)


@needs_poppler
def test_cards_are_shuffled_before_layout(tmp_path: Path) -> None:
    codes = [f"{c * 5}{d * 5}" for c, d in zip("ABCDEFGH", "JKLMNPQR", strict=True)]
    codes += [f"{c * 5}{d * 5}" for c, d in zip("STUVWXYZ", "23456789", strict=True)]
    cards = [
        printing.PrintCard(url=f"{PUBLIC_URL}/b/#t{i}", code=c, panel_name="P")
        for i, c in enumerate(codes)
    ]
    expected = [format_code(c) for c in codes]

    def printed_order(shuffle: bool) -> list[str]:
        pdf = printing.cards_pdf(
            event_name="E", cards=cards, public_url=PUBLIC_URL, shuffle=shuffle
        )
        source = tmp_path / "order.pdf"
        source.write_bytes(pdf)
        raw = subprocess.run(
            ["pdftotext", "-raw", str(source), "-"], capture_output=True, text=True, check=True
        ).stdout
        return [c for c in CODE_RE.findall(raw) if c in expected]

    assert printed_order(False) == expected
    shuffled = printed_order(True)
    assert sorted(shuffled) == sorted(expected)
    assert shuffled != expected  # 1 in 16! of failing by chance


@pytest.mark.django_db
def test_no_cards_once_voting_has_closed(two_events: Event) -> None:
    before = BallotCard.objects.filter(event=two_events).count()
    with pytest.raises(errors.StateError):
        printing.issue_cards_pdf(event=two_events, panel="leaders", count=3, public_url=PUBLIC_URL)
    assert BallotCard.objects.filter(event=two_events).count() == before


@pytest.mark.django_db
def test_a_failed_print_issues_nothing(tmp_path: Path) -> None:
    event = services.event_import(data=event_json("cards3"))

    def disk_full(pdf: bytes) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        printing.issue_cards_pdf(
            event=event, panel="leaders", count=4, public_url=PUBLIC_URL, before_commit=disk_full
        )
    assert not BallotCard.objects.filter(event=event).exists()


def test_missing_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pdf_font.FONT_ENV, raising=False)
    monkeypatch.setattr(pdf_font, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    with pytest.raises(pdf_font.PdfFontMissing, match="fonts-wqy-microhei"):
        pdf_font.locate_font()
    monkeypatch.setenv(pdf_font.FONT_ENV, "/nonexistent/other.ttf")
    with pytest.raises(pdf_font.PdfFontMissing, match=pdf_font.FONT_ENV):
        pdf_font.locate_font()
    cff = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if cff.exists():  # OpenType/CFF: reportlab cannot embed it, and says so
        monkeypatch.setenv(pdf_font.FONT_ENV, str(cff))
        with pytest.raises(pdf_font.PdfFontMissing, match="TrueType"):
            pdf_font.locate_font()


def test_the_configured_font_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    found = pdf_font.locate_font()
    monkeypatch.setenv(pdf_font.FONT_ENV, str(found))
    assert pdf_font.locate_font() == found


# --- workbook --------------------------------------------------------------------------------


def sheet_rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


@pytest.mark.django_db
def test_workbook_equals_the_api_results(two_events: Event, client: Any, leader_user: Any) -> None:
    client.force_login(leader_user)  # closed, not published: readers only
    api = client.get("/api/v1/events/out1/results").json()
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(event=two_events)))
    spec = two_events.spec
    assert len(wb.sheetnames) == len(spec.tracks) + 2
    for track, ws in zip(api["tracks"], wb.worksheets, strict=False):
        assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
        rows = sheet_rows(ws)
        assert len(rows) == len(track["ranking"])
        for entry, row in zip(track["ranking"], rows, strict=True):
            rank, name, score, ballots = row[:4]
            assert (rank, name, ballots) == (entry["rank"], entry["name"], entry["ballots"])
            assert score is not None and f"{score:.2f}" == entry["score"]
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            cell = ws.cell(row=r, column=3)
            assert cell.data_type == "n" and cell.number_format == "0.00"
            assert ws.cell(row=r, column=1).data_type == "n"
        # per-panel scores match too
        headers = [c.value for c in ws[HEADER_ROW]]
        for entry, row in zip(track["ranking"], rows, strict=True):
            for p_index, panel in enumerate(spec.panels):
                col = 4 + 2 * p_index
                got = row[col]
                want = entry["panels"].get(panel.key)
                assert (None if got is None else f"{got:.2f}") == (want and want["score"])
                assert headers[col] and panel.name in headers[col]


@pytest.mark.django_db
def test_workbook_breakdowns_attendance_and_method(two_events: Event) -> None:
    results = selectors.results_of(event=two_events)
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(event=two_events)))
    counties, leads, attendance, method = wb.worksheets
    changes = selectors.rank_changes(event=two_events)
    # criteria track: criterion means, rank change as a signed number
    headers = [c.value for c in counties[HEADER_ROW]]
    assert any("工作实绩" in str(h) for h in headers)
    for unit, row in zip(results.tracks[0].ranking, sheet_rows(counties), strict=True):
        assert row[-1] == changes["counties"][unit.key]
        assert row[-2] == unit.abstentions
    # grades track: the counts per grade (好/较好/一般/差) and the top-grade rate
    grade_headers = [h for h in (c.value for c in leads[HEADER_ROW]) if h]
    for grade in ("好", "较好", "一般", "差"):
        assert any(f"“{grade}”" in h for h in grade_headers)
    first = 4 + 2 * len(two_events.spec.panels)
    for unit, row in zip(results.tracks[1].ranking, sheet_rows(leads), strict=True):
        assert list(row[first : first + 4]) == list(unit.grade_counts)
        assert sum(unit.grade_counts) == unit.ballots
        if unit.ballots:
            assert row[first + 4] == pytest.approx(unit.grade_counts[0] / unit.ballots, abs=1e-4)
    # attendance
    counts = {c.name: c for c in selectors.panel_counts(event=two_events)}
    rows = [r for r in sheet_rows(attendance) if r[0] in counts]
    assert len(rows) == 2
    for row in rows:
        c = counts[row[0]]
        assert (row[2], row[3], row[4]) == (c.expected, c.issued, c.cast)
    assert attendance.freeze_panes == f"B{HEADER_ROW + 1}"
    # the method sheet states the tie rule and the trim
    text = " ".join(str(v) for r in method.iter_rows(values_only=True) for v in r if v)
    assert "1, 2, 2, 4" in text or "1、2、2、4" in text
    assert "0.4" in text and "0.6" in text


@pytest.mark.django_db
def test_workbook_keeps_a_formula_name_as_text(two_events: Event, tmp_path: Path) -> None:
    data = build_workbook(event=two_events)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cells, "the unit named like a formula is missing"
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    # and in the file itself: no formula anywhere; the name is a string cell with the
    # quote-prefix style (openpyxl writes inline strings: t="inlineStr" <is><t>…</t></is>)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
        styles = zf.read("xl/styles.xml").decode()
    assert not any("<f>" in x or "<f " in x for x in sheets)
    evil_cells = [
        c for x in sheets for c in re.findall(r"<c [^>]*>(?:(?!</c>).)*</c>", x) if "HYPERLINK" in c
    ]
    assert evil_cells
    for cell_xml in evil_cells:
        assert re.search(r't="(inlineStr|s)"', cell_xml) and "<f" not in cell_xml
    assert 'quotePrefix="1"' in styles


@pytest.mark.django_db
def test_no_results_outputs_before_voting_closes() -> None:
    event = services.event_import(data=event_json("early"))
    with pytest.raises(OutputsNotReady):
        build_workbook(event=event)
    with pytest.raises(OutputsNotReady):
        build_report(event=event)


# --- report ----------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_report_pdf(two_events: Event, tmp_path: Path, language: str) -> None:
    diagnostics = [
        DiagnosticSection(
            "Straight-lining check",
            "Two ballots gave every unit the same score.",
            [["市级领导", 1], ["列席人员", 1]],
            ["panel", "ballots"],
        ),
        ("All-maximum ballots", "No ballot gave every unit full marks.", []),
    ]
    with translation.override(language):
        pdf = build_report(event=two_events, diagnostics=diagnostics)
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages(pdf, tmp_path)
    assert 4 <= pages <= 10
    text = pdf_text(pdf, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "测试评议会" in flat
    for track in two_events.spec.tracks:
        assert re.sub(r"\s+", "", track.name) in flat
        for unit in track.units:
            assert re.sub(r"\s+", "", unit.name) in flat, unit.name
    for panel in ("市级领导", "列席人员"):
        assert panel in flat
    # headings in English until the zh-hans catalogue has them, in Chinese after
    assert "Ranking" in text or "排名" in text
    assert "Method" in text or "方法" in text or "计分" in text
    assert "Straight-lining check" in text and "All-maximum ballots" in text
    assert f"{pages}" in text  # "page x of y" footers
    # the ranking printed is the stored one
    stored = selectors.stored_results(event=two_events)
    assert stored is not None
    for track in stored["tracks"]:
        for entry in track["ranking"]:
            assert entry["score"] in text


@needs_poppler
@pytest.mark.django_db
def test_report_without_diagnostics_or_previous(tmp_path: Path) -> None:
    event = closed_event("solo", seed=3)
    text = pdf_text(build_report(event=event, diagnostics=[]), tmp_path)
    for unit in ("华龙区", "濮阳县", "清丰县", "市发展改革委", "市商务局"):
        assert unit in re.sub(r"\s+", "", text)


# --- command line ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cli_cards_issue_what_they_print(tmp_path: Path) -> None:
    services.event_import(data=event_json("cli1"))
    out = tmp_path / "cards.pdf"
    result = run_pingyi(
        "cards",
        "cli1",
        "--panel",
        "leaders",
        "--count",
        "9",
        "--unit",
        "puyang",
        "--out",
        str(out),
        "--public-url",
        PUBLIC_URL,
    )
    assert "9" in result.stdout and str(out) in result.stdout
    assert out.read_bytes().startswith(b"%PDF-")
    assert BallotCard.objects.filter(event__key="cli1", bound_unit="puyang").count() == 9
    # an existing file is never overwritten, and nothing is issued
    again = run_pingyi(
        "cards",
        "cli1",
        "--panel",
        "leaders",
        "--count",
        "2",
        "--out",
        str(out),
        "--public-url",
        PUBLIC_URL,
        check=False,
    )
    assert again.returncode == 2 and str(out) in again.stderr
    # no address for the QR: the host name is used, with a warning naming the setting
    nowhere = run_pingyi(
        "cards", "cli1", "--panel", "leaders", "--count", "2", "--out", str(tmp_path / "x.pdf")
    )
    assert "PINGYI_PUBLIC_URL" in nowhere.stderr
    assert BallotCard.objects.filter(event__key="cli1").count() == 11
    # a malformed address: refused, nothing issued
    bad = run_pingyi(
        "cards", "cli1", "--panel", "leaders", "--count", "2", "--out", str(tmp_path / "y.pdf"),
        "--public-url", "pingyi.local", check=False,
    )
    assert bad.returncode == 2 and not (tmp_path / "y.pdf").exists()
    assert BallotCard.objects.filter(event__key="cli1").count() == 11
    unknown = run_pingyi(
        "cards",
        "cli1",
        "--panel",
        "nobody",
        "--count",
        "2",
        "--out",
        str(tmp_path / "y.pdf"),
        "--public-url",
        PUBLIC_URL,
        check=False,
    )
    assert unknown.returncode == 2 and "nobody" in unknown.stderr
    assert not (tmp_path / "y.pdf").exists()
    assert BallotCard.objects.filter(event__key="cli1").count() == 11
    # once voting has closed: refused, says why, nothing issued
    services.event_open(key="cli1")
    services.event_close(key="cli1")
    closed = run_pingyi(
        "cards",
        "cli1",
        "--panel",
        "leaders",
        "--count",
        "2",
        "--out",
        str(tmp_path / "z.pdf"),
        "--public-url",
        PUBLIC_URL,
        check=False,
    )
    assert closed.returncode == 2
    assert "cli1" in closed.stderr  # says which event and why (in the site's language)
    assert not (tmp_path / "z.pdf").exists()
    assert BallotCard.objects.filter(event__key="cli1").count() == 11


@needs_poppler
@pytest.mark.django_db(transaction=True)
def test_cli_workbook_and_report(tmp_path: Path) -> None:
    closed_event("cli2", seed=4)
    xlsx, pdf = tmp_path / "results.xlsx", tmp_path / "out" / "report.pdf"
    assert run_pingyi("workbook", "cli2", "--out", str(xlsx)).stdout.strip() == str(xlsx)
    wb = openpyxl.load_workbook(xlsx)
    names = {r[1] for r in sheet_rows(wb.worksheets[0])}
    assert {"华龙区", "濮阳县", "清丰县", EVIL} <= names
    assert run_pingyi("report", "cli2", "--out", str(pdf)).stdout.strip() == str(pdf)
    report_text = pdf_text(pdf.read_bytes(), tmp_path)
    assert "华龙区" in report_text
    # the rater diagnostics are in the report: more pages than without them
    bare = build_report(event=Event.objects.get(key="cli2"), diagnostics=[])
    assert pdf_pages(pdf.read_bytes(), tmp_path) > pdf_pages(bare, tmp_path)
    services.event_import(data=event_json("cli3"))
    early = run_pingyi("workbook", "cli3", "--out", str(tmp_path / "no.xlsx"), check=False)
    assert early.returncode == 2 and "cli3" in early.stderr
    assert (
        run_pingyi("report", "nope", "--out", str(tmp_path / "no.pdf"), check=False).returncode == 2
    )


# --- office downloads ------------------------------------------------------------------------


@pytest.mark.django_db
def test_downloads_are_for_the_office_only(
    two_events: Event, client: Any, office_user: Any, leader_user: Any, liaison_a: Any
) -> None:
    urls = [
        "/outputs/out1/",
        "/outputs/out1/workbook.xlsx",
        "/outputs/out1/report.pdf",
        "/outputs/out1/cards",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"], url
    for user in (leader_user, liaison_a):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
        assert (
            client.post("/outputs/out1/cards", {"panel": "leaders", "count": 2}).status_code == 403
        )
    client.force_login(office_user)
    page = client.get("/outputs/out1/")
    assert page.status_code == 200 and b"/outputs/out1/workbook.xlsx" in page.content
    xlsx = client.get("/outputs/out1/workbook.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    api = client.get("/api/v1/events/out1/results").json()
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [(r[0], r[1]) for r in sheet_rows(ws)] == [
        (e["rank"], e["name"]) for e in api["tracks"][0]["ranking"]
    ]
    report = client.get("/outputs/out1/report.pdf")
    assert report.status_code == 200 and report.content.startswith(b"%PDF-")
    assert client.get("/outputs/nope/workbook.xlsx").status_code == 404


@pytest.mark.django_db
def test_results_downloads_wait_for_the_close(client: Any, office_user: Any) -> None:
    services.event_import(data=event_json("early2"))
    client.force_login(office_user)
    assert client.get("/outputs/early2/workbook.xlsx").status_code == 403
    assert client.get("/outputs/early2/report.pdf").status_code == 403
    services.event_open(key="early2")
    assert client.get("/outputs/early2/workbook.xlsx").status_code == 403
    assert client.get("/outputs/early2/").status_code == 200


@needs_poppler
@pytest.mark.django_db
def test_cards_form_issues_and_downloads(client: Any, office_user: Any, tmp_path: Path) -> None:
    services.event_import(data=event_json("web1", name="网页发卡测试"))
    client.force_login(office_user)
    form = client.get("/outputs/web1/cards")
    assert form.status_code == 200
    assert "列席人员" in form.content.decode() and "华龙区" in form.content.decode()
    response = client.post(
        "/outputs/web1/cards", {"panel": "attendees", "count": "3", "unit": "hualong"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert BallotCard.objects.filter(event__key="web1", bound_unit="hualong").count() == 3
    urls = decode_qr_codes(response.content, tmp_path)
    assert len(set(urls)) == 3
    assert all(u.startswith("http://testserver/b/#") for u in urls)  # no PUBLIC_URL: the host
    # a broken form issues nothing
    bad = client.post("/outputs/web1/cards", {"panel": "attendees", "count": "0"})
    assert bad.status_code == 400
    bad = client.post("/outputs/web1/cards", {"panel": "ghosts", "count": "2"})
    assert bad.status_code == 400
    assert BallotCard.objects.filter(event__key="web1").count() == 3
    # after the close: refused, nothing issued
    services.event_open(key="web1")
    services.event_close(key="web1")
    closed = client.post("/outputs/web1/cards", {"panel": "attendees", "count": "2"})
    assert closed.status_code == 409
    assert BallotCard.objects.filter(event__key="web1").count() == 3
