"""Accounts and their roles: office, leader, unit liaison (bound to one unit), viewer."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Office")
    LEADER = "leader", _("Leader")
    UNIT = "unit", _("Unit liaison")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    """A person who signs in. Evaluators never have accounts: they hold ballot cards."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaisons",
        help_text=_("Required for unit liaisons: the one unit whose data they see."),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="unit") | models.Q(unit__isnull=False),
                name="unit_liaison_has_unit",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.UNIT and self.unit_id is None:
            raise ValidationError({"unit": _("A unit liaison must belong to a unit.")})

    @property
    def is_office(self) -> bool:
        return self.is_active and (self.role == Role.OFFICE or self.is_superuser)
