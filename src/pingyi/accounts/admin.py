from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import User
from pingyi.core.admin_site import OfficeAdmin, admin_site


@admin.register(User, site=admin_site)
class UserAdmin(OfficeAdmin, DjangoUserAdmin):
    list_display = ("username", "display_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit")
    search_fields = ("username", "display_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role"), {"fields": ("display_name", "role", "unit", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "display_name", "role", "unit", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
