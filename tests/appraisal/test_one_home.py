"""One home per rule (issue 10): each rule is written once and every page, export, API and
command calls it; these tests attack each rule at every place that uses it."""

from __future__ import annotations

import argparse
import io
import json
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from pingyi.appraisal import meeting, selectors, selectors_public, services
from pingyi.appraisal.cli import cmd_cards, cmd_event_import
from pingyi.appraisal.demo import _simulate_meeting, load_demo_event
from pingyi.appraisal.errors import StateError
from pingyi.appraisal.method.running_order import running_order as order_units
from pingyi.appraisal.method.spec import load_event_json
from pingyi.appraisal.method.statement import method_statement, rubric_statement
from pingyi.appraisal.method.tally import (
    Results,
    TrackResult,
    UnitResult,
    dump_results,
    rank_changes,
    results_to_json,
)
from pingyi.appraisal.models import Ballot, BallotCard, Event, EventState, Presentation
from pingyi.appraisal.outputs import report
from pingyi.appraisal.outputs.workbook import HEADER_ROW, build_workbook, change_text
from pingyi.appraisal.slides import slides_upload
from pingyi.core.models import AuditEntry
from pingyi.core.pdf_font import PdfFontMissing

SRC = Path(__file__).resolve().parents[2] / "src" / "pingyi"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def event_data(**changes: Any) -> dict[str, Any]:
    """A small meeting: a criteria track, a grades track, two weighted panels, trimming."""
    data: dict[str, Any] = {
        "format": "pingyi-event/1",
        "key": "t1",
        "name": "测试评议会",
        "held_on": "2026-07-17",
        "tracks": [
            {
                "key": "counties",
                "name": "县（区）",
                "units": [
                    {"key": "hualong", "name": "华龙区"},
                    {"key": "puyang", "name": "濮阳县"},
                    {"key": "qingfeng", "name": "清丰县"},
                ],
                "rubric": {
                    "kind": "criteria",
                    "step": 0.5,
                    "criteria": [
                        {"key": "results", "name": "工作实绩", "max": 60},
                        {"key": "style", "name": "能力作风", "max": 40},
                    ],
                },
            },
            {
                "key": "leads",
                "name": "牵头单位",
                "units": [
                    {"key": "fgw", "name": "市发展改革委"},
                    {"key": "gxj", "name": "市工业和信息化局"},
                ],
                "rubric": {
                    "kind": "grades",
                    "abstain": True,
                    "grades": [
                        {"key": "good", "name": "好", "points": 100},
                        {"key": "fair", "name": "较好", "points": 85},
                    ],
                },
            },
        ],
        "panels": [
            {"key": "leaders", "name": "市级领导", "weight": 0.4, "expected": 3},
            {"key": "attendees", "name": "列席人员", "weight": 0.6},
        ],
        "method": {"weighting": "panels", "trim": 1, "trim_min": 5, "decimals": 2},
    }
    data.update(changes)
    return data


def make_event(**changes: Any) -> Event:
    return services.event_import(data=json.dumps(event_data(**changes), ensure_ascii=False))


def make_open_event(**changes: Any) -> Event:
    return services.event_open(key=make_event(**changes).key)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _closed(state: str, event: Event | None = None) -> Event:
    """The reference event, closed (and published when ``state`` says so)."""
    event = event or make_open_event()
    services.event_close(key=event.key)
    if state == EventState.PUBLISHED:
        services.event_publish(key=event.key)
    return Event.objects.get(key=event.key)


# --------------------------------------------------------------------------- draft or open


def test_only_while_draft_or_open_is_written_once() -> None:
    """No module spells the states out again: ``models.BEFORE_CLOSE`` is the one home."""
    spelled = re.compile(r"\bin \(\s*EventState\.(DRAFT|OPEN),\s*EventState\.(DRAFT|OPEN)\s*\)")
    places = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if spelled.search(p.read_text(encoding="utf-8"))
    ]
    assert places == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", [EventState.CLOSED, EventState.PUBLISHED])
def test_slides_upload_refuses_a_closed_event_and_writes_nothing(
    state: str, settings: Any, tmp_path: Path
) -> None:
    """The service itself refuses (it was the one place without the guard), even when the
    caller hands it a stale copy of the event that still says ``open``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    stale = make_open_event()
    _closed(state, stale)
    assert stale.state == EventState.OPEN  # the caller's copy is stale
    audited = AuditEntry.objects.count()
    with pytest.raises(StateError, match="only before voting closes"):
        slides_upload(
            event=stale,
            track="counties",
            unit="hualong",
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
        )
    assert not Presentation.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))
    assert AuditEntry.objects.count() == audited


@pytest.mark.django_db
def test_slides_upload_still_works_while_draft_or_open(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    event = make_event()
    for _ in range(2):
        p = slides_upload(
            event=event,
            track="counties",
            unit="hualong",
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
        )
        assert p.slides.name.endswith(".pdf")
        event = services.event_open(key=event.key) if event.state == EventState.DRAFT else event


@pytest.mark.django_db
@pytest.mark.parametrize("state", [EventState.CLOSED, EventState.PUBLISHED])
def test_slides_pages_refuse_a_closed_event(
    state: str, client: Any, liaison_a: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    _closed(state)
    client.force_login(liaison_a)  # hualong's liaison
    listing = client.get("/slides/t1/")
    assert listing.status_code == 200
    rows = [row for block in listing.context["tracks"] for row in block["rows"]]
    assert rows and not any(row["may_upload"] for row in rows)
    assert 'action="/slides/t1/counties/hualong/"' not in listing.content.decode()
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    response = client.post("/slides/t1/counties/hualong/", {"slides": upload})
    assert response.status_code == 403
    assert not Presentation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [EventState.CLOSED, EventState.PUBLISHED])
def test_cards_are_refused_everywhere_once_voting_closed(
    state: str, client: Any, office_user: Any, tmp_path: Path, capsys: Any
) -> None:
    event = _closed(state)
    # the service (the API's and the printing's way in)
    with pytest.raises(StateError, match="only before voting closes"):
        services.tokens_issue(event=event, panel="leaders", count=1)
    # the outputs page offers no cards, the form refuses
    client.force_login(office_user)
    page = client.get("/outputs/t1/")
    assert page.status_code == 200 and page.context["can_issue"] is False
    form = client.post("/outputs/t1/cards", {"panel": "leaders", "count": "1"})
    assert form.status_code == 409 and form.context["can_issue"] is False
    # the command line
    args = argparse.Namespace(
        key="t1",
        panel="leaders",
        count=1,
        unit=None,
        out=str(tmp_path / "c.pdf"),
        public_url="https://pingyi.example.gov.cn",
        language="en",
    )
    assert cmd_cards(args, lambda: None) != 0
    assert "before voting closes" in capsys.readouterr().err
    assert not (tmp_path / "c.pdf").exists()
    assert not BallotCard.objects.exists()


@pytest.mark.django_db
def test_cards_and_slides_are_offered_while_draft_or_open(client: Any, office_user: Any) -> None:
    event = make_event()
    client.force_login(office_user)
    for _ in range(2):
        assert client.get("/outputs/t1/").context["can_issue"] is True
        assert client.get("/outputs/t1/cards").context["can_issue"] is True
        assert services.tokens_issue(event=event, panel="leaders", count=1)
        if event.state == EventState.DRAFT:
            event = services.event_open(key="t1")


# --------------------------------------------------------------------------- running order


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        ({}, ["a", "b", "c", "d"]),  # nobody placed: event.json's order
        ({"c": 1, "a": 2}, ["c", "a", "b", "d"]),  # placed first, the rest in event.json order
        ({"a": 0, "d": 1}, ["d", "a", "b", "c"]),  # 0 is "not placed", never "first"
        ({"d": 3, "b": 3, "c": 3}, ["b", "c", "d", "a"]),  # ties: event.json's order
        ({"d": 1000, "a": 0, "b": 0}, ["d", "a", "b", "c"]),  # a large place is still placed
        ({"x": 1, "c": 2}, ["c", "a", "b", "d"]),  # a place of a unit not in the track: ignored
    ],
)
def test_running_order_rule(places: dict[str, int], expected: list[str]) -> None:
    assert order_units(["a", "b", "c", "d"], places) == expected


@pytest.mark.django_db
def test_console_and_phone_show_the_same_running_order() -> None:
    """The console (``meeting.running_order``) and the phone (``selectors_public.presentations``)
    follow one rule: a presentation with place 0 (the field's default, e.g. from the admin) is
    not placed. The phone used to put it first."""
    event = make_open_event()
    Presentation.objects.create(event=event, track="counties", unit="qingfeng", order=0)
    Presentation.objects.create(event=event, track="counties", unit="puyang", order=2)
    Presentation.objects.create(event=event, track="leads", unit="gxj", order=1)
    Presentation.objects.create(event=event, track="leads", unit="fgw", order=1)
    console = {
        track: [(row.unit.key, row.order) for row in rows]
        for track, rows in meeting.running_order(event=event).items()
    }
    phone: dict[str, list[tuple[str, int]]] = {}
    for row in selectors_public.presentations(event=event):
        phone.setdefault(row["track"], []).append((row["unit"], row["order"]))
    assert console == phone
    assert console["counties"] == [("puyang", 1), ("hualong", 2), ("qingfeng", 3)]
    assert console["leads"] == [("fgw", 1), ("gxj", 2)]  # equal places: event.json's order


# --------------------------------------------------------------------------- results


def _closed_demo_pair() -> Event:
    """The demo's published 2025-h2 and its 2026-h1 (compared with it) voted and closed."""
    load_demo_event()
    _simulate_meeting(
        "2026-h1", 2026, {"leaders": 6, "deputies": 7, "enterprises": 5, "attendees": 12}
    )
    return Event.objects.select_related("previous").get(key="2026-h1")


def _page_rows(event: Event, user: Any) -> dict[str, list[tuple[Any, ...]]]:
    page = selectors_public.results_page(event=event, user=user)
    return {
        track.key: [
            (r.rank, r.name, r.score, r.ballots, change_text(r.change), r.panels)
            for r in track.rows
        ]
        for track in page.tracks
    }


def _workbook_rows(event: Event) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(event=event)))
    decimals = event.spec.method.decimals
    out = {}
    for track, ws in zip(event.spec.tracks, book.worksheets, strict=False):
        rows = []
        for values in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
            if values[1] is None:
                break
            rank, name, score, ballots = values[:4]
            panels = tuple(
                None if s is None else f"{Decimal(str(s)):.{decimals}f}"
                for s in values[4 : 4 + 2 * len(event.spec.panels) : 2]
            )
            score_text = None if score is None else f"{Decimal(str(score)):.{decimals}f}"
            rows.append((rank, name, score_text, ballots, change_text(values[-1]), panels))
        out[track.key] = rows
    return out


def _report_rows(event: Event, monkeypatch: Any) -> list[list[tuple[Any, ...]]]:
    """The ranking tables the PDF report draws (rank, unit, score, ballots, …, change)."""
    tables: list[list[tuple[Any, ...]]] = []
    draw = report._table

    def keep(header: Any, rows: Any, *args: Any, **kwargs: Any) -> Any:
        if list(header)[:3] == ["Rank", "Unit", "Score"] and len(header) == 6:
            tables.append([(r[0], r[1], r[2], r[3], r[5]) for r in rows])
        return draw(header, rows, *args, **kwargs)

    monkeypatch.setattr(report, "_table", keep)
    try:
        pdf = report.build_report(event=event, diagnostics=[])
    except PdfFontMissing:
        pytest.skip("no Chinese font for the PDF report")
    assert pdf.startswith(b"%PDF-")
    return tables


@pytest.mark.django_db
def test_the_page_the_workbook_and_the_report_show_the_same_results(
    office_user: Any, monkeypatch: Any
) -> None:
    """One read model: ranks, scores, ballots, panel scores and rank changes are those fixed
    at the close, on the page, in the workbook and in the report, even when a recount of the
    ballots would now say otherwise (here: ballots removed behind the app's back). The
    workbook and the report used to recount, the page read results.json."""
    event = _closed_demo_pair()
    page = _page_rows(event, office_user)
    assert sum(r[4] not in ("—",) for rows in page.values() for r in rows)  # changes shown
    assert _workbook_rows(event) == page
    report_rows = [[(r[0], r[1], r[2], r[3], r[4]) for r in rows] for rows in page.values()]
    assert [
        [("—" if a is None else a, b, "—" if c is None else c, d, e) for a, b, c, d, e in rows]
        for rows in report_rows
    ] == _report_rows(event, monkeypatch)

    # The ballots change after the close: the fixed figures stay, everywhere.
    some = list(Ballot.objects.filter(event=event).values_list("pk", flat=True)[:9])
    Ballot.objects.filter(pk__in=some).delete()
    assert selectors.compute_results(event=event) != selectors.stored_results(event=event)
    assert _page_rows(event, office_user) == page
    assert _workbook_rows(event) == page
    assert [
        [("—" if a is None else a, b, "—" if c is None else c, d, e) for a, b, c, d, e in rows]
        for rows in report_rows
    ] == _report_rows(event, monkeypatch)


@pytest.mark.django_db
def test_rank_changes_have_one_rule(office_user: Any) -> None:
    """The page, the unit history and the screens (``selectors.rank_changes``) measure rank
    changes by the one rule of ``method.tally.rank_changes``."""
    event = _closed_demo_pair()
    services.event_publish(key=event.key)
    event.refresh_from_db()
    changes = selectors.rank_changes(event=event)
    current, previous = selectors.results(event=event), Event.objects.get(key="2025-h2")
    assert current is not None and event.previous == previous
    assert changes == rank_changes(current, selectors.results(event=previous))
    page = selectors_public.results_page(event=event, user=office_user)
    assert {t.key: {r.unit: r.change for r in t.rows} for t in page.tracks} == changes
    for track in page.tracks:
        for row in track.rows:
            history = selectors_public.unit_history(unit_key=row.unit)
            assert history is not None
            newest = next(h for h in history.rows if h.event.key == event.key)
            assert newest.change == changes[track.key][row.unit]
    assert any(c for moves in changes.values() for c in moves.values())


# --------------------------------------------------------------------------- the method in words


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_the_workbook_and_the_report_state_the_method_in_the_same_words(
    language: str, client: Any, monkeypatch: Any
) -> None:
    """``method.statement`` is the one wording: the public page used to say the trim rule
    (and every other rule) in words of its own."""
    load_demo_event()
    event = Event.objects.get(key="2025-h2")
    with translation.override(language):
        statement = method_statement(event.spec)
        rubrics = [rubric_statement(t.rubric) for t in event.spec.tracks]
        # the page
        html = client.get("/results/2025-h2/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for topic, text in statement:
            assert f"<strong>{escape(topic)}</strong> {escape(text)}</li>" in html
        for rubric in rubrics:
            assert escape(rubric) in html
        # the workbook's Method sheet: the same pairs, in the same order
        book = openpyxl.load_workbook(io.BytesIO(build_workbook(event=event)))
        pairs = [tuple(r[:2]) for r in book.worksheets[-1].iter_rows(values_only=True)]
        start = pairs.index(statement[0])
        assert pairs[start : start + len(statement)] == statement
        # the report's Method table and its tracks' rubrics
        drawn: list[Any] = []
        paragraphs: list[str] = []
        table, paragraph = report._table, report._p

        def keep_table(header: Any, rows: Any, *args: Any, **kwargs: Any) -> Any:
            drawn.append([tuple(r) for r in rows])
            return table(header, rows, *args, **kwargs)

        def keep_paragraph(text: Any, *args: Any, **kwargs: Any) -> Any:
            paragraphs.append(str(text))
            return paragraph(text, *args, **kwargs)

        monkeypatch.setattr(report, "_table", keep_table)
        monkeypatch.setattr(report, "_p", keep_paragraph)
        try:
            report.build_report(event=event, diagnostics=[])
        except PdfFontMissing:
            pytest.skip("no Chinese font for the PDF report")
        assert statement in drawn
        for rubric in rubrics:
            assert rubric in paragraphs
    if language == "zh-hans":  # translated, not the English msgids
        assert not any(re.search(r"[A-Za-z]{4}", text) for _topic, text in statement[:4])


# --------------------------------------------------------------------------- event.json in a zip


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_only_the_bundle_reads_event_json_from_a_zip() -> None:
    """``method/bundle.py`` (``read_event_json``, ``read_bundle``) is the one reader; the
    other zip the app opens is the bundle it writes (uploads are sniffed by core/uploads.py)."""
    appraisal = SRC / "appraisal"
    zips = sorted(
        str(p.relative_to(appraisal))
        for p in appraisal.rglob("*.py")
        if "ZipFile(" in p.read_text(encoding="utf-8")
    )
    assert zips == ["method/bundle.py", "views/public.py"]
    for module in ("cli.py", "views/event_import.py"):
        text = (appraisal / module).read_text(encoding="utf-8")
        assert "read_event_json(" in text and "zipfile" not in text


GOOD = json.dumps(event_data(), ensure_ascii=False).encode()
OTHER = json.dumps(event_data(key="t2"), ensure_ascii=False).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("members", "key"),
    [
        ({"event.json": GOOD}, "t1"),
        ({"bundle/event.json": GOOD, "bundle/ballots.csv": b""}, "t1"),
        ({"event.json": GOOD, "other/event.json": OTHER}, "t1"),  # the root one wins
        ({"a/event.json": GOOD, "b/event.json": OTHER}, None),  # which one? refused
        ({"a/b/event.json": GOOD}, None),  # two folders deep: not a bundle
        ({"event.json.txt": GOOD, "readme.txt": b"x"}, None),
    ],
)
def test_the_command_line_and_the_browser_find_event_json_alike(
    members: dict[str, bytes],
    key: str | None,
    tmp_path: Path,
    client: Any,
    office_user: Any,
    capsys: Any,
) -> None:
    data = _zip(members)
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    args = argparse.Namespace(bundle=str(path), replace=False)
    code = cmd_event_import(args, lambda: None)
    cli_keys = list(Event.objects.values_list("key", flat=True))
    Event.objects.all().delete()
    client.force_login(office_user)
    response = client.post(
        "/meeting/import", {"file": SimpleUploadedFile("bundle.zip", data, "application/zip")}
    )
    web_keys = list(Event.objects.values_list("key", flat=True))
    assert cli_keys == web_keys == ([key] if key else [])
    if key is None:
        assert code != 0 and "event.json" in capsys.readouterr().err
        assert response.status_code == 200 and "event.json" in response.content.decode()
    else:
        assert code in (0, None) and response.status_code == 302


# --------------------------------------------------------------------------- the pure rules


@pytest.mark.django_db
def test_the_typed_read_model_is_results_json_exactly() -> None:
    """``results_from_json`` loses nothing of results.json: written back, it is the stored
    text byte for byte (the API's and the bundle's file)."""
    load_demo_event()
    event = Event.objects.get(key="2025-h2")
    typed = selectors.results(event=event)
    assert typed is not None
    assert dump_results(results_to_json(typed)) == event.results_json
    detailed = selectors.results_of(event=event)
    assert dump_results(results_to_json(detailed)) == event.results_json
    assert any(u.criterion_means for t in detailed.tracks for u in t.ranking)


def _results(ranks: dict[str, dict[str, int | None]]) -> Results:
    method = load_event_json(json.dumps(event_data())).method
    return Results(
        event="e",
        method=method,
        tracks=tuple(
            TrackResult(
                key=track,
                name=track,
                ranking=tuple(
                    UnitResult(u, u, r, None, None, 0, {}, 0, {}) for u, r in units.items()
                ),
            )
            for track, units in ranks.items()
        ),
        ballots=0,
        ballots_per_panel={},
    )


def test_rank_change_rule() -> None:
    now = _results({"a": {"x": 1, "y": 2, "z": None, "new": 3}, "b": {"x": 1}})
    before = _results({"a": {"x": 3, "y": 1, "z": 2, "gone": 4}, "c": {"x": 9}})
    assert rank_changes(now, before) == {
        "a": {"x": 2, "y": -1, "z": None, "new": None},  # up 2, down 1, unranked, new
        "b": {"x": None},  # the track was not in the previous event
    }
    assert rank_changes(now, None) == {"a": dict.fromkeys(["x", "y", "z", "new"]), "b": {"x": None}}
    unranked_before = _results({"a": {"x": None}})
    assert rank_changes(now, unranked_before)["a"]["x"] is None
