from django.urls import path

from pingyi.supervision import views, views_office, views_unit

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
    path("mine/", views_unit.unit_home, name="unit_home"),
    path("<str:key>/<str:number>/", views.item_detail, name="item_detail"),
    path("<str:key>/<str:number>/report/", views_unit.report_new, name="report_new"),
    path("<str:key>/<str:number>/extension/", views_unit.extension_new, name="extension_new"),
    path("<str:key>/<str:number>/closure/", views_unit.closure_new, name="closure_new"),
    path("<str:key>/<str:number>/decide/", views_unit.decide, name="decide"),
    path("<str:key>/<str:number>/comment/", views_unit.comment, name="comment"),
    path("<str:key>/<str:number>/files/<int:pk>/", views_unit.attachment, name="attachment"),
]
