from django.contrib import admin

from pingyi.core.admin_site import OfficeAdmin, admin_site
from pingyi.orgs.models import Unit, UnitGroup


@admin.register(Unit, site=admin_site)
class UnitAdmin(OfficeAdmin):
    list_display = ("code", "name", "short_name", "kind", "order", "active")
    list_filter = ("kind", "active", "groups")
    search_fields = ("code", "name", "short_name")
    list_editable = ("order", "active")


@admin.register(UnitGroup, site=admin_site)
class UnitGroupAdmin(OfficeAdmin):
    list_display = ("code", "name", "order")
    filter_horizontal = ("units",)
