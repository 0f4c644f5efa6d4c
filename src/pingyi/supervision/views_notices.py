"""The notice pages (督办通知, issue 12), thin like ``views_unit.py``: permission, a form, one
service call of ``notices.py``, a template.

- ``notices/`` (the board): every notice for the office, leaders and viewers, filtered by
  colour, unit and state, newest first, with the open ones counted by colour; the office's
  "run today's sweep" (``notices/sweep/``, POST).
- ``notices/mine/`` (the inbox): a liaison's unit's notices, open first and red first, with
  签收 and the reply form on each notice's page.
- ``notices/<id>/``: a notice — its timeline from the audit trail, the replies with their
  attachments, 签收 and the reply (the liaisons of its units), accept or return (the office);
  ``notices/<id>/print.pdf``: the 督办单 of a red one (``notice_pdf.py``).

A liaison sees only the notices addressed to its unit: any other answers 403. Bad input is a
message or a form error saying what, and nothing is written (the services are atomic).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi.accounts.rules import is_unit_liaison
from pingyi.orgs.models import Unit
from pingyi.supervision import notices, selectors_notices, services
from pingyi.supervision.errors import SupervisionError
from pingyi.supervision.models import (
    Attachment,
    Notice,
    NoticeColour,
    NoticeReply,
    ReplyState,
    Sweep,
)
from pingyi.supervision.notice_pdf import PdfFontMissing, notice_pdf

#: the longest reply or reason a form takes
MAX_TEXT = 5000

#: the board's states (selectors_notices.board)
STATES = {
    "open": gettext_lazy("In progress"),
    "unacknowledged": gettext_lazy("Awaiting acknowledgement"),
    "reply_pending": gettext_lazy("Reply awaiting the office"),
    "censured": gettext_lazy("Censured (通报)"),
    "closed": gettext_lazy("Closed"),
}

#: what a sweep's audit entries and the answers' say, as the timeline shows them
ACTIONS = {
    "supervision.notice.issued": gettext_lazy("Issued"),
    "supervision.notice.reminded": gettext_lazy("Reminded"),
    "supervision.notice.escalated": gettext_lazy("Escalated (closed)"),
    "supervision.notice.resolved": gettext_lazy("Resolved (closed)"),
    "supervision.notice.censured": gettext_lazy("Censured (通报)"),
    "supervision.notice.acknowledged": gettext_lazy("Acknowledged (签收)"),
    "supervision.notice.replied": gettext_lazy("Replied"),
    "supervision.notice.reply_accepted": gettext_lazy("Reply accepted"),
    "supervision.notice.reply_returned": gettext_lazy("Reply returned"),
}


def _today() -> date:
    return timezone.localdate()


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


@dataclass(frozen=True)
class Row:
    """A notice as the board and the inbox show it."""

    notice: Notice
    state: str
    ack_late: bool
    reply_late: bool
    pending: bool
    #: the units' names in the order of issue (lead unit first)
    units: list[str]


def _state(notice: Notice, replies: list[NoticeReply]) -> str:
    if notice.closed_on is not None:
        return str(
            _("Closed: escalated") if notice.close_reason == "escalated" else _("Closed: resolved")
        )
    if replies:
        last = replies[-1]
        return str(
            {
                ReplyState.PENDING: _("Reply awaiting the office"),
                ReplyState.ACCEPTED: _("Reply accepted"),
                ReplyState.RETURNED: _("Reply returned"),
            }[ReplyState(last.state)]
        )
    if notice.colour == NoticeColour.RED:
        if notice.acknowledged_at is None:
            return str(_("Awaiting acknowledgement"))
        return str(_("Acknowledged, awaiting the reply"))
    return str(_("In progress"))


def _row(notice: Notice, today: date) -> Row:
    replies = sorted(notice.replies.all(), key=lambda r: (r.created_at, r.pk))
    acked = timezone.localdate(notice.acknowledged_at) if notice.acknowledged_at else None
    first = replies[0].replied_on if replies else None
    return Row(
        notice,
        _state(notice, replies),
        ack_late=_late(acked, notice.acknowledge_by, notice.is_open, today),
        reply_late=_late(first, notice.reply_by, notice.is_open, today),
        pending=any(r.state == ReplyState.PENDING for r in replies),
        units=_unit_names(notice),
    )


def _unit_names(notice: Notice) -> list[str]:
    names = {u.code: u.name for u in notice.units.all()}
    return [names.get(code, code) for code in notice.unit_codes]


def _late(done: date | None, due: date | None, still_open: bool, today: date) -> bool:
    """Done after its due, or not done, still open and past its due."""
    if due is None:
        return False
    if done is not None:
        return done > due
    return still_open and today > due


def _rows(rows: list[Notice], today: date) -> list[Row]:
    prefetch_related_objects(rows, "units", "replies")
    return [_row(n, today) for n in rows]


def _notice(request: HttpRequest, pk: int, perm: str | None = None) -> Notice:
    """The notice, 404 when unknown; 403 when the account may not see it or do ``perm``."""
    notice = selectors_notices.notice_page(pk)
    if notice is None:
        raise Http404(_("No such notice."))
    if not request.user.has_perm("supervision.view_notice", notice):
        raise PermissionDenied(_("You can only see the notices addressed to your unit."))
    if perm is not None and not request.user.has_perm(perm, notice):
        raise PermissionDenied(_("You may not do this on this notice."))
    return notice


def _notice_url(notice: Notice) -> str:
    return reverse("supervision:notice_detail", kwargs={"pk": notice.pk})


# --- the board -----------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The office's notice board (leaders and viewers read it)."""
    if not request.user.has_perm("supervision.view_notices"):
        raise PermissionDenied(_("The notice board is the office's; see your unit's notices."))
    chosen = {
        "colour": request.GET.get("colour", ""),
        "unit": request.GET.get("unit", ""),
        "state": request.GET.get("state", ""),
    }
    if chosen["colour"] not in NoticeColour.values:
        chosen["colour"] = ""
    if chosen["state"] not in STATES:
        chosen["state"] = ""
    unit = Unit.objects.filter(code=chosen["unit"]).first() if chosen["unit"] else None
    if unit is None:
        chosen["unit"] = ""
    rows = selectors_notices.board(
        colour=chosen["colour"] or None, unit=unit, state=chosen["state"] or None
    )
    counts = selectors_notices.open_counts()
    last_sweep = Sweep.objects.order_by("-day").first()
    return render(
        request,
        "supervision/notices/board.html",
        {
            "rows": _rows(rows, _today()),
            "today": _today(),
            "chosen": chosen,
            "colours": [(c, counts[c]) for c in NoticeColour.values],
            "states": list(STATES.items()),
            "units": Unit.objects.filter(active=True),
            "last_sweep": last_sweep,
            "may_manage": request.user.has_perm("supervision.manage"),
        },
    )


@login_required
def sweep(request: HttpRequest) -> HttpResponse:
    """The office runs today's sweep by hand (the task queue runs it every day): GET asks to
    confirm, POST runs it and shows what it did."""
    if not request.user.has_perm("supervision.manage"):
        raise PermissionDenied(_("Only the office runs the sweep."))
    if request.method != "POST":
        last = Sweep.objects.order_by("-day").first()
        return render(
            request, "supervision/notices/sweep.html", {"today": _today(), "last_sweep": last}
        )
    try:
        summary = notices.sweep(_today(), actor=_actor(request))
    except SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        issued = summary.issued
        text = _(
            "Sweep of %(day)s: %(items)d items; issued %(blue)d blue, %(yellow)d yellow, "
            "%(red)d red; %(escalated)d escalated, %(resolved)d resolved, %(censured)d "
            "censured (通报), %(reminded)d reminded."
        ) % {
            "day": summary.day.isoformat(),
            "items": summary.items,
            "blue": issued.get("blue", 0),
            "yellow": issued.get("yellow", 0),
            "red": issued.get("red", 0),
            "escalated": summary.escalated,
            "resolved": summary.resolved,
            "censured": summary.censured,
            "reminded": summary.reminded,
        }
        if summary.repeated and not summary.changed:
            text += " " + _("Today was already swept: nothing changed.")
        messages.success(request, text)
    return redirect(reverse("supervision:notice_board"))


# --- the liaison's inbox -------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """A liaison's notices, open first and red first; readers are pointed to the board."""
    user: Any = request.user
    unit = getattr(user, "unit", None) if is_unit_liaison(user) else None
    rows = _rows(selectors_notices.inbox(unit), _today()) if unit is not None else []
    return render(
        request,
        "supervision/notices/inbox.html",
        {
            "rows": rows,
            "unit": unit,
            "today": _today(),
            "counts": selectors_notices.open_counts(selectors_notices.notices_for_unit(unit))
            if unit is not None
            else None,
            "may_read_board": user.has_perm("supervision.view_notices"),
        },
    )


# --- a notice ------------------------------------------------------------------------------


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Written reply"),
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": 6}),
        help_text=gettext_lazy("The reasons, the measures taken and the date it will be done."),
        error_messages={"required": gettext_lazy("Write the reply: it is empty.")},
    )


@dataclass(frozen=True)
class Step:
    at: Any
    title: str
    who: str
    text: str


def _trail(notice: Notice) -> list[Step]:
    steps = []
    for entry in selectors_notices.notice_trail(notice):
        try:
            data = json.loads(entry.data) if entry.data else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        text = ""
        if entry.action.endswith("reply_returned"):
            text = str(data.get("reason", ""))
        elif entry.action.endswith("reminded"):
            text = _("reminder %(n)s") % {"n": data.get("reminder", "")}
        elif entry.action.endswith("replied"):
            names = data.get("attachments") or []
            text = "、".join(str(n) for n in names) if isinstance(names, list) else ""
        elif entry.action.endswith("acknowledged"):
            text = str(data.get("by", ""))
        title = str(ACTIONS.get(entry.action, entry.action))
        steps.append(Step(entry.at, title, entry.actor, text))
    return steps


def _render_notice(
    request: HttpRequest, notice: Notice, form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    row = _row(notice, _today())
    replies = sorted(notice.replies.all(), key=lambda r: (r.created_at, r.pk))
    may_answer = user.has_perm("supervision.answer_notice", notice)
    may_reply = (
        may_answer
        and notice.is_open
        and notice.colour == NoticeColour.RED
        and not any(r.state in (ReplyState.PENDING, ReplyState.ACCEPTED) for r in replies)
    )
    return render(
        request,
        "supervision/notices/detail.html",
        {
            "notice": notice,
            "row": row,
            "replies": replies,
            "returned": [r for r in replies if r.state == ReplyState.RETURNED],
            "trail": _trail(notice),
            "may_answer": may_answer and notice.is_open and notice.colour == NoticeColour.RED,
            "may_reply": may_reply,
            "may_manage": user.has_perm("supervision.manage"),
            "form": form or ReplyForm(),
            "max_mb": settings.PINGYI_ATTACHMENT_MAX_BYTES // 2**20,
            "max_files": services.MAX_ATTACHMENTS,
            "today": _today(),
        },
        status=status,
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_notice(request, _notice(request, pk))


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """签收, by a liaison of a unit the notice is addressed to (a second time: no change)."""
    notice = _notice(request, pk, "supervision.answer_notice")
    was = notice.acknowledged_at
    try:
        notices.notice_acknowledge(notice, by=_display_name(request), actor=_actor(request))
    except SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Acknowledged.") if was is None else _("This notice was already acknowledged."),
        )
    return redirect(_notice_url(notice))


def _display_name(request: HttpRequest) -> str:
    user: Any = request.user
    return str(getattr(user, "display_name", "") or user.get_username())


def _files(request: HttpRequest) -> list[Any]:
    return [f for f in request.FILES.getlist("attachments") if f.name or f.size]


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The written reply (text and up to 5 attachments, checked by content); a form error
    names what is wrong and nothing is written."""
    notice = _notice(request, pk, "supervision.answer_notice")
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_notice(request, notice, form, status=422)
    user: Any = request.user
    try:
        notices.notice_reply(
            notice,
            unit=user.unit,
            text=form.cleaned_data["text"],
            replied_on=_today(),
            attachments=_files(request),
            created_by=user,
            actor=_actor(request),
        )
    except SupervisionError as exc:
        form.add_error(None, exc.message)
        return _render_notice(request, notice, form, status=422)
    messages.success(request, _("Reply sent: it awaits the office."))
    return redirect(_notice_url(notice))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The office accepts a reply, or returns it with a reason."""
    notice = _notice(request, pk)
    if not request.user.has_perm("supervision.manage"):
        raise PermissionDenied(_("Only the office decides on a reply."))
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
    reply_id = request.POST.get("id", "")
    found = notice.replies.filter(pk=reply_id).first() if reply_id.isdigit() else None
    try:
        if found is None:
            raise Http404(_("No such reply."))
        if len(reason) > MAX_TEXT:
            messages.error(
                request,
                _("the reason is %(length)d characters long; at most %(limit)d")
                % {"length": len(reason), "limit": MAX_TEXT},
            )
        elif action == "accept":
            notices.reply_accept(found, day=_today(), actor=_actor(request))
            messages.success(request, _("Reply accepted."))
        elif action == "return":
            notices.reply_return(found, reason=reason, day=_today(), actor=_actor(request))
            messages.success(request, _("Reply returned to the unit."))
        else:
            messages.error(request, _("Unknown decision."))
    except SupervisionError as exc:
        messages.error(request, exc.message)
    return redirect(_notice_url(notice))


@login_required
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    """The 督办单 of a red notice, A4 PDF, to whoever may see the notice."""
    notice = _notice(request, pk)
    if notice.colour != NoticeColour.RED:
        raise Http404(_("Only a red notice (督办单) is printed."))
    try:
        pdf = notice_pdf(notice)
    except PdfFontMissing as exc:
        return render(
            request, "supervision/notices/no_font.html", {"problem": str(exc)}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"督办单-{notice.year}-{notice.serial}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A reply's attachment, to whoever may see the notice: always a download, ``nosniff``."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    notice = _notice(request, pk)
    file = Attachment.objects.filter(reply__notice=notice, pk=file_pk).first()
    if file is None:
        raise Http404
    response = FileResponse(
        file.file.open("rb"), content_type=file.content_type, as_attachment=True, filename=file.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
