from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pingyi.core.admin_site import OfficeAdmin, admin_site
from pingyi.orgs.forms import UnitForm
from pingyi.orgs.models import Unit, UnitGroup


@admin.register(Unit, site=admin_site)
class UnitAdmin(OfficeAdmin):
    # The aliases as one text (、 or new lines), normalised and checked by Unit.clean.
    form = UnitForm
    fields = ("code", "name", "short_name", "aliases", "kind", "order", "active")
    list_display = ("code", "name", "short_name", "alias_list", "kind", "order", "active")
    list_filter = ("kind", "active", "groups")
    search_fields = ("code", "name", "short_name")
    list_editable = ("order", "active")

    @admin.display(description=_("Aliases"))
    def alias_list(self, unit: Unit) -> str:
        return "、".join(unit.aliases or [])


@admin.register(UnitGroup, site=admin_site)
class UnitGroupAdmin(OfficeAdmin):
    list_display = ("code", "name", "order")
    filter_horizontal = ("units",)
