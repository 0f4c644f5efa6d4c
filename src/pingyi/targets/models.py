"""Year targets (全年红): a unit's indicators with an annual target, and monthly cumulative
actuals (docs/scoreboard-data.md). The rules are in ``method/progress.py``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.orgs.models import Unit
from pingyi.targets.method.progress import Direction, Kind

#: Values are exact decimals; 8 places hold 1 元 in 亿元.
DIGITS, PLACES = 24, 8


class YearTarget(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="year_targets", verbose_name=_("unit")
    )
    indicator = models.CharField(_("indicator"), max_length=100)
    measure = models.CharField(_("measure"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=[
            (Direction.HIGHER, _("higher is better")),
            (Direction.LOWER, _("lower is better")),
        ],
        default=Direction.HIGHER,
    )
    kind = models.CharField(
        _("kind"),
        max_length=8,
        choices=[(Kind.AMOUNT, _("amount (accumulates)")), (Kind.RATE, _("rate"))],
        default=Kind.AMOUNT,
    )
    target = models.DecimalField(_("annual target"), max_digits=DIGITS, decimal_places=PLACES)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year", "unit__order", "unit__code", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "indicator"], name="targets_one_indicator_per_unit_year"
            ),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="targets_target_above_0"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.indicator}"


class MonthlyActual(models.Model):
    """The cumulative actual of months 1…``month``."""

    target = models.ForeignKey(YearTarget, on_delete=models.CASCADE, related_name="actuals")
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("actual"), max_digits=DIGITS, decimal_places=PLACES)

    class Meta:
        ordering = ["target", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "month"], name="targets_one_actual_a_month"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="targets_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.month}: {self.value}"
