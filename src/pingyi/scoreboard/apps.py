from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoreboardConfig(AppConfig):
    name = "pingyi.scoreboard"
    label = "scoreboard"
    verbose_name = _("Scoreboard")
    #: ``pingyi demo`` (pingyi.core.demo): the counties' arena, after units and supervision
    demo_loader = "pingyi.scoreboard.demo.load_demo_arena"
    demo_order = 60
    #: the home page's arena card (pingyi.core.views.home)
    home_context = "pingyi.scoreboard.views.home_context"
