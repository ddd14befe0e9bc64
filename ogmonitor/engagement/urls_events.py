"""Placeholder list, replaced by the events views."""

urlpatterns: list = []
