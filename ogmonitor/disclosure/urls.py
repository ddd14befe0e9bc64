"""Disclosure pages, mounted at /<language>/disclosure/."""

from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("checklist/", views.checklist, name="checklist"),
    path("organizations/<slug:slug>/", views.organization, name="organization"),
    path("organizations/<slug:slug>/checklist.xlsx", views.organization_xlsx, name="organization_xlsx"),
    path("organizations/<slug:slug>/record/", views.record, name="record"),
    path("publications/<int:pk>/verify/", views.verify, name="verify"),
]
