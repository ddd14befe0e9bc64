"""The engagement overview: events by type and status, people reached, and the way into each part."""

import pytest
from django.urls import reverse

from ogmonitor.engagement.factories import (
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
)
from ogmonitor.engagement.models import Event

pytestmark = pytest.mark.django_db


def test_overview_counts_published_events_by_type_and_status(client):
    EventFactory(type=Event.Type.TRAINING, status=Event.Status.HELD)
    EventFactory(type=Event.Type.TRAINING, status=Event.Status.HELD)
    EventFactory(type=Event.Type.TRAINING, status=Event.Status.PLANNED)
    EventFactory(type=Event.Type.ROUND_TABLE, status=Event.Status.CANCELLED)
    EventFactory(type=Event.Type.ROUND_TABLE, is_published=False)

    response = client.get(reverse("engagement:index"))

    counts = response.context["counts"]
    assert counts.total == 4
    rows = {code: (cells, total) for code, _label, cells, total in counts.rows}
    statuses = [code for code, _label in counts.statuses]
    assert rows["training"] == ([2 if status == "held" else 1 if status == "planned" else 0 for status in statuses], 3)
    assert rows["round_table"][1] == 1
    assert "workshop" not in rows  # types with no event are left out


def test_overview_shows_people_reached_and_links_to_every_part(client):
    event = EventFactory(title_az="Gədəbəydə görüş")
    ParticipationFactory(event=event)
    ParticipantCountFactory(event=event, gender="woman", count=9)

    page = client.get(reverse("engagement:index")).content.decode()

    assert '<span class="number">10</span>' in page
    assert "Gədəbəydə görüş" in page
    for name in ("engagement:events", "engagement:proposals", "engagement:platforms", "engagement:chronology"):
        assert f'href="{reverse(name)}"' in page


def test_overview_offers_recording_an_event_to_coordinators_only(client, client_for, coordinator, enumerator):
    create = f'href="{reverse("engagement:event_create")}"'
    assert create not in client.get(reverse("engagement:index")).content.decode()
    assert create not in client_for(enumerator).get(reverse("engagement:index")).content.decode()
    assert create in client_for(coordinator).get(reverse("engagement:index")).content.decode()


def test_engagement_is_in_the_main_navigation(client):
    page = client.get(reverse("engagement:events")).content.decode()
    assert f'<a href="{reverse("engagement:index")}" aria-current="page">' in page
