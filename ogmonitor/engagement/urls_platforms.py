"""Placeholder list, replaced by the platforms views."""

urlpatterns: list = []
