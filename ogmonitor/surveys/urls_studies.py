"""URL patterns of studies and questionnaires (see urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.study_list, name="list"),
    path("new/", views.study_create, name="study_create"),
    path("<slug:slug>/", views.study_detail, name="study"),
    path("<slug:slug>/edit/", views.study_edit, name="study_edit"),
    path("<slug:slug>/status/", views.study_status, name="study_status"),
    path("<slug:slug>/members/", views.study_members, name="study_members"),
    path("<slug:slug>/members/<int:member_id>/remove/", views.study_member_remove, name="study_member_remove"),
    path("<slug:slug>/questionnaires/upload/", views.questionnaire_upload, name="questionnaire_upload"),
    path("<slug:slug>/questionnaires/<int:version>/", views.questionnaire_detail, name="questionnaire"),
    path(
        "<slug:slug>/questionnaires/<int:version>/xlsform/", views.questionnaire_download, name="questionnaire_xlsform"
    ),
]
