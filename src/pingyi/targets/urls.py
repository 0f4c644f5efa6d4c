from django.urls import path

from pingyi.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.table, name="table"),
    path("import/", views.import_sheet, name="import"),
]
