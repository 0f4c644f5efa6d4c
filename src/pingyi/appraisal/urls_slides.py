from django.urls import path

from pingyi.appraisal.views import slides

app_name = "slides"
urlpatterns = [
    path("<slug:key>/", slides.slides_list, name="list"),
    path("<slug:key>/<slug:track>/<slug:unit>/", slides.slides_upload_view, name="upload"),
    path("<slug:key>/<slug:track>/<slug:unit>/file", slides.slides_file, name="file"),
]
