from django.urls import path, re_path

from . import views, views_assess, views_dashboard, views_import, views_progress

#: An activity's address: the plan's slug and the activity's number ("3.2", "1.4.1").
ACTIVITY = r"^(?P<slug>[-\w]+)/activities/(?P<number>\d+(?:\.\d+)*)/"
#: A local target's code: the activity's number and a local suffix ("3.2.QBA-1").
TARGET = ACTIVITY + r"targets/(?P<code>\d+(?:\.\d+)*\.[A-Z][A-Z0-9]{1,3}-\d{1,3})/"

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/template.<str:fmt>", views_import.import_template, name="import_template"),
    # Assessments: the staff's work list, one assessment, its edit form and its review steps.
    path("assessments/", views_assess.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", views_assess.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", views_assess.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/<slug:action>/", views_assess.assessment_transition, name="assessment_transition"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/import/", views_import.plan_import, name="import"),
    path("<slug:slug>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard.xlsx", views_dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("<slug:slug>/weights/", views_progress.weights, name="weights"),
    re_path(ACTIVITY + "$", views.activity_detail, name="activity"),
    re_path(ACTIVITY + "assess/$", views_assess.assessment_create, name="assess"),
    re_path(ACTIVITY + "milestones/$", views_progress.milestones, name="milestones"),
    re_path(ACTIVITY + "targets/new/$", views_progress.target_create, name="target_create"),
    re_path(TARGET + "$", views_progress.target_detail, name="target"),
    re_path(TARGET + "edit/$", views_progress.target_edit, name="target_edit"),
    re_path(TARGET + "milestones/$", views_progress.milestones, name="target_milestones"),
]
