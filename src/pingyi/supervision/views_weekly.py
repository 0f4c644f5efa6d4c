"""The weekly cycle's pages (周交办点评, 周通报), thin: permission, a form, one call of
``weekly.py`` or ``services.report_comment``, a template.

- ``weekly/``: this week and the past ones, and the bulletins' archive with a search box
  (office, leaders, viewers);
- ``weekly/<YYYY-Www>/``: the week's assignment sheet (交办单) and its on-time tally; the
  office builds the draft (filter items by list, lead unit and status; pick; a demand each;
  the report deadline, default Friday 12:00) and issues it;
- ``weekly/<week>/review/``: the leaders' fast review (点评) — one report after another, keys
  1–4 for 好/较好/一般/差, Enter to save and go to the next, J/K to move (``week_review.js``;
  without a script it is an ordinary form);
- ``weekly/<week>/bulletin/``: the bulletin (周通报): compiled figures, the office's intro and
  remarks, compile / save / issue; ``bulletin.docx`` and ``bulletin.pdf``.

A week that is no ISO week (``2026-W54``) answers 404 saying how to write one. A liaison
sees its unit's part on its home page (``supervision/weekly/_unit_part.html``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pingyi.orgs.models import Unit
from pingyi.supervision import selectors_weekly, services, weekly
from pingyi.supervision.bulletin_docx import bulletin_docx
from pingyi.supervision.bulletin_pdf import PdfFontMissing, bulletin_pdf
from pingyi.supervision.errors import InvalidInput, SupervisionError
from pingyi.supervision.method.status import STATUSES
from pingyi.supervision.method.week import Week, percent_text
from pingyi.supervision.models import Item, Rating, SupervisionList
from pingyi.supervision.views import STATUS_LABELS

#: the longest comment a form takes
MAX_TEXT = weekly.MAX_TEXT
#: the keys of the review page, in the order of Rating
RATING_KEYS = ["1", "2", "3", "4"]


def _today() -> date:
    return timezone.localdate()


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _week(text: str) -> Week:
    try:
        return weekly.parse_week(text)
    except InvalidInput as exc:
        raise Http404(exc.message) from None


def _readers(request: HttpRequest) -> None:
    if not request.user.has_perm("supervision.view_lists"):
        raise PermissionDenied(_("The weekly cycle is the office's; see your unit's items."))


def _week_url(week: Week, name: str = "supervision:week") -> str:
    return reverse(name, kwargs={"week": str(week)})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """This week, the past sheets and the bulletins' archive (search: ``?q=``)."""
    _readers(request)
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "supervision/weekly/index.html",
        {
            "this_week": Week.of(_today()),
            "sheets": selectors_weekly.sheets()[:60],
            "bulletins": selectors_weekly.archive(query)[:60],
            "query": query,
        },
    )


def _deadline(text: str, week: Week) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _("the report deadline “%(value)s” is not a date and time, e.g. %(example)s")
            % {
                "value": text[:40],
                "example": weekly.default_deadline(week).strftime("%Y-%m-%dT%H:%M"),
            },
            code="bad_deadline",
        ) from None


def _picks(request: HttpRequest) -> list[tuple[Item, str]]:
    ids = [v for v in request.POST.getlist("pick") if v.isdigit()]
    items = {
        str(i.pk): i for i in Item.objects.filter(pk__in=ids).select_related("supervision_list")
    }
    picks = []
    for pk in dict.fromkeys(ids):
        if pk not in items:
            raise InvalidInput(_("item %(id)s does not exist") % {"id": pk}, code="no_item")
        picks.append((items[pk], request.POST.get(f"demand-{pk}", "")))
    return picks


@login_required
def week_page(request: HttpRequest, week: str) -> HttpResponse:
    """The week's sheet: readers see it and its tally; the office builds and issues it."""
    _readers(request)
    the_week = _week(week)
    manage = request.user.has_perm("supervision.manage")
    sheet = selectors_weekly.sheet_of(the_week)
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("Only the office builds and issues the sheet."))
        action = request.POST.get("action", "")
        try:
            picks = _picks(request)
            if action != "issue" or picks:
                sheet = weekly.sheet_save(
                    the_week,
                    picks,
                    deadline=_deadline(request.POST.get("deadline", ""), the_week),
                    note=request.POST.get("note", ""),
                    actor=_actor(request),
                )
            if action == "issue":
                if sheet is None:
                    raise InvalidInput(_("pick at least one item for the sheet"), code="no_items")
                sent = weekly.sheet_issue(sheet, actor=_actor(request))
                messages.success(
                    request,
                    _("The sheet of %(week)s is issued; %(count)d messages to the units.")
                    % {"week": the_week, "count": sent},
                )
            else:
                messages.success(request, _("Sheet saved (draft)."))
            return redirect(_week_url(the_week))
        except SupervisionError as exc:
            messages.error(request, exc.message)
            status = 422
    chosen = {
        "list": request.GET.get("list", ""),
        "unit": request.GET.get("unit", ""),
        "status": request.GET.get("status", ""),
    }
    if chosen["status"] not in STATUSES:
        chosen["status"] = ""
    unit = Unit.objects.filter(code=chosen["unit"]).first() if chosen["unit"] else None
    if unit is None:
        chosen["unit"] = ""
    entries = list(selectors_weekly.entries(sheet)) if sheet else []
    building = manage and (sheet is None or sheet.issued_at is None)
    candidates = []
    if building:
        picked = {e.item_id: e.demand for e in entries}
        rows = selectors_weekly.candidates(
            list_key=chosen["list"], unit=unit, status=chosen["status"], day=_today()
        )
        # the picked items first, in the sheet's order, whatever the filter
        in_sheet = {i.pk for i, _s in rows}
        extra = [e.item for e in entries if e.item_id not in in_sheet]
        rows = [(i, None) for i in extra] + rows
        rows.sort(key=lambda r: (r[0].pk not in picked,))
        for item, status_ in rows:
            candidates.append(
                {
                    "item": item,
                    "status": status_.status if status_ else "",
                    "label": STATUS_LABELS[status_.status] if status_ else "",
                    "picked": item.pk in picked,
                    "demand": picked.get(item.pk, ""),
                }
            )
    deadline = (
        selectors_weekly.local_deadline(sheet)
        if sheet
        else timezone.localtime(weekly.default_deadline(the_week)).replace(tzinfo=None)
    )
    tally = selectors_weekly.week_tally(sheet) if sheet and sheet.issued_at else None
    return render(
        request,
        "supervision/weekly/week.html",
        {
            "week": the_week,
            "sheet": sheet,
            "entries": entries,
            "tally": tally,
            "tally_rows": [
                (u, tally.names.get(u.unit, u.unit), _percent(u.rate)) for u in tally.ranked
            ]
            if tally
            else [],
            "building": building,
            "candidates": candidates,
            "deadline": deadline,
            "chosen": chosen,
            "lists": SupervisionList.objects.all(),
            "units": Unit.objects.filter(active=True),
            "statuses": [(s, STATUS_LABELS[s]) for s in STATUSES],
            "manage": manage,
            "may_comment": request.user.has_perm("supervision.comment"),
            "previous": the_week.previous(),
            "next": the_week.next(),
        },
        status=status,
    )


def _percent(rate: Any) -> str:
    return percent_text(rate)


# --- the leaders' review ---------------------------------------------------------------------


@login_required
def review(request: HttpRequest, week: str) -> HttpResponse:
    """One report after another: ``?r=<id>`` (default: the first not yet commented on)."""
    if not request.user.has_perm("supervision.comment"):
        raise PermissionDenied(_("Only leaders comment on reports."))
    the_week = _week(week)
    sheet = selectors_weekly.sheet_of(the_week)
    reports = selectors_weekly.review_reports(sheet) if sheet else []
    ids = [r.pk for r in reports]
    wanted = request.GET.get("r", "") if request.method == "GET" else request.POST.get("id", "")
    current = None
    if wanted.isdigit() and int(wanted) in ids:
        current = reports[ids.index(int(wanted))]
    elif reports:
        current = next((r for r in reports if not r.rating), reports[0])
    status = 200
    if request.method == "POST":
        text = request.POST.get("comment", "")
        try:
            if current is None or str(current.pk) != request.POST.get("id", ""):
                raise Http404(_("No such report this week."))
            if len(text) > MAX_TEXT:
                raise InvalidInput(
                    _("the comment is %(length)d characters long; at most %(limit)d")
                    % {"length": len(text), "limit": MAX_TEXT},
                    code="too_long",
                )
            services.report_comment(
                current,
                rating=request.POST.get("rating", ""),
                comment=text,
                leader=str(getattr(request.user, "display_name", "") or _actor(request)),
                actor=_actor(request),
            )
        except SupervisionError as exc:
            messages.error(request, exc.message)
            status = 422
        else:
            position = ids.index(current.pk)
            later = [r for r in reports[position + 1 :] if not r.rating] or reports[position + 1 :]
            messages.success(
                request,
                _("Comment saved: %(number)s, %(unit)s.")
                % {"number": current.item.number, "unit": current.unit.name},
            )
            url = _week_url(the_week, "supervision:week_review")
            return redirect(f"{url}?r={later[0].pk}" if later else f"{url}?done=1")
    position = ids.index(current.pk) if current else -1
    return render(
        request,
        "supervision/weekly/review.html",
        {
            "week": the_week,
            "sheet": sheet,
            "reports": reports,
            "current": current,
            "position": position + 1,
            "previous": reports[position - 1] if position > 0 else None,
            "next": reports[position + 1] if 0 <= position < len(reports) - 1 else None,
            "ratings": list(zip(RATING_KEYS, Rating.choices, strict=True)),
            "commented": sum(1 for r in reports if r.rating),
            "done": request.GET.get("done") == "1",
        },
        status=status,
    )


# --- the bulletin ----------------------------------------------------------------------------


@login_required
def bulletin(request: HttpRequest, week: str) -> HttpResponse:
    """The week's bulletin: readers read it; the office compiles, edits and issues it."""
    _readers(request)
    the_week = _week(week)
    manage = request.user.has_perm("supervision.manage")
    found = selectors_weekly.bulletin_of(the_week)
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("Only the office compiles, edits and issues the bulletin."))
        action = request.POST.get("action", "")
        try:
            if action == "compile":
                weekly.bulletin_compile(the_week, today=_today(), actor=_actor(request))
                messages.success(request, _("Bulletin compiled."))
            elif found is None:
                raise InvalidInput(_("compile the bulletin first"), code="no_bulletin")
            elif action == "save":
                weekly.bulletin_edit(
                    found,
                    intro=request.POST.get("intro", ""),
                    remarks=request.POST.get("remarks", ""),
                    actor=_actor(request),
                )
                messages.success(request, _("Bulletin saved."))
            elif action == "issue":
                weekly.bulletin_issue(found, actor=_actor(request))
                messages.success(request, _("Bulletin issued."))
            else:
                raise InvalidInput(_("Unknown action."), code="bad_action")
            return redirect(_week_url(the_week, "supervision:bulletin"))
        except SupervisionError as exc:
            messages.error(request, exc.message)
            status = 422
    data = weekly.data_of(found) if found else None
    return render(
        request,
        "supervision/weekly/bulletin.html",
        {
            "week": the_week,
            "bulletin": found,
            "data": data,
            "statuses": [
                (STATUS_LABELS[s["status"]], s["count"]) for s in (data or {}).get("statuses", [])
            ],
            "manage": manage,
        },
        status=status,
    )


@login_required
def bulletin_file(request: HttpRequest, week: str, fmt: str) -> HttpResponse:
    """The bulletin as .docx or PDF (a draft is marked 草稿)."""
    _readers(request)
    the_week = _week(week)
    found = selectors_weekly.bulletin_of(the_week)
    if found is None or fmt not in ("docx", "pdf"):
        raise Http404(_("No bulletin for this week yet."))
    data = weekly.data_of(found)
    if fmt == "docx":
        body = bulletin_docx(data)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        try:
            body = bulletin_pdf(data)
        except PdfFontMissing as exc:
            return render(
                request, "supervision/notices/no_font.html", {"problem": str(exc)}, status=503
            )
        kind = "application/pdf"
    response = HttpResponse(body, content_type=kind)
    name = f"周通报-{the_week}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
