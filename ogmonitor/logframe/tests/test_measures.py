"""Actual values counted from the records: each source follows records added and removed, and
counts only what belongs to the project (period, organisation, target places)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    PersonFactory,
    ProposalFactory,
)
from ogmonitor.engagement.models import Event, PressPublication, PressRelease, Proposal
from ogmonitor.logframe import measures
from ogmonitor.logframe.factories import (
    IndicatorFactory,
    ManualValueFactory,
    OnlinePaymentAssistanceFactory,
    TerminalRequestFactory,
)
from ogmonitor.logframe.models import Indicator
from ogmonitor.logframe.progress import project_progress
from ogmonitor.places.factories import CommunityFactory, MunicipalityFactory, OrganizationFactory

from .conftest import IN_PERIOD, TODAY, held, publication

pytestmark = pytest.mark.django_db

Source = Indicator.Source


def actual(indicator, today=TODAY):
    return measures.measure(indicator, today).value


@pytest.fixture
def events_indicator(project):
    return IndicatorFactory(project=project, code="E", source=Source.EVENTS, event_type=Event.Type.CONSULTATION, target=24)


# --- Events ------------------------------------------------------------------------------------


def test_events_held_follow_events_added_and_removed(events_indicator, project, municipality):
    assert actual(events_indicator) == 0
    first = held(project, municipality)
    held(project, municipality)
    assert actual(events_indicator) == 2
    first.delete()
    assert actual(events_indicator) == 1


def test_only_held_events_of_the_type_in_the_period_by_the_organisation_count(events_indicator, project, municipality):
    held(project, municipality)
    held(project, municipality, status=Event.Status.PLANNED)
    held(project, municipality, status=Event.Status.CANCELLED)
    held(project, municipality, type=Event.Type.WORKSHOP)
    held(project, municipality, date=dt.date(2022, 3, 1))
    held(project, municipality, date=dt.date(2022, 8, 1))
    held(project, municipality, organization=OrganizationFactory())
    assert actual(events_indicator) == 1


def test_an_event_the_organisation_co_organised_counts_once(events_indicator, project, municipality, ngo_b):
    event = held(project, municipality, organization=ngo_b)
    assert actual(events_indicator) == 0
    event.organizers.set([project.organization, ngo_b])
    assert actual(events_indicator) == 1


def test_an_event_in_another_municipality_does_not_count_but_one_placed_nowhere_does(events_indicator, project):
    held(project, MunicipalityFactory())
    assert actual(events_indicator) == 0
    held(project, None, format=Event.Format.ONLINE)
    assert actual(events_indicator) == 1


def test_the_format_narrows_the_events_counted(project, municipality):
    online = IndicatorFactory(project=project, source=Source.EVENTS, event_type=Event.Type.WORKSHOP,
                              event_format=Event.Format.ONLINE, target_kind="exact", target=2)
    held(project, None, type=Event.Type.WORKSHOP, format=Event.Format.ONLINE)
    held(project, municipality, type=Event.Type.WORKSHOP, format=Event.Format.OFFLINE)
    measure = measures.measure(online, TODAY)
    assert measure.value == 1
    assert "Only events held online count." in measure.description


def test_the_description_says_what_was_counted_where_and_by_whom(events_indicator, project, municipality):
    held(project, municipality)
    held(project, municipality)
    description = measures.measure(events_indicator, TODAY).description
    assert description.startswith(
        "2 events of type “practical consultation” held between March 2, 2022 and July 31, 2022 by Umid."
    )


# --- The per-municipality grid ----------------------------------------------------------------------


def test_each_municipality_counts_at_most_its_share(consultations, project, municipality, other_municipality):
    for _index in range(3):
        held(project, municipality)
    measure = measures.measure(consultations, TODAY)
    assert measure.value == 2  # 3 in one municipality, capped at 2; none in the other
    cells = {cell.municipality: cell for cell in measure.grid.cells}
    assert (cells[municipality].count, cells[municipality].counted, cells[municipality].state) == (3, 2, "met")
    assert (cells[other_municipality].count, cells[other_municipality].state) == (0, "none")
    assert measure.grid.raw_total == 3

    held(project, other_municipality)
    measure = measures.measure(consultations, TODAY)
    assert measure.value == 3
    assert {cell.municipality: cell.state for cell in measure.grid.cells}[other_municipality] == "partial"


def test_an_event_placed_by_community_only_fills_its_municipalitys_cell(consultations, project, municipality):
    held(project, None, community=municipality.community)
    cells = {cell.municipality: cell.count for cell in measures.measure(consultations, TODAY).grid.cells}
    assert cells[municipality] == 1


def test_an_event_for_all_municipalities_fills_no_cell(consultations, project):
    held(project, None, format=Event.Format.ONLINE)
    measure = measures.measure(consultations, TODAY)
    assert measure.value == 0 and measure.grid.raw_total == 0


# --- People reached --------------------------------------------------------------------------------


def test_people_reached_counts_named_people_once_and_adds_counted_participants(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.PEOPLE_REACHED, event_type=Event.Type.CONSULTATION,
                                 target_kind="range", target=200, target_max=300)
    first, second = held(project, municipality), held(project, municipality)
    person = PersonFactory()
    ParticipationFactory(event=first, person=person)
    ParticipationFactory(event=second, person=person)
    assert actual(indicator) == 1

    count = ParticipantCountFactory(event=first, count=25)
    assert actual(indicator) == 26
    ParticipantCountFactory(event=second, count=30, gender="woman")
    assert actual(indicator) == 56
    count.delete()
    assert actual(indicator) == 31


def test_people_at_events_outside_the_project_are_not_reached(project):
    indicator = IndicatorFactory(project=project, source=Source.PEOPLE_REACHED, event_type=Event.Type.CONSULTATION)
    ParticipantCountFactory(event=held(project, MunicipalityFactory()), count=40)
    assert actual(indicator) == 0


# --- Proposals -------------------------------------------------------------------------------------


def test_proposals_count_once_submitted_in_the_period(project):
    indicator = IndicatorFactory(project=project, source=Source.PROPOSALS_SUBMITTED, target=30)
    ProposalFactory(organization=project.organization)  # a draft
    submitted = ProposalFactory(organization=project.organization, status=Proposal.Status.SUBMITTED, submitted_on=IN_PERIOD)
    ProposalFactory(organization=project.organization, status=Proposal.Status.ANSWERED, submitted_on=IN_PERIOD)
    ProposalFactory(organization=project.organization, status=Proposal.Status.SUBMITTED, submitted_on=dt.date(2022, 9, 1))
    ProposalFactory(organization=OrganizationFactory(), status=Proposal.Status.SUBMITTED, submitted_on=IN_PERIOD)
    assert actual(indicator) == 2
    submitted.delete()
    assert actual(indicator) == 1


def test_a_proposal_raised_at_the_projects_event_counts_whoever_recorded_it(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.PROPOSALS_SUBMITTED, target=30)
    ProposalFactory(event=held(project, municipality), status=Proposal.Status.SUBMITTED, submitted_on=IN_PERIOD)
    assert actual(indicator) == 1


# --- Dialogue platforms ---------------------------------------------------------------------------


def test_platforms_founded_in_the_period_in_the_projects_districts(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.PLATFORMS_CREATED, target=1)
    DialoguePlatformFactory(district=municipality.district, founded_on=dt.date(2017, 5, 19))
    DialoguePlatformFactory(district=MunicipalityFactory().district, founded_on=IN_PERIOD)
    assert actual(indicator) == 0
    DialoguePlatformFactory(district=municipality.district, founded_on=IN_PERIOD)
    assert actual(indicator) == 1


# --- Disclosure ------------------------------------------------------------------------------------


def test_disclosure_counts_the_target_municipalities_publications_in_the_period(project, municipality, other_municipality):
    indicator = IndicatorFactory(project=project, source=Source.DISCLOSURE_PUBLISHED, target=100, per_municipality=50)
    first = publication(municipality)
    publication(municipality, code="council-decisions")
    publication(other_municipality)
    publication(MunicipalityFactory())
    publication(municipality, on=dt.date(2021, 12, 1))
    measure = measures.measure(indicator, TODAY)
    assert measure.value == 3
    assert {cell.municipality: cell.count for cell in measure.grid.cells} == {municipality: 2, other_municipality: 1}
    first.delete()
    assert actual(indicator) == 2


def test_disclosure_per_municipality_is_capped_like_events(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.DISCLOSURE_PUBLISHED, target=4, per_municipality=2)
    for code in ("a", "b", "c"):
        publication(municipality, code=code)
    assert actual(indicator) == 2


# --- Outreach ------------------------------------------------------------------------------------


def test_families_paying_online_add_up_and_follow_records(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.FAMILIES_PAYING_ONLINE, target=50)
    OnlinePaymentAssistanceFactory(project=project, community=municipality.community, families=12)
    record = OnlinePaymentAssistanceFactory(project=project, community=municipality.community, families=9)
    OnlinePaymentAssistanceFactory(families=40)  # another project's
    assert actual(indicator) == 21
    record.delete()
    assert actual(indicator) == 12


def test_terminal_requests_are_counted(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.TERMINAL_REQUESTS, target=2)
    TerminalRequestFactory(project=project, community=municipality.community)
    TerminalRequestFactory()
    assert actual(indicator) == 1


def test_press_publications_of_the_projects_events(project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.PRESS_PUBLICATIONS, target=1)
    release = PressRelease.objects.create(event=held(project, None, type=Event.Type.WORKSHOP), title_az="Seminar", body_az="…")
    other = PressRelease.objects.create(event=held(project, MunicipalityFactory()), title_az="Başqa", body_az="…")
    PressPublication.objects.create(press_release=other, outlet="Another site")
    assert actual(indicator) == 0
    PressPublication.objects.create(press_release=release, outlet="Turan", published_on=IN_PERIOD)
    PressPublication.objects.create(press_release=release, outlet="APA", published_on=IN_PERIOD)
    assert actual(indicator) == 2


# --- Hand-entered values ------------------------------------------------------------------------


def test_the_latest_value_up_to_today_counts(project):
    indicator = IndicatorFactory(project=project, source=Source.MANUAL, target_kind="milestone", target=None)
    assert actual(indicator) is None
    ManualValueFactory(indicator=indicator, value=0, on=dt.date(2022, 4, 1))
    ManualValueFactory(indicator=indicator, value=1, on=dt.date(2022, 5, 20), evidence_url="https://example.org/report")
    ManualValueFactory(indicator=indicator, value=0, on=dt.date(2022, 9, 1))  # after today
    measure = measures.measure(indicator, TODAY)
    assert measure.value == 1
    assert measure.link == "https://example.org/report"
    assert "Entered by hand: 1 as of May 20, 2022." in measure.description
    assert actual(indicator, today=dt.date(2022, 4, 15)) == 0


# --- The whole page's cost -----------------------------------------------------------------------


def every_source(project):
    codes = []
    for position, (source, extra) in enumerate([
        (Source.EVENTS, {"event_type": Event.Type.CONSULTATION, "per_municipality": 2}),
        (Source.EVENTS, {"event_type": Event.Type.WORKSHOP}),
        (Source.PEOPLE_REACHED, {"event_type": Event.Type.CONSULTATION}),
        (Source.PROPOSALS_SUBMITTED, {}),
        (Source.PLATFORMS_CREATED, {}),
        (Source.DISCLOSURE_PUBLISHED, {"per_municipality": 50}),
        (Source.FAMILIES_PAYING_ONLINE, {}),
        (Source.TERMINAL_REQUESTS, {}),
        (Source.PRESS_PUBLICATIONS, {}),
        (Source.MANUAL, {}),
    ]):
        codes.append(IndicatorFactory(project=project, source=source, position=position, **extra).code)
    return codes


def add_records(project, municipalities, times):
    for _index in range(times):
        for municipality in municipalities:
            event = held(project, municipality)
            ParticipantCountFactory(event=event, count=7)
            ProposalFactory(organization=project.organization, status=Proposal.Status.SUBMITTED, submitted_on=IN_PERIOD)
            publication(municipality, code=f"item-{event.pk}")
            OnlinePaymentAssistanceFactory(project=project, community=municipality.community, families=3)
            TerminalRequestFactory(project=project, community=municipality.community)


def test_measuring_a_project_costs_the_same_queries_however_many_records(
    project, municipality, other_municipality, django_assert_num_queries,
):
    every_source(project)
    add_records(project, [municipality, other_municipality], 1)
    with CaptureQueriesContext(connection) as few:
        project_progress(project, TODAY)
    add_records(project, [municipality, other_municipality], 6)
    with django_assert_num_queries(len(few.captured_queries)):
        progress = project_progress(project, TODAY)
    assert len(few.captured_queries) <= 25
    values = {item.indicator.source: item.measure.value for item in progress.all_indicators()}
    assert values[Source.FAMILIES_PAYING_ONLINE] == Decimal(3 * 2 * 7)
    assert values[Source.TERMINAL_REQUESTS] == 14


def test_the_grid_lists_municipalities_in_azerbaijani_alphabetical_order(project):
    names = ["Zəyəm", "Çaylı", "Dəvəçi", "İsti su", "Cəmiyyətkənd"]
    project.municipalities.set([
        MunicipalityFactory(community=CommunityFactory(name_az=name, name_en=name), name_az=f"{name} bələdiyyəsi")
        for name in names
    ])
    indicator = IndicatorFactory(project=project, source=Source.DISCLOSURE_PUBLISHED, target=10, per_municipality=2)
    with translation.override("az"):
        order = [cell.municipality.name_az for cell in measures.measure(indicator, TODAY).grid.cells]
    assert order == ["Cəmiyyətkənd bələdiyyəsi", "Çaylı bələdiyyəsi", "Dəvəçi bələdiyyəsi", "İsti su bələdiyyəsi",
                     "Zəyəm bələdiyyəsi"]
