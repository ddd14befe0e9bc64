"""Report URLs, mounted under /<language>/reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:slug>/", views.report_list, name="list"),
    path("<slug:slug>/build/", views.report_request, name="request"),
    path("<slug:slug>/<int:pk>/row/", views.report_row, name="row"),
    path("<slug:slug>/<int:pk>/public/", views.report_publish, name="publish"),
    path("<slug:slug>/<int:pk>/download/", views.report_download, name="download"),
]
