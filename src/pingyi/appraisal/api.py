"""The appraisal REST API (``/api/v1/``), documented by its OpenAPI schema.

Ballots are posted by evaluators without an account; event management needs an office
account (session or HTTP Basic). Every refusal answers ``{"detail": ..., "code": ...}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pingyi.appraisal import errors, selectors, services
from pingyi.appraisal.casting import ballot as casting
from pingyi.appraisal.method.spec import dumps_exact, spec_to_json
from pingyi.appraisal.models import Event
from pingyi.core import api_answers
from pingyi.core.api_answers import parse_json_body, problem
from pingyi.core.api_auth import OfficeAuth, office_auth

router = Router(tags=["appraisal"])


class Problem(api_answers.Problem):
    """A refusal (``{"detail", "code"}``, as every route's), naming the track and unit when a
    ballot's score is refused."""

    track: str | None = None
    unit: str | None = None


class ValidationProblem(Schema):
    """A request body that does not match its schema (django-ninja's validation errors)."""

    detail: list[dict[str, Any]]


class Receipt(Schema):
    receipt: str


class ScoreIn(Schema):
    """One row of a ballot: a criterion's score (item = the criterion's key), a grade (item
    ``grade``, value the grade's key), a rank (item ``rank``, value 1…m: a ranking track,
    one row per unit, each rank once), or "don't know" (item ``abstain``, no value)."""

    track: str
    unit: str
    item: str
    value: float | str | None = None


class BallotIn(Schema):
    token: str
    scores: list[ScoreIn]


class EventOut(Schema):
    key: str
    name: str
    kind: str
    state: str
    held_on: str | None
    rehearsal: bool
    previous: str | None


class CardsIn(Schema):
    panel: str
    count: int
    unit: str | None = None


class CardOut(Schema):
    token: str
    code: str
    panel: str
    unit: str


class CardsOut(Schema):
    cards: list[CardOut]


class PanelCountOut(Schema):
    key: str
    name: str
    expected: int | None
    issued: int
    cast: int
    quorum_met: bool | None


def refusal(exc: errors.AppraisalError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if isinstance(exc, errors.BallotRefused):
        extra = {"track": exc.error.track, "unit": exc.error.unit}
    return problem(exc.status, exc.message, exc.code, **extra)


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "key": event.key,
        "name": event.name,
        "kind": event.kind,
        "state": event.state,
        "held_on": event.held_on.isoformat() if event.held_on else None,
        "rehearsal": event.rehearsal,
        "previous": event.previous.key if event.previous else None,
    }


def _exact_json(body: Any) -> HttpResponse:
    """200 with ``body`` as JSON whose exact numbers (event.json's Decimals: a step of 0.5, a
    weight of 0.4) stay JSON numbers: ninja's encoder writes a Decimal as a string, and an
    event read from here must import again as it is (``POST /events``)."""
    return HttpResponse(dumps_exact(body, indent=None), content_type="application/json")


def _visible_event(request: HttpRequest, key: str) -> Event:
    return get_object_or_404(
        selectors.events_visible_to(user=request.user).select_related("previous"), key=key
    )


# --- evaluators ------------------------------------------------------------------------------


@router.post(
    "/ballots",
    auth=None,
    response={201: Receipt, 400: Problem, 403: Problem, 409: Problem, 413: Problem, 422: Problem},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BallotIn.json_schema()}},
        }
    },
    summary="Cast a ballot with a one-use card",
)
def cast_ballot(request: HttpRequest) -> Any:
    """201 with a receipt; the identical retry answers the same receipt. 409: the card was
    used for another ballot. 403: the card is not valid or voting is not open. 422: the
    ballot breaks a rule (the reason names the unit and the rule)."""
    # Numbers are bounded by check_ballot, whose refusal names the unit and criterion.
    body = parse_json_body(request, bound_numbers=False)
    if not isinstance(body, dict):
        return problem(400, _("The body must be a JSON object."), "bad_request")
    token, scores = body.get("token"), body.get("scores")
    if not isinstance(token, str) or not token.strip():
        return problem(
            400, _("“token” is missing: scan the card's QR or type its code."), "no_token"
        )
    if not isinstance(scores, list):
        return problem(400, _("“scores” must be a list."), "bad_request")
    if not all(isinstance(row, dict) for row in scores):
        return problem(400, _("Every entry of “scores” must be an object."), "bad_request")
    try:
        result = casting.ballot_cast(token=token, scores=scores)
    except errors.AppraisalError as exc:
        return refusal(exc)
    return Status(201, {"receipt": result.receipt})


class CardIn(Schema):
    token: str


@router.post(
    "/cards/lookup",
    auth=None,
    response={200: dict, 400: Problem, 403: Problem, 413: Problem, 422: ValidationProblem},
    summary="What a ballot card is for: its event, panel, bound unit, tracks and rubrics",
)
def lookup_card(request: HttpRequest, payload: CardIn) -> Any:
    """The phone ballot page asks this with the token from the QR's fragment (a POST body,
    so the secret never appears in a URL or a log)."""
    card = casting.card_for_secret(payload.token)
    if card is None:
        return problem(
            403, _("This ballot card is not valid. Check the code and try again."), "card_not_valid"
        )
    event = card.event
    return Status(
        200,
        {
            "event": _event_out(event),
            "panel": card.panel,
            "bound_unit": card.bound_unit or None,
            "used": card.used,
            "spec": spec_to_json(event.spec),
        },
    )


# --- reading ----------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut], auth=None, summary="Events visible to you")
def list_events(request: HttpRequest) -> Any:
    events = selectors.events_visible_to(user=request.user).select_related("previous")
    return [_event_out(e) for e in events]


@router.get(
    "/events/{key}",
    auth=None,
    response={200: dict, 404: Problem},
    summary="One event with its tracks, panels and method",
)
def get_event(request: HttpRequest, key: str) -> Any:
    event = _visible_event(request, key)
    return _exact_json({**_event_out(event), "event": spec_to_json(event.spec)})


@router.get(
    "/events/{key}/tracks",
    auth=None,
    response={200: list, 404: Problem},
    summary="The event's tracks and their units",
)
def get_tracks(request: HttpRequest, key: str) -> Any:
    return _exact_json(spec_to_json(_visible_event(request, key).spec)["tracks"])


@router.get(
    "/events/{key}/units",
    auth=None,
    response={200: list, 404: Problem},
    summary="Every unit of the event, by track",
)
def get_units(request: HttpRequest, key: str) -> Any:
    spec = _visible_event(request, key).spec
    return [
        {"track": t.key, "unit": u.key, "name": u.name, "order": i + 1}
        for t in spec.tracks
        for i, u in enumerate(t.units)
    ]


@router.get(
    "/events/{key}/results",
    auth=None,
    response={200: dict, 403: Problem, 404: Problem},
    summary="results.json: public once published; office, leaders and viewers once closed",
)
def get_results(request: HttpRequest, key: str) -> Any:
    """404 for an event you may not see (anyone but office, leaders and viewers before it
    is published: the answer does not say whether it exists). 403 to those readers while
    voting has not closed."""
    event = _visible_event(request, key)
    results = selectors.stored_results(event=event)
    if results is None:
        return problem(
            403, _("Results are available once voting has closed."), "results_not_available"
        )
    return Status(200, results)


@router.get(
    "/events/{key}/counts",
    auth=OfficeAuth(readers=True),
    response={200: list[PanelCountOut], 401: Problem, 403: Problem, 404: Problem},
    summary="Cards issued and ballots cast per panel (live)",
)
def get_counts(request: HttpRequest, key: str) -> Any:
    event = get_object_or_404(Event, key=key)
    return [{**c.__dict__, "quorum_met": c.quorum_met} for c in selectors.panel_counts(event=event)]


@router.get(
    "/events/{key}/receipts",
    auth=None,
    response={200: list[str], 404: Problem},
    summary="Published receipts",
)
def get_receipts(request: HttpRequest, key: str) -> Any:
    event = get_object_or_404(Event, key=key, state=selectors.EventState.PUBLISHED)
    return selectors.receipts(event=event)


# --- office ------------------------------------------------------------------------------------


@router.post(
    "/events",
    auth=office_auth,
    response={
        201: EventOut,
        400: Problem,
        401: Problem,
        403: Problem,
        409: Problem,
        413: Problem,
        422: Problem,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    summary="Import an event from its event.json (office)",
)
def import_event(request: HttpRequest) -> Any:
    try:
        event = services.event_import(data=request.body)
    except errors.AppraisalError as exc:
        return refusal(exc)
    return Status(201, _event_out(event))


def _state_change(action: str) -> Any:
    def view(request: HttpRequest, key: str) -> Any:
        try:
            event = getattr(services, f"event_{action}")(key=key)
        except errors.AppraisalError as exc:
            return refusal(exc)
        return Status(200, _event_out(event))

    view.__name__ = f"event_{action}"
    return view


for _action in ("open", "close", "publish"):
    router.post(
        f"/events/{{key}}/{_action}",
        auth=office_auth,
        response={
            200: EventOut,
            400: Problem,
            401: Problem,
            403: Problem,
            404: Problem,
            409: Problem,
        },
        summary=f"{_action.capitalize()} the event (office)",
    )(_state_change(_action))


@router.post(
    "/events/{key}/cards",
    auth=office_auth,
    response={
        201: CardsOut,
        400: Problem,
        401: Problem,
        403: Problem,
        404: Problem,
        409: Problem,
        413: Problem,
        422: ValidationProblem,
    },
    summary="Issue one-use ballot cards for a panel (office)",
)
def issue_cards(request: HttpRequest, key: str, payload: CardsIn) -> Any:
    event = get_object_or_404(Event, key=key)
    try:
        issued = services.tokens_issue(
            event=event, panel=payload.panel, count=payload.count, unit=payload.unit
        )
    except errors.AppraisalError as exc:
        return refusal(exc)
    return Status(
        201,
        {
            "cards": [
                {"token": c.token, "code": c.code, "panel": c.panel, "unit": c.bound_unit}
                for c in issued
            ]
        },
    )
