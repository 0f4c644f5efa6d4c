"""Long exports on the task queue (core/exports.py): a page that would wait seconds (the
.xlsx of a list of more than 300 items) hands the work to the queue and shows a job page
that offers the file when it is ready; only the account that asked, or the office, sees it."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from pingyi.core import exports
from pingyi.core.models import ExportJob
from pingyi.supervision.models import Item, SupervisionList

pytestmark = pytest.mark.django_db


def a_list(unit: Any, items: int) -> SupervisionList:
    the_list = SupervisionList.objects.create(
        key="big", kind="tasks", name="2026年重点任务", year=2026, assigned_on=date(2026, 1, 1)
    )
    Item.objects.bulk_create(
        Item(supervision_list=the_list, number=str(n), position=n, title=f"第{n}项",
             lead_unit=unit, kind="date", due=date(2026, 12, 31))
        for n in range(1, items + 1)
    )
    return the_list


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_long_list_is_made_by_the_queue_and_offered_when_ready(
    unit_hualong: Any, office_user: Any, leader_user: Any
) -> None:
    a_list(unit_hualong, 301)
    office = signed_in(office_user)
    answer = office.get("/supervision/office/lists/big/export.xlsx")
    assert answer.status_code == 302
    job = ExportJob.objects.get()
    assert answer["Location"] == f"/exports/{job.pk}/"
    assert (job.state, job.kind, job.params["list"]) == ("queued", "supervision.list_xlsx", "big")
    page = office.get(answer["Location"])
    assert page.status_code == 200 and "export.js" in page.content.decode()
    state = office.get(answer["Location"] + "?format=json").json()
    assert state == {"state": "queued", "error": ""}
    assert office.get(answer["Location"] + "?download=1").status_code == 200  # not yet: the page

    exports.build_now(job)  # what the queue's task does
    job.refresh_from_db()
    assert job.state == "done" and job.filename == "2026年重点任务.xlsx"
    page = office.get(f"/exports/{job.pk}/").content.decode()
    assert "2026年重点任务.xlsx" in page and "export.js" not in page
    download = office.get(f"/exports/{job.pk}/?download=1")
    data = b"".join(download.streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.max_row == 2 + 301  # title, header, the items
    # another account (a leader) does not see it: 404, as a missing job; nonsense ids too
    leader = signed_in(leader_user)
    assert leader.get(f"/exports/{job.pk}/").status_code == 404
    assert leader.get(f"/exports/{job.pk}/?download=1").status_code == 404
    for bad in (str(uuid.uuid4()), "1", "..%2F..%2Fsecret_key", "x" * 300):
        assert office.get(f"/exports/{bad}/").status_code == 404


def test_a_short_list_is_still_answered_at_once(unit_hualong: Any, office_user: Any) -> None:
    a_list(unit_hualong, 300)
    answer = signed_in(office_user).get("/supervision/office/lists/big/export.xlsx")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd")
    assert not ExportJob.objects.exists()


def test_the_queue_runs_the_job_after_the_commit(
    unit_hualong: Any, office_user: Any, queue_immediate: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    a_list(unit_hualong, 301)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_request(
            kind="supervision.list_xlsx", params={"list": "big", "day": "2026-12-01", "unit": ""},
            title="x", user=office_user,
        )
    job.refresh_from_db()
    assert job.state == "done"


def test_a_refused_or_failing_export_says_so_and_a_lost_one_is_run_again(
    unit_hualong: Any, office_user: Any
) -> None:
    missing = exports.export_request(
        kind="supervision.list_xlsx", params={"list": "nope", "day": "2026-12-01", "unit": ""},
        title="x", user=office_user,
    )
    exports.build_now(missing)
    missing.refresh_from_db()
    assert missing.state == "failed" and "nope" in missing.error
    a_list(unit_hualong, 5)
    broken = exports.export_request(
        kind="supervision.list_xlsx", params={"list": "big"}, title="x", user=office_user
    )
    exports.build_now(broken)
    broken.refresh_from_db()
    assert broken.state == "failed" and broken.error == "KeyError"
    # a job whose task was lost (a consumer killed) runs at the catch-up, two minutes on
    lost = exports.export_request(
        kind="supervision.list_xlsx", params={"list": "big", "day": "2026-12-01", "unit": ""},
        title="x", user=office_user,
    )


    assert exports.run_stale(timezone.now()) == 0
    assert exports.run_stale(timezone.now() + timedelta(minutes=3)) == 1
    lost.refresh_from_db()
    assert lost.state == "done"
    # a day on, the files and jobs are gone
    exports.run_stale(timezone.now() + timedelta(days=2))
    assert not ExportJob.objects.exists()
    with pytest.raises(ValueError, match="no export"):
        exports.export_request(kind="nope", params={}, title="x", user=office_user)
