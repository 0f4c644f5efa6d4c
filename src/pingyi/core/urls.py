from django.urls import path

from pingyi.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("exports/<str:pk>/", views.export, name="export"),
]
