from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pingyi.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from pingyi.core import exports  # noqa: F401, PLC0415 (its tasks join the queue in every process)
        from pingyi.core.audit import sm3_available  # noqa: PLC0415 (apps are ready only here)

        if not sm3_available():
            raise ImproperlyConfigured(
                "pingyi needs the SM3 hash (Python's hashlib on OpenSSL 3) for its audit "
                "trail; this Python's OpenSSL does not offer it."
            )
