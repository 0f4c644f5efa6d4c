from django.urls import path

from pingyi.scoreboard import views_boards

app_name = "boards"

urlpatterns = [
    path("", views_boards.public, name="public"),
    path("wall/", views_boards.wall, name="wall"),
    path("office/", views_boards.office, name="office"),
    path("stream/", views_boards.stream, name="stream"),
    path("data/<slug:key>.json", views_boards.data, name="data"),
]
