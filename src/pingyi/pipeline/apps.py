from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "pingyi.pipeline"
    label = "pipeline"
    verbose_name = _("Project pipeline")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after the units
    demo_loader = "pingyi.pipeline.demo.load_demo_projects"
    demo_order = 55
