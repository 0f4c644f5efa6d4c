from django.urls import path

from pingyi.supervision import (
    views,
    views_notices,
    views_office,
    views_onsite,
    views_unit,
    views_weekly,
)

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
    # the on-site office (views_onsite.py), before an item's page
    path("onsite/", views_onsite.index, name="onsite_index"),
    path("onsite/new/", views_onsite.meeting_new, name="onsite_new"),
    path("onsite/<int:pk>/", views_onsite.meeting_detail, name="onsite_meeting"),
    path("onsite/<int:pk>/minutes.docx", views_onsite.minutes, name="onsite_minutes"),
    path("onsite/problems/<int:pk>/", views_onsite.problem_detail, name="onsite_problem"),
    path("onsite/problems/<int:pk>/batch/", views_onsite.batch, name="onsite_batch"),
    # notices (views_notices.py), before an item's page: "notices/mine/" is no item
    path("notices/", views_notices.board, name="notice_board"),
    path("notices/sweep/", views_notices.sweep, name="notice_sweep"),
    path("notices/mine/", views_notices.inbox, name="notice_inbox"),
    path("notices/<int:pk>/", views_notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", views_notices.acknowledge, name="notice_acknowledge"),
    path("notices/<int:pk>/reply/", views_notices.reply, name="notice_reply"),
    path("notices/<int:pk>/decide/", views_notices.decide, name="notice_decide"),
    path("notices/<int:pk>/print.pdf", views_notices.printable, name="notice_pdf"),
    path(
        "notices/<int:pk>/files/<int:file_pk>/",
        views_notices.attachment,
        name="notice_attachment",
    ),
    # the weekly cycle (views_weekly.py), before an item's page: "weekly/2026-W41/" is no item
    path("weekly/", views_weekly.index, name="week_index"),
    path("weekly/<str:week>/", views_weekly.week_page, name="week"),
    path("weekly/<str:week>/review/", views_weekly.review, name="week_review"),
    path("weekly/<str:week>/bulletin/", views_weekly.bulletin, name="bulletin"),
    path("weekly/<str:week>/bulletin.<str:fmt>", views_weekly.bulletin_file, name="bulletin_file"),
    path("<str:key>/<str:number>/", views.item_detail, name="item_detail"),
    path("<str:key>/<str:number>/report/", views_unit.report_new, name="report_new"),
    path("<str:key>/<str:number>/extension/", views_unit.extension_new, name="extension_new"),
    path("<str:key>/<str:number>/closure/", views_unit.closure_new, name="closure_new"),
    path("<str:key>/<str:number>/decide/", views_unit.decide, name="decide"),
    path("<str:key>/<str:number>/comment/", views_unit.comment, name="comment"),
    path("<str:key>/<str:number>/files/<int:pk>/", views_unit.attachment, name="attachment"),
]
