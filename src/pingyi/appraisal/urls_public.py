"""URLs of the public pages (see pingyi/urls.py), mounted at ``/results/``.

``units/`` comes first, so an event may not be keyed ``units``.
"""

from django.urls import path

from pingyi.appraisal.views import public

app_name = "results"
urlpatterns = [
    path("", public.results_index, name="index"),
    path("units/<slug:unit_key>/", public.unit_history, name="unit_history"),
    path("<slug:key>/", public.results_event, name="event"),
    path("<slug:key>/receipt", public.receipt_search, name="receipt"),
    path("<slug:key>/bundle.zip", public.bundle_zip, name="bundle"),
    path("<slug:key>/diagnostics", public.diagnostics, name="diagnostics"),
]
