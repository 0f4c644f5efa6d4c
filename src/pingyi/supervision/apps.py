from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "pingyi.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after the units
    demo_loader = "pingyi.supervision.demo.load_demo"
    demo_order = 40
    #: the home page's supervision card (pingyi.core.views.home)
    home_context = "pingyi.supervision.views_unit.home_context"

    def ready(self) -> None:
        from pingyi.core.exports import register  # noqa: PLC0415 (apps are ready only here)
        from pingyi.supervision.roundtrip import list_workbook_export  # noqa: PLC0415 (apps are ready only here)

        # a long list's .xlsx is made by the task queue (views_office.list_export)
        register("supervision.list_xlsx", list_workbook_export)
