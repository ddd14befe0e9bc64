"""URL patterns of data entry, self-completion links and review (see urls.py).

The public self-completion pages (``s/<token>/``) come last so that a study whose slug is
"s" keeps its own pages.
"""

from django.urls import path

from ogmonitor.lib.ratelimits import limit_self_completion

from . import views_entry, views_privacy, views_review

urlpatterns = [
    path("<slug:slug>/entry/", views_entry.entry_home, name="entry"),
    path("<slug:slug>/entry/new/", views_entry.entry_form, name="entry_new"),
    path("<slug:slug>/entry/<uuid:uuid>/", views_entry.entry_form, name="entry_edit"),
    path("<slug:slug>/entry/<uuid:uuid>/done/", views_entry.entry_done, name="entry_done"),
    path("<slug:slug>/links/", views_entry.self_links, name="self_links"),
    path("<slug:slug>/links/<int:pk>/", views_entry.self_link_toggle, name="self_link_toggle"),
    path("<slug:slug>/submissions/", views_review.review_list, name="review_list"),
    path("<slug:slug>/submissions/<uuid:uuid>/", views_review.review_detail, name="review_detail"),
    path("<slug:slug>/submissions/<uuid:uuid>/edit/", views_review.review_edit, name="review_edit"),
    # Before review_status, whose <action> would take "erase-identity".
    path("<slug:slug>/submissions/<uuid:uuid>/erase-identity/", views_privacy.erase_respondent, name="erase_respondent"),
    path("<slug:slug>/privacy/", views_privacy.study_privacy, name="study_privacy"),
    path("<slug:slug>/privacy/erase/", views_privacy.erase_study, name="erase_study"),
    path("<slug:slug>/submissions/<uuid:uuid>/<slug:action>/", views_review.review_status, name="review_status"),
    path("s/<slug:token>/", limit_self_completion(views_entry.self_form), name="self_form"),
    path("s/<slug:token>/thanks/", views_entry.self_thanks, name="self_thanks"),
]
