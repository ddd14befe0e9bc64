"""Dialogue platforms and the chronology (namespace ``engagement``, from urls.py)."""

from django.urls import path

from . import views_platforms as views

urlpatterns = [
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/new/", views.platform_create, name="platform_create"),
    path("platforms/<slug:slug>/", views.platform_detail, name="platform"),
    path("platforms/<slug:slug>/edit/", views.platform_edit, name="platform_edit"),
    path("platforms/<slug:slug>/members/add/", views.membership_add, name="platform_member_add"),
    path("platforms/<slug:slug>/members/<int:pk>/end/", views.membership_end, name="platform_member_end"),
    path("platforms/<slug:slug>/votes/add/", views.vote_add, name="platform_vote_add"),
    path("platforms/<slug:slug>/documents/add/", views.document_add, name="platform_document_add"),
    path("chronology/", views.chronology_page, name="chronology"),
    path("chronology/export.<str:fmt>", views.chronology_export, name="chronology_export"),
    path("chronology/<slug:plan>/", views.chronology_page, name="chronology_plan"),
    path("chronology/<slug:plan>/export.<str:fmt>", views.chronology_export, name="chronology_plan_export"),
]
