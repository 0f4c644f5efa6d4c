"""``pingyi demo``: demo data assembled from each app's own demo loader.

An app that has demo data names its loader in its ``AppConfig``: ``demo_loader`` (a dotted
path to a function that takes nothing and returns a one-line note) and ``demo_order`` (lower
first: units before the accounts of their liaisons, both before the events). Core imports
no domain app; each loader is found through Django's app registry. Loading twice changes
nothing.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string


def demo_loaders() -> list[str]:
    """The dotted paths of the installed apps' demo loaders, in ``demo_order``."""
    configs = [c for c in apps.get_app_configs() if getattr(c, "demo_loader", None)]
    configs.sort(key=lambda c: getattr(c, "demo_order", 100))
    return [c.demo_loader for c in configs]  # type: ignore[attr-defined]


@transaction.atomic
def load_demo_data() -> str:
    """Run every app's demo loader in one transaction; their notes joined by "; "."""
    return "; ".join(import_string(path)() for path in demo_loaders())
