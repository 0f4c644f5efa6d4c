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

    def ready(self) -> None:
        from pingyi.core import front  # noqa: PLC0415 (apps are ready only here)
        from pingyi.scoreboard import boards_live  # noqa: PLC0415 (apps are ready only here)

        # ``pingyi serve`` streams the wall boards' live updates on its event loop
        # (pingyi.core.front), as the meeting screen's: no thread held per open screen.
        front.register_stream(boards_live.STREAM_NAME, boards_live.sse_stream_async)
