from django.apps import AppConfig


class HandbookConfig(AppConfig):
    name = "pingyi.handbook"
    label = "handbook"
    verbose_name = "Handbook"
