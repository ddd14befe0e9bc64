"""URL patterns of this part of the surveys app (see urls.py)."""

urlpatterns = []
