"""Filtering, ordering and pagination of the public lists, and their query budgets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ogmonitor.disclosure.factories import PublicationFactory
from ogmonitor.engagement.factories import (
    AuthorityFactory,
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    ProposalFactory,
)
from ogmonitor.findings.models import Recommendation
from ogmonitor.logframe.factories import ProjectFactory
from ogmonitor.places.factories import (
    CommunityFactory,
    DistrictFactory,
    MunicipalityFactory,
    OrganizationFactory,
)
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.surveys.factories import StudyFactory

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def results(client, path, **params):
    response = client.get(f"{V1}{path}", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


# --- Filtering ----------------------------------------------------------------------------------


def test_events_filter_by_type_district_and_date_range(client):
    quba, xacmaz = DistrictFactory(code="AZ-QBA"), DistrictFactory(code="AZ-XAC")
    early = EventFactory(type="training", district=quba, date=dt.date(2021, 3, 1))
    late = EventFactory(type="training", district=quba, date=dt.date(2022, 9, 1))
    EventFactory(type="workshop", district=quba, date=dt.date(2022, 9, 1))
    EventFactory(type="training", district=xacmaz, date=dt.date(2022, 9, 1))
    found = results(client, "/events/", type="training", district="AZ-QBA")
    assert {row["slug"] for row in found} == {early.slug, late.slug}
    found = results(client, "/events/", district="AZ-QBA", type="training", date_after="2022-01-01")
    assert [row["slug"] for row in found] == [late.slug]
    assert [row["slug"] for row in results(client, "/events/", type="training", year=2021)] == [early.slug]


def test_proposals_filter_by_addressee_status_and_overdue(client):
    authority, other = AuthorityFactory(), AuthorityFactory()
    waiting = ProposalFactory(addressee=authority, status="submitted", submitted_on=dt.date(2020, 1, 1))
    ProposalFactory(addressee=authority, status="draft")
    ProposalFactory(addressee=other, status="submitted", submitted_on=dt.date(2020, 1, 1))
    found = results(client, "/proposals/", addressee=authority.slug, status="submitted")
    assert [row["number"] for row in found] == [waiting.number]
    overdue = results(client, "/proposals/", addressee=authority.slug, overdue="true")
    assert [row["number"] for row in overdue] == [waiting.number] and overdue[0]["is_overdue"]


def test_studies_filter_by_plan_and_district(client):
    district = DistrictFactory(code="AZ-QUS")
    here = StudyFactory(communities=[CommunityFactory(district=district)])
    StudyFactory(plan=here.plan)
    assert [row["slug"] for row in results(client, "/studies/", district="AZ-QUS")] == [here.slug]
    assert len(results(client, "/studies/", plan=here.plan.slug)) == 2


def test_recommendations_filter_by_addressee_and_priority(client):
    study, authority = StudyFactory(), AuthorityFactory()
    wanted = Recommendation.objects.create(study=study, text_az="a", addressee=authority, priority="high")
    Recommendation.objects.create(study=study, text_az="b", addressee=authority, priority="low")
    Recommendation.objects.create(study=study, text_az="c", priority="high")
    found = results(client, "/recommendations/", addressee=authority.slug, priority="high")
    assert [row["id"] for row in found] == [wanted.pk]


def test_organisations_search_the_azerbaijani_way_and_filter_by_type(client):
    municipality = MunicipalityFactory(name_az="İsmayıllı bələdiyyəsi", name_en="Ismayilli municipality")
    OrganizationFactory(name_az="İsmayıllı QHT", type="ngo")
    found = results(client, "/organisations/", q="ISMAYILLI", type="municipality")
    assert [row["slug"] for row in found] == [municipality.slug]


def test_an_unknown_filter_value_is_a_located_400(client):
    response = client.get(f"{V1}/events/", {"district": "AZ-NONE", "date_after": "soon"})
    assert response.status_code == 400
    assert set(response.json()) == {"district", "date"}  # a range is reported under its name


def test_numbers_no_database_can_hold_are_refused_not_a_server_error(client, coordinator, token_client):
    assert client.get(f"{V1}/events/", {"year": "4817615576570149.0"}).status_code == 400
    too_long = client.get(f"{V1}/activities/{'9' * 30}/", HTTP_ACCEPT_LANGUAGE="en")
    assert too_long.status_code == 404 and too_long.json() == {"detail": "Not found."}
    response = token_client(coordinator).post(f"{V1}/proposals/", {"text_az": "x", "activity": "9" * 30},
                                              content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"activity"}


# --- Ordering and pagination ---------------------------------------------------------------------


def test_ordering_by_name_follows_the_azerbaijani_alphabet(client):
    district = DistrictFactory()
    for name in ("Zərdab", "Çay", "Cəlil", "Şəki", "Sabir"):
        CommunityFactory(district=district, name_az=name)
    names = [row["name_az"] for row in results(client, "/communities/", ordering="name_az")]
    assert names == ["Cəlil", "Çay", "Sabir", "Şəki", "Zərdab"]
    assert [row["name_az"] for row in results(client, "/communities/", ordering="-name_az")] == names[::-1]


def test_ordering_by_date(client):
    EventFactory(date=dt.date(2022, 1, 1), title_en="b")
    EventFactory(date=dt.date(2021, 1, 1), title_en="a")
    assert [row["date"] for row in results(client, "/events/", ordering="date")] == ["2021-01-01", "2022-01-01"]
    assert [row["date"] for row in results(client, "/events/")] == ["2022-01-01", "2021-01-01"]  # default: latest first


def test_pages_cover_the_list_exactly_once(client):
    district = DistrictFactory()
    for index in range(7):
        CommunityFactory(district=district, name_az=f"Kənd {index}")
    first = client.get(f"{V1}/communities/", {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["next"]
    seen = [row["slug"] for row in first["results"]]
    for page in (2, 3):
        seen += [row["slug"] for row in results(client, "/communities/", page_size=3, page=page)]
    assert len(seen) == len(set(seen)) == 7
    assert client.get(f"{V1}/communities/", {"page_size": 3, "page": 4}).status_code == 404


# --- Query budgets --------------------------------------------------------------------------------


def _make(kind: str, count: int) -> None:
    for _index in range(count):
        if kind == "events":
            EventFactory(community=CommunityFactory(), municipality=MunicipalityFactory(), plan=ActivityFactory().plan)
        elif kind == "proposals":
            proposal = ProposalFactory(event=EventFactory(), community=CommunityFactory())
            proposal.steps.create(from_status="", to_status="draft", on=dt.date(2022, 1, 1))
        elif kind == "activities":
            activity = ActivityFactory()
            activity.executors.set([OrganizationFactory(), OrganizationFactory()])
        elif kind == "studies":
            StudyFactory(communities=[CommunityFactory(), CommunityFactory()])
        elif kind == "platforms":
            MembershipFactory(platform=DialoguePlatformFactory(district=DistrictFactory()))
        elif kind == "projects":
            project = ProjectFactory(donor=OrganizationFactory())
            project.municipalities.set([MunicipalityFactory()])
        elif kind == "publications":
            PublicationFactory()
        elif kind == "recommendations":
            recommendation = Recommendation.objects.create(study=StudyFactory(), text_az="x", addressee=AuthorityFactory())
            recommendation.activities.set([ActivityFactory()])


@pytest.mark.parametrize("kind, path", [
    ("events", "/events/"), ("proposals", "/proposals/"), ("activities", "/activities/"), ("studies", "/studies/"),
    ("platforms", "/platforms/"), ("projects", "/projects/"), ("publications", "/disclosure/publications/"),
    ("recommendations", "/recommendations/"), ("activities", "/plans/"),
])
def test_a_list_costs_the_same_queries_for_2_or_20_objects(client, settings, django_assert_max_num_queries, kind, path):
    settings.PUBLIC_CACHE_SECONDS = 0  # count the queries of building the page, not of the cache
    _make(kind, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{V1}{path}").status_code == 200
    _make(kind, 18)
    with django_assert_max_num_queries(len(few)):
        response = client.get(f"{V1}{path}")
    assert response.json()["count"] >= 20 or path == "/plans/"


def test_a_studys_indicators_cost_the_same_queries_for_2_or_20(client, settings, django_assert_max_num_queries):
    from django.utils import timezone

    from ogmonitor.findings.models import Indicator, IndicatorResult

    settings.PUBLIC_CACHE_SECONDS = 0
    district = DistrictFactory()
    communities = [CommunityFactory(district=district) for _index in range(3)]
    study = StudyFactory(communities=communities)

    def make(count, start):
        for index in range(start, start + count):
            indicator = Indicator.objects.create(study=study, code=f"i{index}", title_az="x", position=index)
            for community in communities:
                IndicatorResult.objects.create(indicator=indicator, dimension="community", group_key=community.slug,
                                               numerator=3, denominator=9, computed_at=timezone.now())
            IndicatorResult.objects.create(indicator=indicator, dimension="district", group_key=district.code,
                                           numerator=9, denominator=27, computed_at=timezone.now())

    make(2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{V1}/studies/{study.slug}/indicators/")
    make(18, 2)
    with django_assert_max_num_queries(len(few)):
        response = client.get(f"{V1}/studies/{study.slug}/indicators/")
    assert response.json()["count"] == 20
