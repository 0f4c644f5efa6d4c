"""Office downloads of an event's outputs (mounted at ``outputs/`` in pingyi/urls.py)."""

from django.urls import path

from pingyi.appraisal.views import outputs

app_name = "outputs"
urlpatterns = [
    path("<slug:key>/", outputs.event_outputs, name="event"),
    path("<slug:key>/workbook.xlsx", outputs.workbook_download, name="workbook"),
    path("<slug:key>/report.pdf", outputs.report_download, name="report"),
    path("<slug:key>/cards", outputs.cards_form, name="cards"),
]
