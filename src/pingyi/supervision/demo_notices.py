"""The demo's notices (issue 12): once the demo list and its history are loaded, the daily
sweep runs over the 10 working days before the day of loading and that day itself, in order,
so the board shows a history — reminders, urgings, a red 督办单 censured (通报) for want of
a reply in time — and the lead unit of the newest open red notice has replied, its reply
awaiting the office. Everything goes through the services; loading twice changes nothing
(the notices are swept only while no sweep was ever made)."""

from __future__ import annotations

from datetime import date

from pingyi.supervision import notices, selectors
from pingyi.supervision.models import Notice, NoticeColour, Sweep

ACTOR = "demo"
#: how many working days back the demo's sweeps start
DAYS_BACK = 10


def load_demo_notices(today: date) -> str:
    if Sweep.objects.exists():
        return "notices already swept"
    calendar = selectors.working_days()
    days: list[date] = []
    day = today
    while len(days) < DAYS_BACK:
        day = date.fromordinal(day.toordinal() - 1)
        if calendar.is_working_day(day):
            days.append(day)
    for day in [*reversed(days), today]:
        notices.sweep(day, actor=ACTOR)
    red = (
        Notice.objects.filter(colour=NoticeColour.RED, closed_on__isnull=True)
        .select_related("item__lead_unit")
        .order_by("-issued_on", "-pk")
        .first()
    )
    if red is not None and not red.replies.exists():
        notices.notice_acknowledge(red, by="demo", actor=ACTOR)
        notices.notice_reply(
            red,
            unit=red.item.lead_unit,
            text="逾期原因：征迁协议签订滞后、资金拨付延迟。已采取措施：成立专班、倒排工期，"
            "每周调度。预计完成时间：下月底前。",
            replied_on=today,
            actor=ACTOR,
        )
    return f"{Notice.objects.count()} notices"
