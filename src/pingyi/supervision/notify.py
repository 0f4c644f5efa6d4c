"""What a notice tells people, and on which channels (SUPERVISION.md, "Contracts"): the lead
unit's (blue and yellow also the co-units'), and for a red notice also the leader in
charge's. The messages are written by :func:`pingyi.notifications.services.notify` in the
caller's transaction, keyed by notice and event, so a repeated sweep sends nothing; the
task queue delivers them after the commit. Short Chinese markdown with a link back."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from pingyi.core.server import serve_defaults
from pingyi.notifications.services import Recipient, notify
from pingyi.supervision.models import Notice, NoticeColour

#: what the message calls each colour, and what it says happened
WORDS = {NoticeColour.BLUE: "提醒", NoticeColour.YELLOW: "催办", NoticeColour.RED: "督办单"}
EVENTS = {"issued": "", "censured": "（通报）"}


def site_url() -> str:
    """Where the people who read the messages open pingyi: ``PINGYI_PUBLIC_URL``, else where
    ``pingyi serve`` answers."""
    if settings.PUBLIC_URL:
        return str(settings.PUBLIC_URL)
    host, port = serve_defaults()
    return f"http://{host}:{port}"


def recipients(notice: Notice) -> list[Recipient]:
    units: list[Recipient] = list(notice.units.order_by("order", "code"))
    lead = [u for u in units if getattr(u, "pk", None) == notice.item.lead_unit_id]
    units = lead + [u for u in units if u not in lead]
    if notice.colour == NoticeColour.RED and notice.leader.strip():
        units.append(notice.leader)
    return units


def message(notice: Notice, event: str) -> tuple[str, str, str]:
    """(title, markdown, link) of a notice's message."""
    item = notice.item
    word = WORDS[notice.colour]  # type: ignore[index]
    if event.startswith("reminded"):
        head = f"【再次催办】{item.number} {item.title[:40]}"
    else:
        head = f"【{notice.number or word}{EVENTS.get(event, '')}】{item.number} {item.title[:40]}"
    link = site_url() + reverse("supervision:notice_detail", args=[notice.pk])
    lines = [
        f"**{head}**",
        "",
        f"清单：{item.supervision_list.name}",
        f"牵头单位：{item.lead_unit.name}",
    ]
    if item.leader:
        lines.append(f"责任领导：{item.leader}")
    if item.due:
        lines.append(f"完成时限：{item.deadline_text or item.due.isoformat()}")
    if event == "censured":
        lines.append(f"未在{notice.reply_by}前回复并经督查室认可，予以通报。")
    elif notice.colour == NoticeColour.RED:
        lines.append(f"请于{notice.acknowledge_by}前签收，{notice.reply_by}前书面回复。")
    else:
        lines.append(notice.demand)
    lines.append(f"[查看详情]({link})")
    return head, "\n".join(lines), link


def notice_message(notice: Notice, event: str, day: date) -> int:
    """The messages of one step of a notice (``issued``, ``reminded-N``, ``censured``)."""
    title, markdown, link = message(notice, event)
    return notify(
        recipients=recipients(notice),
        title=title,
        markdown=markdown,
        link=link,
        key=f"supervision.notice:{notice.pk}:{event}",
    )
