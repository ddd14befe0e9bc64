"""A small world for the API tests: everything published once, and beside it, unpublished.

Whatever is not public carries the marker ``SECRET`` in a text (a draft study, an unpublished
event, proposal, platform and project, a draft finding, a private report, a respondent's name
and free-text answer), so a test can assert that no public response contains it anywhere.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.engagement import proposals as proposal_service
from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    ProposalFactory,
    VoteEventFactory,
)
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.logframe.factories import (
    ExpectedResultFactory,
    ProjectActivityFactory,
    ProjectFactory,
)
from ogmonitor.logframe.factories import IndicatorFactory as ProjectIndicatorFactory
from ogmonitor.places.factories import MunicipalityFactory
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.reports.models import Report
from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, StudyMemberFactory
from ogmonitor.surveys.models import Study, StudyMember, Submission

SECRET = "SECRET"


def result(indicator, numerator, denominator, dimension="", group_key=""):
    return IndicatorResult.objects.create(
        indicator=indicator, dimension=dimension, group_key=group_key, numerator=numerator, denominator=denominator,
        percentage=(Decimal(100 * numerator) / denominator).quantize(Decimal("0.0001")), computed_at=timezone.now(),
    )


@pytest.fixture
def world(db, two_communities, ngo_a, coordinator):
    """The published dataset (and its unpublished twins), as ``world.<name>``."""
    quba = two_communities[0].district
    activity = ActivityFactory(number="1.1", title_az="Açıq büdcə", title_en="Open budget")
    plan = activity.plan
    area = activity.area

    previous = StudyFactory(slug="round-2019", plan=plan, organization=ngo_a, communities=two_communities,
                            period_start=dt.date(2019, 5, 1))
    study = StudyFactory(slug="round-2022", plan=plan, organization=ngo_a, communities=two_communities,
                         period_start=dt.date(2022, 5, 1), previous=previous)
    draft_study = StudyFactory(slug="draft-round", plan=plan, organization=ngo_a, status=Study.Status.COLLECTING,
                               title_az=f"{SECRET} sorğu", title_en=f"{SECRET} study", communities=two_communities)
    questionnaire = QuestionnaireFactory(study=study)
    QuestionnaireFactory(study=draft_study)

    # A respondent with a name and a free-text answer: neither may ever be public.
    submissions.record_submission(
        questionnaire, "7d1f7a52-5d64-4d52-8d8a-3c1b1f1f0001",
        {"aware": "no", "comment": f"{SECRET} şərh"},
        {"community": two_communities[0], "full_name": f"{SECRET} Aysel", "phone": "+994 50 000 00 00"},
        source=Submission.Source.ENUMERATOR, user=coordinator,
    )

    aware = Indicator.objects.create(study=study, code="aware", title_az="Xəbərdarlıq", title_en="Awareness",
                                     question_name="aware", numerator_choices=["yes"], nap_area=area)
    before = Indicator.objects.create(study=previous, code="aware", title_az="Xəbərdarlıq", title_en="Awareness",
                                      question_name="aware", numerator_choices=["yes"])
    result(aware, 6, 10)
    # Community breakdown: 9 respondents in one community, 1 in the other — the small one is
    # withheld, and the other with it (else 10 − 9 gives it back).
    result(aware, 5, 9, "community", two_communities[0].slug)
    result(aware, 1, 1, "community", two_communities[1].slug)
    result(aware, 3, 5, "gender", "woman")
    result(aware, 3, 5, "gender", "man")
    result(before, 40, 100)

    finding = Finding.objects.create(study=study, indicator=aware, text_az="{percent}% xəbərdardır.",
                                     text_en="{percent}% are aware.", status=Finding.Status.PUBLISHED, position=1)
    Finding.objects.create(study=study, text_az=f"{SECRET} qaralama", status=Finding.Status.DRAFT, position=2)
    municipality = MunicipalityFactory(community=two_communities[0])
    recommendation = Recommendation.objects.create(study=study, text_az="Məlumatlandırın", text_en="Inform people",
                                                   addressee=municipality, priority=Recommendation.Priority.HIGH)
    recommendation.findings.add(finding)
    Recommendation.objects.create(study=draft_study, text_az=f"{SECRET} tövsiyə")
    report = Report.objects.create(study=study, version=1, language="en", format=Report.Format.PDF,
                                   status=Report.Status.DONE, is_public=True)
    Report.objects.create(study=study, version=2, language="az", format=Report.Format.DOCX,
                          status=Report.Status.DONE, is_public=False)

    event = EventFactory(title_az="Məşvərət", title_en="Consultation", community=two_communities[0], plan=plan,
                         organization=ngo_a, municipality=municipality, date=dt.date(2022, 5, 10))
    ParticipationFactory(event=event)  # a named person: only the count is public
    ParticipantCountFactory(event=event, count=7)
    hidden_event = EventFactory(title_az=f"{SECRET} görüş", title_en=f"{SECRET} meeting", is_published=False,
                                date=dt.date(2022, 6, 1))

    proposal = ProposalFactory(event=event, organization=ngo_a, addressee=municipality,
                               text_az="Terminal quraşdırılsın", text_en="Install a terminal")
    proposal.steps.create(from_status="", to_status="draft", on=dt.date(2022, 5, 10))
    proposal_service.transition(proposal, "submitted", on=dt.date(2022, 5, 12), user=coordinator,
                                note="Məktubla", submitted_via="letter")
    hidden_proposal = ProposalFactory(text_az=f"{SECRET} təklif", is_published=False, event=hidden_event,
                                      organization=ngo_a)

    platform = DialoguePlatformFactory(district=quba, founding_event=event)
    MembershipFactory(platform=platform, organization=municipality, joined_on=dt.date(2017, 5, 19))
    VoteEventFactory(platform=platform, event=hidden_event)
    hidden_platform = DialoguePlatformFactory(name_az=f"{SECRET} platforma", is_published=False)

    project = ProjectFactory(organization=ngo_a, plan=plan)
    project.municipalities.set([municipality])
    ProjectIndicatorFactory(project=project, code="E1", source="events", target=Decimal(2))
    ExpectedResultFactory(activity=ProjectActivityFactory(project=project))  # a logframe with its parts
    hidden_project = ProjectFactory(title_az=f"{SECRET} layihə", organization=ngo_a, is_published=False)

    item = ItemFactory(code="budget", name_az="Büdcə", name_en="Budget")
    PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    publication = PublicationFactory(organization=municipality, item=item, published_on=dt.date(2022, 3, 15))

    return SimpleNamespace(
        plan=plan, area=area, activity=activity, quba=quba, communities=two_communities, municipality=municipality,
        study=study, previous=previous, draft_study=draft_study, questionnaire=questionnaire, aware=aware,
        finding=finding, recommendation=recommendation, report=report, event=event, hidden_event=hidden_event,
        proposal=proposal, hidden_proposal=hidden_proposal, platform=platform, hidden_platform=hidden_platform,
        project=project, hidden_project=hidden_project, item=item, publication=publication,
    )


@pytest.fixture
def collecting(db, two_communities, ngo_a, enumerator):
    """A study collecting data, where ``enumerator`` may enter data in the first community only."""
    study = StudyFactory(slug="collecting", organization=ngo_a, status=Study.Status.COLLECTING,
                         communities=two_communities)
    questionnaire = QuestionnaireFactory(study=study)
    StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR,
                       communities=[two_communities[0]])
    return SimpleNamespace(study=study, questionnaire=questionnaire, allowed=two_communities[0],
                           other=two_communities[1])


@pytest.fixture
def token_client():
    """``token_client(user)``: a client sending ``Authorization: Token …`` (no session, no CSRF)."""

    def make(user):
        token, _created = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    return make
