from django.urls import path

from pingyi.notifications import views

app_name = "notifications"
urlpatterns = [
    path("channels/", views.channels, name="channels"),
    path("log/", views.delivery_log, name="log"),
]
