"""Azerbaijani search and order, in the database (SQLite collation function / PostgreSQL ICU)."""

import pytest
from django.urls import reverse

from ogmonitor.places.factories import CommunityFactory, DistrictFactory, OrganizationFactory
from ogmonitor.places.models import District, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts():
    names = [("AZ-TOV", "Tovuz", "Tovuz"), ("AZ-SBN", "Şabran", "Shabran"), ("AZ-SAT", "Saatlı", "Saatli"),
             ("AZ-ISM", "İsmayıllı", "Ismayilli"), ("AZ-XAC", "Xaçmaz", "Khachmaz"), ("AZ-QBA", "Quba", "Guba"),
             ("AZ-ZAQ", "Zaqatala", "Zaqatala"), ("AZ-AGC", "Ağcabədi", "Aghjabadi")]
    return [DistrictFactory(code=code, name_az=az, name_en=en) for code, az, en in names]


@pytest.mark.parametrize("query", ["ismayıllı", "İSMAYILLI", "İsmayıllı", "  ismayıllı ", "Ismayilli", "ismay"])
def test_ismayilli_is_found_however_it_is_typed(districts, query):
    assert list(District.objects.search(query).values_list("code", flat=True)) == ["AZ-ISM"]


def test_schwa_is_not_confused_with_e():
    OrganizationFactory(name_az="Gəncə gənclər birliyi", name_en="Ganja youth union")
    OrganizationFactory(name_az="Gence Ltd", name_en="Gence Ltd")
    assert [o.name_az for o in Organization.objects.search("gəncə")] == ["Gəncə gənclər birliyi"]
    assert [o.name_az for o in Organization.objects.search("gence")] == ["Gence Ltd"]


def test_dotless_i_search_does_not_match_dotted_i():
    OrganizationFactory(name_az="Qızıl", name_en="Red")
    OrganizationFactory(name_az="Qizil", name_en="Other")
    assert [o.name_az for o in Organization.objects.search("qızıl")] == ["Qızıl"]


def test_districts_sort_in_azerbaijani_alphabetical_order(districts):
    names = list(District.objects.order_by_name("az").values_list("name_az", flat=True))
    assert names == ["Ağcabədi", "Xaçmaz", "İsmayıllı", "Quba", "Saatlı", "Şabran", "Tovuz", "Zaqatala"]
    assert names.index("Saatlı") < names.index("Şabran") < names.index("Tovuz")


def test_english_names_sort_by_english_spelling(districts):
    names = list(District.objects.order_by_name("en").values_list("name_en", flat=True))
    assert names == sorted(names, key=str.lower)


def test_search_key_follows_renames():
    organization = OrganizationFactory(name_az="Köhnə ad", name_en="Old name")
    organization.name_az = "Yeni ad"
    organization.save(update_fields=["name_az"])
    assert list(Organization.objects.search("yeni")) == [organization]
    assert not Organization.objects.search("köhnə").exists()


def test_organization_search_page_finds_azerbaijani_names(client, districts):
    OrganizationFactory(name_az="Şabran bələdiyyəsi", name_en="Shabran municipality", type=Organization.Type.MUNICIPALITY)
    OrganizationFactory(name_az="Quba QHT", name_en="Guba NGO")
    response = client.get(reverse("places:organizations"), {"q": "ŞABRAN"})
    assert response.status_code == 200
    assert "Şabran bələdiyyəsi" in response.text and "Quba QHT" not in response.text


def test_district_list_puts_monitored_districts_first_in_az_order(client, districts):
    quba, xacmaz = districts[5], districts[4]
    CommunityFactory(district=quba)
    CommunityFactory(district=xacmaz)
    response = client.get(reverse("places:districts"))
    assert [d.code for d in response.context["monitored"]] == ["AZ-XAC", "AZ-QBA"]
    assert "AZ-QBA" not in [d.code for d in response.context["others"]]
