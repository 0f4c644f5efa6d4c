"""URLs of the public pages (see pingyi/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
