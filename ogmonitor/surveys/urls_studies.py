"""URL patterns of studies and questionnaires (see urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.study_list, name="list"),
    path("<slug:slug>/", views.study_detail, name="study"),
]
