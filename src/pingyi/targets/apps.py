from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "pingyi.targets"
    label = "targets"
    verbose_name = _("Year targets")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after the units
    demo_loader = "pingyi.targets.demo.load_demo_targets"
    demo_order = 50
