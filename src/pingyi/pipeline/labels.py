"""The stages' and the lag reasons' words (one place: the page, the command line)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pingyi.pipeline.method.funnel import Stage

STAGE_LABELS = {
    Stage.SIGNED: _("signed (签约)"),
    Stage.STARTED: _("started (开工)"),
    Stage.PRODUCING: _("producing (投产)"),
}
LAG_LABELS = {
    Stage.STARTED: _("lagging: not started"),
    Stage.PRODUCING: _("lagging: not producing"),
}
