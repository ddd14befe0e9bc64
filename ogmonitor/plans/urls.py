from django.urls import path, re_path

from . import views, views_import

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/template.<str:fmt>", views_import.import_template, name="import_template"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/import/", views_import.plan_import, name="import"),
    re_path(r"^(?P<slug>[-\w]+)/activities/(?P<number>\d+(?:\.\d+)*)/$", views.activity_detail, name="activity"),
]
