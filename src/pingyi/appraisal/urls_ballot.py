"""URLs of the ballot pages (see pingyi/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
