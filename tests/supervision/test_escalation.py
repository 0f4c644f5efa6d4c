"""The escalation rule alone (supervision/method/escalation.py, pure): what one sweep does to
one item's open notices (SUPERVISION.md, "Precisely, per item at each sweep")."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.supervision.method.escalation import OpenNotice, red_dues, sweep_item
from pingyi.supervision.method.workdays import WorkingDays

CAL = WorkingDays()
DAY = date(2026, 10, 10)  # a make-up Saturday: a working day


def blue(ref: str = "b") -> OpenNotice:
    return OpenNotice(ref, "blue", date(2026, 9, 29))


def yellow(ref: str = "y", reminded: date | None = None) -> OpenNotice:
    return OpenNotice(ref, "yellow", date(2026, 9, 28), last_reminded_on=reminded)


def red(ref: str = "r", accepted: date | None = None, censured: bool = False) -> OpenNotice:
    issued = date(2026, 10, 10)
    return OpenNotice(ref, "red", issued, reply_due=red_dues(issued, CAL).reply_by,
                      reply_accepted_on=accepted, censured=censured)


@pytest.mark.parametrize(
    ("status", "colour"),
    [("due_soon", "blue"), ("lagging", "yellow"), ("overdue", "red"), ("on_track", None),
     ("done", None)],
)
def test_the_status_gives_the_colour_issued_when_none_is_open(status: str, colour: str) -> None:
    assert sweep_item(status, [], DAY, CAL).issue == colour


def test_a_higher_colour_escalates_a_lower_one_and_is_issued() -> None:
    actions = sweep_item("overdue", [blue(), yellow()], DAY, CAL)
    assert actions.close == (("b", "escalated"), ("y", "escalated"))
    assert actions.issue == "red"


def test_a_lower_colour_resolves_a_higher_open_one_and_is_issued() -> None:
    # lagging → due soon: the yellow closes as resolved, a blue is issued
    actions = sweep_item("due_soon", [yellow()], DAY, CAL)
    assert actions.close == (("y", "resolved"),) and actions.issue == "blue"
    # on track: both close as resolved, nothing issued
    actions = sweep_item("on_track", [blue(), yellow()], DAY, CAL)
    assert actions.close == (("b", "resolved"), ("y", "resolved")) and actions.issue is None


def test_an_open_notice_of_the_colour_means_none_is_issued() -> None:
    assert sweep_item("due_soon", [blue()], DAY, CAL).empty
    assert sweep_item("overdue", [red()], DAY, CAL).issue is None


def test_a_red_notice_closes_only_by_an_accepted_reply_and_no_longer_overdue() -> None:
    assert sweep_item("on_track", [red()], DAY, CAL).close == ()
    assert sweep_item("overdue", [red(accepted=DAY)], DAY, CAL).close == ()
    assert sweep_item("on_track", [red(accepted=DAY)], DAY, CAL).close == (("r", "resolved"),)
    # a reply accepted after the sweep's day does not count on that day
    assert sweep_item("done", [red(accepted=date(2026, 10, 12))], DAY, CAL).close == ()


def test_censure_the_first_sweep_after_the_reply_due_unless_accepted_by_it() -> None:
    reply_due = red().reply_due
    assert reply_due == date(2026, 10, 14)  # 10-12, 10-13, 10-14 (Sunday 10-11 rests)
    assert sweep_item("overdue", [red()], reply_due, CAL).censure == ()
    assert sweep_item("overdue", [red()], date(2026, 10, 15), CAL).censure == ("r",)
    assert sweep_item("overdue", [red(censured=True)], date(2026, 10, 16), CAL).censure == ()
    in_time = red(accepted=reply_due)
    assert sweep_item("overdue", [in_time], date(2026, 10, 15), CAL).censure == ()
    late = red(accepted=date(2026, 10, 15))
    actions = sweep_item("on_track", [late], date(2026, 10, 15), CAL)
    assert actions.censure == ("r",) and actions.close == (("r", "resolved"),)


def test_a_yellow_notice_is_reminded_every_3_working_days_while_lagging() -> None:
    # issued 09-28 (Mon): 09-29, 09-30, then National Day, 10-08 is the 3rd working day
    assert sweep_item("lagging", [yellow()], date(2026, 9, 30), CAL).remind == ()
    assert sweep_item("lagging", [yellow()], date(2026, 10, 7), CAL).remind == ()
    assert sweep_item("lagging", [yellow()], date(2026, 10, 8), CAL).remind == ("y",)
    # a skipped sweep delays the reminder, never drops it
    assert sweep_item("lagging", [yellow()], date(2026, 10, 20), CAL).remind == ("y",)
    # after a reminder on 10-08: 10-09, 10-10 (make-up Saturday), 10-12
    again = yellow(reminded=date(2026, 10, 8))
    assert sweep_item("lagging", [again], date(2026, 10, 10), CAL).remind == ()
    assert sweep_item("lagging", [again], date(2026, 10, 12), CAL).remind == ("y",)
    # no reminder once it escalates
    assert sweep_item("overdue", [yellow()], date(2026, 10, 20), CAL).remind == ()


def test_red_dues_are_the_1st_and_3rd_working_days_after_the_issue() -> None:
    dues = red_dues(date(2026, 9, 30), CAL)  # the eve of National Day
    assert (dues.acknowledge_by, dues.reply_by) == (date(2026, 10, 8), date(2026, 10, 10))


def test_bad_facts_are_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="status"):
        sweep_item("late", [], DAY, CAL)
    with pytest.raises(ValueError, match="reply due"):
        sweep_item("overdue", [OpenNotice("r", "red", DAY)], DAY, CAL)
