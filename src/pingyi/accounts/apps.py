from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pingyi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    #: ``pingyi demo`` (pingyi.core.demo): this app's demo data, after lower orders
    demo_loader = "pingyi.accounts.demo.load_demo_accounts"
    demo_order = 20

    def ready(self) -> None:
        from pingyi.accounts import lockout  # noqa: F401, PLC0415 (registers its system check; apps are ready only here)
