"""The pipeline's rules, golden (pipeline/method/funnel.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from pingyi.pipeline.method.funnel import Dates, Stage, funnel, lag

D = dt.date


def project(investment: str, planned=(None, None, None), actual=(None, None, None)) -> Dates:
    stages = (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING)
    return Dates(Decimal(investment), dict(zip(stages, planned)), dict(zip(stages, actual)))


T = D(2026, 9, 30)


def test_lagging_is_past_the_planned_date_without_it() -> None:
    due_yesterday = project("1", (None, D(2026, 9, 29), None))
    assert lag(due_yesterday, T).reason == Stage.STARTED
    assert lag(due_yesterday, T).planned == D(2026, 9, 29)
    due_today = project("1", (None, T, None))
    assert lag(due_today, T) is None  # the planned day itself is not past
    # started after T: as of T it has not started
    started_later = project("1", (None, D(2026, 9, 1), None), (None, D(2026, 10, 8), None))
    assert lag(started_later, T).reason == Stage.STARTED
    # started, production due and missing
    no_production = project("1", (None, D(2026, 3, 1), D(2026, 9, 1)), (None, D(2026, 3, 5), None))
    assert (
        lag(no_production, T) == lag(no_production, T)
        and lag(no_production, T).reason == Stage.PRODUCING
    )
    # neither started nor producing, both past: lags on its start (the earlier stage)
    both = project("1", (None, D(2026, 3, 1), D(2026, 9, 1)))
    assert lag(both, T).reason == Stage.STARTED and lag(both, T).planned == D(2026, 3, 1)
    # no planned start, production past and missing: lags on its production
    no_plan = project("1", (None, None, D(2026, 9, 1)))
    assert lag(no_plan, T).reason == Stage.PRODUCING and lag(no_plan, T).planned == D(2026, 9, 1)
    # no planned dates: never lagging
    assert lag(project("1"), T) is None
    assert lag(project("1", actual=(D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1))), T) is None


def test_counts_investment_and_rates_by_hand() -> None:
    projects = [
        # signed, due to start, started; due to produce, producing
        project("12.35", (D(2026, 1, 1), D(2026, 3, 1), D(2026, 8, 1)),
                (D(2026, 1, 2), D(2026, 3, 2), D(2026, 8, 2))),
        # signed, due to start, not started (lagging)
        project("0.1234", (D(2026, 1, 1), D(2026, 4, 1), D(2026, 12, 1)),
                (D(2026, 1, 5), None, None)),
        # signed, started, production due and missing (lagging)
        project("5", (D(2026, 2, 1), D(2026, 5, 1), D(2026, 9, 1)),
                (D(2026, 2, 1), D(2026, 5, 3), None)),
        # not signed yet, nothing due
        project("7.5", (D(2026, 10, 1), D(2026, 12, 1), D(2027, 6, 1))),
        # started without a signing date recorded: counts for 开工率, not for 履约率
        project("1", (None, D(2026, 6, 1), None), (None, D(2026, 6, 1), None)),
    ]  # fmt: skip
    f = funnel(projects, T)
    assert f.projects == 5
    assert f.investment == Decimal("25.9734")
    assert f.count == {Stage.SIGNED: 3, Stage.STARTED: 3, Stage.PRODUCING: 1}
    assert f.invested[Stage.SIGNED] == Decimal("17.4734")
    assert f.invested[Stage.STARTED] == Decimal("18.35")
    assert f.invested[Stage.PRODUCING] == Decimal("12.35")
    assert f.performance_rate == Fraction(2, 3)  # 履约率: 2 of the 3 signed started
    assert f.start_rate == Fraction(3, 4)  # 开工率: 3 of the 4 due to start by T
    assert f.production_rate == Fraction(1, 2)  # 投产率: 1 of the 2 due to produce by T
    assert f.lagging == 2


def test_rates_without_a_denominator_are_none() -> None:
    f = funnel([project("1", (D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)))], T)
    assert (f.performance_rate, f.start_rate, f.production_rate) == (None, None, None)
    assert funnel([], T).investment == 0
