"""The home page: key figures from public records only, each leading to its page, in a bounded
number of queries, cached for anonymous visitors."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ogmonitor.disclosure.factories import ItemFactory, PublicationFactory
from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    ProposalFactory,
)
from ogmonitor.engagement.models import Event, Proposal
from ogmonitor.findings import services as findings
from ogmonitor.findings.models import Indicator
from ogmonitor.logframe.factories import IndicatorFactory, ManualValueFactory, ProjectFactory
from ogmonitor.places.factories import DistrictFactory, MunicipalityFactory, OrganizationFactory
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.plans.models import Activity, AssessmentStatus, Completion, LocalAssessment
from ogmonitor.portal.services import HEADLINE_INDICATORS, key_figures
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, SubmissionFactory
from ogmonitor.surveys.models import AggregateResult, Study, Submission

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def published_figure_study(*, status=Study.Status.PUBLISHED, period_start, figures, **fields):
    """A round held as published figures: one indicator per (code, title, numerator, denominator)."""
    study = StudyFactory(status=status, aggregate_only=True, period_start=period_start, **fields)
    for position, (code, title, numerator, denominator) in enumerate(figures):
        AggregateResult.objects.create(study=study, key=code, choice="yes", label=title, numerator=numerator, denominator=denominator)
        Indicator.objects.create(
            study=study, code=code, title_az=title, title_en=title, position=position,
            kind=Indicator.Kind.PUBLISHED, aggregate_key=code, aggregate_choice="yes",
        )
    findings.compute_study(study)
    return study


def submissions(study, statuses):
    questionnaire = QuestionnaireFactory(study=study)
    for status in statuses:
        SubmissionFactory(questionnaire=questionnaire, status=status)


@pytest.fixture
def records(db):
    """A bit of everything, published and not; the tests count what the public may see."""
    plan_activity = ActivityFactory(involves_municipalities=True, plan__title_en="National Action Plan 2020–2022")
    ActivityFactory(area=plan_activity.area, involves_municipalities=False)
    plan = plan_activity.plan

    # Studies: the latest published round (2022, figures), an older one with answers (under its own
    # plan, to which the sample questionnaire adds activity 1.1), and a newer draft.
    latest = published_figure_study(
        plan=plan, period_start=dt.date(2022, 3, 28), title_en="Local round 2022", slug="local-2022",
        figures=[("nap_aware", "Aware of the plan", 15, 65), ("eservices_use", "Use e-services", 39, 65),
                 ("portal_aware", "Aware of the portal", 10, 65), ("cbo_familiar", "Know community organisations", 54, 65),
                 ("municipal_reports", "Say the municipality reports", 46, 64)],
    )
    older = StudyFactory(period_start=dt.date(2017, 4, 1), title_en="Round 2017")
    submissions(older, [Submission.Status.SUBMITTED, Submission.Status.APPROVED, Submission.Status.APPROVED,
                        Submission.Status.DRAFT, Submission.Status.REJECTED])
    draft = published_figure_study(plan=plan, status=Study.Status.COLLECTING, period_start=dt.date(2024, 4, 1), title_en="Draft round 2024",
                                   figures=[("draft_rate", "Draft-only indicator", 64, 65)])
    submissions(draft, [Submission.Status.SUBMITTED] * 3)

    # Proposals: submitted on time, answered, overdue; a draft one; an unpublished overdue one.
    authority = OrganizationFactory()
    ProposalFactory(addressee=authority, status=Proposal.Status.SUBMITTED, submitted_on=TODAY - dt.timedelta(days=5))
    ProposalFactory(addressee=authority, status=Proposal.Status.ANSWERED, submitted_on=dt.date(2025, 10, 1), answered_on=dt.date(2025, 10, 20))
    ProposalFactory(addressee=authority, status=Proposal.Status.ACCEPTED, submitted_on=dt.date(2025, 10, 1), answered_on=dt.date(2025, 10, 25), decided_on=dt.date(2025, 10, 25))
    ProposalFactory(addressee=authority, status=Proposal.Status.SUBMITTED, submitted_on=dt.date(2025, 11, 1))
    ProposalFactory(addressee=authority, status=Proposal.Status.DRAFT)
    ProposalFactory(addressee=authority, status=Proposal.Status.SUBMITTED, submitted_on=dt.date(2025, 9, 1), is_published=False)

    # Events: two held (7 and 3 people), one planned, one unpublished held one with 100 people.
    held = EventFactory(status=Event.Status.HELD)
    ParticipantCountFactory(event=held, count=5)
    ParticipationFactory(event=held)
    ParticipationFactory(event=held)
    ParticipantCountFactory(event=EventFactory(status=Event.Status.HELD), count=3)
    EventFactory(status=Event.Status.PLANNED)
    ParticipantCountFactory(event=EventFactory(status=Event.Status.HELD, is_published=False), count=100)

    DialoguePlatformFactory()
    DialoguePlatformFactory(is_published=False)

    # Transparency: Guba municipality publishes both items (100), Khachmaz one of two (50).
    guba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    best = MunicipalityFactory(community__district=guba, name_en="Best municipality", name_az="Ən yaxşı bələdiyyə")
    worst = MunicipalityFactory(community__district=guba, name_en="Worst municipality", name_az="Ən zəif bələdiyyə")
    first, second = ItemFactory(), ItemFactory()
    PublicationFactory(organization=best, item=first)
    PublicationFactory(organization=best, item=second)
    PublicationFactory(organization=worst, item=first)

    # Projects: a published one with two indicators (one met), an unpublished one.
    project = ProjectFactory(title_en="Support to local government", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    ManualValueFactory(indicator=IndicatorFactory(project=project, target=Decimal(2)), value=Decimal(2), on=dt.date(2025, 6, 1))
    IndicatorFactory(project=project, target=Decimal(5))
    ProjectFactory(title_en="Hidden project", is_published=False)

    # Local assessments: one published, one draft.
    ngo = OrganizationFactory()
    LocalAssessment.objects.create(activity=plan_activity, district=guba, assessed_on=dt.date(2022, 7, 31),
                                   completion=Completion.SUBSTANTIAL, assessed_by=ngo, status=AssessmentStatus.PUBLISHED)
    LocalAssessment.objects.create(activity=plan_activity, district=guba, assessed_on=dt.date(2022, 9, 1),
                                   completion=Completion.NOT_STARTED, assessed_by=ngo)
    return {"latest": latest, "older": older, "draft": draft, "project": project, "best": best, "worst": worst,
            "activity": plan_activity}


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def today(monkeypatch):
    """The home page's "today" (overdue proposals, the transparency day) is TODAY."""
    monkeypatch.setattr("ogmonitor.portal.views.timezone.localdate", lambda: TODAY)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- The figures ------------------------------------------------------------------------------------


def test_key_figures_count_only_what_is_published(records):
    figures = key_figures(TODAY)

    assert (figures.studies.published, figures.studies.respondents) == (2, 3)
    assert (figures.proposals.submitted, figures.proposals.answered, figures.proposals.overdue) == (4, 2, 1)
    assert (figures.events.held, figures.events.people) == (2, 10)
    assert figures.platforms == 1
    assert figures.transparency.monitored == 2
    assert (figures.transparency.best.organization, figures.transparency.best.index) == (records["best"], Decimal("100.0"))
    assert (figures.transparency.worst.organization, figures.transparency.worst.index) == (records["worst"], Decimal("50.0"))
    assert [(item.project, item.indicators, item.on_course) for item in figures.projects] == [(records["project"], 2, 1)]
    assert (figures.assessments.activities, figures.assessments.places, figures.assessments.high_completion) == (1, 1, 1)
    # Activities: the fixture's two plus those the sample questionnaire links (how many depends on
    # the factories' sequences, so count them); only the fixture's first involves municipalities.
    assert (figures.plans, figures["local_activities"]) == (2, 1)
    assert figures["activities"] == Activity.objects.count() >= 3


def test_the_latest_rounds_headline_rates_come_from_its_published_results(records):
    latest = key_figures(TODAY).studies.latest

    assert latest.study == records["latest"]
    assert [(h.code, h.percent_text, h.numerator, h.denominator) for h in latest.headlines] == [
        ("nap_aware", "23,1", 15, 65), ("eservices_use", "60,0", 39, 65), ("portal_aware", "15,4", 10, 65),
        ("cbo_familiar", "83,1", 54, 65),
    ][:HEADLINE_INDICATORS]
    assert latest.headlines[0].url == reverse("findings:indicator", args=["local-2022", "nap_aware"])


def test_a_change_of_result_changes_the_headline(records):
    result = records["latest"].aggregate_results.get(key="nap_aware")
    result.numerator = 20
    result.save()
    findings.compute_study(records["latest"])
    assert key_figures(TODAY).studies.latest.headlines[0].percent_text == "30,8"


def test_the_home_page_shows_the_figures_in_azerbaijani_and_english(client, records, today):
    az = text_of(client.get("/az/"))
    en = text_of(client.get("/en/"))

    assert "23,1%" in az and "23.1%" in en
    assert "Aware of the plan" in en and "Local round 2022" in en
    for text in (az, en):
        assert "Draft-only indicator" not in text and "98,5" not in text and "98.5" not in text
        assert "Draft round 2024" not in text and "Hidden project" not in text
    assert "4 proposals submitted to the authorities" in en
    assert "2 proposals answered" in en
    assert "1 proposal overdue for an answer" in en
    assert "2 events held" in en and "10 participants reached" in en
    assert "1 Government–civil society dialogue platform " in en
    assert "100.0 highest transparency index: Best municipality" in en
    assert "50.0 lowest transparency index: Worst municipality" in en
    assert "1 of 2 indicators met or on track" in en
    assert "Support to local government" in en


def test_every_figure_leads_to_its_page(client, records, today):
    html = client.get("/en/").content.decode()
    for url in [
        reverse("findings:study", args=["local-2022"]),
        reverse("findings:indicator", args=["local-2022", "nap_aware"]),
        reverse("surveys:list"),
        reverse("engagement:proposals") + "?overdue=on",
        reverse("engagement:events") + "?status=held",
        reverse("engagement:platforms"),
        reverse("disclosure:ranking"),
        reverse("disclosure:organization", args=[records["best"].slug]),
        reverse("disclosure:organization", args=[records["worst"].slug]),
        records["project"].get_absolute_url(),
        records["activity"].plan.get_absolute_url(),
    ]:
        assert f'href="{url}"' in html, url


def test_the_home_page_works_with_nothing_recorded(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No action plan has been entered yet." in response.text
    assert response.context["figures"].studies.latest is None
    assert response.context["figures"].transparency.best is None


# --- Cost and caching ----------------------------------------------------------------------------------


def test_the_home_pages_queries_are_bounded_and_do_not_grow_with_the_records(
    client, records, today, no_page_cache, django_assert_max_num_queries
):
    with django_assert_max_num_queries(34):  # 30 today: see portal.services for the parts
        client.get("/en/")
    with CaptureQueriesContext(connection) as before:
        client.get("/en/")

    # Many more records of every kind: the same number of queries.
    for _ in range(5):
        ProposalFactory(status=Proposal.Status.SUBMITTED, submitted_on=dt.date(2025, 1, 1))
        ParticipantCountFactory(event=EventFactory(status=Event.Status.HELD), count=4)
        ParticipationFactory(event=EventFactory(status=Event.Status.HELD))
        PublicationFactory(organization=records["worst"], item=ItemFactory())
        DialoguePlatformFactory()
    submissions(records["older"], [Submission.Status.SUBMITTED] * 4)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/en/")
    assert response.context["figures"].proposals.submitted == 9
    assert len(after.captured_queries) == len(before.captured_queries)


def test_the_home_page_is_cached_for_anonymous_visitors_until_the_data_change(client, records, today, django_assert_num_queries):
    assert client.get("/en/")["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get("/en/")
    assert response["X-Cache"] == "hit" and "23.1%" in response.text

    DialoguePlatformFactory()
    response = client.get("/en/")
    assert response["X-Cache"] == "miss" and "2 Government–civil society dialogue platforms" in text_of(response)


def test_an_anonymous_visit_sets_no_cookie_and_carries_no_csrf_token(client, records, today):
    response = client.get("/az/")
    assert not response.cookies
    assert "csrf" not in response.text.lower()
    assert "Cookie" in response["Vary"]


def test_a_logged_in_user_gets_a_fresh_page_with_the_csrf_header(client_for, coordinator, records, today):
    client = client_for(coordinator)
    response = client.get("/en/")
    assert "X-Cache" not in response
    assert '"X-CSRFToken": "' in response.text
