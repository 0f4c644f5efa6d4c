"""The office's admin pages: open to office accounts (not only to Django staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.rules import is_office


class PingyiAdminSite(admin.AdminSite):
    site_header = _("pingyi administration")
    site_title = _("pingyi")
    index_title = _("Office administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(is_office(request.user))


class OfficeAdmin(admin.ModelAdmin):
    """Office accounts may manage every model registered with this admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(is_office(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(is_office(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(is_office(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(is_office(request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(is_office(request.user))


admin_site = PingyiAdminSite(name="admin")
