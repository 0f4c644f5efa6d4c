"""Authorization matrix: EVERY route of the URL resolver × every role, with the expected answer.

Roles (``tests/security/conftest.py``): anonymous; evaluator (no account, holds a valid ballot
card of the open event); the liaisons of unit A (hualong) and unit B (puyang); leader; viewer;
office. An evaluator is an anonymous visitor everywhere except where the card counts (the
ballot and card lookup API), so its answer defaults to the anonymous one unless stated.

Answers: an HTTP status (200, 201, 302 …), ``LOGIN`` (302 to the sign-in form with ``next``),
``SIGNED_OUT`` (302 to the sign-in form, session ended) or ``REDIRECT`` (302 elsewhere). A
route that the resolver knows but this table does not fails
``test_every_route_is_in_the_table``: a new route ships only with a decision about who may
reach it. The admin's per-model routes are covered generically from the admin registry
(office 200, other signed-in roles 403, anonymous to sign in).

The world (events in each state, slides, cards, ballots) is built once per module and every
request runs in a savepoint, so office actions here (open, close, publish, import) change
nothing for the next case.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PDF_BYTES, ROLES, World, event_json, full_scores

LOGIN = "login"  # 302 to the sign-in form, coming back afterwards
REDIRECT = "redirect"  # 302 somewhere else (the page's own next step)
SIGNED_OUT = "signed-out"  # 302 to the sign-in form, signed out
Outcome = int | str


def expect(default: Outcome | None = None, **per_role: Outcome) -> dict[str, Outcome]:
    """Every role's answer: ``default`` unless named; the evaluator answers as anonymous."""
    table: dict[str, Outcome] = {}
    for role in ROLES:
        if role in per_role:
            table[role] = per_role[role]
        elif role == "evaluator" and "anonymous" in per_role:
            table[role] = per_role["anonymous"]
        elif default is not None:
            table[role] = default
    missing = set(ROLES) - set(table)
    assert not missing, f"no answer for {sorted(missing)}"
    return table


PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=LOGIN)
OFFICE_PAGE = expect(403, anonymous=LOGIN, office=200)
READERS_PAGE = expect(200, anonymous=LOGIN, liaison_a=403, liaison_b=403)
READERS_ONLY_404 = expect(404, leader=200, viewer=200, office=200)  # unpublished: readers only
API_OFFICE_401 = expect(401)  # the API refuses without naming the reason (no office auth)


@dataclass(frozen=True)
class Case:
    route: str  # URL name, or the resolver's pattern for an unnamed route
    expected: dict[str, Outcome]
    kwargs: dict[str, str] = field(default_factory=dict)  # "@open" → key of the open event
    method: str = "get"
    path: str | None = None  # for unnamed routes
    query: str = ""
    body: Callable[[World, str], dict[str, Any]] | None = None  # (world, role) → client kwargs
    label: str = ""


# --- request bodies ----------------------------------------------------------------------------


def ballot_body(world: World, role: str) -> dict[str, Any]:
    token = world.evaluator_token if role == "evaluator" else "not-a-real-card-token-000"
    payload = {"token": token, "scores": full_scores()}
    return {"data": json.dumps(payload), "content_type": "application/json"}


def lookup_body(world: World, role: str) -> dict[str, Any]:
    token = world.evaluator_token if role == "evaluator" else "not-a-real-card-token-000"
    return {"data": json.dumps({"token": token}), "content_type": "application/json"}


def new_event_body(world: World, role: str) -> dict[str, Any]:
    return {"data": event_json("sx-new"), "content_type": "application/json"}


def event_upload_body(world: World, role: str) -> dict[str, Any]:
    upload = SimpleUploadedFile("event.json", event_json("sx-upload").encode(), "application/json")
    return {"data": {"file": upload}}


def cards_body(world: World, role: str) -> dict[str, Any]:
    return {
        "data": json.dumps({"panel": "leaders", "count": 2}),
        "content_type": "application/json",
    }


def slides_body(world: World, role: str) -> dict[str, Any]:
    return {"data": {"slides": SimpleUploadedFile("述职.pdf", PDF_BYTES, "application/pdf")}}


def cards_form_body(world: World, role: str) -> dict[str, Any]:
    return {"data": {"panel": "leaders", "count": "2", "unit": ""}}


def form(**data: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, role: {"data": dict(data)}


def consumer_alive(world: World, role: str) -> dict[str, Any]:
    """/healthz answers 200 only while a task consumer beats, and none runs in tests: one
    beat first (the checks themselves: tests/core/test_health.py)."""
    from pingyi.core.tasks import beat

    beat()
    return {}


def json_body(**data: Any) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, role: {"data": json.dumps(data), "content_type": "application/json"}


def extension_body(world: World, role: str) -> dict[str, Any]:
    """An extension to 60 days from today (the supervision API dates its actions today)."""
    import datetime as dt

    from django.utils import timezone

    proposed = (timezone.localdate() + dt.timedelta(60)).isoformat()
    return json_body(reason="资金未到位", proposed_due=proposed)(world, role)


#: an item of list ``sx-api`` led by hualong (unit A), due in 30 days
UNIT_ITEM = {"key": "@list:hualong", "number": "hualong-api"}


def extension_form_body(world: World, role: str) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    proposed = (timezone.localdate() + dt.timedelta(60)).isoformat()
    return {"data": {"reason": "资金未到位", "proposed_due": proposed}}


def decide_body(world: World, role: str) -> dict[str, Any]:
    report = supervision_object(world, "report", "hualong")
    return {"data": {"what": "report", "action": "accept", "id": report}}


def comment_body(world: World, role: str) -> dict[str, Any]:
    report = supervision_object(world, "report", "hualong")
    return {"data": {"id": report, "rating": "差", "comment": "进度滞后"}}


#: a red notice (督办单) of hualong's item of list ``sx-api``
NOTICE = {"pk": "@notice:hualong"}


def notice_decide_body(world: World, role: str) -> dict[str, Any]:
    reply = supervision_notice(world, "noticereply", "hualong")
    return {"data": {"id": reply, "action": "accept"}}


# --- the table ---------------------------------------------------------------------------------

CASES: list[Case] = [
    # core, accounts, i18n
    Case("core:home", SIGNED_IN),
    Case("core:health", PUBLIC, body=consumer_alive),
    Case("core:favicon", PUBLIC),
    Case("core:export", expect(404, anonymous=LOGIN),
         {"pk": "6f1c0d9e-3b7a-4c2d-9e8f-0a1b2c3d4e5f"}),
    Case("accounts:login", expect(REDIRECT, anonymous=200)),
    Case("accounts:logout", expect(SIGNED_OUT), method="post"),
    Case("accounts:password_change", SIGNED_IN),
    Case("set_language", expect(REDIRECT), method="post", body=form(language="en", next="/")),
    # units
    Case("orgs:unit_list", SIGNED_IN),
    Case("orgs:unit_import", OFFICE_PAGE),
    Case("orgs:unit_import", OFFICE_PAGE, method="post", body=form()),
    Case("orgs:unit_detail", expect(200, anonymous=LOGIN, liaison_b=403), {"code": "hualong"}),
    Case("orgs:unit_detail", expect(200, anonymous=LOGIN, liaison_a=403), {"code": "puyang"}),
    Case("orgs:unit_detail", expect(404, anonymous=LOGIN), {"code": "no-such-unit"}),
    Case("orgs:unit_edit", OFFICE_PAGE, {"code": "hualong"}),
    Case("orgs:unit_edit", expect(403, anonymous=LOGIN, office=404), {"code": "no-such-unit"}),
    # supervision: every signed-in role sees the items page (a liaison its unit's items only);
    # an item's page is for readers and the liaisons of its lead unit or co-units
    Case("supervision:item_list", SIGNED_IN),
    Case(
        "supervision:item_detail",
        expect(200, anonymous=LOGIN, liaison_b=403),
        {"key": "sx-list", "number": "@item:hualong"},
    ),
    Case(
        "supervision:item_detail",
        expect(200, anonymous=LOGIN, liaison_a=403),
        {"key": "sx-list", "number": "@item:puyang"},
    ),
    Case(
        "supervision:item_detail", expect(404, anonymous=LOGIN), {"key": "sx-list", "number": "0"}
    ),
    # supervision, the office's pages (views_office.py): import, deadlines, working days;
    # a unit's page: readers and that unit's liaison
    Case("supervision:office_list_import", OFFICE_PAGE),
    Case("supervision:office_list_import", OFFICE_PAGE, method="post", body=form()),
    Case(
        "supervision:office_list_import",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        method="post",
        body=form(confirm="x" * 32),
        label="confirm",
    ),
    Case("supervision:office_deadlines", OFFICE_PAGE),
    Case(
        "supervision:office_deadlines",
        expect(403, anonymous=LOGIN, office=404),
        method="post",
        body=form(item="0", due="2026-09-30"),
    ),
    Case("supervision:office_workdays", OFFICE_PAGE),
    Case("supervision:office_workdays", OFFICE_PAGE, method="post", body=form()),
    Case("supervision:unit_page", expect(200, anonymous=LOGIN, liaison_b=403), {"code": "hualong"}),
    Case("supervision:unit_page", expect(200, anonymous=LOGIN, liaison_a=403), {"code": "puyang"}),
    Case("supervision:unit_page", expect(404, anonymous=LOGIN), {"code": "no-such-unit"}),
    Case("supervision:office_roundtrip", OFFICE_PAGE, {"key": "@sx-list"}),
    Case(
        "supervision:office_roundtrip", OFFICE_PAGE, {"key": "@sx-list"}, method="post", body=form()
    ),
    Case(
        "supervision:office_roundtrip",
        expect(403, anonymous=LOGIN, office=404),
        {"key": "no-such-list"},
    ),
    Case("supervision:office_export", OFFICE_PAGE, {"key": "@sx-list"}),
    Case("supervision:office_export", expect(403, anonymous=LOGIN, office=404), {"key": "no-list"}),
    # notifications: the channels page and the delivery log are the office's (a POST with no
    # channel adds nothing: the form answers 200 with its errors; a resend of no message
    # comes back to the log)
    Case("notifications:channels", OFFICE_PAGE),
    Case("notifications:channels", OFFICE_PAGE, method="post", body=form(action="add")),
    Case("notifications:log", OFFICE_PAGE),
    Case(
        "notifications:log",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        method="post",
        body=form(message="0"),
    ),
    # year targets and projects (issue 14): every account reads (a liaison its own unit's
    # rows), the office imports (a POST without a file answers 200 with the form's errors)
    Case("targets:table", SIGNED_IN),
    Case("targets:table", SIGNED_IN, query="year=2026&month=99", label="bad month"),
    Case("targets:import", OFFICE_PAGE),
    Case("targets:import", OFFICE_PAGE, method="post", body=form(year="2026")),
    Case("pipeline:table", SIGNED_IN),
    Case("pipeline:table", SIGNED_IN, query="day=not-a-day&batch=%E7%AC%AC", label="bad day"),
    Case("pipeline:import", OFFICE_PAGE),
    Case("pipeline:import", OFFICE_PAGE, method="post", body=form()),
    # the handbook (issue 15): every account reads it; the evaluator's and the liaison's
    # chapters and their pictures are open (tests/handbook/test_handbook.py); read-only
    Case("handbook:index", SIGNED_IN),
    Case("handbook:index", expect(405), method="post"),
    Case("handbook:chapter", SIGNED_IN, kwargs={"name": "meeting-run"}),
    Case("handbook:chapter", PUBLIC, kwargs={"name": "evaluator"}),
    Case("handbook:chapter", PUBLIC, kwargs={"name": "liaison"}),
    Case("handbook:chapter", expect(404, anonymous=LOGIN), kwargs={"name": "no-such"}),
    Case("handbook:picture", SIGNED_IN, kwargs={"name": "meeting-console.png"}),
    Case("handbook:picture", expect(404), kwargs={"name": "no-such.png"}),
    # the monthly arena (scoreboard): the published rankings are public; the office pages are
    # read by office, leaders and viewers and written by the office alone (a reader's POST is
    # 404); no such arena or month: 404 (tests/scoreboard/test_pages.py runs a real month)
    Case("scoreboard:public_index", PUBLIC),
    Case("scoreboard:office", READERS_PAGE),
    Case(
        "scoreboard:office",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403, office=200),
        method="post",
        body=form(),
    ),
    Case(
        "scoreboard:arena",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403),
        {"key": "none"},
    ),
    Case(
        "scoreboard:month",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403),
        {"key": "none", "period": "2026-11"},
    ),
    Case("scoreboard:public_month", expect(404), {"key": "none", "period": "2026-11"}),
    Case("scoreboard:bundle", expect(404), {"key": "none", "period": "2026-11"}),
    # the wall boards (docs/scoreboard.md, "Boards"): the public page and the wall for anyone
    # (the anonymous, the evaluator and liaisons see public boards only: a board the office has
    # not published is 404 on the wall, its data and its stream, as a board that is not); the
    # office page read by readers, switched by the office (a POST naming no board: 200, said)
    Case("boards:public", PUBLIC),
    Case("boards:wall", PUBLIC),
    Case("boards:wall", READERS_ONLY_404, query="boards=notices", label="unpublished"),
    Case("boards:wall", expect(400), query="boards=nope&seconds=1", label="bad query"),
    Case("boards:office", READERS_PAGE),
    Case(
        "boards:office",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403, office=200),
        method="post",
        body=form(board="nope", public="1"),
    ),
    Case("boards:data", READERS_ONLY_404, {"key": "notices"}),
    Case("boards:data", expect(404), {"key": "nope"}),
    Case("boards:stream", READERS_ONLY_404, query="boards=notices"),
    # supervision, the unit's and the leader's pages (views_unit.py): my items for everyone
    # signed in; report (liaisons of the item's units, office), extension and closure (the lead
    # unit's liaison, office), decide (office), comment (leaders, office), an attachment
    # (whoever may see the item); another unit's liaison gets 403 on all of them
    Case("supervision:unit_home", SIGNED_IN),
    Case(
        "supervision:report_new",
        expect(403, anonymous=LOGIN, liaison_a=200, office=200),
        UNIT_ITEM,
    ),
    Case(
        "supervision:report_new",
        expect(403, anonymous=LOGIN, liaison_b=200, office=200),
        {"key": "@list:puyang", "number": "puyang-api"},
    ),
    Case("supervision:report_new", expect(404, anonymous=LOGIN), {"key": "sx-api", "number": "0"}),
    Case(
        "supervision:report_new",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT, office=REDIRECT),
        UNIT_ITEM,
        method="post",
        body=form(reported_on="2026-01-05", percent="40", done_text="完成选址"),
    ),
    Case(
        "supervision:extension_new",
        expect(403, anonymous=LOGIN, liaison_a=200, office=200),
        UNIT_ITEM,
    ),
    Case(
        "supervision:extension_new",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT, office=REDIRECT),
        UNIT_ITEM,
        method="post",
        body=extension_form_body,
    ),
    Case(
        "supervision:closure_new",
        expect(403, anonymous=LOGIN, liaison_a=200, office=200),
        UNIT_ITEM,
    ),
    Case(
        "supervision:closure_new",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT, office=REDIRECT),
        UNIT_ITEM,
        method="post",
        body=form(evidence="验收报告"),
    ),
    Case(
        "supervision:decide",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        UNIT_ITEM,
        method="post",
        body=decide_body,
    ),
    Case("supervision:decide", expect(405, anonymous=LOGIN), UNIT_ITEM, label="GET"),
    Case(
        "supervision:comment",
        expect(403, anonymous=LOGIN, office=REDIRECT, leader=REDIRECT),
        UNIT_ITEM,
        method="post",
        body=comment_body,
    ),
    Case("supervision:comment", expect(405, anonymous=LOGIN), UNIT_ITEM, label="GET"),
    Case(
        "supervision:attachment",
        expect(200, anonymous=LOGIN, liaison_b=403),
        {**UNIT_ITEM, "pk": "@file:hualong"},
    ),
    Case(
        "supervision:attachment",
        expect(404, anonymous=LOGIN, liaison_b=403),
        {**UNIT_ITEM, "pk": "987654"},
    ),
    # the on-site office (views_onsite.py): the meetings for every account (a liaison its
    # unit's), recording for the office (an empty form: 422); no meeting or problem here: 404
    # (who sees a real one: tests/supervision/test_onsite_pages.py)
    Case("supervision:onsite_index", SIGNED_IN),
    Case("supervision:onsite_new", OFFICE_PAGE),
    Case("supervision:onsite_new", expect(403, anonymous=LOGIN, office=422), method="post"),
    Case("supervision:onsite_meeting", expect(404, anonymous=LOGIN), {"pk": "987654"}),
    Case("supervision:onsite_minutes", expect(404, anonymous=LOGIN), {"pk": "987654"}),
    Case("supervision:onsite_problem", expect(404, anonymous=LOGIN), {"pk": "987654"}),
    Case(
        "supervision:onsite_batch",
        expect(403, anonymous=LOGIN, office=404),
        {"pk": "987654"},
        method="post",
    ),
    # notices (views_notices.py): the board for readers, the inbox for everyone signed in, the
    # sweep for the office; a red notice of hualong's item for readers and hualong's liaison
    # (签收 and the reply by that liaison only; accept / return by the office only)
    Case("supervision:notice_board", READERS_PAGE),
    Case("supervision:notice_inbox", SIGNED_IN),
    Case("supervision:notice_sweep", OFFICE_PAGE),
    Case(
        "supervision:notice_sweep",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        method="post",
        label="POST",
    ),
    Case("supervision:notice_detail", expect(200, anonymous=LOGIN, liaison_b=403), NOTICE),
    Case("supervision:notice_detail", expect(404, anonymous=LOGIN), {"pk": "987654"}),
    Case(
        "supervision:notice_acknowledge",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT),
        NOTICE,
        method="post",
    ),
    Case(
        "supervision:notice_reply",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT),
        NOTICE,
        method="post",
        body=form(text="资金已到位，11月底前完成"),
    ),
    Case(
        "supervision:notice_decide",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        NOTICE,
        method="post",
        body=notice_decide_body,
    ),
    Case("supervision:notice_pdf", expect(200, anonymous=LOGIN, liaison_b=403), NOTICE),
    Case(
        "supervision:notice_attachment",
        expect(200, anonymous=LOGIN, liaison_b=403),
        {**NOTICE, "file_pk": "@noticefile:hualong"},
    ),
    Case(
        "supervision:notice_attachment",
        expect(404, anonymous=LOGIN, liaison_b=403),
        {**NOTICE, "file_pk": "987654"},
    ),
    # the weekly cycle (views_weekly.py): readers; leaders and the office comment; only the
    # office builds a sheet (an empty one: 422) and a week that is no ISO week is 404
    Case("supervision:week_index", READERS_PAGE),
    Case("supervision:week", READERS_PAGE, {"week": "2026-W41"}),
    Case(
        "supervision:week",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403),
        {"week": "2026-W54"},
    ),
    Case(
        "supervision:week",
        expect(403, anonymous=LOGIN, office=422),
        {"week": "2026-W41"},
        method="post",
    ),
    Case(
        "supervision:week_review",
        expect(403, anonymous=LOGIN, office=200, leader=200),
        {"week": "2026-W41"},
    ),
    Case("supervision:bulletin", READERS_PAGE, {"week": "2026-W41"}),
    Case(
        "supervision:bulletin_file",
        expect(404, anonymous=LOGIN, liaison_a=403, liaison_b=403),
        {"week": "2026-W41", "fmt": "docx"},
    ),
    # the phone ballot page and its running order (public meeting information)
    Case("ballot", PUBLIC),
    Case("ballot-sw", PUBLIC),
    Case("ballot-presentations", PUBLIC, {"event_key": "@open"}),
    Case("ballot-presentations", expect(404), {"event_key": "@draft"}),
    Case("ballot-presentations", expect(404), {"event_key": "@closed"}),
    # the meeting: console (office), screen and stream (office, leaders, viewers)
    Case("meeting:list", READERS_PAGE),
    Case("meeting:console", OFFICE_PAGE, {"key": "@open"}),
    Case("meeting:console", expect(403, anonymous=LOGIN, office=404), {"key": "no-such-event"}),
    Case(
        "meeting:action",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        {"key": "@draft", "action": "open"},
        method="post",
    ),
    Case(
        "meeting:action",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        {"key": "@open", "action": "close"},
        method="post",
    ),
    Case(
        "meeting:action",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        {"key": "@closed", "action": "publish"},
        method="post",
    ),
    Case(
        "meeting:action",
        expect(403, anonymous=LOGIN, office=404),
        {"key": "@open", "action": "no-such-action"},
        method="post",
    ),
    Case(
        "meeting:action",
        expect(405, anonymous=LOGIN),
        {"key": "@draft", "action": "open"},
        label="GET is not an action",
    ),
    Case("meeting:import", OFFICE_PAGE),
    Case(
        "meeting:import",
        expect(403, anonymous=LOGIN, office=REDIRECT),
        method="post",
        body=event_upload_body,
    ),
    Case("meeting:screen", READERS_PAGE, {"key": "@open"}),
    Case(
        "meeting:stream", expect(200, anonymous=403, liaison_a=403, liaison_b=403), {"key": "@open"}
    ),
    Case(
        "meeting:live_json",
        expect(200, anonymous=403, liaison_a=403, liaison_b=403),
        {"key": "@open"},
    ),
    # public results: published for everyone; closed is a preview for readers only
    Case("results:index", PUBLIC),
    Case("results:unit_history", PUBLIC, {"unit_key": "hualong"}),
    Case("results:unit_history", expect(404), {"unit_key": "nowhere"}),
    Case("results:event", PUBLIC, {"key": "@published"}),
    Case("results:event", READERS_ONLY_404, {"key": "@closed"}),
    Case("results:event", expect(404), {"key": "@open"}),
    Case("results:event", expect(404), {"key": "@draft"}),
    Case("results:receipt", PUBLIC, {"key": "@published"}, query="code=ABCD-EFGH"),
    Case("results:receipt", READERS_ONLY_404, {"key": "@closed"}, query="code=ABCD-EFGH"),
    Case("results:receipt", expect(404), {"key": "@open"}),
    Case("results:bundle", PUBLIC, {"key": "@published"}),
    Case("results:bundle", READERS_ONLY_404, {"key": "@closed"}),
    Case("results:bundle", expect(404), {"key": "@open"}),
    Case(
        "results:diagnostics",
        expect(403, anonymous=LOGIN, leader=200, office=200),
        {"key": "@published"},
    ),
    Case(
        "results:diagnostics",
        expect(403, anonymous=LOGIN, leader=200, office=200),
        {"key": "@closed"},
    ),
    Case(
        "results:diagnostics",
        expect(403, anonymous=LOGIN, leader=404, office=404),
        {"key": "@open"},
    ),
    # slides: liaisons upload their own unit's, before voting closes; shown while voting is open
    Case("slides:list", SIGNED_IN, {"key": "@open"}),
    Case(
        "slides:upload",
        expect(403, anonymous=LOGIN, liaison_a=REDIRECT, office=REDIRECT),
        {"key": "@open", "track": "counties", "unit": "hualong"},
        method="post",
        body=slides_body,
    ),
    Case(
        "slides:upload",
        expect(403, anonymous=LOGIN, liaison_b=REDIRECT, office=REDIRECT),
        {"key": "@open", "track": "counties", "unit": "puyang"},
        method="post",
        body=slides_body,
    ),
    Case(
        "slides:upload",
        expect(403, anonymous=LOGIN),
        {"key": "@closed", "track": "counties", "unit": "hualong"},
        method="post",
        body=slides_body,
    ),
    Case(
        "slides:upload",
        expect(405, anonymous=LOGIN),
        {"key": "@open", "track": "counties", "unit": "hualong"},
        label="GET is not an upload",
    ),
    Case("slides:file", PUBLIC, {"key": "@open", "track": "counties", "unit": "hualong"}),
    Case(
        "slides:file",
        expect(200, anonymous=404, liaison_b=404),
        {"key": "@closed", "track": "counties", "unit": "hualong"},
    ),
    Case("slides:file", expect(404), {"key": "@open", "track": "counties", "unit": "puyang"}),
    # office outputs
    Case("outputs:event", OFFICE_PAGE, {"key": "@open"}),
    Case("outputs:workbook", OFFICE_PAGE, {"key": "@closed"}),
    Case("outputs:workbook", expect(403, anonymous=LOGIN), {"key": "@open"}),
    Case("outputs:report", OFFICE_PAGE, {"key": "@published"}),
    Case("outputs:cards", OFFICE_PAGE, {"key": "@open"}),
    Case(
        "outputs:cards",
        expect(403, anonymous=LOGIN, office=409),
        {"key": "@closed"},
        method="post",
        body=cards_form_body,
    ),
    # the API: evaluators with a card; reading; office (session or HTTP Basic)
    Case("api:openapi-json", PUBLIC),
    Case("api:openapi-view", PUBLIC),
    Case("api:api-root", expect(404)),
    Case("api:cast_ballot", expect(403, evaluator=201), method="post", body=ballot_body),
    Case("api:lookup_card", expect(403, evaluator=200), method="post", body=lookup_body),
    Case("api:list_events", PUBLIC),
    Case("api:get_event", PUBLIC, {"key": "@published"}),
    Case("api:get_event", READERS_ONLY_404, {"key": "@draft"}),
    Case("api:get_tracks", PUBLIC, {"key": "@published"}),
    Case("api:get_tracks", READERS_ONLY_404, {"key": "@open"}),
    Case("api:get_units", PUBLIC, {"key": "@published"}),
    Case("api:get_units", READERS_ONLY_404, {"key": "@closed"}),
    Case("api:get_results", PUBLIC, {"key": "@published"}),
    # before publication: readers only; for anyone else as if there were no such event
    Case("api:get_results", READERS_ONLY_404, {"key": "@closed"}),
    Case("api:get_results", expect(404, leader=403, viewer=403, office=403), {"key": "@open"}),
    Case("api:get_results", expect(404, leader=403, viewer=403, office=403), {"key": "@draft"}),
    Case("api:get_results", expect(404), {"key": "no-such-event"}),
    Case(
        "api:get_counts", expect(200, anonymous=401, liaison_a=401, liaison_b=401), {"key": "@open"}
    ),
    Case("api:get_receipts", PUBLIC, {"key": "@published"}),
    Case("api:get_receipts", expect(404), {"key": "@closed"}),
    Case("api:import_event", expect(401, office=201), method="post", body=new_event_body),
    Case("api:event_open", expect(401, office=200), {"key": "@draft"}, method="post"),
    Case("api:event_open", expect(401, office=409), {"key": "@published"}, method="post"),
    Case("api:event_close", expect(401, office=200), {"key": "@open"}, method="post"),
    Case("api:event_publish", expect(401, office=200), {"key": "@closed"}, method="post"),
    Case(
        "api:issue_cards", expect(401, office=201), {"key": "@open"}, method="post", body=cards_body
    ),
    # year targets and projects (issue 14): any account reads (a liaison its unit's rows)
    # the monthly arena: published months and their results.json, no sign-in; a month that
    # does not exist (or is not published) is 404 (tests/scoreboard/test_pages.py: real months)
    Case("api:arena_months", PUBLIC),
    Case("api:arena_results", expect(404), {"key": "none", "period": "2026-11"}),
    Case("api:targets", expect(200, anonymous=401)),
    Case("api:targets", expect(422, anonymous=401), query="month=13", label="bad month"),
    Case("api:pipeline", expect(200, anonymous=401)),
    Case("api:pipeline", expect(422, anonymous=401), query="today=2026-02-30", label="bad day"),
    # the supervision API: any account, by session or HTTP Basic; a liaison of another unit
    # gets 404 for an item, report, extension or closure it may not see (as if missing)
    Case("api:list_lists", expect(200, anonymous=401)),
    Case("api:get_list", expect(200, anonymous=401, liaison_b=404), {"key": "@list:hualong"}),
    Case("api:get_list", expect(404, anonymous=401), {"key": "no-such-list"}),
    Case("api:list_items", expect(200, anonymous=401)),
    Case("api:get_item", expect(200, anonymous=401, liaison_b=404), {"item_id": "@id:hualong"}),
    Case("api:get_item", expect(200, anonymous=401, liaison_a=404), {"item_id": "@id:puyang"}),
    Case("api:get_item", expect(404, anonymous=401), {"item_id": "987654"}),
    Case(
        "api:file_report",
        expect(403, anonymous=401, office=201, liaison_a=201, liaison_b=404),
        {"item_id": "@id:hualong"},
        method="post",
        body=json_body(percent=40, done="完成选址"),
    ),
    Case(
        "api:accept_report",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"report_id": "@report:hualong"},
        method="post",
    ),
    Case(
        "api:return_report",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"report_id": "@report:hualong"},
        method="post",
        body=json_body(reason="数据不实"),
    ),
    Case(
        "api:comment_report",
        expect(403, anonymous=401, office=200, leader=200, liaison_b=404),
        {"report_id": "@report:hualong"},
        method="post",
        body=json_body(rating="较好", text="进度可以"),
    ),
    Case(
        "api:request_extension",
        expect(403, anonymous=401, office=201, liaison_a=201, liaison_b=404),
        {"item_id": "@id:hualong"},
        method="post",
        body=extension_body,
    ),
    Case(
        "api:decide_extension",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"extension_id": "@extension:hualong"},
        method="post",
        body=json_body(approve=True),
    ),
    Case(
        "api:apply_closure",
        expect(403, anonymous=401, office=201, liaison_a=201, liaison_b=404),
        {"item_id": "@id:hualong"},
        method="post",
        body=json_body(evidence="验收报告"),
    ),
    Case(
        "api:verify_closure",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"closure_id": "@closure:hualong"},
        method="post",
        body=json_body(passed=True, method="现场"),
    ),
    # the on-site office's API: a problem a liaison may not read is 404 (as if missing); the
    # office records and batches; readers count
    Case("api:onsite_meetings", expect(200, anonymous=401)),
    Case(
        "api:onsite_record",
        expect(403, anonymous=401, office=422),
        method="post",
        body=json_body(title="现场办公会", held_on="2026-11-18", place="园区", leader="李明",
                       problems=[]),
    ),
    Case("api:onsite_meeting", expect(404, anonymous=401), {"meeting_id": "987654"}),
    Case("api:onsite_problem", expect(404, anonymous=401), {"problem_id": "987654"}),
    Case("api:onsite_similar", expect(404, anonymous=401), {"problem_id": "987654"}),
    Case(
        "api:onsite_batch",
        expect(404, anonymous=401),
        {"problem_id": "987654"},
        method="post",
        body=json_body(members=[], decision="统一办理", decided_by="李明"),
    ),
    Case("api:onsite_counts", expect(403, anonymous=401, office=200, leader=200, viewer=200)),
    # the notices' API: a notice a liaison may not read is 404 (as if missing)
    Case("api:list_notices", expect(200, anonymous=401)),
    Case(
        "api:get_notice",
        expect(200, anonymous=401, liaison_b=404),
        {"notice_id": "@notice:hualong"},
    ),
    Case("api:get_notice", expect(404, anonymous=401), {"notice_id": "987654"}),
    # the weekly cycle's read API: readers only; no sheet or bulletin here: 404
    Case(
        "api:get_week",
        expect(404, anonymous=401, liaison_a=403, liaison_b=403),
        {"week": "2026-W41"},
    ),
    Case(
        "api:get_bulletin",
        expect(404, anonymous=401, liaison_a=403, liaison_b=403),
        {"week": "2026-W41"},
    ),
    Case(
        "api:acknowledge_notice",
        expect(403, anonymous=401, liaison_a=200, liaison_b=404),
        {"notice_id": "@notice:hualong"},
        method="post",
    ),
    Case(
        "api:reply_notice",
        expect(403, anonymous=401, liaison_a=201, liaison_b=404),
        {"notice_id": "@notice:hualong"},
        method="post",
        body=json_body(text="资金已到位"),
    ),
    Case(
        "api:accept_notice_reply",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"reply_id": "@noticereply:hualong"},
        method="post",
    ),
    Case(
        "api:return_notice_reply",
        expect(403, anonymous=401, office=200, liaison_b=404),
        {"reply_id": "@noticereply:hualong"},
        method="post",
        body=json_body(reason="措施不具体"),
    ),
    # the admin (office only); per-model routes are added from the registry below
    Case("admin:index", OFFICE_PAGE),
    Case("admin:login", expect(403, anonymous=LOGIN, office=REDIRECT)),
    Case("admin:logout", expect(403, anonymous=LOGIN, office=SIGNED_OUT), method="post"),
    Case("admin:password_change", OFFICE_PAGE),
    Case("admin:password_change_done", OFFICE_PAGE),
    # Django answers 403 to an autocomplete request without a registered autocomplete field
    Case("admin:autocomplete", expect(403, anonymous=LOGIN)),
    Case("admin:jsi18n", OFFICE_PAGE),
    Case(
        "admin:view_on_site",
        expect(403, anonymous=LOGIN, office=404),
        {"content_type_id": "@ct_unit", "object_id": "@unit_pk"},
    ),
    Case("admin:auth_user_password_change", OFFICE_PAGE, {"id": "@office_pk"}),
    Case("admin:app_list", OFFICE_PAGE, {"app_label": "accounts"}),
    Case("admin:app_list", OFFICE_PAGE, {"app_label": "orgs"}),
    Case(
        "admin/(?P<url>.*)$", expect(403, anonymous=LOGIN, office=404), path="/admin/no-such-page/"
    ),
]


# --- the admin's per-model routes, from its registry --------------------------------------------

ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "change", "delete")


def admin_models() -> list[tuple[str, str]]:
    from pingyi.core.admin_site import admin_site

    return sorted((m._meta.app_label, m._meta.model_name) for m in admin_site._registry)


def admin_model_cases() -> list[Case]:
    cases = []
    for app, model in admin_models():
        for view in ADMIN_MODEL_VIEWS:
            kwargs = {} if view in ("changelist", "add") else {"object_id": f"@obj:{app}.{model}"}
            cases.append(Case(f"admin:{app}_{model}_{view}", OFFICE_PAGE, kwargs))
        # Django's redirect from <object_id>/ to <object_id>/change/
        cases.append(
            Case(
                f"admin/{app}/{model}/<path:object_id>/",
                expect(403, anonymous=LOGIN, office=REDIRECT),
                path=f"/admin/{app}/{model}/@obj:{app}.{model}/",
            )
        )
    return cases


ALL_CASES = CASES + admin_model_cases()


# --- the resolver ------------------------------------------------------------------------------


def resolver_routes(patterns: Any = None, prefix: str = "", ns: str = "") -> Iterator[str]:
    """The key of every route: its namespaced name, or its full pattern when unnamed."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from resolver_routes(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            assert isinstance(p, URLPattern)
            if p.name:
                yield f"{ns}:{p.name}" if ns else p.name
            else:
                yield prefix + str(p.pattern)


def test_every_route_is_in_the_table() -> None:
    routes = set(resolver_routes())
    table = {case.route for case in ALL_CASES}
    missing = routes - table
    assert not missing, f"add these routes to the authorization matrix: {sorted(missing)}"
    stale = table - routes
    assert not stale, f"these routes are gone from the resolver: {sorted(stale)}"
    for case in ALL_CASES:
        assert set(case.expected) == set(ROLES), case


def test_admin_registry_is_covered_generically() -> None:
    assert ("orgs", "unit") in admin_models()
    assert len(admin_model_cases()) == len(admin_models()) * (len(ADMIN_MODEL_VIEWS) + 1)


# --- the requests ------------------------------------------------------------------------------


def resolve_value(world: World, value: str) -> str:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    if not value.startswith("@"):
        return value
    name = value[1:]
    if name in world.events:
        return world.key(name)
    if name == "ct_unit":
        return str(ContentType.objects.get_for_model(world.units["hualong"]).pk)
    if name == "unit_pk":
        return str(world.units["hualong"].pk)
    if name == "office_pk":
        return str(world.users["office"].pk)
    if name.startswith("item:"):
        return supervision_item(world, name[5:])
    if name == "sx-list":  # the list of the items above
        supervision_item(world, "hualong")
        return "sx-list"
    if name.partition(":")[0] in ("notice", "noticereply", "noticefile"):
        return supervision_notice(world, *name.split(":"))
    if name.partition(":")[0] in ("id", "list", "report", "extension", "closure", "file"):
        return supervision_object(world, *name.split(":"))
    if name.startswith("obj:"):
        model = apps.get_model(name[4:])
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            from pingyi.orgs.models import UnitGroup

            assert model is UnitGroup, f"the security world has no {model.__name__}"
            obj = UnitGroup.objects.create(code="sx-group", name="安全测试组")
        return str(obj.pk)
    raise AssertionError(value)


def supervision_item(world: World, unit: str) -> str:
    """An item of the list ``sx-list`` led by ``unit``; its number."""
    import datetime as dt

    from pingyi.supervision.models import Item, SupervisionList

    the_list, _ = SupervisionList.objects.get_or_create(
        key="sx-list",
        defaults={
            "kind": "tasks",
            "name": "安全测试清单",
            "year": 2026,
            "assigned_on": dt.date(2026, 1, 1),
        },
    )
    item, _ = Item.objects.get_or_create(
        supervision_list=the_list,
        number=f"{unit}-1",
        defaults={"title": "安全测试事项", "lead_unit": world.units[unit], "kind": "ongoing"},
    )
    return item.number


def supervision_object(world: World, what: str, unit: str) -> str:
    """For the supervision API: the id of a dated item of list ``sx-api`` led by ``unit`` (due
    in 30 days), its list's key, or the id of a pending report, extension or closure of it."""
    import datetime as dt

    from django.utils import timezone

    from pingyi.supervision import services
    from pingyi.supervision.models import Item, SupervisionList

    today = timezone.localdate()
    the_list, _ = SupervisionList.objects.get_or_create(
        key="sx-api",
        defaults={
            "kind": "tasks",
            "name": "接口安全测试清单",
            "year": today.year,
            "assigned_on": today - dt.timedelta(1),
        },
    )
    item, _ = Item.objects.get_or_create(
        supervision_list=the_list,
        number=f"{unit}-api",
        defaults={
            "title": "接口安全测试事项",
            "lead_unit": world.units[unit],
            "kind": "date",
            "due": today + dt.timedelta(30),
        },
    )
    if what == "list":
        return the_list.key
    if what == "report":
        report = services.report_file(item, unit=item.lead_unit, reported_on=today, percent=40)
        return str(report.pk)
    if what == "extension":
        proposed = today + dt.timedelta(60)
        extension = services.extension_request(
            item, reason="资金未到位", proposed_due=proposed, requested_on=today
        )
        return str(extension.pk)
    if what == "closure":
        return str(services.closure_apply(item, evidence="验收报告", applied_on=today).pk)
    if what == "file":
        from django.core.files.uploadedfile import SimpleUploadedFile

        pdf = SimpleUploadedFile("进度.pdf", PDF_BYTES, "application/pdf")
        report = services.report_file(
            item, unit=item.lead_unit, reported_on=today, percent=40, attachments=[pdf]
        )
        return str(report.attachments.get().pk)
    return str(item.pk)


def supervision_notice(world: World, what: str, unit: str) -> str:
    """The id of an open red notice (督办单) of ``unit``'s item of list ``sx-api``, of a
    pending reply to it, or of that reply's attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from pingyi.supervision import notices, selectors_notices
    from pingyi.supervision.models import Item, Notice, NoticeReply

    item = Item.objects.get(pk=supervision_object(world, "id", unit))
    today = timezone.localdate()
    notice = Notice.objects.filter(item=item, colour="red", closed_on__isnull=True).first()
    if notice is None:
        notice = Notice.objects.create(
            item=item, colour="red", issued_on=today, unit_codes=[unit], year=today.year,
            serial=selectors_notices.last_serial(today.year) + 1, acknowledge_by=today,
            reply_by=today, demand="限期整改",
        )
        notice.units.set([world.units[unit]])
    if what == "notice":
        return str(notice.pk)
    reply = NoticeReply.objects.filter(notice=notice, state="pending").first()
    if reply is None:
        pdf = SimpleUploadedFile("说明.pdf", PDF_BYTES, "application/pdf")
        reply = notices.notice_reply(
            notice, unit=world.units[unit], text="资金已到位", replied_on=today, attachments=[pdf]
        )
    if what == "noticefile":
        return str(reply.attachments.get().pk)
    return str(reply.pk)


def url_of(world: World, case: Case) -> str:
    if case.path is not None:
        url = "/".join(resolve_value(world, part) for part in case.path.split("/"))
    else:
        kwargs = {k: resolve_value(world, v) for k, v in case.kwargs.items()}
        url = reverse(case.route, kwargs=kwargs)
    return f"{url}?{case.query}" if case.query else url


def client_for(world: World, role: str, **options: Any) -> Client:
    client = Client(**options)
    if role in world.users:
        client.force_login(world.users[role])
    return client


def case_id(case: Case) -> str:
    where = ",".join(f"{v}" for v in case.kwargs.values())
    return f"{case.method}-{case.route}-{where}{'-' + case.label if case.label else ''}"


PARAMS = [
    pytest.param(case, role, id=f"{case_id(case)}-{role}") for case in ALL_CASES for role in ROLES
]


def check(response: Any, expected: Outcome, where: str) -> None:
    status = response.status_code
    assert status < 500, f"{where}: server error {status}"
    if expected == LOGIN:
        assert status == 302, f"{where}: {status}, expected a redirect to sign in"
        assert response["Location"].startswith(reverse("accounts:login")), where
        assert "next=" in response["Location"], where
    elif expected == SIGNED_OUT:
        assert status == 302, f"{where}: {status}, expected a redirect to sign in"
        assert response["Location"].startswith(reverse("accounts:login")), where
        assert "_auth_user_id" not in response.wsgi_request.session, where
    elif expected == REDIRECT:
        assert status in (301, 302, 303), f"{where}: {status}, expected a redirect"
        assert not response["Location"].startswith(reverse("accounts:login")), where
    else:
        assert status == expected, f"{where}: {status}, expected {expected}"


@pytest.mark.parametrize(("case", "role"), PARAMS)
def test_route_answers_each_role(world: World, case: Case, role: str) -> None:
    url = url_of(world, case)
    client = client_for(world, role)
    options = case.body(world, role) if case.body else {}
    response = getattr(client, case.method)(url, **options)
    try:
        check(response, case.expected[role], f"{case.method.upper()} {url} as {role}")
    finally:
        close_streaming(response)


def close_streaming(response: Any) -> None:
    """Close a streaming response (the live stream is endless) without the request_finished
    handler closing the test's database connection."""
    if not getattr(response, "streaming", False):
        return
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


# --- the API by HTTP Basic, and CSRF on the API's session auth -----------------------------------


def basic(username: str, password: str) -> dict[str, str]:
    import base64

    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.mark.parametrize(
    ("role", "password_ok", "counts", "open_"),
    [
        ("office", True, 200, 200),
        ("leader", True, 200, 401),
        ("viewer", True, 200, 401),
        ("liaison_a", True, 401, 401),
        ("office", False, 401, 401),
    ],
)
def test_api_basic_auth_by_role(world: World, role, password_ok, counts, open_) -> None:
    from tests.conftest import STRONG_PASSWORD

    user = world.users[role]
    auth = basic(user.username, STRONG_PASSWORD if password_ok else "wrong-password-1!")
    client = Client()
    url = reverse("api:get_counts", kwargs={"key": world.key("open")})
    assert client.get(url, **auth).status_code == counts
    url = reverse("api:event_open", kwargs={"key": world.key("draft")})
    assert client.post(url, **auth).status_code == open_


def test_api_session_post_needs_csrf_token(world: World) -> None:
    """A signed-in office's browser cannot be made to open voting by another site."""
    client = client_for(world, "office", enforce_csrf_checks=True)
    response = client.post(reverse("api:event_open", kwargs={"key": world.key("draft")}))
    assert response.status_code in (401, 403), response.status_code
    world.events["draft"].refresh_from_db()
    assert world.events["draft"].state == "draft"


def test_console_action_needs_csrf_token(world: World) -> None:
    client = client_for(world, "office", enforce_csrf_checks=True)
    url = reverse("meeting:action", kwargs={"key": world.key("draft"), "action": "open"})
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("with_session", [False, True])
def test_api_basic_auth_is_not_refused_by_csrf(world: World, with_session: bool) -> None:
    """A script posting with HTTP Basic has no session cookie: no CSRF check applies. A
    request that carries a session cookie is still checked (see the test above)."""
    from tests.conftest import STRONG_PASSWORD

    client = Client(enforce_csrf_checks=True)
    if with_session:
        client.force_login(world.users["leader"])
    auth = basic(world.users["office"].username, STRONG_PASSWORD)
    url = reverse("api:event_open", kwargs={"key": world.key("draft")})
    assert client.post(url, **auth).status_code == (403 if with_session else 200)
