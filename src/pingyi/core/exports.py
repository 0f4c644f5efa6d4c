"""Long exports on the task queue, so that no page waits for them (issue 12).

An app registers a *builder* for a kind of export in its ``AppConfig.ready`` (core imports no
domain app): ``register("supervision.list_xlsx", build)`` where ``build(params)`` returns
``(data, filename, content_type)`` and raises :class:`~pingyi.core.errors.Refusal` for
input it refuses. A view that would otherwise hold a thread for seconds calls
:func:`export_request` and redirects to :func:`job_url`: the job's page shows its state and
refreshes itself until the file is ready, then offers it for download. The queue's task
:func:`run_export` makes the file; a job lost with a killed consumer is run again by the
every-minute catch-up (:func:`run_stale`), and files older than a day are removed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from pingyi.core.errors import Refusal
from pingyi.core.models import ExportJob

log = logging.getLogger(__name__)

Builder = Callable[[dict[str, Any]], tuple[bytes, str, str]]
_BUILDERS: dict[str, Builder] = {}
#: a queued job not started after this long is run again by the catch-up
STALE_AFTER = timedelta(minutes=2)
#: an export's file is kept this long
KEEP_FOR = timedelta(days=1)


def register(kind: str, builder: Builder) -> None:
    """Make ``kind`` exportable on the queue (from an ``AppConfig.ready``)."""
    _BUILDERS[kind] = builder


def export_request(*, kind: str, params: dict[str, Any], title: str, user: Any) -> ExportJob:
    """A job for the queue, run after the caller's commit."""
    if kind not in _BUILDERS:
        raise ValueError(f"kind: no export {kind!r} is registered")
    job = ExportJob.objects.create(
        id=uuid.uuid4(), kind=kind, params=params, title=title[:200], requested_by=user
    )
    transaction.on_commit(lambda: run_export(str(job.pk)))
    return job


def job_url(job: ExportJob) -> str:
    return reverse("core:export", args=[job.pk])


def build_now(job: ExportJob) -> None:
    """Make the job's file (the queue's task; also the catch-up's)."""
    claimed = ExportJob.objects.filter(
        pk=job.pk, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]
    ).update(state=ExportJob.State.RUNNING)
    if not claimed:
        return
    try:
        data, filename, content_type = _BUILDERS[job.kind](dict(job.params))
    except Refusal as exc:
        _finish(job, error=exc.message)
        return
    except Exception as exc:  # logged with its traceback; the page says it failed
        log.exception("export %s (%s) failed", job.pk, job.kind)
        _finish(job, error=f"{type(exc).__name__}")
        return
    job.file.save(filename, ContentFile(data), save=False)
    job.filename, job.content_type = filename, content_type
    _finish(job)


def _finish(job: ExportJob, *, error: str = "") -> None:
    job.state = ExportJob.State.FAILED if error else ExportJob.State.DONE
    job.error, job.finished = error, timezone.now()
    job.save(update_fields=["state", "error", "finished", "file", "filename", "content_type"])


@db_task(name="core.run_export")
def run_export(job_id: str) -> None:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is not None:
        build_now(job)


def run_stale(now: Any = None) -> int:
    """Jobs queued too long ago (their task lost with a killed consumer) are made now; files
    older than :data:`KEEP_FOR` are removed with their jobs. Returns how many jobs ran."""
    now = now or timezone.now()
    ran = 0
    for job in ExportJob.objects.filter(
        state=ExportJob.State.QUEUED, created__lt=now - STALE_AFTER
    ):
        build_now(job)
        ran += 1
    for job in ExportJob.objects.filter(created__lt=now - KEEP_FOR):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return ran


@db_periodic_task(crontab(minute="*"), name="core.exports_catch_up")
def exports_catch_up() -> None:
    run_stale()
