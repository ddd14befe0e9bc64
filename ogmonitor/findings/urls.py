"""URLs of a study's results: indicators, comparison, findings, recommendations (under /findings/)."""

from django.urls import path

from . import views

app_name = "findings"
urlpatterns = [
    path("result/<int:pk>/", views.result_detail, name="result"),
    path("<slug:slug>/", views.study_results, name="study"),
    path("<slug:slug>/recompute/", views.recompute, name="recompute"),
    path("<slug:slug>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<slug:slug>/indicators/choices/", views.indicator_choices, name="indicator_choices"),
    path("<slug:slug>/indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("<slug:slug>/indicators/<slug:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<slug:slug>/findings/draft/", views.findings_draft, name="findings_draft"),
    path("<slug:slug>/findings/publish/", views.findings_publish, name="findings_publish"),
    path("<slug:slug>/findings/new/", views.finding_create, name="finding_create"),
    path("<slug:slug>/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("<slug:slug>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("<slug:slug>/recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("<slug:slug>/recommendations/<int:pk>/status/", views.recommendation_status, name="recommendation_status"),
]
