"""URLs of the project pages (under /projects/).

Indicator codes may contain dots ("2.1a"), so they are matched as ``str``, not ``slug``.
"""

from django.urls import path

from . import views

app_name = "logframe"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<slug:slug>/", views.project_detail, name="project"),
    path("<slug:slug>/progress.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/brief.pdf", views.brief_pdf, name="brief_pdf"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/outreach/", views.outreach, name="outreach"),
    path("<slug:slug>/outreach/<str:kind>/new/", views.record_form, name="record_create"),
    path("<slug:slug>/outreach/<str:kind>/<int:pk>/edit/", views.record_form, name="record_edit"),
    path("<slug:slug>/outreach/<str:kind>/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("<slug:slug>/indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("<slug:slug>/indicators/<str:code>/values/new/", views.value_add, name="value_add"),
    path("<slug:slug>/indicators/<str:code>/values/<int:pk>/delete/", views.value_delete, name="value_delete"),
]
