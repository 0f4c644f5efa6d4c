"""The notices' REST API (``/api/v1/notices…``, issue 12), with the auth and the refusals of
``api.py``: by session or HTTP Basic; a notice an account may not read answers 404 exactly
like a missing one; an account that reads it but may not act gets 403; a refusal is
``{"detail": ..., "code": ...}``; nothing is written by a refused request.

- ``GET /notices``: the notices the account may read (every one for the office, leaders and
  viewers; a liaison its unit's), newest first; ``?colour=``, ``?state=`` as the board.
- ``GET /notices/{id}``: one notice with its replies.
- ``POST /notices/{id}/acknowledge``: 签收 (a liaison of a unit it is addressed to; again:
  no change).
- ``POST /notices/{id}/replies``: the written reply — JSON ``{"text": …}``, or a multipart
  form with ``text`` and up to 5 ``attachments`` (checked by content).
- ``POST /notice-replies/{id}/accept`` and ``/return`` (``{"reason": …}``): the office.
"""

from __future__ import annotations

import builtins
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pingyi.core.api_answers import Problem
from pingyi.core.api_auth import AccountAuth
from pingyi.supervision import notices, selectors_notices
from pingyi.supervision.api import (
    LONG_TEXT,
    SHORT_TEXT,
    WRITE_422,
    _actor,
    _answer,
    _body,
    _forbidden,
    _invalid,
    _iso,
    _not_found,
    _query_text,
    _request_body,
    _today,
)
from pingyi.supervision.models import Notice, NoticeColour, NoticeReply

router = Router(tags=["supervision notices"], auth=AccountAuth())

STATES = ("open", "closed", "censured", "reply_pending", "unacknowledged")


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ReplyOut(Schema):
    id: int
    notice: int
    unit: str
    text: str
    replied_on: str
    state: Literal["pending", "accepted", "returned"]
    decided_on: str | None
    return_reason: str
    attachments: list[AttachmentOut]


class NoticeOut(Schema):
    # "list" (the list's key) shadows the builtin in this class: builtins.list below
    id: int
    colour: Literal["blue", "yellow", "red"]
    number: str | None
    list: str
    item: str
    item_id: int
    units: builtins.list[str]
    leader: str
    demand: str
    issued_on: str
    due_on: str | None
    acknowledge_by: str | None
    reply_by: str | None
    acknowledged_at: str | None
    acknowledged_by: str
    censure: bool
    censured_on: str | None
    closed_on: str | None
    close_reason: str
    replies: builtins.list[ReplyOut]


class ReplyIn(Schema):
    text: str


class ReturnIn(Schema):
    reason: str


def _reply(r: NoticeReply) -> dict[str, Any]:
    return {
        "id": r.pk,
        "notice": r.notice_id,
        "unit": r.unit.code,
        "text": r.text,
        "replied_on": r.replied_on.isoformat(),
        "state": r.state,
        "decided_on": _iso(r.decided_on),
        "return_reason": r.return_reason,
        "attachments": [
            {"id": f.pk, "name": f.name, "content_type": f.content_type, "size": f.size}
            for f in r.attachments.all()
        ],
    }


def _notice(n: Notice) -> dict[str, Any]:
    replies = sorted(n.replies.all(), key=lambda r: (r.created_at, r.pk))
    return {
        **selectors_notices.notice_json(n),
        "id": n.pk,
        "item_id": n.item_id,
        "leader": n.leader,
        "demand": n.demand,
        "due_on": _iso(n.due_on),
        "acknowledge_by": _iso(n.acknowledge_by),
        "reply_by": _iso(n.reply_by),
        "acknowledged_at": n.acknowledged_at.isoformat() if n.acknowledged_at else None,
        "acknowledged_by": n.acknowledged_by,
        "censured_on": _iso(n.censured_on),
        "close_reason": n.close_reason,
        "replies": [_reply(r) for r in replies],
    }


def _visible(request: HttpRequest, pk: int) -> Notice:
    """The notice if the account may read it; else 404, as for one that does not exist."""
    notice = selectors_notices.notice_page(pk)
    if notice is None or not request.user.has_perm("supervision.view_notice", notice):
        raise _not_found(_("No such notice."))
    return notice


READ = {401: Problem, 404: Problem, 422: Problem}


@router.get(
    "/notices",
    response={200: list[NoticeOut], 401: Problem, 422: Problem},
    summary="Notices you may read (?colour=blue|yellow|red, ?state=open|closed|censured|…)",
)
@_answer
def list_notices(request: HttpRequest, colour: str = "", state: str = "") -> Any:
    colour, state = _query_text("colour", colour), _query_text("state", state)
    if colour and colour not in NoticeColour.values:
        raise _invalid(
            _("“%(field)s”: one of %(choices)s (got %(value)s)")
            % {"field": "colour", "choices": " / ".join(NoticeColour.values), "value": colour},
            "bad_colour",
        )
    if state and state not in STATES:
        raise _invalid(
            _("“%(field)s”: one of %(choices)s (got %(value)s)")
            % {"field": "state", "choices": " / ".join(STATES), "value": state},
            "bad_state",
        )
    mine = selectors_notices.notices_for_user(request.user)
    rows = selectors_notices.board(colour=colour or None, state=state or None)
    allowed = set(mine.values_list("pk", flat=True))
    wanted = [n.pk for n in rows if n.pk in allowed]
    loaded = {
        n.pk: n
        for n in Notice.objects.filter(pk__in=wanted)
        .select_related("item__supervision_list")
        .prefetch_related("replies__unit", "replies__attachments")
    }
    return [_notice(loaded[pk]) for pk in wanted]


@router.get("/notices/{int:notice_id}", response={200: NoticeOut, **READ}, summary="A notice")
@_answer
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    return _notice(_visible(request, notice_id))


@router.post(
    "/notices/{int:notice_id}/acknowledge",
    response={200: NoticeOut, **WRITE_422},
    summary="Acknowledge a red notice (签收; a liaison of a unit it is addressed to)",
)
@_answer
def acknowledge_notice(request: HttpRequest, notice_id: int) -> Any:
    notice = _visible(request, notice_id)
    if not request.user.has_perm("supervision.answer_notice", notice):
        raise _forbidden(_("Only the liaisons of the units it is addressed to acknowledge it."))
    user: Any = request.user
    notices.notice_acknowledge(
        notice, by=getattr(user, "display_name", "") or user.get_username(), actor=_actor(request)
    )
    return Status(200, _notice(_visible(request, notice_id)))


@router.post(
    "/notices/{int:notice_id}/replies",
    response={201: ReplyOut, **WRITE_422},
    openapi_extra=_request_body(ReplyIn),
    summary="Reply in writing (JSON, or multipart with up to 5 attachments)",
)
@_answer
def reply_notice(request: HttpRequest, notice_id: int) -> Any:
    notice = _visible(request, notice_id)
    if not request.user.has_perm("supervision.answer_notice", notice):
        raise _forbidden(_("Only the liaisons of the units it is addressed to reply."))
    files: list[Any] = []
    if request.content_type == "multipart/form-data":
        unknown = sorted(set(request.POST) - {"text"})
        if unknown:
            raise _invalid(
                _("“%(field)s”: unknown field (expected: %(fields)s)")
                % {"field": unknown[0], "fields": "text, attachments"},
                "unknown_field",
            )
        extra = sorted(set(request.FILES) - {"attachments"})
        if extra:
            raise _invalid(
                _("“%(field)s”: unknown field (expected: %(fields)s)")
                % {"field": extra[0], "fields": "text, attachments"},
                "unknown_field",
            )
        text = request.POST.get("text")
        if text is None:
            raise _invalid(_("“%(field)s” is missing") % {"field": "text"}, "missing")
        if len(text) > LONG_TEXT:
            raise _invalid(
                _("“%(field)s”: at most %(max)s characters (got %(count)s)")
                % {"field": "text", "max": LONG_TEXT, "count": len(text)},
                "too_long",
            )
        files = request.FILES.getlist("attachments")
    else:
        text = _body(request, {"text": ("text", True, LONG_TEXT)})["text"]
    user: Any = request.user
    reply = notices.notice_reply(
        notice,
        unit=user.unit,
        text=text,
        replied_on=_today(),
        attachments=files,
        created_by=user,
        actor=_actor(request),
    )
    return Status(201, _reply(reply))


def _reply_for_office(request: HttpRequest, reply_id: int) -> NoticeReply:
    reply = NoticeReply.objects.select_related("notice", "unit").filter(pk=reply_id).first()
    if reply is None:
        raise _not_found(_("No such reply."))
    _visible(request, reply.notice_id)
    if not request.user.has_perm("supervision.manage"):
        raise _forbidden(_("Only the office decides on a reply."))
    return reply


@router.post(
    "/notice-replies/{int:reply_id}/accept",
    response={200: ReplyOut, **WRITE_422},
    summary="Accept a reply to a notice (office)",
)
@_answer
def accept_notice_reply(request: HttpRequest, reply_id: int) -> Any:
    reply = _reply_for_office(request, reply_id)
    notices.reply_accept(reply, day=_today(), actor=_actor(request))
    return Status(200, _reply(reply))


@router.post(
    "/notice-replies/{int:reply_id}/return",
    response={200: ReplyOut, **WRITE_422},
    openapi_extra=_request_body(ReturnIn),
    summary="Return a reply to a notice with a reason (office)",
)
@_answer
def return_notice_reply(request: HttpRequest, reply_id: int) -> Any:
    reply = _reply_for_office(request, reply_id)
    data = _body(request, {"reason": ("text", True, SHORT_TEXT)})
    notices.reply_return(reply, reason=data["reason"], day=_today(), actor=_actor(request))
    return Status(200, _reply(reply))
