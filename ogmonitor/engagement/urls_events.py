"""URL patterns of the engagement overview and the event pages (see urls.py for the namespace).

Event slugs begin with the event's date (``2022-10-01-…``), so ``new`` never names an event.
"""

from django.urls import path

from . import views_events

urlpatterns = [
    path("", views_events.index, name="index"),
    path("events/", views_events.event_list, name="events"),
    path("events/new/", views_events.event_create, name="event_create"),
    path("events/<slug:slug>/", views_events.event_detail, name="event"),
    path("events/<slug:slug>/edit/", views_events.event_edit, name="event_edit"),
    path("events/<slug:slug>/participants/", views_events.event_participants, name="event_participants"),
    path(
        "events/<slug:slug>/participants/<int:person_id>/remove/",
        views_events.event_participant_remove,
        name="event_participant_remove",
    ),
    path("events/<slug:slug>/press-release/", views_events.event_press_release, name="event_press_release"),
    path(
        "events/<slug:slug>/press-release/draft/",
        views_events.event_press_release_draft,
        name="event_press_release_draft",
    ),
]
