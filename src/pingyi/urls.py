from django.urls import include, path
from django.views.i18n import set_language

from pingyi.api import api
from pingyi.core.admin_site import admin_site

urlpatterns = [
    path("", include("pingyi.core.urls")),
    path("accounts/", include("pingyi.accounts.urls")),
    path("units/", include("pingyi.orgs.urls")),
    path("supervision/", include("pingyi.supervision.urls")),
    path("arena/", include("pingyi.scoreboard.urls")),
    path("boards/", include("pingyi.scoreboard.urls_boards")),
    path("targets/", include("pingyi.targets.urls")),
    path("pipeline/", include("pingyi.pipeline.urls")),
    path("notifications/", include("pingyi.notifications.urls")),
    path("", include("pingyi.appraisal.urls_ballot")),
    path("meeting/", include("pingyi.appraisal.urls_meeting")),
    path("results/", include("pingyi.appraisal.urls_public")),
    path("slides/", include("pingyi.appraisal.urls_slides")),
    path("outputs/", include("pingyi.appraisal.urls_outputs")),
    path("handbook/", include("pingyi.handbook.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]
