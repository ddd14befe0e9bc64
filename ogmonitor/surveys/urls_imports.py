"""URL patterns of response imports, under studies/<slug>/imports/ (see urls.py)."""

from django.urls import path

from . import views_imports

urlpatterns = [
    path("<slug:slug>/imports/", views_imports.import_list, name="import_list"),
    path("<slug:slug>/imports/new/", views_imports.import_upload, name="import_upload"),
    path("<slug:slug>/imports/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("<slug:slug>/imports/<int:pk>/mapping/", views_imports.import_mapping, name="import_mapping"),
    path("<slug:slug>/imports/<int:pk>/check/", views_imports.import_check, name="import_check"),
    path("<slug:slug>/imports/<int:pk>/commit/", views_imports.import_commit, name="import_commit"),
    path("<slug:slug>/imports/<int:pk>/progress/", views_imports.import_progress, name="import_progress"),
    path("<slug:slug>/imports/<int:pk>/progress/bar/", views_imports.import_progress_fragment,
         name="import_progress_fragment"),
]
