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
