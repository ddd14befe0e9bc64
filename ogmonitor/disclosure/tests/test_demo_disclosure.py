"""The demo disclosure data: loaded idempotently, plausible, and varied enough to rank."""

import datetime as dt

import pytest
from django.db.models import Count

from ogmonitor.demo.loaders.disclosure import load_disclosure, publication_dates
from ogmonitor.demo.loaders.places import load_places
from ogmonitor.demo.loaders.users import load_users
from ogmonitor.disclosure import index
from ogmonitor.disclosure.models import Category, Item, Period, Publication
from ogmonitor.places.models import Organization

DISTRICTS_2022 = ["AZ-QBA", "AZ-XAC", "AZ-SBN", "AZ-QUS"]
MODELS = [Category, Item, Period, Publication]


@pytest.fixture
def loaded(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_places()
    load_users()
    load_disclosure()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_twice_changes_nothing(loaded):
    first = counts()
    snapshot = set(Publication.objects.values_list("organization_id", "item_id", "published_on", "url", "verified_on"))
    load_disclosure()
    assert counts() == first
    assert set(Publication.objects.values_list("organization_id", "item_id", "published_on", "url", "verified_on")) == snapshot
    assert first["Item"] == 15 and first["Period"] == 5


def test_a_schedule_lists_every_date_up_to_its_end():
    dates = publication_dates({"from": "2022-03-04", "every": 14, "until": "2022-04-01"})
    assert dates == [dt.date(2022, 3, 4), dt.date(2022, 3, 18), dt.date(2022, 4, 1)]


def test_the_checklist_is_bilingual_and_covers_the_seeds_categories(loaded):
    codes = set(Category.objects.values_list("code", flat=True))
    assert {"recruitment", "conflict-of-interest", "budget", "municipal-acts", "council-decisions",
            "public-property", "social-services", "accountability", "contacts-services"} <= codes
    for item in Item.objects.all():
        assert item.name_az and item.name_en and item.name_az != item.name_en
        assert item.is_active and item.weight > 0
    kinds = set(Item.objects.values_list("applies_to", flat=True))
    assert kinds == {"municipality", "community_organization", "both"}
    assert [period.name_en for period in Period.objects.all()] == ["March 2022", "April 2022", "May 2022", "June 2022", "July 2022"]


def test_the_12_target_municipalities_published_and_a_few_reach_50(loaded):
    per_municipality = dict(
        Organization.objects.municipalities()
        .filter(district__code__in=DISTRICTS_2022)
        .annotate(published=Count("publications"))
        .values_list("slug", "published")
    )
    assert len(per_municipality) == 12 and all(per_municipality.values())
    reaching = [slug for slug, count in per_municipality.items() if count >= 50]
    assert 2 <= len(reaching) <= 4 and "guba-demo-community-1-municipality" in reaching
    assert Publication.objects.filter(organization__type=Organization.Type.COMMUNITY_ORGANIZATION).exists()
    assert not Publication.objects.filter(is_demo=False).exists()
    assert not Publication.objects.filter(published_on__gt=dt.date(2022, 7, 31)).exists()


def test_demo_links_are_invented_and_verification_is_the_coordinators(loaded):
    for url in Publication.objects.exclude(url="").values_list("url", flat=True):
        assert ".example.org/" in url
    verified = Publication.objects.filter(verified_by__isnull=False)
    assert verified.exists() and set(verified.values_list("verified_by__username", flat=True)) == {"coordinator"}
    assert Publication.objects.filter(verified_by__isnull=True).exists()


def test_the_demo_ranking_has_a_leader_a_tie_and_changes_over_time(loaded):
    moments = index.timeline(Period.objects.all(), today=dt.date(2026, 1, 1))
    july = moments[-1]
    result = index.ranking(Organization.objects.all(), july, index.previous_moment(moments, july))

    municipalities = result.municipalities
    assert len(municipalities) == 12  # the monitored ones: the 2022 targets
    assert municipalities[0].organization.slug == "guba-demo-community-1-municipality"
    ranks = [row.rank for row in municipalities]
    assert len(ranks) != len(set(ranks))  # two municipalities share a rank
    assert any(row.change and row.change > 0 for row in municipalities)
    assert any(row.change and row.change < 0 for row in municipalities)
    assert len({row.index for row in municipalities}) >= 8
    assert len(result.community_organizations) == 6
    assert {row.district.code for row in result.districts} == set(DISTRICTS_2022)
    assert all(row.count == 3 for row in result.districts)
