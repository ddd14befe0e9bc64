"""Mounted outside the language prefix: /healthz, the same address whatever the language."""

from django.urls import path

from . import views

urlpatterns = [path("healthz", views.healthz, name="healthz")]
