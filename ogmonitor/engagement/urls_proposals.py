"""Placeholder list, replaced by the proposals views."""

urlpatterns: list = []
