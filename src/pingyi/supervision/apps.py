from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "pingyi.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after the units
    demo_loader = "pingyi.supervision.demo.load_demo_list"
    demo_order = 40
    #: the home page's supervision card (pingyi.core.views.home)
    home_context = "pingyi.supervision.views_unit.home_context"
