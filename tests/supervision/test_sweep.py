"""The daily sweep and its notices (SUPERVISION.md, "Notices and escalation (exact)"), driven
only through the command line as an office would: ``pingyi lists import``, ``pingyi reports
import``, ``pingyi supervision sweep --today …`` and ``pingyi notices list --json``.

The timeline runs across National Day 2026 (10-01 … 10-07 rest days, Saturday 10-10 a
make-up working day), so "3 working days" and "the 1st/3rd working day after" are checked
where calendar days would give another answer."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from openpyxl import Workbook

from pingyi.cli import main
from pingyi.core.models import AuditEntry
from pingyi.orgs.models import Unit, UnitKind
from pingyi.supervision.models import Notice, Sweep
from pingyi.supervision.notices import reply_accept, sweep
from tests.supervision.workbooks import Item as BookItem
from tests.supervision.workbooks import ListBook

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = [("fgw", "市发展改革委"), ("jtj", "市交通运输局"), ("zjj", "市住房和城乡建设局")]


@pytest.fixture(autouse=True)
def units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGYI_LANGUAGE", "en")
    for order, (code, name) in enumerate(UNITS):
        Unit.objects.create(code=code, name=name, kind=UnitKind.DEPARTMENT, order=order)


def pingyi(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def import_list(tmp_path: Path, capsys: Any) -> None:
    book = ListBook(
        entries=[
            # A: due on the Friday after National Day, reported at 90 %
            BookItem(1, "A 项目开工", deadline="10月9日前"),
            # B: due at the end of October, never reported: lagging from the start
            BookItem(2, "B 道路建设", co="市交通运输局", deadline="10月31日前"),
            # D: ongoing: never a notice
            BookItem(3, "D 营商环境", deadline="持续推进"),
            # F: due at the year's end, lagging until a report brings it level
            BookItem(4, "F 老旧小区改造", co="市住房和城乡建设局", deadline="12月31日前"),
        ]
    )
    path = tmp_path / "list.xlsx"
    path.write_bytes(book.bytes())
    code, out, err = pingyi(
        capsys, "lists", "import", str(path), "--assigned", "2026-09-01", "--cadence", "none",
        "--key", "tasks",
    )
    assert code == 0, err
    assert out.split()[-1] == "tasks"


def import_reports(tmp_path: Path, capsys: Any, rows: list[tuple[str, int, str]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "完成进度（%）", "进展情况", "报送日期"])
    for number, percent, day in rows:
        ws.append([number, percent, "按计划推进", day])
    path = tmp_path / f"reports-{rows[0][2]}.xlsx"
    wb.save(path)
    code, _, err = pingyi(capsys, "reports", "import", str(path), "--list", "tasks")
    assert code == 0, err


def sweep_cli(capsys: Any, day: str) -> str:
    code, out, err = pingyi(capsys, "supervision", "sweep", "--today", day)
    assert code == 0, err
    return out


def notices(capsys: Any) -> list[dict[str, Any]]:
    code, out, err = pingyi(capsys, "notices", "list", "--json")
    assert code == 0, err
    return json.loads(out)


def test_a_timeline_across_national_day_gives_exactly_the_notices_of_the_rules(
    tmp_path: Path, capsys: Any
) -> None:
    import_list(tmp_path, capsys)
    import_reports(tmp_path, capsys, [("1", 90, "2026-09-25")])

    # 09-28: (T, D] of A holds 09-29, 09-30, 10-08, 10-09: four working days, not due soon.
    # B and F are more than 10 points behind their expected progress: yellow 催办.
    sweep_cli(capsys, "2026-09-28")
    assert [(n["colour"], n["item"]) for n in notices(capsys)] == [("yellow", "2"), ("yellow", "4")]
    # 09-29: three working days to A's due (the holiday in between): blue 提醒
    sweep_cli(capsys, "2026-09-29")
    # 10-08: the 3rd working day after 09-28 (09-29, 09-30, 10-08): B and F are reminded
    sweep_cli(capsys, "2026-10-08")
    reminded = dict(Notice.objects.filter(colour="yellow").values_list("item__number", "reminders"))
    assert reminded == {"2": 1, "4": 1}
    # 10-09: F reported 30 % (E = 38/121 = 31.4 %): no longer lagging, its yellow resolved
    import_reports(tmp_path, capsys, [("4", 30, "2026-10-09")])
    sweep_cli(capsys, "2026-10-09")
    # 10-10, a make-up Saturday: A is overdue: 督〔2026〕1号; its blue closes as escalated
    out = sweep_cli(capsys, "2026-10-10")
    assert "督〔2026〕1号" in out
    red = Notice.objects.get(colour="red")
    # acknowledge by the 1st working day after 10-10 (Sunday 10-11 rests), reply by the 3rd
    assert (red.acknowledge_by, red.reply_by) == (date(2026, 10, 12), date(2026, 10, 14))
    # 10-14: the reply due itself: no 通报 yet; B's next reminder (due 10-12) goes out
    sweep_cli(capsys, "2026-10-14")
    assert not Notice.objects.get(colour="red").censured_on
    assert Notice.objects.get(colour="yellow", item__number="2").reminders == 2
    # 10-15: the first sweep after the reply due, no accepted reply: 通报
    sweep_cli(capsys, "2026-10-15")
    # 11-02: B overdue: 督〔2026〕2号, its yellow escalated
    sweep_cli(capsys, "2026-11-02")

    assert notices(capsys) == [
        {"colour": "yellow", "number": None, "list": "tasks", "item": "2",
         "units": ["fgw", "jtj"], "issued_on": "2026-09-28", "closed_on": "2026-11-02",
         "censure": False},
        {"colour": "yellow", "number": None, "list": "tasks", "item": "4",
         "units": ["fgw", "zjj"], "issued_on": "2026-09-28", "closed_on": "2026-10-09",
         "censure": False},
        {"colour": "blue", "number": None, "list": "tasks", "item": "1",
         "units": ["fgw"], "issued_on": "2026-09-29", "closed_on": "2026-10-10",
         "censure": False},
        {"colour": "red", "number": "督〔2026〕1号", "list": "tasks", "item": "1",
         "units": ["fgw"], "issued_on": "2026-10-10", "closed_on": None, "censure": True},
        {"colour": "red", "number": "督〔2026〕2号", "list": "tasks", "item": "2",
         "units": ["fgw"], "issued_on": "2026-11-02", "closed_on": None, "censure": False},
        # F fell behind again (E = 62/121 = 51.2 %, R = 30): a new yellow
        {"colour": "yellow", "number": None, "list": "tasks", "item": "4",
         "units": ["fgw", "zjj"], "issued_on": "2026-11-02", "closed_on": None,
         "censure": False},
    ]
    reasons = dict(Notice.objects.exclude(close_reason="").values_list("pk", "close_reason"))
    assert sorted(reasons.values()) == ["escalated", "escalated", "resolved"]

    # a repeated sweep of the same day changes nothing, in the notices or the audit trail
    before, audit = notices(capsys), AuditEntry.objects.count()
    out = sweep_cli(capsys, "2026-11-02")
    assert "nothing changed" in out
    assert notices(capsys) == before and AuditEntry.objects.count() == audit


def test_a_red_notice_closes_only_when_its_reply_is_accepted_and_the_item_no_longer_overdue(
    tmp_path: Path, capsys: Any
) -> None:
    import_list(tmp_path, capsys)
    import_reports(tmp_path, capsys, [("1", 90, "2026-09-25")])
    sweep_cli(capsys, "2026-10-10")
    red = Notice.objects.get(colour="red")
    from pingyi.supervision.notices import notice_reply

    reply = notice_reply(
        red, unit=red.item.lead_unit, text="已于10月13日开工", replied_on=date(2026, 10, 12)
    )
    reply_accept(reply, day=date(2026, 10, 13))
    sweep_cli(capsys, "2026-10-13")
    red.refresh_from_db()
    # accepted before the reply due: no 通报; but the item is still overdue: still open
    assert (red.closed_on, red.censured_on) == (None, None)
    sweep_cli(capsys, "2026-10-20")
    red.refresh_from_db()
    assert red.censured_on is None and red.closed_on is None
    # the item is done (closure verified): the next sweep closes the red notice as resolved
    from pingyi.supervision.services import closure_apply, closure_verify

    item = red.item
    closure = closure_apply(item, evidence="验收报告", applied_on=date(2026, 10, 20))
    closure_verify(closure, passed=True, method="资料", decided_on=date(2026, 10, 21))
    sweep_cli(capsys, "2026-10-22")
    red.refresh_from_db()
    assert (red.closed_on, red.close_reason) == (date(2026, 10, 22), "resolved")


def test_a_sweep_cannot_go_back_in_time_and_says_so(tmp_path: Path, capsys: Any) -> None:
    import_list(tmp_path, capsys)
    sweep_cli(capsys, "2026-10-10")
    code, _, err = pingyi(capsys, "supervision", "sweep", "--today", "2026-10-09")
    assert code == 2
    assert "2026-10-10" in err and "2026-10-09" in err
    code, _, err = pingyi(capsys, "supervision", "sweep", "--today", "2026-13-01")
    assert code == 2 and "2026-13-01" in err


def test_two_sweeps_of_one_day_at_once_issue_each_notice_once(tmp_path: Path, capsys: Any) -> None:
    import_list(tmp_path, capsys)
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(sweep(date(2026, 10, 10)))
        except Exception as exc:  # the test fails below with what happened
            results.append(exc)
        finally:
            connection.close()  # the thread's own connection (PostgreSQL would keep it)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len(results) == 2
    issued = sorted(sum(r.issued.values()) for r in results)
    assert issued[0] == 0 and issued[1] > 0
    assert Notice.objects.filter(colour="red").count() == 1  # A, overdue since 10-09
    assert Sweep.objects.count() == 1
    numbers = sorted(Notice.objects.exclude(serial=None).values_list("serial", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
