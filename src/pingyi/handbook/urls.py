from django.urls import path

from pingyi.handbook import views

app_name = "handbook"
urlpatterns = [
    path("", views.index, name="index"),
    path("img/<str:name>", views.picture, name="picture"),
    path("<str:name>/", views.chapter, name="chapter"),
]
