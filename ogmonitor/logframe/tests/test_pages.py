"""The project pages: who sees what, the progress page's figures and sources, the managers'
forms (hand-entered values, outreach records, publishing) and the page's query budget."""

import datetime as dt

import pytest

from ogmonitor.engagement.factories import ParticipantCountFactory
from ogmonitor.engagement.models import Event, PressPublication, PressRelease
from ogmonitor.logframe.factories import (
    ExpectedResultFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OnlinePaymentAssistanceFactory,
    ProjectActivityFactory,
    ProjectFactory,
    TerminalRequestFactory,
)
from ogmonitor.logframe.models import (
    Indicator,
    ManualValue,
    OnlinePaymentAssistance,
    TerminalRequest,
)
from ogmonitor.places.factories import CommunityFactory, OrganizationFactory
from ogmonitor.places.models import Organization

from .conftest import held, publication

pytestmark = pytest.mark.django_db

Source = Indicator.Source


@pytest.fixture
def logframe(project, consultations):
    """Objective 2 → activity 2.1 → its expected result, with the consultations and a study milestone."""
    project.donor = OrganizationFactory(name_en="USAID Azerbaijan Mission", type=Organization.Type.INTERNATIONAL)
    project.programme_en = "ECSOFT"
    project.source_note_en = "The English plan says 12 agencies, the Azerbaijani one 10."
    project.save()
    objective = ObjectiveFactory(project=project, code="2", title_en="Inform communities")
    activity = ProjectActivityFactory(project=project, objective=objective, code="2.1", title_en="Practical consultations")
    result = ExpectedResultFactory(activity=activity, text_en="Knowledge of 200-300 community members increased")
    consultations.activity, consultations.result = activity, result
    consultations.save()
    study = IndicatorFactory(
        project=project, activity=activity, code="1.1", title_en="Study in 12 communities",
        target_kind=Indicator.TargetKind.MILESTONE, target=None, source=Source.MANUAL,
    )
    return {"project": project, "activity": activity, "consultations": consultations, "study": study}


def page_url(project, language="en") -> str:
    return f"/{language}/projects/{project.slug}/"


# --- Who sees what ---------------------------------------------------------------------------


def test_anonymous_visitors_see_only_published_projects(client, project):
    hidden = ProjectFactory(title_en="Draft project", is_published=False)

    listing = client.get("/en/projects/").content.decode()

    assert "Support to local government" in listing and "Draft project" not in listing
    assert client.get(page_url(hidden)).status_code == 404
    assert client.get(f"/en/projects/{hidden.slug}/progress.xlsx").status_code == 404
    assert client.get(page_url(project)).status_code == 200


def test_an_unpublished_project_is_seen_by_its_coordinators_and_administrators_only(
    client_for, project, coordinator, coordinator_b, administrator, municipality_editor,
):
    project.is_published = False
    project.save()

    assert client_for(coordinator).get(page_url(project)).status_code == 200
    assert client_for(administrator).get(page_url(project)).status_code == 200
    assert client_for(coordinator_b).get(page_url(project)).status_code == 404
    assert client_for(municipality_editor).get(page_url(project)).status_code == 404
    assert "Support to local government" in client_for(coordinator).get("/en/projects/").content.decode()
    assert "Support to local government" not in client_for(coordinator_b).get("/en/projects/").content.decode()


# --- The progress page ---------------------------------------------------------------------------


def test_the_progress_page_shows_targets_actuals_status_and_sources(client, logframe, municipality, other_municipality):
    project = logframe["project"]
    for _index in range(3):
        held(project, municipality)

    page = client.get(page_url(project)).content.decode()

    assert "USAID Azerbaijan Mission" in page and "ECSOFT" in page
    assert "March 2, 2022 – July 31, 2022" in page
    assert "The English plan says 12 agencies, the Azerbaijani one 10." in page
    assert "Objective 2: Inform communities" in page
    assert "Activity 2.1: Practical consultations" in page
    assert "Knowledge of 200-300 community members increased" in page
    assert "≥ 4" in page
    assert "3 events of type “practical consultation” held between March 2, 2022 and July 31, 2022 by Umid." in page
    assert "2 of 3 records count" in page
    assert "50%" in page
    assert 'class="badge badge-behind"' in page
    # The grid: one row per target municipality, coloured by state.
    assert f"<th scope=\"row\">{municipality.name}</th>" in page
    assert 'class="cell cell-met">3 / 2' in page
    assert 'class="cell cell-none">0 / 2' in page
    assert "No value has been entered yet." in page


def test_targets_read_by_their_kind(client, project):
    IndicatorFactory(project=project, target_kind="range", target=200, target_max=300)
    IndicatorFactory(project=project, target_kind="exact", target=2)
    IndicatorFactory(project=project, target_kind="milestone", target=None)

    page = client.get(page_url(project)).content.decode()

    assert "200–300" in page and ">2</td>" in page and ">yes</td>" in page


def test_the_page_in_azerbaijani_formats_numbers_and_dates_the_azerbaijani_way(client, project):
    IndicatorFactory(project=project, target_kind="minimum", target="12.5")
    page = client.get(page_url(project, "az")).content.decode()
    assert "≥ 12,5" in page
    assert "2 Mart 2022" in page


def test_the_indicator_page_lists_the_records_counted_and_hides_unpublished_ones_from_the_public(
    client, client_for, coordinator, logframe, municipality,
):
    project, consultations = logframe["project"], logframe["consultations"]
    held(project, municipality, title_en="Consultation in the village hall")
    held(project, municipality, title_en="Internal consultation", is_published=False)
    url = f"/en/projects/{project.slug}/indicators/{consultations.code}/"

    public = client.get(url).content.decode()
    staff = client_for(coordinator).get(url).content.decode()

    assert "Consultation in the village hall" in public and "Internal consultation" not in public
    assert "1 of the records counted is not public" in public
    assert "Internal consultation" in staff


def test_the_project_page_costs_a_bounded_number_of_queries(client, logframe, municipality, other_municipality,
                                                           django_assert_max_num_queries):
    project = logframe["project"]
    for source in (Source.PEOPLE_REACHED, Source.FAMILIES_PAYING_ONLINE, Source.TERMINAL_REQUESTS,
                   Source.PROPOSALS_SUBMITTED, Source.DISCLOSURE_PUBLISHED, Source.PRESS_PUBLICATIONS,
                   Source.PLATFORMS_CREATED):
        IndicatorFactory(project=project, activity=logframe["activity"], source=source)
    for _index in range(20):
        for municipality_ in (municipality, other_municipality):
            ParticipantCountFactory(event=held(project, municipality_), count=4)
            OnlinePaymentAssistanceFactory(project=project, community=municipality_.community)
            TerminalRequestFactory(project=project, community=municipality_.community)

    with django_assert_max_num_queries(30):
        response = client.get(page_url(project))
    assert response.status_code == 200


# --- Hand-entered values --------------------------------------------------------------------------


def value_url(project, indicator) -> str:
    return f"/en/projects/{project.slug}/indicators/{indicator.code}/values/new/"


def test_the_projects_coordinator_enters_a_value_with_its_evidence(client_for, coordinator, logframe):
    project, study = logframe["project"], logframe["study"]

    response = client_for(coordinator).post(value_url(project, study), {
        "value": "1", "on": "2022-05-20", "evidence_url": "/en/studies/local-2022/", "note": "Report presented",
    })

    assert response.status_code == 302
    value = ManualValue.objects.get(indicator=study)
    assert (value.value, value.on, value.evidence_url, value.recorded_by) == (1, dt.date(2022, 5, 20), "/en/studies/local-2022/", coordinator)
    page = client_for(None).get(page_url(project)).content.decode()
    assert "Entered by hand: 1 as of May 20, 2022. Report presented" in page
    assert 'href="/en/studies/local-2022/"' in page


def test_a_value_cannot_be_dated_in_the_future_or_point_to_a_bad_link(client_for, coordinator, logframe):
    project, study = logframe["project"], logframe["study"]
    response = client_for(coordinator).post(value_url(project, study), {
        "value": "1", "on": "2999-01-01", "evidence_url": "javascript:alert(1)",
    })
    assert response.status_code == 200
    assert "This date is in the future." in response.content.decode()
    assert "Enter a web address" in response.content.decode()
    assert not ManualValue.objects.exists()


def test_only_the_projects_managers_may_enter_values(client_for, client, coordinator_b, municipality_editor, administrator, logframe):
    project, study = logframe["project"], logframe["study"]
    data = {"value": "1", "on": "2022-05-20"}

    assert client_for(coordinator_b).post(value_url(project, study), data).status_code == 403
    assert client_for(municipality_editor).post(value_url(project, study), data).status_code == 403
    assert client.post(value_url(project, study), data).status_code == 302  # to the login page
    assert not ManualValue.objects.exists()
    assert client_for(administrator).post(value_url(project, study), data).status_code == 302
    assert ManualValue.objects.count() == 1


def test_values_are_entered_only_for_hand_entered_indicators(client_for, coordinator, logframe):
    project = logframe["project"]
    response = client_for(coordinator).post(value_url(project, logframe["consultations"]), {"value": "9", "on": "2022-05-20"})
    assert response.status_code == 404


def test_a_value_entered_by_mistake_is_removed_and_the_previous_one_counts_again(client_for, coordinator, logframe):
    project, study = logframe["project"], logframe["study"]
    manager = client_for(coordinator)
    manager.post(value_url(project, study), {"value": "0", "on": "2022-04-01"})
    manager.post(value_url(project, study), {"value": "1", "on": "2022-05-01"})
    mistake = ManualValue.objects.get(value=1)

    assert client_for(None).post(
        f"/en/projects/{project.slug}/indicators/{study.code}/values/{mistake.pk}/delete/"
    ).status_code == 302  # anonymous: to the login page
    manager.post(f"/en/projects/{project.slug}/indicators/{study.code}/values/{mistake.pk}/delete/")

    assert list(ManualValue.objects.values_list("value", flat=True)) == [0]


# --- Outreach records ----------------------------------------------------------------------------


def test_the_coordinator_records_families_helped_and_the_actual_follows(client_for, coordinator, project, municipality):
    indicator = IndicatorFactory(project=project, source=Source.FAMILIES_PAYING_ONLINE, target=50, code="2.2a")
    manager = client_for(coordinator)

    response = manager.post(f"/en/projects/{project.slug}/outreach/families/new/", {
        "community": municipality.community.pk, "on": "2022-05-12", "families": "14", "portal": "hesab.az",
    })

    assert response.status_code == 302
    assert OnlinePaymentAssistance.objects.get().families == 14
    detail = manager.get(f"/en/projects/{project.slug}/indicators/{indicator.code}/").content.decode()
    assert "14 families helped to pay bills online. Recorded in 1 entry of the project." in detail


def test_families_are_recorded_only_in_the_projects_communities(client_for, coordinator, project):
    response = client_for(coordinator).post(f"/en/projects/{project.slug}/outreach/families/new/", {
        "community": CommunityFactory().pk, "on": "2022-05-12", "families": "3", "portal": "hesab.az",
    })
    assert response.status_code == 200
    assert not OnlinePaymentAssistance.objects.exists()


def test_a_decided_terminal_request_needs_the_date_of_the_answer(client_for, coordinator, project, municipality):
    authority = OrganizationFactory(type=Organization.Type.LOCAL_EXECUTIVE)
    url = f"/en/projects/{project.slug}/outreach/terminals/new/"
    data = {"community": municipality.community.pk, "addressee": authority.pk, "filed_on": "2022-06-01", "outcome": "installed"}

    refused = client_for(coordinator).post(url, data)
    assert "Give the date of the answer" in refused.content.decode()
    accepted = client_for(coordinator).post(url, {**data, "answered_on": "2022-07-01", "answer": "Installed at the post office"})
    assert accepted.status_code == 302
    assert TerminalRequest.objects.get().outcome == "installed"


def test_another_ngos_coordinator_cannot_touch_the_outreach_records(client_for, coordinator_b, project, municipality):
    record = OnlinePaymentAssistanceFactory(project=project, community=municipality.community)
    other = client_for(coordinator_b)

    assert other.get(f"/en/projects/{project.slug}/outreach/").status_code == 200  # published: readable
    assert other.get(f"/en/projects/{project.slug}/outreach/families/new/").status_code == 403
    assert other.post(f"/en/projects/{project.slug}/outreach/families/{record.pk}/delete/").status_code == 403
    assert OnlinePaymentAssistance.objects.filter(pk=record.pk).exists()


def test_the_coordinator_deletes_a_record(client_for, coordinator, project, municipality):
    record = TerminalRequestFactory(project=project, community=municipality.community)
    response = client_for(coordinator).post(f"/en/projects/{project.slug}/outreach/terminals/{record.pk}/delete/")
    assert response.status_code == 302
    assert not TerminalRequest.objects.exists()


# --- Publishing ------------------------------------------------------------------------------------


def test_the_coordinator_publishes_and_hides_the_project(client, client_for, coordinator, coordinator_b, project):
    url = f"/en/projects/{project.slug}/publish/"
    client_for(coordinator).post(url, {"published": "0"})
    assert client.get(page_url(project)).status_code == 404
    assert client_for(coordinator_b).post(url, {"published": "1"}).status_code == 404
    client_for(coordinator).post(url, {"published": "1"})
    assert client.get(page_url(project)).status_code == 200


def test_the_main_navigation_leads_to_the_projects(client, project):
    assert 'href="/en/projects/"' in client.get("/en/").content.decode()


def test_events_of_other_types_do_not_reach_the_consultations_grid(client, logframe, municipality):
    held(logframe["project"], municipality, type=Event.Type.TRAINING)
    page = client.get(page_url(logframe["project"])).content.decode()
    assert 'class="cell cell-met"' not in page


def test_every_source_lists_its_records_on_the_indicator_page(client, project, municipality):
    disclosure = IndicatorFactory(project=project, source=Source.DISCLOSURE_PUBLISHED, code="D")
    press = IndicatorFactory(project=project, source=Source.PRESS_PUBLICATIONS, code="P")
    publication(municipality)
    release = PressRelease.objects.create(event=held(project, None, title_en="Closing workshop"), title_az="Seminar", body_az="…")
    PressPublication.objects.create(press_release=release, outlet="Demo outlet", published_on=dt.date(2022, 7, 15))

    listed = client.get(f"/en/projects/{project.slug}/indicators/{disclosure.code}/").content.decode()
    assert "Budget execution" in listed and municipality.name in listed
    listed = client.get(f"/en/projects/{project.slug}/indicators/{press.code}/").content.decode()
    assert "Demo outlet" in listed and "Closing workshop" in listed
