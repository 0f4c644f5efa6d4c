"""URLs of the ballot pages (see pingyi/urls.py, which includes them at the site root).

``b/`` is the address printed in every card's QR (``cards.ballot_url``): the token follows
in the fragment (``/b/#token``), which browsers never send to the server.
"""

from django.urls import path

from pingyi.appraisal.views import ballot

urlpatterns: list = [
    path("b/", ballot.ballot, name="ballot"),
    path("b/sw.js", ballot.service_worker, name="ballot-sw"),
    path("b/presentations/<slug:event_key>", ballot.presentations, name="ballot-presentations"),
]
