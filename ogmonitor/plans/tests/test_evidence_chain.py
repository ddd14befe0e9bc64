"""The evidence chain: an activity's page lists every record linked to it, as the viewer may see
it, and each record's page links back to the activity.

The world is one activity (5.1) measured in two survey rounds of NGO A: in 2022, 15 of 65
respondents aware of the plan (23.1%), against 12 of 48 (25.0%) in 2017, so a change of −1.9
points; a question asked of 4 respondents only (too few to publish); and an unpublished study's
indicator. Around it: a published and a draft finding, a recommendation, a published and an
unpublished event, an overdue proposal, an answered one and an unpublished one, and a checklist
item two municipalities publish and keep current and a third let lapse.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from ogmonitor.disclosure.factories import ItemFactory, PublicationFactory
from ogmonitor.engagement.factories import AuthorityFactory, EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.places.factories import MunicipalityFactory, OrganizationFactory
from ogmonitor.plans.chain import evidence_chain
from ogmonitor.plans.factories import ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import Question, Questionnaire, Study

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_request_builds_its_page(settings):
    settings.PUBLIC_CACHE_SECONDS = 0


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def indicator(study, activity, code, numerator, denominator, **fields) -> Indicator:
    """An indicator with its stored overall result (as the engine would have computed it)."""
    made = Indicator.objects.create(
        study=study, code=code, nap_activity=activity, question_name=code, numerator_choices=["yes"],
        title_az=fields.pop("title_az", f"{code} (az)"), title_en=fields.pop("title_en", f"{code} (en)"), **fields,
    )
    IndicatorResult.objects.create(
        indicator=made, numerator=numerator, denominator=denominator,
        percentage=round(100 * numerator / denominator, 4), computed_at=timezone.now(),
    )
    return made


def question(study, activity, name, label, version=1) -> Question:
    questionnaire, _created = Questionnaire.objects.get_or_create(
        study=study, version=version, defaults={"title": study.title, "form_id": study.slug},
    )
    return Question.objects.create(
        questionnaire=questionnaire, position=1, type=Question.Type.SELECT_ONE, name=name,
        label_az=f"{label} (az)", label_en=label, nap_activity=activity,
    )


@dataclass
class World:
    activity: object
    round_2022: Study
    round_2017: Study
    draft_study: Study
    aware: Indicator
    tiny: Indicator
    secret: Indicator
    question: Question
    finding: Finding
    draft_finding: Finding
    recommendation: Recommendation
    event: object
    hidden_event: object
    overdue: Proposal
    answered: Proposal
    hidden_proposal: Proposal
    item: object
    municipality: object


@pytest.fixture
def world(ngo_a) -> World:
    area = AreaFactory(number=5, title_az="Bələdiyyələrin hesabatlılığı", title_en="Municipal accountability")
    activity = ActivityFactory(
        area=area, number="5.1", involves_municipalities=True,
        title_az="Bələdiyyələrin sosial şəbəkə səhifələri", title_en="Municipal social-media pages",
    )
    round_2017 = StudyFactory(organization=ngo_a, plan=area.plan, slug="round-2017", title_en="Round 2017", title_az="2017-ci il sorğusu")
    round_2022 = StudyFactory(
        organization=ngo_a, plan=area.plan, slug="round-2022", title_en="Round 2022", title_az="2022-ci il sorğusu",
        previous=round_2017,
    )
    draft_study = StudyFactory(
        organization=ngo_a, plan=area.plan, slug="draft-round", title_en="Draft round", title_az="Qaralama sorğu",
        status=Study.Status.COLLECTING,
    )
    indicator(round_2017, None, "nap_aware", 12, 48)
    aware = indicator(round_2022, activity, "nap_aware", 15, 65, title_en="Aware of the plan", title_az="Planı bilənlər")
    tiny = indicator(round_2022, activity, "tiny_base", 3, 4, title_en="Asked of four", title_az="Dörd nəfərdən soruşulan")
    secret = indicator(draft_study, activity, "secret_code", 7, 10, title_en="Not yet public", title_az="Hələ açıq deyil")
    asked = question(round_2022, activity, "nap_aware", "Have you heard of the National Action Plan?")
    finding = Finding.objects.create(
        study=round_2022, indicator=aware, status=Finding.Status.PUBLISHED,
        text_az="Respondentlərin {percent}%-i planı bilir.", text_en="{percent}% of respondents know the plan.",
    )
    draft_finding = Finding.objects.create(
        study=round_2022, indicator=aware, text_az="Qaralama nəticə.", text_en="A draft finding.",
    )
    recommendation = Recommendation.objects.create(
        study=round_2022, text_az="Səhifələri yeniləyin.", text_en="Keep the pages up to date.",
        addressee=OrganizationFactory(name_az="Quba Bələdiyyəsi", name_en="Guba Municipality"),
        status=Recommendation.Status.SUBMITTED,
    )
    recommendation.activities.add(activity)
    event = EventFactory(title_az="Quba görüşü", title_en="Meeting in Guba", date=dt.date(2022, 10, 1))
    hidden_event = EventFactory(title_az="Gizli görüş", title_en="Unpublished meeting", is_published=False)
    for linked in (event, hidden_event):
        linked.activities.add(activity)
    authority = AuthorityFactory(name_az="Quba RİH", name_en="Guba executive authority")
    overdue = ProposalFactory(
        activity=activity, addressee=authority, status=Proposal.Status.SUBMITTED, submitted_on=dt.date(2022, 3, 1),
        text_en="Publish the budget on the page", text_az="Büdcəni səhifədə dərc edin",
    )
    answered = ProposalFactory(
        activity=activity, addressee=authority, status=Proposal.Status.ACCEPTED, submitted_on=dt.date(2022, 4, 1),
        answered_on=dt.date(2022, 4, 20), text_en="Open the council meetings", text_az="Şura iclaslarını açıq keçirin",
        answer_text_en="The meetings will be announced on the page.", answer_text_az="İclaslar səhifədə elan olunacaq.",
    )
    hidden_proposal = ProposalFactory(activity=activity, is_published=False, text_en="A proposal in the making", text_az="Hazırlanan təklif")
    item = ItemFactory(name_en="Approved local budget", name_az="Təsdiq edilmiş yerli büdcə", current_for_days=365)
    item.activities.add(activity)
    today = timezone.localdate()
    municipality = MunicipalityFactory()
    for days_ago in (500, 10):  # published long ago, and again: one organisation, current
        PublicationFactory(item=item, organization=municipality, published_on=today - dt.timedelta(days=days_ago))
    PublicationFactory(item=item, published_on=today - dt.timedelta(days=20))  # another, current
    PublicationFactory(item=item, published_on=today - dt.timedelta(days=400))  # a third, lapsed
    return World(
        activity, round_2022, round_2017, draft_study, aware, tiny, secret, asked, finding, draft_finding,
        recommendation, event, hidden_event, overdue, answered, hidden_proposal, item, municipality,
    )


def url_of(name, *args, language="en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def activity_page(client, world, language="en") -> str:
    response = client.get(url_of("plans:activity", world.activity.plan.slug, "5.1", language=language))
    assert response.status_code == 200
    return text_of(response)


# --- The activity's page ---------------------------------------------------------------------------


def test_the_public_sees_every_published_record_with_its_figures(client, world):
    page = activity_page(client, world)

    assert "Evidence chain" in page
    assert "Have you heard of the National Action Plan?" in page
    assert "Aware of the plan" in page and "23.1%" in page
    assert "Previous round (Round 2017): 25.0% → 23.1%, -1.9 percentage points" in page
    assert "23.1% of respondents know the plan." in page
    assert "Keep the pages up to date." in page and "Guba Municipality" in page and "submitted to the addressee" in page
    assert "Meeting in Guba" in page
    assert "Publish the budget on the page" in page and "overdue" in page
    assert "Open the council meetings" in page and "The meetings will be announced on the page." in page
    assert "Approved local budget" in page
    assert "Published and current at 2 organisations today. Published but no longer current at 1 organisation." in page


def test_the_public_sees_nothing_unpublished_and_no_small_base(client, world):
    page = activity_page(client, world)

    assert "Not yet public" not in page and "Draft round" not in page
    assert "A draft finding." not in page
    assert "Unpublished meeting" not in page
    assert "A proposal in the making" not in page
    assert "Asked of four" in page and "Fewer than 5 respondents: not published." in page and "75.0%" not in page


def test_the_studys_coordinator_also_sees_drafts_small_bases_and_unpublished_engagement(client_for, world, coordinator):
    page = activity_page(client_for(coordinator), world)

    assert "Not yet public" in page and "70.0%" in page
    assert "A draft finding." in page
    assert "75.0%" in page
    assert "Unpublished meeting" in page and "A proposal in the making" in page


def test_another_ngos_coordinator_sees_other_studies_as_the_public_does(client_for, world, coordinator_b):
    page = activity_page(client_for(coordinator_b), world)

    assert "Not yet public" not in page and "A draft finding." not in page and "75.0%" not in page
    assert "Unpublished meeting" in page  # engagement is one shared record of the NGO staff


def test_each_group_has_a_count_and_an_empty_state(client, world):
    lonely = ActivityFactory(area=world.activity.area, number="5.2", title_en="Nothing linked", title_az="Heç nə")
    page = text_of(client.get(url_of("plans:activity", lonely.plan.slug, "5.2")))

    for empty in (
        "No survey question is linked to this activity.", "No survey indicator measures this activity.",
        "No finding about this activity has been published yet.", "No recommendation is linked to this activity.",
        "No event is linked to this activity.", "No proposal to an authority is linked to this activity.",
        "No item of the disclosure checklist is linked to this activity.",
    ):
        assert empty in page
    assert "Survey indicators 2" in activity_page(client, world)


def test_the_page_reads_in_azerbaijani(client, world):
    page = activity_page(client, world, "az")

    assert "23,1%" in page and "25,0% → 23,1%" in page and "-1,9" in page
    assert "Respondentlərin 23,1%-i planı bilir." in page


def test_each_record_links_to_its_page(client, world):
    html = client.get(url_of("plans:activity", world.activity.plan.slug, "5.1")).content.decode()

    for url in (
        url_of("findings:indicator", "round-2022", "nap_aware"),
        url_of("surveys:questionnaire", "round-2022", 1) + "#q-nap_aware",
        url_of("findings:study", "round-2022") + f"#finding-{world.finding.pk}",
        url_of("findings:study", "round-2022") + f"#recommendation-{world.recommendation.pk}",
        url_of("engagement:event", world.event.slug),
        url_of("engagement:proposal", world.overdue.number),
        url_of("disclosure:checklist") + f"#checklist-item-{world.item.code}",
    ):
        assert f'href="{url}"' in html, url


# --- The way back ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [
    ("findings:indicator", "round-2022", "nap_aware"),
    ("findings:study", "round-2022"),  # its indicators, findings and recommendations
    ("surveys:questionnaire", "round-2022", 1),
    ("engagement:event", "<event>"),
    ("engagement:proposal", "<proposal>"),
    ("disclosure:checklist",),
    ("disclosure:organization", "<municipality>"),
])
def test_every_records_page_links_back_to_the_activity(client, world, page):
    name, *args = page
    places = {"<event>": world.event.slug, "<proposal>": world.overdue.number, "<municipality>": world.municipality.slug}
    html = client.get(url_of(name, *[places.get(arg, arg) for arg in args])).content.decode()

    assert f'href="{url_of("plans:activity", world.activity.plan.slug, "5.1")}"' in html


def test_the_results_page_names_the_activity_of_each_finding(client, world):
    page = text_of(client.get(url_of("findings:study", "round-2022")))

    assert "23.1% of respondents know the plan. NAP activity: 5.1 Municipal social-media pages" in page


def test_the_checklist_names_the_activities_each_item_shows(client, world):
    page = text_of(client.get(url_of("disclosure:checklist")))

    assert "NAP activity: 5.1 Municipal social-media pages" in page


# --- Query budget --------------------------------------------------------------------------------------


def add_one_more_of_everything(world, number: int) -> None:
    """Another round with the same indicator, and one more record of every kind."""
    previous = world.round_2022 if number == 0 else Study.objects.get(slug=f"round-extra-{number - 1}")
    study = StudyFactory(organization=world.round_2022.organization, plan=world.activity.plan, slug=f"round-extra-{number}", previous=previous)
    made = indicator(study, world.activity, "nap_aware", 20 + number, 70)
    indicator(study, world.activity, f"extra_{number}", 5, 50)
    question(study, world.activity, f"extra_{number}", f"Extra question {number}")
    Finding.objects.create(study=study, indicator=made, status=Finding.Status.PUBLISHED, text_az="{percent}", text_en="{percent}")
    Recommendation.objects.create(study=study, text_az="Tövsiyə", text_en="Recommendation").activities.add(world.activity)
    EventFactory().activities.add(world.activity)
    ProposalFactory(activity=world.activity, submitted_on=dt.date(2022, 5, 1), status=Proposal.Status.SUBMITTED)
    item = ItemFactory()
    item.activities.add(world.activity)
    PublicationFactory(item=item, published_on=timezone.localdate())


@pytest.mark.parametrize("who", ["anonymous", "coordinator"])
def test_the_chain_costs_the_same_queries_whatever_the_number_of_records_and_rounds(
    world, coordinator, who, django_assert_max_num_queries
):
    user = AnonymousUser() if who == "anonymous" else coordinator
    evidence_chain(world.activity, user)  # warm what is cached per process (content types, roles)

    with django_assert_max_num_queries(20) as few:
        chain = evidence_chain(world.activity, user)
    assert len(chain.indicators) == (2 if who == "anonymous" else 3)
    for number in range(3):
        add_one_more_of_everything(world, number)

    with django_assert_max_num_queries(len(few.captured_queries)):
        chain = evidence_chain(world.activity, user)
    assert len(chain.indicators) == (2 if who == "anonymous" else 3) + 6
    assert len(chain.events) == (1 if who == "anonymous" else 2) + 3


def test_a_newer_round_compares_with_its_own_previous_round(world):
    add_one_more_of_everything(world, 0)

    with translation.override("en"):
        chain = evidence_chain(world.activity, AnonymousUser())
        links = {(link.indicator.study.slug, link.indicator.code): link for link in chain.indicators}

        newest = links[("round-extra-0", "nap_aware")]
        assert newest.previous.study.slug == "round-2022"
        assert newest.percent_text == "28.6" and newest.previous_text == "23.1" and newest.change_text == "+5.5"
    assert links[("round-extra-0", "extra_0")].previous is None


# --- Demo data ----------------------------------------------------------------------------------------


def test_the_demo_checklist_shows_the_2020_2022_plans_municipal_activities(settings):
    from ogmonitor.demo.loaders.disclosure import load_disclosure
    from ogmonitor.demo.loaders.places import load_places
    from ogmonitor.demo.loaders.plans import load_plans
    from ogmonitor.demo.loaders.users import load_users
    from ogmonitor.disclosure.models import Item

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_places()
    load_plans()
    load_users()
    load_disclosure()
    load_disclosure()  # again: the links are set, not added twice

    linked = Item.activities.through.objects.select_related("activity__plan")
    assert linked.count() == 14
    assert {row.activity.plan.slug for row in linked} == {"nap-2020-2022"}
    assert all(row.activity.involves_municipalities for row in linked)
    budget = Item.objects.get(code="budget-approved")
    assert [activity.number for activity in budget.activities.all()] == ["5.1"]
    assert not Item.objects.get(code="cbo-projects").activities.exists()


def test_a_demo_item_naming_an_activity_the_plan_lacks_is_a_clear_error():
    from ogmonitor.demo.loaders.common import DemoDataError
    from ogmonitor.demo.loaders.disclosure import link_activities
    from ogmonitor.plans.factories import ActionPlanFactory

    item = ItemFactory(code="budget")
    categories = [{"items": [{"code": "budget", "nap_activities": ["9.9"]}]}]

    link_activities("not-loaded", categories, {"budget": (item, "")})  # without the plan: left unlinked
    assert not item.activities.exists()
    ActionPlanFactory(slug="nap-2020-2022")
    with pytest.raises(DemoDataError, match="no activity 9.9 in plan nap-2020-2022"):
        link_activities("nap-2020-2022", categories, {"budget": (item, "")})
