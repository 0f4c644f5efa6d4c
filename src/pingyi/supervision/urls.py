from django.urls import path

from pingyi.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("<str:key>/<str:number>/", views.item_detail, name="item_detail"),
]
