"""The office's list page (filter by list, unit, status; counts by status) and an item's page
with its timeline. Thin: permission, the reads of ``selectors.py``, a template.

Statuses are shown with colour AND word (SUPERVISION.md): done grey-green, on track green,
due soon blue, lagging amber, overdue red.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.orgs.models import Unit
from pingyi.supervision import selectors, selectors_notices
from pingyi.supervision.method.status import STATUSES
from pingyi.supervision.models import Item, Rating, SupervisionList, VerifyMethod

STATUS_LABELS = {
    "done": gettext_lazy("Done"),
    "overdue": gettext_lazy("Overdue"),
    "lagging": gettext_lazy("Lagging"),
    "due_soon": gettext_lazy("Due soon"),
    "on_track": gettext_lazy("On track"),
}
REASON_LABELS = {
    "closed": gettext_lazy("closure verified"),
    "past_due": gettext_lazy("past its due date"),
    "behind_schedule": gettext_lazy("more than 10 points behind schedule"),
    "milestone_missed": gettext_lazy("a milestone was missed"),
    "no_report_since": gettext_lazy("no report for too long"),
    "occurrence_not_reported": gettext_lazy("a period was not reported"),
    "rated_poor": gettext_lazy("the latest report was rated 差"),
    "due_soon": gettext_lazy("due within 3 working days"),
}


def _today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Row:
    item: Item
    status: str
    label: str
    expected: int | None
    reported: int
    due: date | None


def _row(item: Item, status: Any) -> Row:
    return Row(
        item=item,
        status=status.status,
        label=str(STATUS_LABELS[status.status]),
        expected=status.expected_shown,
        reported=int(status.reported),
        due=status.due,
    )


#: The flags an item may carry (SUPERVISION.md: 难点 / 痛点 / 堵点).
FLAGS = ("难点", "痛点", "堵点")


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    """Items the account may see, filtered by list, unit and status, with counts by status."""
    today = _today()
    items = selectors.items_for_user(request.user)
    lists = SupervisionList.objects.all()
    chosen_list = request.GET.get("list", "")
    chosen_unit = request.GET.get("unit", "")
    chosen_status = request.GET.get("status", "")
    chosen_leader = request.GET.get("leader", "")
    chosen_flag = request.GET.get("flag", "")
    chosen_sort = "due" if request.GET.get("sort") == "due" else ""
    leaders = sorted({name for name in items.values_list("leader", flat=True) if name})
    if chosen_leader:
        items = items.filter(leader=chosen_leader)
    if chosen_list:
        items = items.filter(supervision_list__key=chosen_list)
    if chosen_unit:
        unit_filter = Q(lead_unit__code=chosen_unit) | Q(co_units__code=chosen_unit)
        items = items.filter(unit_filter).distinct()
    rows = [_row(item, status) for item, status in selectors.statuses(items, today)]
    if chosen_flag in FLAGS:
        rows = [row for row in rows if chosen_flag in (row.item.flags or [])]
    counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    if chosen_status in STATUSES:
        rows = [row for row in rows if row.status == chosen_status]
    if chosen_sort == "due":  # soonest first; items without a due date last
        rows.sort(key=lambda row: (row.due is None, row.due or date.max))
    units = Unit.objects.filter(active=True)
    if not request.user.has_perm("supervision.view_lists"):
        unit_id = getattr(request.user, "unit_id", None)
        units = units.filter(pk=unit_id) if unit_id is not None else units.none()
    return render(
        request,
        "supervision/item_list.html",
        {
            "rows": rows,
            "today": today,
            "lists": lists,
            "units": units,
            "statuses": [(name, STATUS_LABELS[name], counts[name]) for name in STATUSES],
            "leaders": leaders,
            "flags": FLAGS,
            "chosen": {
                "list": chosen_list,
                "unit": chosen_unit,
                "status": chosen_status,
                "leader": chosen_leader,
                "flag": chosen_flag,
                "sort": chosen_sort,
            },
            "total": sum(counts.values()),
        },
    )


@dataclass(frozen=True)
class Event:
    day: date
    kind: str
    title: str
    text: str
    state: str = ""


def _timeline(item: Item) -> list[Event]:
    events = [Event(item.supervision_list.assigned_on, "assigned", _("Assigned"), "")]
    for m in item.milestones.all():
        if m.due:
            events.append(
                Event(
                    m.due, "milestone", _("Milestone due"), m.text, _("done") if m.done_on else ""
                )
            )
    for r in item.reports.all():
        text = _("%(percent)s%% — %(text)s") % {"percent": r.percent, "text": r.done_text or "—"}
        if r.rating:
            text += " · " + _("rated %(rating)s by %(leader)s: %(comment)s") % {
                "rating": r.get_rating_display(),
                "leader": r.rated_by,
                "comment": r.comment or "—",
            }
        if r.return_reason:
            text += " · " + _("returned: %(reason)s") % {"reason": r.return_reason}
        events.append(
            Event(
                r.reported_on,
                "report",
                _("Progress report by %(unit)s") % {"unit": r.unit.name},
                text,
                r.get_state_display(),
            )
        )
    for e in item.extensions.all():
        events.append(
            Event(
                e.requested_on,
                "extension",
                _("Extension requested"),
                _("to %(date)s: %(reason)s") % {"date": e.proposed_due, "reason": e.reason},
            )
        )
        if e.decided_on:
            events.append(
                Event(
                    e.decided_on,
                    "extension",
                    _("Extension decided"),
                    str(e.approved_due or ""),
                    e.get_state_display(),
                )
            )
    for c in item.closures.all():
        events.append(Event(c.applied_on, "closure", _("Closure applied for"), c.evidence))
        if c.decided_on:
            events.append(
                Event(
                    c.decided_on,
                    "closure",
                    _("Closure decided"),
                    c.reason or c.get_method_display(),
                    c.get_state_display(),
                )
            )
    return sorted(events, key=lambda e: e.day)


@login_required
def item_detail(request: HttpRequest, key: str, number: str) -> HttpResponse:
    items = selectors.items_with_facts(
        Item.objects.filter(supervision_list__key=key, number=number)
    ).prefetch_related("closures", "reports__unit")
    item = items.first()
    if item is None:
        raise Http404(_("No such item."))
    if not request.user.has_perm("supervision.view_item", item):
        raise PermissionDenied(_("You can only see your own unit's items."))
    today = _today()
    status = selectors.item_status(item, today)
    return render(
        request,
        "supervision/item_detail.html",
        {
            "item": item,
            "row": _row(item, status),
            "reasons": [str(REASON_LABELS.get(r, r)) for r in status.reasons],
            "warnings": status.warnings,
            "timeline": _timeline(item),
            "today": today,
            # the unit's and the office's actions (views_unit.py; unit/_item_actions.html)
            "may_report": request.user.has_perm("supervision.report", item),
            "may_request": request.user.has_perm("supervision.request", item),
            "may_manage": request.user.has_perm("supervision.manage"),
            "may_comment": request.user.has_perm("supervision.comment"),
            "ratings": Rating.choices,
            "verify_methods": VerifyMethod.choices,
            # the item's notices the account may read (notices/_item_notices.html)
            "notices": selectors_notices.notices_of_item(item, request.user),
        },
    )
