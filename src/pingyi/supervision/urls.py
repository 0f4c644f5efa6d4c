from django.urls import path

from pingyi.supervision import views, views_office

app_name = "supervision"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    # the office's pages and a unit's page (views_office.py), before an item's page
    path("office/import/", views_office.list_import, name="office_list_import"),
    path("office/deadlines/", views_office.deadlines, name="office_deadlines"),
    path("office/workdays/", views_office.workdays, name="office_workdays"),
    path("units/<str:code>/", views_office.unit_page, name="unit_page"),
    path("office/lists/<str:key>/roundtrip/", views_office.list_roundtrip, name="office_roundtrip"),
    path("office/lists/<str:key>/export.xlsx", views_office.list_export, name="office_export"),
    path("<str:key>/<str:number>/", views.item_detail, name="item_detail"),
]
