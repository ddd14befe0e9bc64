"""Press releases: drafted from the event's record in az and en, then edited, with where they appeared."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ogmonitor.engagement.events import draft_press_release
from ogmonitor.engagement.factories import (
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    PersonFactory,
)
from ogmonitor.engagement.models import Event, PressPublication, PressRelease
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(ngo_a):
    """NGO A's consultation in Qırmızı Qəsəbə (Guba) with 3 women and 5 men."""
    guba = DistrictFactory(name_az="Quba", name_en="Guba")
    village = CommunityFactory(district=guba, name_az="Qırmızı Qəsəbə", name_en="Krasnaya Sloboda")
    event = EventFactory(
        organization=ngo_a, type=Event.Type.CONSULTATION, date=dt.date(2022, 10, 1), place="Mədəniyyət evi",
        community=village, title_az="Bələdiyyə xidmətləri üzrə məsləhətləşmə",
        title_en="Consultation on municipal services", topic_az="Ödəniş terminalları", topic_en="Payment terminals",
        outcome_az="Sakinlər terminal quraşdırılmasını istədilər.", outcome_en="Residents asked for a terminal.",
    )
    event.organizers.set([ngo_a, OrganizationFactory(name_az="Ağ Şəhər", name_en="Ag Shahar")])
    for _ in range(3):
        ParticipationFactory(event=event, person=PersonFactory(gender="woman"))
    ParticipantCountFactory(event=event, gender="man", count=5)
    return event


def test_draft_in_azerbaijani_has_the_date_place_and_participants(consultation):
    draft = draft_press_release(consultation, "az")

    assert "1 oktyabr 2022" in draft.body
    assert "Mədəniyyət evi, Qırmızı Qəsəbə, Quba" in draft.body
    numbers = set(re.findall(r"\b\d+\b", draft.body))
    assert {"8", "3", "5"} <= numbers  # 8 people: 3 women (named) and 5 men (counted)
    assert "Bələdiyyə xidmətləri üzrə məsləhətləşmə" in draft.title + draft.body
    assert "Ödəniş terminalları" in draft.body
    assert "Sakinlər terminal quraşdırılmasını istədilər." in draft.body
    assert "Ağ Şəhər" in draft.body and "Ümid" in draft.body


def test_draft_in_english_has_the_date_place_and_participants_in_english(consultation):
    draft = draft_press_release(consultation, "en")

    assert "1 October 2022" in draft.body
    assert "Krasnaya Sloboda, Guba" in draft.body
    assert "8 people took part." in draft.body
    assert "Women: 3, men: 5." in draft.body
    assert "Consultation on municipal services" in draft.title
    assert "“Payment terminals”" in draft.body
    assert "Residents asked for a terminal." in draft.body
    assert "It was organised by Ag Shahar and Umid." in draft.body  # sorted by name


def test_draft_of_a_planned_event_announces_it(ngo_a):
    event = EventFactory(
        status=Event.Status.PLANNED, format=Event.Format.ONLINE, date=dt.date(2030, 4, 2), time=dt.time(15, 30),
        meeting_link="https://meet.example.org/nap", title_en="Online training",
    )
    ParticipantCountFactory(event=event, count=4)  # not mentioned: it has not taken place

    draft = draft_press_release(event, "en")

    assert draft.title.startswith("Announcement:")
    assert "will be held on 2 April 2030" in draft.body
    assert "It begins at 15:30." in draft.body
    assert "https://meet.example.org/nap" in draft.body
    assert "took part" not in draft.body


def test_drafting_on_the_page_then_editing_and_recording_publications(client_for, coordinator, consultation):
    client = client_for(coordinator)
    page_url = reverse("engagement:event_press_release", args=[consultation.slug])
    before = client.get(page_url).content.decode()
    assert f'action="{reverse("engagement:event_press_release_draft", args=[consultation.slug])}"' in before
    assert 'name="title_az"' not in before  # nothing to edit until it is drafted

    response = client.post(reverse("engagement:event_press_release_draft", args=[consultation.slug]))

    assert response.status_code == 302 and response.url == page_url
    release = PressRelease.objects.get(event=consultation)
    assert "1 oktyabr 2022" in release.body_az
    assert "1 October 2022" in release.body_en

    data = {
        "title_az": "Qırmızı Qəsəbədə məsləhətləşmə", "body_az": "Düzəldilmiş mətn.",
        "title_en": "Consultation in Krasnaya Sloboda", "body_en": "Edited text.",
        "publications-TOTAL_FORMS": "1", "publications-INITIAL_FORMS": "0",
        "publications-MIN_NUM_FORMS": "0", "publications-MAX_NUM_FORMS": "1000",
        "publications-0-outlet": "Quba Xəbər", "publications-0-url": "https://quba.example.az/1",
        "publications-0-published_on": "2022-10-03",
    }
    assert client.post(page_url, data).status_code == 302
    release.refresh_from_db()
    assert release.body_az == "Düzəldilmiş mətn."
    publication = PressPublication.objects.get(press_release=release)
    assert (publication.outlet, publication.published_on) == ("Quba Xəbər", dt.date(2022, 10, 3))

    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert "Qırmızı Qəsəbədə məsləhətləşmə" in detail and "Quba Xəbər" in detail


def test_press_release_form_keeps_what_was_typed_on_error(client_for, coordinator, consultation):
    PressRelease.objects.create(event=consultation, title_az="Başlıq", body_az="Mətn")
    data = {
        "title_az": "", "body_az": "Yeni mətn ilə", "title_en": "", "body_en": "",
        "publications-TOTAL_FORMS": "1", "publications-INITIAL_FORMS": "0",
        "publications-MIN_NUM_FORMS": "0", "publications-MAX_NUM_FORMS": "1000",
        "publications-0-outlet": "", "publications-0-url": "https://quba.example.az/2",
    }

    response = client_for(coordinator).post(
        reverse("engagement:event_press_release", args=[consultation.slug]), data
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yeni mətn ilə" in page and 'value="https://quba.example.az/2"' in page
    assert PressRelease.objects.get(event=consultation).body_az == "Mətn"


def test_drafting_again_keeps_the_publications(client_for, coordinator, consultation):
    release = PressRelease.objects.create(event=consultation, title_az="Köhnə", body_az="Köhnə mətn")
    PressPublication.objects.create(press_release=release, outlet="APA")

    client_for(coordinator).post(reverse("engagement:event_press_release_draft", args=[consultation.slug]))

    release.refresh_from_db()
    assert release.body_az != "Köhnə mətn"
    assert list(release.publications.values_list("outlet", flat=True)) == ["APA"]


def test_only_editors_draft_press_releases(client, client_for, coordinator_b, consultation):
    draft_url = reverse("engagement:event_press_release_draft", args=[consultation.slug])
    assert client.post(draft_url).status_code == 302  # to the login page
    assert client_for(coordinator_b).post(draft_url).status_code == 403
    assert client_for(coordinator_b).get(
        reverse("engagement:event_press_release", args=[consultation.slug])
    ).status_code == 403
    assert not PressRelease.objects.exists()


def test_draft_counts_the_proposals_raised_at_the_event(consultation):
    from ogmonitor.engagement.factories import ProposalFactory

    ProposalFactory(event=consultation)
    ProposalFactory(event=consultation)
    ProposalFactory()  # raised elsewhere

    assert "Participants put forward 2 proposals to the authorities." in draft_press_release(consultation, "en").body
