"""The office's admin pages: open to office accounts (not only to Django staff)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.rules import is_office

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class PingyiAdminSite(admin.AdminSite):
    site_header = _("pingyi administration")
    site_title = _("pingyi")
    index_title = _("Office administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(is_office(request.user))

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        """Anonymous visitors go to the one sign-in form; signed-in non-office accounts get 403.

        (Django's own admin would send both to a second sign-in form that requires
        ``is_staff`` and shows a page that confirms the admin exists.)
        """
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not self.has_permission(request):
                if request.user.is_authenticated:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path())
            return inner(request, *args, **kwargs)

        return cast(_View, guarded)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """There is one sign-in form (with lockout): the admin's own is never shown."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(target)


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
