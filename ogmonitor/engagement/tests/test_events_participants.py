"""The participants page: named people (new, found by name, removed) and the counts grid."""

import pytest
from django.urls import reverse

from ogmonitor.engagement.factories import (
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    PersonFactory,
)
from ogmonitor.engagement.forms_events import ParticipantCountsForm
from ogmonitor.engagement.models import ParticipantCount, Participation, Person
from ogmonitor.surveys.factories import RespondentCategoryFactory
from ogmonitor.surveys.models import RespondentCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_a(ngo_a):
    return EventFactory(organization=ngo_a, title_az="Kənd yığıncağı")


@pytest.fixture
def residents():
    return RespondentCategoryFactory(code="resident", name_az="Sakin", name_en="Resident", position=1)


@pytest.fixture
def heads():
    return RespondentCategoryFactory(code="head", name_az="Bələdiyyə sədri", name_en="Municipality head", position=2)


def url(event, name="engagement:event_participants"):
    return reverse(name, args=[event.slug])


def grid(**cells) -> dict:
    """A POST of the counts grid; ``cells`` are field names without the ``count_`` prefix."""
    return {"action": "counts", **{f"count_{name}": value for name, value in cells.items()}}


def test_only_editors_of_the_event_open_the_participants_page(client, client_for, coordinator, coordinator_b, administrator, enumerator, event_a):
    assert client.get(url(event_a)).status_code == 302
    assert client_for(coordinator_b).get(url(event_a)).status_code == 403
    assert client_for(enumerator).get(url(event_a)).status_code == 403
    assert client_for(coordinator).get(url(event_a)).status_code == 200
    assert client_for(administrator).get(url(event_a)).status_code == 200


def test_counts_grid_saves_and_replaces_the_events_counts(client_for, coordinator, event_a, residents, heads):
    ParticipantCountFactory(event=event_a, category=heads, gender="man", count=9)

    response = client_for(coordinator).post(
        url(event_a),
        grid(**{f"{residents.pk}_woman": "7", f"{residents.pk}_man": "5", f"{heads.pk}_man": "", "none_unknown": "4"}),
    )

    assert response.status_code == 302
    rows = {(row.category_id, row.gender): row.count for row in ParticipantCount.objects.filter(event=event_a)}
    assert rows == {(residents.pk, "woman"): 7, (residents.pk, "man"): 5, (None, ""): 4}


def test_counts_grid_shows_saved_numbers_and_keeps_typed_ones_on_error(client_for, coordinator, event_a, residents):
    ParticipantCountFactory(event=event_a, category=residents, gender="woman", count=11)
    page = client_for(coordinator).get(url(event_a)).content.decode()
    assert f'name="count_{residents.pk}_woman" value="11"' in page

    response = client_for(coordinator).post(url(event_a), grid(**{f"{residents.pk}_woman": "8", f"{residents.pk}_man": "-2"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="count_{residents.pk}_woman" value="8"' in page
    assert f'name="count_{residents.pk}_man" value="-2"' in page
    assert ParticipantCount.objects.get(event=event_a).count == 11  # nothing replaced


def test_counts_grid_has_a_cell_per_category_and_gender(event_a, residents, heads):
    form = ParticipantCountsForm(event=event_a)
    # Every category plus "not recorded", by woman, man, other and "not recorded".
    labels = [label for label, _cells in form.rows()]
    assert len(labels) == RespondentCategory.objects.count() + 1
    assert {"Sakin", "Bələdiyyə sədri"} <= set(labels)
    assert all(len(cells) == 4 for _label, cells in form.rows())


def test_add_a_new_named_person(client_for, coordinator, event_a, residents, ngo_a):
    data = {
        "action": "add_person", "person-name": "Səbinə Qasımova", "person-gender": "woman",
        "person-category": str(residents.pk), "person-organization": str(ngo_a.pk), "person-phone": "+994 55 123 45 67",
        "person-role": Participation.Role.SPEAKER,
    }

    response = client_for(coordinator).post(url(event_a), data)

    assert response.status_code == 302
    participation = Participation.objects.get(event=event_a)
    assert participation.person.name == "Səbinə Qasımova"
    assert participation.person.category == residents
    assert participation.role == Participation.Role.SPEAKER
    assert "Səbinə Qasımova" in client_for(coordinator).get(url(event_a)).content.decode()


def test_new_person_form_keeps_what_was_typed_on_error(client_for, coordinator, event_a):
    data = {"action": "add_person", "person-name": "", "person-phone": "+994 50 111 22 33", "person-email": "yanlış"}

    response = client_for(coordinator).post(url(event_a), data)

    assert response.status_code == 200
    assert response.context["person_form"].errors.keys() >= {"name", "email"}
    page = response.content.decode()
    assert 'value="+994 50 111 22 33"' in page
    assert 'value="yanlış"' in page
    assert not Person.objects.exists()


def test_people_search_is_azerbaijani_aware_and_htmx_gets_a_fragment(client_for, coordinator, event_a):
    PersonFactory(name="İlahə Şükürova")
    PersonFactory(name="Ilqar Babayev")
    already = PersonFactory(name="İlham Əliyev")
    ParticipationFactory(event=event_a, person=already)
    client = client_for(coordinator)

    fragment = client.get(url(event_a), {"q": "İLAHƏ"}, HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<div id="people-found"')
    assert "İlahə Şükürova" in fragment
    assert "Ilqar Babayev" not in fragment
    # "il" finds İlahə (İ→i by Azerbaijani rules) and Ilqar (typed on an English keyboard);
    # people already listed are not offered again.
    found = client.get(url(event_a), {"q": "il"}, HTTP_HX_REQUEST="true").content.decode()
    assert "İlahə Şükürova" in found and "Ilqar Babayev" in found and "İlham Əliyev" not in found
    # Results come in Azerbaijani alphabetical order: I (ı) before İ (i).
    assert found.index("Ilqar Babayev") < found.index("İlahə Şükürova")
    # Without JavaScript the search reloads the whole page with the results.
    page = client.get(url(event_a), {"q": "ılqar"}).content.decode()
    assert "<html" in page and "Ilqar Babayev" in page


def test_pick_an_existing_person_then_remove_them(client_for, coordinator, event_a):
    regular = PersonFactory(name="Rəşad Quliyev")
    other_event = EventFactory()
    ParticipationFactory(event=other_event, person=regular)
    client = client_for(coordinator)

    response = client.post(url(event_a), {"action": "pick_person", "person": str(regular.pk), "role": "participant"})

    assert response.status_code == 302
    assert Participation.objects.filter(event=event_a, person=regular).exists()

    remove = reverse("engagement:event_participant_remove", args=[event_a.slug, regular.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Participation.objects.filter(event=event_a, person=regular).exists()
    assert Participation.objects.filter(event=other_event, person=regular).exists()  # kept for their other event


def test_coordinator_b_cannot_change_ngo_as_participants(client_for, coordinator_b, event_a):
    person = PersonFactory()
    ParticipationFactory(event=event_a, person=person)
    client = client_for(coordinator_b)
    assert client.post(url(event_a), grid(none_unknown="3")).status_code == 403
    remove = reverse("engagement:event_participant_remove", args=[event_a.slug, person.pk])
    assert client.post(remove).status_code == 403
    assert not ParticipantCount.objects.exists()
    assert Participation.objects.filter(event=event_a).count() == 1
