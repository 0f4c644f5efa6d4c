"""The audit trail: an append-only, SM3 hash-chained record of every office action."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One office action. Each row's hash covers its content and the previous row's hash,
    so an edited, deleted, reordered or forged row breaks the chain (``pingyi audit verify``).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("when"))
    actor = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=80)
    target = models.CharField(_("object"), max_length=200, blank=True)
    data = models.TextField(_("details"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash[:12]}"


def _export_path(instance: ExportJob, filename: str) -> str:
    # under the data folder's uploads (MEDIA_ROOT): exports/<job id>/<name>
    return f"exports/{instance.pk}/{filename}"


class ExportJob(models.Model):
    """A long export run by the task queue instead of holding a page (``core/exports.py``):
    the page that asked for it shows its progress and, when done, the file."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    file = models.FileField(_("file"), upload_to=_export_path, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.title


class HealthProbe(models.Model):
    """One row that ``/healthz`` and ``pingyi health`` upsert to prove the database takes a
    committed write (``core/health.py``): not an office action, so not audited."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"health probe {self.at:%Y-%m-%d %H:%M:%S}"
