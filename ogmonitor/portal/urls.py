from .urls_opendata import urlpatterns as opendata_patterns  # noqa: I001 (first, as agreed with the open-data work)
from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    *opendata_patterns,
]
