"""Statuses exactly as SUPERVISION.md "Statuses (exact)" says: a worked example per rule, the
boundaries to the day and to the point, and properties over random items
(supervision/method/status.py)."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pingyi.supervision.method.status import (
    EVERIES,
    STATUSES,
    Extension,
    ItemFacts,
    Milestone,
    Report,
    add_months,
    item_status,
    occurrence_before,
    occurrence_on_or_after,
    percent_shown,
)
from pingyi.supervision.method.workdays import WorkingDays, default_calendar

d = date


def dated(**kw: object) -> ItemFacts:
    """A `date` item of 2026 with no cadence rule, unless told otherwise."""
    fields: dict[str, object] = {
        "kind": "date",
        "due": d(2026, 12, 31),
        "start": d(2026, 1, 1),
        "cadence": "none",
    }
    fields.update(kw)
    return ItemFacts(**fields)  # type: ignore[arg-type]


def status(facts: ItemFacts, day: date) -> str:
    return item_status(facts, day).status


# --- 1. done --------------------------------------------------------------------------


def test_done_from_the_day_the_office_verified_the_closure_whatever_else_holds() -> None:
    facts = dated(
        due=d(2026, 6, 30),
        milestones=[(d(2026, 3, 31), False)],
        reports=[(d(2026, 7, 1), 20, True, "差")],
        closed_on=d(2026, 7, 10),
    )
    assert item_status(facts, d(2026, 7, 10)).status == "done"
    assert item_status(facts, d(2026, 7, 10)).reasons == ("closed",)
    assert item_status(facts, d(2027, 1, 1)).status == "done"
    # the day before the verification it was overdue (a past day recomputed)
    assert status(facts, d(2026, 7, 9)) == "overdue"


# --- 2. overdue -----------------------------------------------------------------------


def test_overdue_the_day_after_the_due_not_on_it() -> None:
    facts = dated(due=d(2026, 6, 30), reports=[(d(2026, 6, 1), 100, True, None)])
    assert status(facts, d(2026, 6, 30)) == "due_soon"
    result = item_status(facts, d(2026, 7, 1))
    assert (result.status, result.reasons, result.due) == ("overdue", ("past_due",), d(2026, 6, 30))


def test_ongoing_unknown_and_recurring_items_are_never_overdue() -> None:
    for kind in ("ongoing", "unknown"):
        facts = ItemFacts(kind=kind, due=None, start=d(2026, 1, 1), cadence="none")
        result = item_status(facts, d(2030, 1, 1))
        assert (result.status, result.due, result.expected) == ("on_track", None, None)
    weekly = ItemFacts(
        kind="recurring", due=d(2026, 3, 6), every="week", start=d(2026, 3, 2), cadence="none"
    )
    assert status(weekly, d(2026, 6, 1)) == "lagging"  # never reported, yet not overdue


# --- 3. lagging: R < E − 10 -----------------------------------------------------------


def test_exactly_10_points_behind_is_not_lagging_10_0001_is() -> None:
    # S = 1-1, D = 1-31 (30 days), T = 1-16: E = 15/30 = 50 exactly
    def on_16th(percent: object) -> object:
        facts = dated(due=d(2026, 1, 31), reports=[(d(2026, 1, 2), percent, True, None)])
        return item_status(facts, d(2026, 1, 16))

    assert on_16th(40).expected == 50
    assert on_16th(40).status == "on_track"
    assert on_16th(Decimal("40.0000")).status == "on_track"
    lagging = on_16th(Decimal("39.9999"))
    assert (lagging.status, lagging.reasons) == ("lagging", ("behind_schedule",))
    assert lagging.reported == Fraction(399999, 10000)


def test_e_is_exact_and_shown_rounded_up_so_the_figures_agree_with_the_rule() -> None:
    # S = 1-1, D = 1-4, T = 1-2: E = 1/3 × 100 = 33⅓, shown 34
    def on_2nd(percent: object) -> object:
        facts = dated(due=d(2026, 1, 4), reports=[(d(2026, 1, 1), percent, True, None)])
        return item_status(facts, d(2026, 1, 2))

    assert on_2nd(23).expected == Fraction(100, 3)
    assert on_2nd(23).expected_shown == 34
    assert on_2nd(23).status == "lagging"  # 23 < 23⅓; shown: 23 < 34 − 10
    assert on_2nd(24).status == "due_soon"  # 24 ≥ 23⅓; shown: 24 = 34 − 10, not behind
    assert on_2nd(Fraction(70, 3)).status == "due_soon"  # exactly 10 behind
    assert on_2nd(33.3).reported == Fraction(333, 10)  # a float reads as it prints
    assert percent_shown(Fraction(20)) == 20
    assert percent_shown(Fraction(201, 10)) == 21


def test_only_accepted_reports_give_r_and_only_those_dated_up_to_t() -> None:
    facts = dated(
        due=d(2026, 1, 31),
        reports=[
            (d(2026, 1, 2), 10, True, None),
            (d(2026, 1, 10), 90, False, None),  # awaiting the office
            Report(d(2026, 1, 12), 95, accepted=False, returned=True),  # returned
            (d(2026, 1, 20), 80, True, None),  # after T
        ],
    )
    result = item_status(facts, d(2026, 1, 16))
    assert (result.reported, result.status) == (10, "lagging")
    assert item_status(facts, d(2026, 1, 20)).reported == 80


def test_expected_before_the_start_and_when_the_due_is_not_after_the_start() -> None:
    before = item_status(dated(start=d(2026, 3, 1), due=d(2026, 6, 30)), d(2026, 2, 1))
    assert before.expected == 0
    assert before.status == "on_track"
    # D ≤ S ≤ T: E = 100
    assert item_status(dated(start=d(2026, 3, 1), due=d(2026, 3, 1)), d(2026, 3, 1)).expected == 100
    # D < S, T ≤ D: the clamped formula gives 100 too
    assert item_status(dated(start=d(2026, 3, 1), due=d(2026, 2, 1)), d(2026, 1, 1)).expected == 100
    # an immediate item (立行立改, due A = S) expects everything on its first day
    now = ItemFacts(kind="immediate", due=d(2026, 3, 2), start=d(2026, 3, 2), cadence="none")
    result = item_status(now, d(2026, 3, 2))
    assert (result.expected, result.status, result.reasons) == (
        100,
        "lagging",
        ("behind_schedule",),
    )
    done_now = replace(now, reports=(Report(d(2026, 3, 2), 100),))
    assert status(done_now, d(2026, 3, 2)) == "due_soon"
    assert status(done_now, d(2026, 3, 3)) == "overdue"


# --- 3. lagging: milestones -----------------------------------------------------------


def test_a_milestone_is_missed_the_day_after_its_due_unless_done() -> None:
    report = (d(2026, 1, 1), 30, True, None)
    missed = dated(reports=[report], milestones=[Milestone(d(2026, 3, 31))])
    assert status(missed, d(2026, 3, 31)) == "on_track"
    result = item_status(missed, d(2026, 4, 1))
    assert (result.status, result.reasons) == ("lagging", ("milestone_missed",))
    assert status(dated(reports=[report], milestones=[(d(2026, 3, 31), True)]), d(2026, 4, 1)) == (
        "on_track"
    )
    late = dated(reports=[report], milestones=[Milestone(d(2026, 3, 31), True, d(2026, 4, 5))])
    assert status(late, d(2026, 4, 2)) == "lagging"  # done only on 4-05
    assert status(late, d(2026, 4, 5)) == "on_track"
    undated = dated(reports=[report], milestones=[Milestone(None)])
    assert status(undated, d(2026, 4, 1)) == "on_track"


# --- 3. lagging: the report cadence ---------------------------------------------------


def ongoing(cadence: str, *reports: tuple[object, ...], start: date = d(2026, 1, 1)) -> ItemFacts:
    return ItemFacts(
        kind="ongoing",
        due=None,
        start=start,
        cadence=cadence,  # type: ignore[arg-type]
        reports=tuple(Report(*r) for r in reports),  # type: ignore[arg-type]
    )


def test_weekly_cadence_lags_after_the_2nd_working_day_following_l_plus_7() -> None:
    # no report: L = S = Mon 3-02; L + 7 = Mon 3-09; 2nd working day after: Wed 3-11
    facts = ongoing("week", start=d(2026, 3, 2))
    assert status(facts, d(2026, 3, 11)) == "on_track"
    result = item_status(facts, d(2026, 3, 12))
    assert (result.status, result.reasons) == ("lagging", ("no_report_since",))


def test_weekly_cadence_over_national_day() -> None:
    # report Thu 9-24; + 7 = 10-01 (holiday); working days after: 10-08, 10-09
    facts = dated(cadence="week", reports=[(d(2026, 9, 24), 90, True, None)])
    assert status(facts, d(2026, 10, 9)) == "on_track"
    assert item_status(facts, d(2026, 10, 10)).reasons == ("no_report_since",)  # made-up Sat


def test_monthly_cadence_from_the_31st_lands_on_a_made_up_saturday() -> None:
    # report 1-31; + 1 month = 2-28 (a Saturday worked); working days after: 3-02, 3-03
    facts = ongoing("month", (d(2026, 1, 31), 10))
    assert status(facts, d(2026, 3, 3)) == "on_track"
    assert status(facts, d(2026, 3, 4)) == "lagging"


def test_quarterly_cadence_and_a_saturday_t() -> None:
    # report 1-15; + 3 months = Wed 4-15; working days after: 4-16, 4-17; Sat 4-18 is after
    facts = ongoing("quarter", (d(2026, 1, 15), 10))
    assert status(facts, d(2026, 4, 17)) == "on_track"
    assert status(facts, d(2026, 4, 18)) == "lagging"
    assert status(ongoing("none", (d(2026, 1, 15), 10)), d(2026, 12, 31)) == "on_track"


def test_the_cadence_counts_any_report_not_returned_and_none_after_t() -> None:
    pending = ongoing("week", (d(2026, 3, 9), 10, False), start=d(2026, 3, 2))
    assert status(pending, d(2026, 3, 12)) == "on_track"  # L = 3-09, awaiting the office
    returned = ongoing("week", (d(2026, 3, 9), 10, False, None, True), start=d(2026, 3, 2))
    assert status(returned, d(2026, 3, 12)) == "lagging"  # a returned report is no report
    later = ongoing("week", (d(2026, 3, 13), 10), start=d(2026, 3, 2))
    assert status(later, d(2026, 3, 12)) == "lagging"  # filed the next day


# --- 3. lagging: a leader's 差 -------------------------------------------------------


def test_the_latest_report_rated_poor_makes_it_lagging() -> None:
    poor = (d(2026, 3, 2), 50, True, "差")
    assert item_status(dated(reports=[poor]), d(2026, 3, 3)).reasons == ("rated_poor",)
    better = dated(reports=[poor, (d(2026, 3, 5), 50, True, "好")])
    assert status(better, d(2026, 3, 6)) == "on_track"
    assert status(better, d(2026, 3, 4)) == "lagging"  # before the better report
    unrated = dated(reports=[poor, (d(2026, 3, 5), 50, False, None)])
    assert status(unrated, d(2026, 3, 6)) == "on_track"  # the latest is not rated 差
    returned = dated(reports=[poor, Report(d(2026, 3, 5), 50, False, None, returned=True)])
    assert status(returned, d(2026, 3, 6)) == "lagging"
    # the same date: the later given is the latest
    same_day = dated(reports=[(d(2026, 3, 2), 50, True, "好"), poor])
    assert status(same_day, d(2026, 3, 2)) == "lagging"
    both = dated(due=d(2026, 1, 31), reports=[(d(2026, 1, 2), 0, True, "差")])
    assert item_status(both, d(2026, 1, 16)).reasons == ("behind_schedule", "rated_poor")


# --- 4. due_soon ----------------------------------------------------------------------


def due_on(due: date) -> ItemFacts:
    return dated(due=due, start=d(2026, 1, 1), reports=[(d(2026, 1, 1), 100, True, None)])


def test_due_soon_at_exactly_3_working_days_across_a_weekend() -> None:
    # T Thu 3-05: (T, Tue 3-10] holds Fri 3-06, Mon 3-09, Tue 3-10
    assert status(due_on(d(2026, 3, 10)), d(2026, 3, 5)) == "due_soon"
    assert status(due_on(d(2026, 3, 11)), d(2026, 3, 5)) == "on_track"  # four
    assert status(due_on(d(2026, 3, 5)), d(2026, 3, 5)) == "due_soon"  # due today: none
    assert status(due_on(d(2026, 3, 8)), d(2026, 3, 5)) == "due_soon"  # due on a Sunday


def test_due_soon_at_exactly_3_working_days_across_national_day() -> None:
    # T Tue 9-29: working days after are 9-30, 10-08, 10-09, then Sat 10-10 (made up)
    assert status(due_on(d(2026, 10, 7)), d(2026, 9, 29)) == "due_soon"
    assert status(due_on(d(2026, 10, 9)), d(2026, 9, 29)) == "due_soon"
    assert status(due_on(d(2026, 10, 10)), d(2026, 9, 29)) == "on_track"


# --- the effective due ----------------------------------------------------------------


def test_the_latest_approved_extension_is_the_due() -> None:
    base = {"due": d(2026, 6, 30), "reports": [(d(2026, 6, 1), 100, True, None)]}
    refused = dated(**base, extensions=[(False, d(2026, 9, 30))])
    assert status(refused, d(2026, 7, 15)) == "overdue"
    approved = dated(**base, extensions=[(True, d(2026, 9, 30)), (False, d(2026, 12, 31))])
    result = item_status(approved, d(2026, 7, 15))
    assert (result.status, result.due) == ("on_track", d(2026, 9, 30))
    twice = dated(**base, extensions=[(True, d(2026, 9, 30)), (True, d(2026, 8, 31))])
    assert item_status(twice, d(2026, 7, 15)).due == d(2026, 8, 31)  # the later decision
    # E runs to the new due: S 1-1, D 9-30 (272 days), T 3-1 (59 days)
    assert item_status(approved, d(2026, 3, 1)).expected == Fraction(59 * 100, 272)


def test_an_extension_approved_after_the_due_counts_from_its_decision() -> None:
    late = dated(
        due=d(2026, 6, 30),
        reports=[(d(2026, 6, 1), 100, True, None)],
        extensions=[Extension(True, d(2026, 9, 30), decided_on=d(2026, 7, 10))],
    )
    assert status(late, d(2026, 7, 9)) == "overdue"
    assert status(late, d(2026, 7, 10)) == "on_track"
    undated = replace(late, extensions=(Extension(True, d(2026, 9, 30)),))
    assert status(undated, d(2026, 7, 9)) == "on_track"


# --- recurring items ------------------------------------------------------------------


def weekly(*reports: tuple[object, ...]) -> ItemFacts:
    """Every Friday from Mon 3-02 (the first occurrence Fri 3-06), no cadence rule."""
    return ItemFacts(
        kind="recurring",
        due=d(2026, 3, 6),
        every="week",
        start=d(2026, 3, 2),
        cadence="none",
        reports=tuple(Report(*r) for r in reports),  # type: ignore[arg-type]
    )


def test_a_weekly_item_is_due_soon_before_each_friday_and_lags_after_its_grace() -> None:
    item = weekly()
    assert [status(item, d(2026, 3, day)) for day in range(2, 14)] == [
        "on_track",  # Mon 3-02: Tue..Fri, 4 working days
        "due_soon",  # Tue
        "due_soon",
        "due_soon",
        "due_soon",  # Fri 3-06, the occurrence
        "on_track",  # Sat: next Friday 3-13
        "on_track",
        "on_track",  # Mon 3-09: 1st working day after 3-06
        "due_soon",  # Tue 3-10: 2nd, not after it; (3-10, 3-13] = 3
        "lagging",  # Wed 3-11: 3-06 passed more than 2 working days ago, unreported
        "lagging",
        "lagging",
    ]
    result = item_status(item, d(2026, 3, 11))
    assert (result.reasons, result.due, result.expected) == (
        ("occurrence_not_reported",),
        d(2026, 3, 13),
        None,
    )


def test_a_weekly_item_needs_a_report_dated_in_the_period_ending_at_the_occurrence() -> None:
    assert status(weekly((d(2026, 3, 5), 10)), d(2026, 3, 11)) == "due_soon"
    assert status(weekly((d(2026, 3, 6), 10)), d(2026, 3, 11)) == "due_soon"
    late = weekly((d(2026, 3, 7), 10))  # dated in the next period (3-06, 3-13]
    assert status(late, d(2026, 3, 11)) == "lagging"
    assert status(late, d(2026, 3, 18)) == "due_soon"  # judged on 3-13 now: reported
    # a report not yet dated on T does not count for it
    assert status(weekly((d(2026, 3, 12), 10)), d(2026, 3, 11)) == "lagging"


def test_a_weekly_items_grace_over_the_spring_festival() -> None:
    # Fri 2-13; working days after: Sat 2-14 (made up), Tue 2-24; then lagging from 2-25
    item = ItemFacts(
        kind="recurring", due=d(2026, 2, 13), every="week", start=d(2026, 2, 9), cadence="none"
    )
    assert status(item, d(2026, 2, 24)) != "lagging"
    assert status(item, d(2026, 2, 25)) == "lagging"


def test_monthly_items_fall_due_on_their_day_or_the_months_last() -> None:
    month_end = ItemFacts(kind="recurring", due=d(2026, 1, 31), every="month", start=d(2026, 1, 1))
    assert item_status(month_end, d(2026, 2, 10)).due == d(2026, 2, 28)
    assert item_status(month_end, d(2026, 3, 1)).due == d(2026, 3, 31)
    fifth = ItemFacts(kind="recurring", due=d(2026, 3, 5), every="month", start=d(2026, 3, 1))
    assert item_status(fifth, d(2026, 3, 6)).due == d(2026, 4, 5)
    assert item_status(fifth, d(2026, 2, 1)).due == d(2026, 3, 5)  # never before the first


def test_occurrences_week_month_quarter_half() -> None:
    friday = d(2026, 3, 6)
    assert occurrence_on_or_after(d(2026, 3, 2), "week") == friday
    assert occurrence_on_or_after(friday, "week") == friday
    assert occurrence_on_or_after(d(2026, 3, 7), "week") == d(2026, 3, 13)
    assert occurrence_on_or_after(d(2026, 3, 7), "week", 0) == d(2026, 3, 9)
    assert occurrence_before(friday, "week") == d(2026, 2, 27)
    assert occurrence_on_or_after(d(2026, 2, 1), "month") == d(2026, 2, 28)
    assert occurrence_on_or_after(d(2026, 2, 1), "month", 30) == d(2026, 2, 28)
    assert occurrence_on_or_after(d(2026, 3, 1), "month", 30) == d(2026, 3, 30)
    assert occurrence_on_or_after(d(2026, 3, 6), "month", 5) == d(2026, 4, 5)
    assert occurrence_on_or_after(d(2026, 12, 6), "month", 5) == d(2027, 1, 5)
    assert occurrence_before(d(2026, 1, 5), "month", 5) == d(2025, 12, 5)
    assert occurrence_before(d(2026, 3, 31), "month") == d(2026, 2, 28)
    assert occurrence_on_or_after(d(2026, 4, 1), "quarter") == d(2026, 6, 30)
    assert occurrence_on_or_after(d(2026, 3, 31), "quarter") == d(2026, 3, 31)
    assert occurrence_before(d(2026, 3, 31), "quarter") == d(2025, 12, 31)
    assert occurrence_on_or_after(d(2026, 7, 1), "half") == d(2026, 12, 31)
    assert occurrence_before(d(2026, 12, 31), "half") == d(2026, 6, 30)
    assert add_months(d(2026, 1, 31), 1) == d(2026, 2, 28)
    assert add_months(d(2024, 1, 31), 1) == d(2024, 2, 29)
    assert add_months(d(2026, 11, 30), 3) == d(2027, 2, 28)
    assert add_months(d(2026, 1, 15), -1) == d(2025, 12, 15)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=d(2000, 1, 1), max_value=d(2099, 12, 31)),
    st.sampled_from(EVERIES),
    st.integers(min_value=0, max_value=31),
)
def test_occurrences_are_the_nearest_on_each_side(day: date, every: str, anchor: int) -> None:
    kw = {"anchor": anchor % 7} if every == "week" else {"anchor": anchor or 31}
    if every in ("quarter", "half"):
        kw = {}
    after = occurrence_on_or_after(day, every, **kw)
    before = occurrence_before(day, every, **kw)
    assert before < day <= after
    assert occurrence_on_or_after(before, every, **kw) == before
    assert occurrence_on_or_after(before + timedelta(1), every, **kw) == after
    assert occurrence_before(after, every, **kw) == before or after == day


# --- ongoing and unknown --------------------------------------------------------------


def test_ongoing_and_unknown_items_lag_only_on_cadence_milestones_or_poor_ratings() -> None:
    for kind in ("ongoing", "unknown"):
        quiet = ItemFacts(kind=kind, due=None, start=d(2026, 1, 1), cadence="week")
        assert item_status(quiet, d(2026, 1, 5)).status == "on_track"
        assert item_status(quiet, d(2026, 2, 1)).reasons == ("no_report_since",)
        rated = replace(quiet, cadence="none", reports=(Report(d(2026, 1, 2), 0, rating="差"),))
        assert item_status(rated, d(2026, 1, 5)).reasons == ("rated_poor",)


# --- warnings and bad input -----------------------------------------------------------


def test_a_computation_reaching_an_unknown_year_says_so() -> None:
    unknown = default_calendar().known_years().stop
    facts = dated(due=d(unknown, 1, 4), reports=[(d(unknown - 1, 1, 1), 100, True, None)])
    near = item_status(facts, d(unknown - 1, 12, 30))
    assert near.warnings == ("calendar_unknown_year",)
    assert item_status(facts, d(unknown - 1, 6, 1)).warnings == ()
    covered = WorkingDays({d(unknown, 1, 1): False})
    assert item_status(facts, d(unknown - 1, 12, 30), covered).warnings == ()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: dated(kind="soon"), "kind 'soon' is not one of"),
        (lambda: dated(cadence="daily"), "cadence 'daily' is not one of"),
        (lambda: dated(due=None), "a 'date' item needs a due date"),
        (lambda: dated(kind="recurring", every="day"), "a recurring item needs every"),
        (lambda: dated(kind="recurring", every="week", anchor=7), "weekly anchor 7"),
        (lambda: dated(start=datetime(2026, 1, 1, 8)), "start: expected a date"),
        (lambda: dated(reports=[(d(2026, 1, 2), 101)]), "report of 2026-01-02: 101 is outside"),
        (lambda: dated(reports=[(d(2026, 1, 2), -1)]), "outside 0–100"),
        (lambda: dated(reports=[(d(2026, 1, 2), float("nan"))]), "is not a number"),
        (lambda: dated(reports=[(d(2026, 1, 2), "50")]), "expected a number 0–100"),
        (lambda: dated(reports=[(d(2026, 1, 2), True)]), "expected a number 0–100"),
        (lambda: dated(reports=[(d(2026, 1, 2), 5, True, "坏")]), "rating '坏' is not one of"),
        (lambda: dated(reports=[Report(d(2026, 1, 2), 5, True, None, True)]), "both accepted"),
        (lambda: dated(reports=["2026-01-02"]), r"reports\[0\]: expected a Report"),
        (lambda: dated(extensions=[(True, "2026-09-30")]), "extension new_due: expected a date"),
    ],
)
def test_bad_facts_are_refused_saying_what_and_where(build: object, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        build()  # type: ignore[operator]


# --- properties -----------------------------------------------------------------------

days_2026 = st.dates(min_value=d(2025, 10, 1), max_value=d(2027, 3, 31))
percents = st.one_of(
    st.integers(min_value=0, max_value=100),
    st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    accepted = draw(st.booleans())
    return Report(
        draw(days_2026),
        draw(percents),
        accepted,
        draw(st.sampled_from([None, "好", "较好", "一般", "差"])),
        (not accepted) and draw(st.booleans()),
    )


@st.composite
def items(draw: st.DrawFn) -> ItemFacts:
    kind = draw(st.sampled_from(["date", "recurring", "ongoing", "immediate", "unknown"]))
    start = draw(days_2026)
    every = draw(st.sampled_from(EVERIES)) if kind == "recurring" else None
    if kind == "recurring":
        assert every is not None
        due: date | None = occurrence_on_or_after(start, every)
    elif kind == "immediate":
        due = start
    elif kind == "date":
        due = draw(days_2026)
    else:
        due = None
    return ItemFacts(
        kind=kind,  # type: ignore[arg-type]
        due=due,
        start=start,
        every=every,  # type: ignore[arg-type]
        milestones=tuple(
            draw(st.lists(st.builds(Milestone, st.none() | days_2026, st.booleans()), max_size=3))
        ),
        reports=tuple(draw(st.lists(reports(), max_size=5))),
        extensions=tuple(
            draw(st.lists(st.builds(Extension, st.booleans(), days_2026), max_size=2))
        ),
        closed_on=draw(st.none() | days_2026),
        cadence=draw(st.sampled_from(["week", "month", "quarter", "none"])),
    )


@settings(max_examples=300, deadline=None)
@given(items(), days_2026)
def test_the_status_is_always_one_of_the_five_with_its_reasons(facts: ItemFacts, day: date) -> None:
    result = item_status(facts, day)
    assert result.status in STATUSES
    assert bool(result.reasons) is (result.status != "on_track")
    if facts.kind in ("recurring", "ongoing", "unknown"):
        assert result.status != "overdue"
        assert result.expected is None
    else:
        assert result.expected is not None and 0 <= result.expected <= 100


@settings(max_examples=300, deadline=None)
@given(items(), days_2026, st.lists(reports(), min_size=1, max_size=3), st.data())
def test_a_past_day_is_not_changed_by_what_happened_after_it(
    facts: ItemFacts, day: date, later: list[Report], data: st.DataObject
) -> None:
    before = item_status(facts, day)
    after_day = st.dates(min_value=day + timedelta(1), max_value=day + timedelta(400))
    later = [replace(r, date=data.draw(after_day)) for r in later]
    closed = facts.closed_on if facts.closed_on and facts.closed_on <= day else None
    grown = replace(
        facts,
        reports=facts.reports + tuple(later),
        extensions=(
            *facts.extensions,
            Extension(True, data.draw(days_2026), decided_on=data.draw(after_day)),
        ),
        milestones=tuple(
            replace(m, done=True, done_on=data.draw(after_day)) if not m.done else m
            for m in facts.milestones
        ),
        closed_on=closed if closed else data.draw(after_day),
    )
    assert item_status(grown, day) == before


@settings(max_examples=200, deadline=None)
@given(items(), days_2026, st.integers(min_value=0, max_value=400))
def test_done_dominates(facts: ItemFacts, day: date, days_before: int) -> None:
    closed = item_status(replace(facts, closed_on=day - timedelta(days_before)), day)
    assert (closed.status, closed.reasons) == ("done", ("closed",))
    # verified the day after: not done yet, whatever else it is
    assert item_status(replace(facts, closed_on=day + timedelta(1)), day).status != "done"
