from django.urls import path

from pingyi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("import/", views.unit_import, name="unit_import"),
    path("<slug:code>/", views.unit_detail, name="unit_detail"),
    path("<slug:code>/edit/", views.unit_edit, name="unit_edit"),
]
