"""Surveys URLs, assembled from the parts (studies and questionnaires, data entry, imports)."""

from . import urls_entry, urls_imports, urls_studies

app_name = "surveys"
urlpatterns = [*urls_studies.urlpatterns, *urls_entry.urlpatterns, *urls_imports.urlpatterns]
