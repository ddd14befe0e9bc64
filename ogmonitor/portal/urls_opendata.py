"""Open-data URLs (names in the ``portal`` namespace): included from :mod:`ogmonitor.portal.urls`
with ``path("", include("ogmonitor.portal.urls_opendata"))`` or
``urlpatterns += urls_opendata.urlpatterns``.

``datapackage.json`` comes before ``<slug>.json``, which would otherwise match it.
"""

from django.urls import path

from . import views_opendata as views

urlpatterns = [
    path("data/", views.catalogue, name="datasets"),
    path("data/datapackage.json", views.datapackage, name="datapackage"),
    path("data/<slug:slug>/", views.dataset_page, name="dataset"),
    path("data/<slug:slug>/schema.json", views.dataset_schema, name="dataset_schema"),
    path("data/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
    path("data/<slug:slug>.json", views.dataset_json, name="dataset_json"),
]
