"""Event pages: who sees which events, who may record and edit them, and what the pages show."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ogmonitor.engagement.factories import (
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    PersonFactory,
)
from ogmonitor.engagement.models import (
    Event,
    EventDocument,
    EventSource,
    PressPublication,
    PressRelease,
)
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, OrganizationFactory
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory, AreaFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int = 1, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_data(**fields) -> dict:
    """A complete POST of the event form with one source and no document."""
    data = {
        "type": Event.Type.CONSULTATION, "status": Event.Status.HELD, "format": Event.Format.OFFLINE,
        "title_az": "İsmayıllıda ictimai müzakirə", "title_en": "Public discussion in Ismayilli",
        "date": "2023-03-14", "place": "Mədəniyyət evi",
        "topic_az": "Bələdiyyə büdcəsi", "topic_en": "The municipal budget",
        **management("sources"), **management("documents"),
        "sources-0-url": "https://example.org/xeber/1", "sources-0-title": "Xəbər", "sources-0-position": "0",
        "documents-0-kind": EventDocument.Kind.DOCUMENT,
    }
    data.update(fields)
    return data


@pytest.fixture
def event_a(ngo_a):
    """NGO A's published event."""
    return EventFactory(organization=ngo_a, title_az="Şəki-də ictimai müzakirə", title_en="Public hearing in Shaki")


@pytest.fixture
def draft_a(ngo_a):
    return EventFactory(organization=ngo_a, title_az="Qaralama tədbir", title_en="Draft meeting", is_published=False)


# --- Seeing ---------------------------------------------------------------------------------------


def test_anonymous_sees_only_published_events(client, event_a, draft_a):
    page = client.get(reverse("engagement:events")).content.decode()
    assert "Şəki-də ictimai müzakirə" in page
    assert "Qaralama tədbir" not in page
    assert client.get(reverse("engagement:event", args=[event_a.slug])).status_code == 200
    assert client.get(reverse("engagement:event", args=[draft_a.slug])).status_code == 404


def test_staff_see_unpublished_events(client_for, coordinator_b, draft_a):
    client = client_for(coordinator_b)
    assert "Qaralama tədbir" in client.get(reverse("engagement:events")).content.decode()
    assert client.get(reverse("engagement:event", args=[draft_a.slug])).status_code == 200


def test_azerbaijani_title_renders_in_azerbaijani_and_english_in_english(client, event_a):
    url_az = reverse("engagement:event", args=[event_a.slug])
    page = client.get(url_az).content.decode()
    assert "<h1>Şəki-də ictimai müzakirə</h1>" in page
    with translation.override("en"):
        url_en = reverse("engagement:event", args=[event_a.slug])
    assert url_en.startswith("/en/")
    assert "<h1>Public hearing in Shaki</h1>" in client.get(url_en).content.decode()


def test_an_english_page_falls_back_to_the_azerbaijani_title(client):
    event = EventFactory(title_az="Gənclərlə görüş", title_en="")
    with translation.override("en"):
        url = reverse("engagement:event", args=[event.slug])
    assert "<h1>Gənclərlə görüş</h1>" in client.get(url).content.decode()


def test_event_list_filters(client):
    guba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    plan = ActionPlanFactory(slug="nap-2020")
    EventFactory(title_az="Quba təlimi", type=Event.Type.TRAINING, district=guba, plan=plan, date=dt.date(2021, 5, 1))
    EventFactory(title_az="Bakı konfransı", type=Event.Type.CONFERENCE, date=dt.date(2022, 5, 1))
    EventFactory(
        title_az="İsmayıllı seminarı", title_en="Ismayilli workshop", type=Event.Type.WORKSHOP,
        status=Event.Status.PLANNED, date=dt.date(2022, 9, 1),
    )
    url = reverse("engagement:events")

    def titles(**params):
        page = client.get(url, params).content.decode()
        return {title for title in ("Quba təlimi", "Bakı konfransı", "İsmayıllı seminarı") if title in page}

    assert titles(type="training") == {"Quba təlimi"}
    assert titles(district="AZ-QBA") == {"Quba təlimi"}
    assert titles(plan="nap-2020") == {"Quba təlimi"}
    assert titles(year="2022") == {"Bakı konfransı", "İsmayıllı seminarı"}
    assert titles(status="planned") == {"İsmayıllı seminarı"}
    # Azerbaijani-aware search: capitals fold the Azerbaijani way (İ→i, I→ı); the English
    # spelling is found through the English title.
    assert titles(q="İSMAYILLI") == {"İsmayıllı seminarı"}
    assert titles(q="ismayıllı") == {"İsmayıllı seminarı"}
    assert titles(q="ISMAYILLI WORKSHOP") == {"İsmayıllı seminarı"}
    assert titles(q="BAKI") == {"Bakı konfransı"}


def test_event_list_totals_people_reached_over_the_filtered_events(client):
    training = EventFactory(type=Event.Type.TRAINING)
    ParticipantCountFactory(event=training, gender="woman", count=12)
    other = EventFactory(type=Event.Type.CONFERENCE)
    ParticipantCountFactory(event=other, gender="man", count=300)

    response = client.get(reverse("engagement:events"), {"type": "training"})

    assert response.context["reached"].total == 12
    assert response.context["reached"].by_gender == {"woman": 12}
    assert '<span class="number">12</span>' in response.content.decode()


def test_event_list_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    district = DistrictFactory()
    for number in range(12):
        event = EventFactory(district=district, community=CommunityFactory(district=district), plan=ActionPlanFactory())
        ParticipationFactory(event=event)
        ParticipantCountFactory(event=event, count=number + 1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("engagement:events")).status_code == 200


def test_event_detail_shows_every_recorded_field(client, ngo_a):
    guba = DistrictFactory(name_az="Quba", name_en="Guba")
    village = CommunityFactory(district=guba, name_az="Qırmızı Qəsəbə", name_en="Krasnaya Sloboda")
    plan = ActionPlanFactory(title_az="Açıq hökumət planı", title_en="Open government plan")
    area = AreaFactory(plan=plan, title_az="Şəffaflıq", title_en="Transparency")
    activity = ActivityFactory(area=area, title_az="Büdcə dinləmələri", title_en="Budget hearings")
    event = EventFactory(
        organization=ngo_a, type=Event.Type.PUBLIC_DISCUSSION, date=dt.date(2023, 3, 14), time=dt.time(11, 0),
        format=Event.Format.HYBRID, place="Mədəniyyət evi", meeting_link="https://meet.example.org/abc",
        community=village, plan=plan, title_az="Büdcə müzakirəsi", topic_az="Yerli büdcə",
        agenda_az="Giriş; müzakirə", outcome_az="Təkliflər toplandı",
    )
    event.organizers.set([ngo_a, OrganizationFactory(name_az="Ağ Şəhər İB", name_en="Ag Shahar PU")])
    event.areas.set([area])
    event.activities.set([activity])
    EventSource.objects.create(
        event=event, url="https://news.example.az/1", title="Quba xəbərləri", published_on=dt.date(2023, 3, 15),
        archive_url="https://web.archive.org/web/2023/https://news.example.az/1", footnote=17,
    )
    release = PressRelease.objects.create(event=event, title_az="Press-reliz", body_az="Mətn")
    PressPublication.objects.create(press_release=release, outlet="Quba TV", url="https://quba.tv/1")

    page = client.get(reverse("engagement:event", args=[event.slug])).content.decode()

    for text in (
        "Büdcə müzakirəsi", "Yerli büdcə", "Giriş; müzakirə", "Təkliflər toplandı", "Mədəniyyət evi",
        "https://meet.example.org/abc", "Qırmızı Qəsəbə", "Quba", "Ümid", "Ağ Şəhər İB", "Açıq hökumət planı",
        "Şəffaflıq", "Büdcə dinləmələri", "Quba xəbərləri", "[17]", "https://web.archive.org/web/2023/",
        "Press-reliz", "Quba TV", "11:00",
    ):
        assert text in page, text
    # Organisers in Azerbaijani alphabetical order: Ağ… before Ümid.
    assert page.index("Ağ Şəhər İB") < page.index("Ümid</a>")


def test_named_participants_are_shown_to_staff_only(client, client_for, coordinator, event_a):
    ParticipationFactory(event=event_a, person=PersonFactory(name="Nərgiz Hüseynova", phone="+994 50 000 00 00"))
    url = reverse("engagement:event", args=[event_a.slug])
    public = client.get(url).content.decode()
    assert "Nərgiz Hüseynova" not in public
    assert '<span class="number">1</span>' in public  # the count is public, the name is not
    assert "Nərgiz Hüseynova" in client_for(coordinator).get(url).content.decode()


# --- Recording ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, event_a):
    for url in (
        reverse("engagement:event_create"),
        reverse("engagement:event_edit", args=[event_a.slug]),
        reverse("engagement:event_participants", args=[event_a.slug]),
        reverse("engagement:event_press_release", args=[event_a.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url
    assert client.post(reverse("engagement:event_create"), event_data()).status_code == 302
    assert not Event.objects.filter(title_az="İsmayıllıda ictimai müzakirə").exists()


def test_enumerator_and_municipality_editor_cannot_record_events(client_for, enumerator, municipality_editor):
    for user in (enumerator, municipality_editor):
        assert client_for(user).get(reverse("engagement:event_create")).status_code == 403
        assert client_for(user).post(reverse("engagement:event_create"), event_data()).status_code == 403
    assert not Event.objects.exists()


def test_coordinator_records_an_event_kept_by_their_organisation(client_for, coordinator, ngo_a, ngo_b):
    data = event_data(organizers=[str(ngo_a.pk), str(ngo_b.pk)])

    response = client_for(coordinator).post(reverse("engagement:event_create"), data)

    event = Event.objects.get(title_az="İsmayıllıda ictimai müzakirə")
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.organization == ngo_a
    assert event.created_by == coordinator
    assert event.title_en == "Public discussion in Ismayilli"
    assert event.topic_az == "Bələdiyyə büdcəsi"
    assert set(event.organizers.all()) == {ngo_a, ngo_b}
    assert [source.url for source in event.sources.all()] == ["https://example.org/xeber/1"]
    assert not event.documents.exists()
    assert event.slug.startswith("2023-03-14-")


def test_coordinator_edits_own_organisations_event_and_coordinator_b_is_refused(
    client_for, coordinator, coordinator_b, event_a,
):
    url = reverse("engagement:event_edit", args=[event_a.slug])
    data = event_data(title_az="Yeni ad", date="2022-10-01")

    assert client_for(coordinator_b).get(url).status_code == 403
    assert client_for(coordinator_b).post(url, data).status_code == 403
    event_a.refresh_from_db()
    assert event_a.title_az == "Şəki-də ictimai müzakirə"

    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(coordinator).post(url, data).status_code == 302
    event_a.refresh_from_db()
    assert event_a.title_az == "Yeni ad"
    assert event_a.organization.name_az == "Ümid"  # editing does not change who keeps the record


def test_administrator_edits_any_event(client_for, administrator, event_a):
    url = reverse("engagement:event_edit", args=[event_a.slug])
    assert client_for(administrator).post(url, event_data(title_az="Admin düzəltdi")).status_code == 302
    event_a.refresh_from_db()
    assert event_a.title_az == "Admin düzəltdi"


def test_form_with_errors_keeps_what_was_typed(client_for, coordinator):
    data = event_data(end_date="2023-03-01", title_en="Ögey ğ ı İ ş ç")

    response = client_for(coordinator).post(reverse("engagement:event_create"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert 'value="İsmayıllıda ictimai müzakirə"' in page
    assert 'value="Ögey ğ ı İ ş ç"' in page
    assert 'value="https://example.org/xeber/1"' in page
    assert 'value="2023-03-14"' in page
    assert not Event.objects.exists()


def test_areas_must_belong_to_the_chosen_plan(client_for, coordinator):
    area = AreaFactory()
    response = client_for(coordinator).post(
        reverse("engagement:event_create"), event_data(plan=str(ActionPlanFactory().pk), areas=[str(area.pk)])
    )
    assert response.status_code == 200
    assert "areas" in response.context["form"].errors


def test_documents_are_uploaded_and_too_large_ones_refused(client_for, coordinator, settings):
    settings.OGMONITOR_MAX_UPLOAD_BYTES = 1000
    too_large = SimpleUploadedFile("protokol.pdf", b"%PDF-1.4 " + b"x" * 2000, content_type="application/pdf")
    data = event_data(**{"documents-0-file": too_large, "documents-0-caption": "Protokol"})

    response = client_for(coordinator).post(reverse("engagement:event_create"), data)

    assert response.status_code == 200
    assert response.context["documents"].errors[0]["file"]
    assert not Event.objects.exists()

    small = SimpleUploadedFile("gündəlik.pdf", b"%PDF-1.4 small", content_type="application/pdf")
    data = event_data(**{"documents-0-file": small, "documents-0-caption": "Gündəlik"})
    assert client_for(coordinator).post(reverse("engagement:event_create"), data).status_code == 302
    document = Event.objects.get().documents.get()
    assert document.caption == "Gündəlik"
    assert document.file.read() == b"%PDF-1.4 small"


def test_event_detail_query_count_does_not_grow_with_participants_and_sources(
    client_for, coordinator, ngo_a, django_assert_max_num_queries,
):
    event = EventFactory(organization=ngo_a)
    event.organizers.set([OrganizationFactory() for _ in range(5)])
    for number in range(15):
        ParticipationFactory(event=event, person=PersonFactory(organization=OrganizationFactory()))
        EventSource.objects.create(event=event, url=f"https://example.org/{number}", footnote=number)
    client = client_for(coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(event.get_absolute_url()).status_code == 200
