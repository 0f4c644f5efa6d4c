from django.urls import path

from pingyi.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.table, name="table"),
    path("import/", views.import_sheet, name="import"),
]
