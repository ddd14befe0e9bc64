"""Engagement pages. Each helper's views module adds its own patterns list here."""

from django.urls import path  # noqa: F401

app_name = "engagement"
urlpatterns = []
