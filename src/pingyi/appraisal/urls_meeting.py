"""URLs of the meeting pages (see pingyi/urls.py), mounted at ``/meeting/``."""

from django.urls import path

from pingyi.appraisal.views import event_import
from pingyi.appraisal.views import meeting as views

app_name = "meeting"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("import", event_import.event_import, name="import"),
    path("<slug:key>/console", views.console, name="console"),
    path("<slug:key>/console/<slug:action>", views.console_action, name="action"),
    path("<slug:key>/screen", views.screen, name="screen"),
    path("<slug:key>/stream", views.stream, name="stream"),
    path("<slug:key>/live.json", views.live_json, name="live_json"),
]
