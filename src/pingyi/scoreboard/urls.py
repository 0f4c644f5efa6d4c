from django.urls import path

from pingyi.scoreboard import views

app_name = "scoreboard"

urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("office/", views.office_index, name="office"),
    path("office/<slug:key>/", views.arena_detail, name="arena"),
    path("office/<slug:key>/<str:period>/", views.month_detail, name="month"),
    path("<slug:key>/<str:period>/", views.public_month, name="public_month"),
    path("<slug:key>/<str:period>/bundle.zip", views.bundle, name="bundle"),
]
