"""The disclosure pages: who may record and verify, the forms, the HTMX row update, query budgets."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.disclosure.models import Item, Publication
from ogmonitor.places.factories import MunicipalityFactory, OrganizationFactory
from ogmonitor.places.models import Organization


@pytest.fixture(autouse=True)
def english():
    """These tests read the pages' English wording (the site's default language is az)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def items(db):
    return {
        "budget": ItemFactory(code="budget", name_en="Approved budget", weight=Decimal(3)),
        "decisions": ItemFactory(code="decisions", name_en="Council decisions", weight=Decimal(1), current_for_days=90),
        "report": ItemFactory(code="cbo-report", name_en="Activity report", applies_to=Item.AppliesTo.COMMUNITY_ORGANIZATION),
    }


def record_url(organization) -> str:
    return reverse("disclosure:record", args=[organization.slug])


def page_url(organization) -> str:
    return reverse("disclosure:organization", args=[organization.slug])


def form_data(item, **overrides) -> dict:
    data = {
        "item": item.pk,
        "published_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "channel": Publication.Channel.SOCIAL_MEDIA,
        "url": "https://social.example.org/posts/17",
        "title": "2026-cı il büdcəsi",
    }
    data.update(overrides)
    return data


# --- Public pages --------------------------------------------------------------------------------


def test_the_public_sees_the_ranking_the_checklist_and_an_organisations_page(client, items, municipality):
    PublicationFactory(organization=municipality, item=items["budget"], published_on=timezone.localdate())

    ranking = client.get(reverse("disclosure:ranking"))
    checklist = client.get(reverse("disclosure:checklist"))
    page = client.get(page_url(municipality))

    assert ranking.status_code == checklist.status_code == page.status_code == 200
    assert municipality.name in ranking.text and 'data-index>75.0<' in ranking.text
    assert "Approved budget" in checklist.text and "75.0%" in checklist.text  # its share: 3 of 4
    assert "Activity report" in checklist.text
    assert 'data-index="75.0"' in page.text
    assert "Record a publication" not in page.text and "<form method=\"post\"" not in page.text


def test_the_navigation_leads_to_the_ranking(client, items):
    response = client.get(reverse("portal:home"))
    assert 'href="/en/disclosure/"' in response.text and ">Transparency<" in response.text


def test_an_organisation_without_a_checklist_has_no_disclosure_page(client, items, ngo_a):
    assert client.get(page_url(ngo_a)).status_code == 404


def test_the_organisation_page_groups_items_by_category_and_shows_each_state(client, items, municipality):
    today = timezone.localdate()
    PublicationFactory(organization=municipality, item=items["budget"], published_on=today, title="Büdcə",
                       url="https://social.example.org/budget")
    PublicationFactory(organization=municipality, item=items["decisions"], published_on=today - dt.timedelta(days=91))

    page = client.get(page_url(municipality)).text

    assert re.search(r'data-item="budget" data-state="current"', page)
    assert re.search(r'data-item="decisions" data-state="stale"', page)
    assert "https://social.example.org/budget" in page and "Not verified yet." in page
    assert items["budget"].category.name in page and items["decisions"].category.name in page
    assert "cbo-report" not in page


# --- Recording: permissions ---------------------------------------------------------------------


def test_a_municipality_editor_records_a_publication_of_their_own_municipality(client_for, items, municipality_editor, municipality):
    response = client_for(municipality_editor).post(record_url(municipality), form_data(items["budget"]))

    assert response.status_code == 302
    assert response["Location"].startswith(page_url(municipality)) and response["Location"].endswith(f"#item-{items['budget'].pk}")
    publication = Publication.objects.get()
    assert (publication.organization, publication.item, publication.recorded_by) == (municipality, items["budget"], municipality_editor)
    assert publication.verified_by is None  # a municipality does not verify itself


def test_a_municipality_editor_gets_403_for_another_municipality(client_for, items, municipality_editor, other_municipality):
    client = client_for(municipality_editor)

    assert client.get(record_url(other_municipality)).status_code == 403
    assert client.post(record_url(other_municipality), form_data(items["budget"])).status_code == 403
    assert not Publication.objects.exists()
    assert "Record a publication" not in client.get(page_url(other_municipality)).text


def test_anonymous_visitors_cannot_record(client, items, municipality):
    response = client.post(record_url(municipality), form_data(items["budget"]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Publication.objects.exists()


def test_an_enumerator_cannot_record(client_for, items, enumerator, municipality):
    assert client_for(enumerator).post(record_url(municipality), form_data(items["budget"])).status_code == 403


def test_a_coordinator_records_and_verifies_at_once(client_for, items, coordinator, municipality):
    response = client_for(coordinator).post(record_url(municipality), form_data(items["budget"], verified="on"))

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.verified_by == coordinator and publication.verified_on == timezone.localdate()


def test_the_verified_box_is_offered_to_coordinators_only(client_for, items, coordinator, municipality_editor, municipality):
    assert 'name="verified"' in client_for(coordinator).get(record_url(municipality)).text
    assert 'name="verified"' not in client_for(municipality_editor).get(record_url(municipality)).text
    # Sent anyway, it is ignored.
    client_for(municipality_editor).post(record_url(municipality), form_data(items["budget"], verified="on"))
    assert Publication.objects.get().verified_by is None


def test_a_coordinator_marks_a_publication_verified_and_an_editor_may_not(client_for, items, coordinator, municipality_editor, municipality):
    publication = PublicationFactory(organization=municipality, item=items["budget"], published_on=timezone.localdate())
    verify = reverse("disclosure:verify", args=[publication.pk])

    assert client_for(municipality_editor).post(verify).status_code == 403
    response = client_for(coordinator).post(verify)

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.verified_by == coordinator
    page = client_for(coordinator).get(page_url(municipality)).text
    assert "Verified by coordinator-a on" in page


# --- Recording: the form ------------------------------------------------------------------------------


def test_the_record_form_keeps_what_was_typed_on_error(client_for, items, municipality_editor, municipality):
    response = client_for(municipality_editor).post(
        record_url(municipality), form_data(items["budget"], url="", title="Büdcə layihəsi"),
    )

    assert response.status_code == 200
    assert "Give the link to the publication" in response.text
    assert 'value="Büdcə layihəsi"' in response.text
    assert f'<option value="{items["budget"].pk}" selected>' in response.text
    assert not Publication.objects.exists()


def test_a_date_in_the_future_is_refused(client_for, items, municipality_editor, municipality):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(municipality_editor).post(record_url(municipality), form_data(items["budget"], published_on=tomorrow))
    assert response.status_code == 200 and "cannot be in the future" in response.text
    assert not Publication.objects.exists()


def test_an_item_for_other_organisations_cannot_be_chosen(client_for, items, municipality_editor, municipality):
    response = client_for(municipality_editor).post(record_url(municipality), form_data(items["report"]))
    assert response.status_code == 200 and response.context["form"].errors["item"]
    assert f'value="{items["report"].pk}"' not in response.text


def test_a_notice_board_needs_no_link_and_the_item_can_be_preselected(client_for, items, municipality_editor, municipality):
    client = client_for(municipality_editor)
    form = client.get(record_url(municipality) + "?item=decisions").text
    assert f'<option value="{items["decisions"].pk}" selected>' in form

    response = client.post(record_url(municipality), form_data(items["decisions"], channel="notice_board", url=""))
    assert response.status_code == 302 and Publication.objects.get().channel == "notice_board"


def test_the_same_record_sent_twice_is_stored_once(client_for, items, municipality_editor, municipality):
    client = client_for(municipality_editor)
    client.post(record_url(municipality), form_data(items["budget"]))
    client.post(record_url(municipality), form_data(items["budget"]))
    assert Publication.objects.count() == 1


# --- HTMX -------------------------------------------------------------------------------------------


def htmx(item) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"item-{item.pk}"}


def test_recording_from_a_row_with_htmx_returns_the_row_and_the_new_index(client_for, items, municipality_editor, municipality):
    client = client_for(municipality_editor)
    before = client.get(page_url(municipality)).text
    assert 'data-index="0.0"' in before and f'hx-post="{record_url(municipality)}"' in before
    assert f'hx-target="#item-{items["budget"].pk}"' in before

    response = client.post(record_url(municipality), {**form_data(items["budget"]), "period": "today"}, **htmx(items["budget"]))

    assert response.status_code == 200
    fragment = response.text
    assert fragment.lstrip().startswith(f'<li id="item-{items["budget"].pk}"')
    assert 'data-item="budget" data-state="current"' in fragment
    assert 'id="disclosure-summary"' in fragment and 'hx-swap-oob="true"' in fragment
    assert 'data-index="75.0"' in fragment
    assert "is recorded" in fragment
    assert "<html" not in fragment and 'data-item="decisions"' not in fragment  # only this row


def test_an_invalid_row_form_comes_back_open_with_what_was_typed(client_for, items, municipality_editor, municipality):
    response = client_for(municipality_editor).post(
        record_url(municipality), {**form_data(items["budget"], url="", title="Yarımçıq"), "period": "today"}, **htmx(items["budget"]),
    )

    assert response.status_code == 200
    fragment = response.text
    assert '<details class="row-record" open>' in fragment and "Give the link" in fragment
    assert 'value="Yarımçıq"' in fragment and 'data-index="0.0"' in fragment
    assert not Publication.objects.exists()


def test_verifying_from_a_row_with_htmx_returns_the_row(client_for, items, coordinator, municipality):
    publication = PublicationFactory(organization=municipality, item=items["budget"], published_on=timezone.localdate())

    response = client_for(coordinator).post(reverse("disclosure:verify", args=[publication.pk]), {"period": "today"}, **htmx(items["budget"]))

    assert response.status_code == 200 and "Verified by coordinator-a" in response.text
    assert response.text.lstrip().startswith(f'<li id="item-{items["budget"].pk}"')


def test_a_publication_dated_after_a_past_period_says_it_counts_later(client_for, items, coordinator, municipality):
    period = PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))

    response = client_for(coordinator).post(
        record_url(municipality), {**form_data(items["budget"]), "period": str(period.pk)}, **htmx(items["budget"]),
    )

    assert "It counts from that day on" in response.text
    assert 'data-item="budget" data-state="missing"' in response.text


# --- Periods and query budgets ----------------------------------------------------------------


def test_the_page_shows_the_index_at_the_end_of_each_period(client, items, municipality):
    PeriodFactory(name_en="March 2022", starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    april = PeriodFactory(name_en="April 2022", starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2022, 4, 30))
    PublicationFactory(organization=municipality, item=items["budget"], published_on=dt.date(2022, 4, 5))

    page = client.get(page_url(municipality)).text  # the latest period by default

    assert 'data-index="75.0"' in page and "at the end of April 2022" in page
    series = re.findall(r'<span class="value">([^<]+)</span>', page)
    assert series == ["0.0", "75.0"]
    assert f'value="{april.pk}" selected' in page
    assert 'data-index="75.0"' in client.get(page_url(municipality) + "?period=today").text


def test_the_ranking_filters_by_district_and_period(client, items, municipality, other_municipality):
    march = PeriodFactory(name_en="March 2022", starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    PeriodFactory(name_en="April 2022", starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2022, 4, 30))
    PublicationFactory(organization=municipality, item=items["budget"], published_on=dt.date(2022, 4, 5))
    PublicationFactory(organization=other_municipality, item=items["decisions"], published_on=dt.date(2022, 3, 5))

    april = client.get(reverse("disclosure:ranking")).text
    assert "+75.0" in april  # change since the end of March
    in_march = client.get(reverse("disclosure:ranking"), {"period": march.pk}).text
    assert "+75.0" not in in_march and "data-index>75.0<" not in in_march

    only_other = client.get(reverse("disclosure:ranking"), {"district": other_municipality.district.code}).text
    assert other_municipality.name in only_other and municipality.name not in only_other


def test_the_ranking_reads_a_fixed_number_of_queries(client, items, django_assert_max_num_queries):
    PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    PeriodFactory(starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2022, 4, 30))

    def add(count):
        for _ in range(count):
            organization = MunicipalityFactory()
            PublicationFactory(organization=organization, item=items["budget"], published_on=dt.date(2022, 3, 2))
            PublicationFactory(organization=organization, item=items["decisions"], published_on=dt.date(2022, 4, 2))
        OrganizationFactory(type=Organization.Type.COMMUNITY_ORGANIZATION)

    add(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("disclosure:ranking"))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("disclosure:ranking"))
    assert len(response.context["ranking"].municipalities) == 33


def test_the_organisation_page_reads_a_fixed_number_of_queries(client_for, items, coordinator, municipality, django_assert_max_num_queries):
    for month in range(3, 8):
        PeriodFactory(starts_on=dt.date(2022, month, 1), ends_on=dt.date(2022, month, 28))
    client = client_for(coordinator)
    PublicationFactory(organization=municipality, item=items["budget"], published_on=dt.date(2022, 3, 2))
    with django_assert_max_num_queries(20) as few:
        client.get(page_url(municipality))
    for day in range(1, 28):
        PublicationFactory(organization=municipality, item=items["decisions"], published_on=dt.date(2022, 5, day))
        ItemFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page_url(municipality))
