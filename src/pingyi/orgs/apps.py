from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "pingyi.orgs"
    label = "orgs"
    verbose_name = _("Units")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after lower orders
    demo_loader = "pingyi.orgs.demo.load_demo_units"
    demo_order = 10
    #: its part of the home page (pingyi.core.views.home)
    home_context = "pingyi.orgs.views.home_context"
