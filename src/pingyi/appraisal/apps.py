from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "pingyi.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after lower orders
    demo_loader = "pingyi.appraisal.demo.load_demo_event"
    demo_order = 30
    #: its part of the home page (pingyi.core.views.home)
    home_context = "pingyi.appraisal.views.public.home_context"

    def ready(self) -> None:
        from pingyi.appraisal import live  # noqa: PLC0415 (apps are ready only here)
        from pingyi.core import front  # noqa: PLC0415 (apps are ready only here)

        # ``pingyi serve`` streams the console's and the screen's live updates on its
        # event loop (pingyi.core.front), holding no thread per open screen.
        front.register_stream(live.STREAM_NAME, live.sse_stream_async)
