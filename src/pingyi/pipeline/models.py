"""The project pipeline (三个一批): projects with their investment and the planned and actual
dates of 签约, 开工 and 投产 (docs/scoreboard-data.md). The rules are in ``method/funnel.py``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.orgs.models import Unit
from pingyi.pipeline.method.funnel import Dates, Stage


class Project(models.Model):
    batch = models.CharField(_("batch"), max_length=20)  # 第14期
    name = models.CharField(_("project"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="projects", verbose_name=_("unit")
    )
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    #: 亿元, exact: 8 places hold 1 元
    investment = models.DecimalField(_("total investment (亿元)"), max_digits=20, decimal_places=8)
    planned_signed = models.DateField(_("planned signing"), null=True, blank=True)
    signed = models.DateField(_("signed"), null=True, blank=True)
    planned_started = models.DateField(_("planned start"), null=True, blank=True)
    started = models.DateField(_("started"), null=True, blank=True)
    planned_producing = models.DateField(_("planned production"), null=True, blank=True)
    producing = models.DateField(_("producing"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="pipeline_one_name_a_batch"),
            models.CheckConstraint(
                condition=models.Q(investment__gte=0), name="pipeline_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.name}"

    def dates(self) -> Dates:
        return Dates(
            investment=self.investment,
            planned={
                Stage.SIGNED: self.planned_signed,
                Stage.STARTED: self.planned_started,
                Stage.PRODUCING: self.planned_producing,
            },
            actual={
                Stage.SIGNED: self.signed,
                Stage.STARTED: self.started,
                Stage.PRODUCING: self.producing,
            },
        )
