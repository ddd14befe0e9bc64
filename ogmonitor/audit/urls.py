"""URLs of the audit log (under /<language>/audit/)."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="log"),
    path("log.<str:extension>", views.export, name="export"),
    path("<str:kind>/<str:pk>/", views.record_history, name="record"),
]
