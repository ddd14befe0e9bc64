"""The world of the permission matrix and its expectations (see ``test_permission_matrix``).

The world: two NGOs, two municipalities, two communities, and beside each published record an
unpublished twin, owned by one side or the other. NGO A runs the published study ``study-a`` and
the study ``draft-a`` still collecting data, in which the enumerator is assigned community C1
only; NGO B runs ``study-b`` and ``draft-b``. Municipality M1 (in C1) has an editor; M2 (in C2)
has none. ``build_world()`` makes it with the apps' factories and services.

The expectations: the cast (:data:`CAST`); :data:`MARKERS`, words written into the texts of
records not everybody may see, each with its audience (a page, an export or an API answer that
shows a marker to anyone else is a leak, whatever its status code); the rules
(:func:`allowed`); and :data:`TABLE`, every URL of the project with its rule and the objects it
is requested for, the "own" and the "other" of each member of the cast.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token

from ogmonitor.accounts.factories import UserFactory
from ogmonitor.accounts.roles import Role
from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.engagement import events as event_service
from ogmonitor.engagement import proposals as proposal_service
from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    ParticipantCountFactory,
    ProposalFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import (
    EventDocument,
    EventSource,
    PlatformDocument,
    PressPublication,
)
from ogmonitor.findings.models import Finding, Indicator, Recommendation
from ogmonitor.findings.services import compute_study
from ogmonitor.logframe.factories import (
    IndicatorFactory as ProjectIndicatorFactory,
)
from ogmonitor.logframe.factories import (
    ManualValueFactory,
    OnlinePaymentAssistanceFactory,
    ProjectActivityFactory,
    ProjectFactory,
    TerminalRequestFactory,
)
from ogmonitor.places.factories import (
    CommunityFactory,
    DistrictFactory,
    MunicipalityFactory,
    OrganizationFactory,
)
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.plans.models import (
    AssessmentEvidence,
    AssessmentStatus,
    Completion,
    LocalAssessment,
    LocalTarget,
)
from ogmonitor.portal.models import DatasetSettings
from ogmonitor.reports.models import Report
from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, StudyMemberFactory
from ogmonitor.surveys.models import ImportBatch, Study, StudyMember, Submission

# --- The cast -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One member of the cast, described by what the rules ask of them."""

    name: str
    logged_in: bool = True
    role: Role | None = None
    organization: str = ""  # "a", "b" (NGOs) or "m1" (a municipality editor's municipality)
    communities: frozenset = frozenset()  # where an enumerator is assigned (in draft-a)

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_enumerator(self) -> bool:
        return self.role == Role.ENUMERATOR

    @property
    def is_mayor(self) -> bool:
        return self.role == Role.MUNICIPALITY_EDITOR

    def coordinates(self, organization: str) -> bool:
        """Coordinator of ``organization`` ("a" or "b"), or administrator of everything."""
        return self.is_administrator or (self.is_coordinator and organization == self.organization)


CAST = [
    Member("anonymous", logged_in=False),
    Member("no_role"),
    Member("enumerator", role=Role.ENUMERATOR, communities=frozenset({"c1"})),
    Member("mayor_m1", role=Role.MUNICIPALITY_EDITOR, organization="m1"),
    Member("coordinator_a", role=Role.COORDINATOR, organization="a"),
    Member("coordinator_b", role=Role.COORDINATOR, organization="b"),
    Member("administrator", role=Role.ADMINISTRATOR),
]
BY_NAME = {member.name: member for member in CAST}


# --- Markers: texts of records only some may see ---------------------------------------------------

#: marker → who may see it (names of the cast). Everyone else must never receive it.
MARKERS = {
    "HIDDEN-STUDY-A": {"administrator", "coordinator_a", "enumerator"},  # the enumerator works on it
    "HIDDEN-STUDY-B": {"administrator", "coordinator_b"},
    "HIDDEN-FINDING-A": {"administrator", "coordinator_a"},  # a draft finding of a published study
    "HIDDEN-FINDING-B": {"administrator", "coordinator_b"},
    "HIDDEN-IDENTITY-A": {"administrator", "coordinator_a"},  # a respondent's name
    "HIDDEN-ANSWER-A": {"administrator", "coordinator_a"},  # another's interview in draft-a
    "ENUMERATOR-ANSWER-A": {"administrator", "coordinator_a", "enumerator"},  # the enumerator's own
    "HIDDEN-EVENT-A": {"administrator", "coordinator_a", "coordinator_b", "mayor_m1"},  # in M1
    "HIDDEN-EVENT-B": {"administrator", "coordinator_a", "coordinator_b"},  # in M2
    "HIDDEN-PROPOSAL-A": {"administrator", "coordinator_a", "coordinator_b", "mayor_m1"},  # to M1
    "HIDDEN-PROPOSAL-B": {"administrator", "coordinator_a", "coordinator_b"},  # to M2
    "HIDDEN-PLATFORM": {"administrator", "coordinator_a", "coordinator_b"},
    "HIDDEN-PROJECT-A": {"administrator", "coordinator_a"},
    "HIDDEN-PROJECT-B": {"administrator", "coordinator_b"},
    "PARTICIPANT-NAME": {"administrator", "coordinator_a", "coordinator_b"},  # personal data
    # A draft local assessment by NGO A: only its coordinators (and administrators) see it.
    "HIDDEN-ASSESSMENT": {"administrator", "coordinator_a"},
}


# --- The world -------------------------------------------------------------------------------------


@dataclass
class World:
    """The cast's users and the objects, by name (``world.o.studies["draft-a"].study``…)."""

    users: dict = field(default_factory=dict)  # cast name → User (no entry for anonymous)
    o: SimpleNamespace = field(default_factory=SimpleNamespace)  # the objects, by name
    media: object = None  # where its uploads are stored (MEDIA_ROOT), set by the fixture


SAMPLE_ANSWERS = {"aware": "yes", "heard_from": ["municipality"], "meetings": "2", "satisfaction": "7"}


def _interview(questionnaire, community, user, *, comment="", full_name="", draft=False) -> Submission:
    respondent = {"community": community}
    if full_name:
        respondent["full_name"] = full_name
    submission, _created = submissions.record_submission(
        questionnaire, uuid.uuid4(), {**SAMPLE_ANSWERS, "comment": comment}, respondent,
        source=Submission.Source.ENUMERATOR, user=user, draft=draft,
    )
    return submission


def _study(world: World, key: str, *, organization, status, title: str, communities, plan,
           hidden: str, comment: str = "", full_name: str = "") -> SimpleNamespace:
    """A study with a questionnaire, an interview, an indicator with results, a published and a
    draft finding, a recommendation, a report, an import and a self-completion link. ``hidden``
    is the marker of what only its coordinators see: the draft finding's text and, for a study
    not published, the indicator's and the recommendation's. Its coordinator's interview (in C2)
    has ``comment`` as its free-text answer and ``full_name`` as the respondent's name."""
    o = world.o
    coordinator = world.users[f"coordinator_{key[-1]}"]
    study = StudyFactory(slug=key, organization=organization, status=status, plan=plan, communities=communities,
                         title_az=title, title_en=title, period_start=dt.date(2022, 5, 1))
    questionnaire = QuestionnaireFactory(study=study)
    interview = _interview(questionnaire, communities[1], coordinator, comment=comment or f"Şərh {key}",
                           full_name=full_name)
    private = title if status != Study.Status.PUBLISHED else "Xəbərdarlıq"
    indicator = Indicator.objects.create(study=study, code="aware", title_az=private, title_en=private,
                                         question_name="aware", numerator_choices=["yes"])
    compute_study(study)
    published = Finding.objects.create(study=study, indicator=indicator, text_az="{percent}% xəbərdardır.",
                                       text_en="{percent}% are aware.", status=Finding.Status.PUBLISHED, position=1)
    draft = Finding.objects.create(study=study, text_az=hidden, text_en=hidden, status=Finding.Status.DRAFT,
                                   position=2)
    advice = title if status != Study.Status.PUBLISHED else "Məlumatlandırın"
    recommendation = Recommendation.objects.create(study=study, text_az=advice, text_en=advice, addressee=o.m1)
    recommendation.findings.add(published)
    report = Report.objects.create(study=study, version=1, language="az", format=Report.Format.PDF,
                                   status=Report.Status.DONE, is_public=True)
    report.file.save(f"{key}-v1.pdf", ContentFile(b"%PDF-1.4\n%matrix\n"), save=True)
    unlisted = Report.objects.create(study=study, version=2, language="en", format=Report.Format.PDF,
                                    status=Report.Status.DONE, is_public=False)
    unlisted.file.save(f"{key}-v2.pdf", ContentFile(b"%PDF-1.4\n%matrix\n"), save=True)
    batch = ImportBatch.objects.create(
        study=study, questionnaire=questionnaire, file=ContentFile(b"aware\nyes\n", name=f"{key}.csv"),
        filename=f"{key}.csv", file_sha256="0" * 64, format="plain", status=ImportBatch.Status.DONE,
        total_rows=1, processed_rows=1, created_by=coordinator,
    )
    link = submissions.create_self_link(study, coordinator, label=f"Link {key}")
    helper = StudyMemberFactory(study=study, user=UserFactory(username=f"helper-{key}"),
                                role=StudyMember.Role.COORDINATOR)
    return SimpleNamespace(
        study=study, questionnaire=questionnaire, interview=interview, indicator=indicator, finding=published,
        draft_finding=draft, recommendation=recommendation, report=report, private_report=unlisted, batch=batch,
        link=link, member=helper, result=indicator.results.order_by("pk").first(),
    )


def build_world() -> World:
    world = World()
    o = world.o

    # Places: two communities of one district, a municipality in each, two NGOs.
    o.district = DistrictFactory(code="AZ-MTX", name_az="Matris", name_en="Matrix")
    o.c1 = CommunityFactory(district=o.district, name_az="Birinci", name_en="First")
    o.c2 = CommunityFactory(district=o.district, name_az="İkinci", name_en="Second")
    o.m1 = MunicipalityFactory(community=o.c1, district=o.district)
    o.m2 = MunicipalityFactory(community=o.c2, district=o.district)
    o.ngo_a = OrganizationFactory(name_az="QHT A", name_en="NGO A")
    o.ngo_b = OrganizationFactory(name_az="QHT B", name_en="NGO B")
    o.activity = ActivityFactory(number="1.1", title_az="Açıq büdcə", title_en="Open budget")
    o.plan = o.activity.plan
    o.area = o.activity.area

    # The cast.
    organizations = {"a": o.ngo_a, "b": o.ngo_b, "m1": o.m1}
    for member in CAST:
        if member.logged_in:
            world.users[member.name] = UserFactory(
                username=member.name, role=member.role, organization=organizations.get(member.organization),
            )
    enumerator = world.users["enumerator"]
    enumerator.communities.set([o.c1])

    # Studies: each NGO a published one and one still collecting.
    communities = [o.c1, o.c2]
    o.studies = {
        "study-a": _study(world, "study-a", organization=o.ngo_a, status=Study.Status.PUBLISHED,
                          title="Monitorinq A", communities=communities, plan=o.plan, hidden="HIDDEN-FINDING-A"),
        "draft-a": _study(world, "draft-a", organization=o.ngo_a, status=Study.Status.COLLECTING,
                          title="HIDDEN-STUDY-A", communities=communities, plan=o.plan, hidden="HIDDEN-FINDING-A",
                          comment="HIDDEN-ANSWER-A", full_name="HIDDEN-IDENTITY-A"),
        "study-b": _study(world, "study-b", organization=o.ngo_b, status=Study.Status.PUBLISHED,
                          title="Monitorinq B", communities=communities, plan=o.plan, hidden="HIDDEN-FINDING-B"),
        "draft-b": _study(world, "draft-b", organization=o.ngo_b, status=Study.Status.COLLECTING,
                          title="HIDDEN-STUDY-B", communities=communities, plan=o.plan, hidden="HIDDEN-FINDING-B"),
    }
    # In draft-a the enumerator, assigned C1 only, has sent one interview and keeps another as a draft.
    draft_a = o.studies["draft-a"]
    StudyMemberFactory(study=draft_a.study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=[o.c1])
    draft_a.enumerator_interview = _interview(draft_a.questionnaire, o.c1, enumerator, comment="ENUMERATOR-ANSWER-A")
    draft_a.enumerator_draft = _interview(draft_a.questionnaire, o.c1, enumerator, comment="ENUMERATOR-ANSWER-A",
                                          draft=True)

    _engagement(world)
    _projects(world)
    _disclosure(world)

    # Local monitoring: a draft assessment by NGO A with an uploaded document, a published one,
    # and a local target under the activity.
    o.assessment = LocalAssessment.objects.create(
        activity=o.activity, municipality=o.m1, district=o.district, assessed_on=dt.date(2022, 6, 1),
        completion=Completion.NOT_STARTED, narrative="HIDDEN-ASSESSMENT", assessed_by=o.ngo_a,
    )
    o.assessment_document = AssessmentEvidence.objects.create(
        assessment=o.assessment, title="Akt", document=ContentFile(b"%PDF-1.4 HIDDEN-ASSESSMENT", name="akt.pdf"),
    )
    o.published_assessment = LocalAssessment.objects.create(
        activity=o.activity, district=o.district, assessed_on=dt.date(2022, 7, 1), completion=Completion.LIMITED,
        narrative="Qiymətləndirmə", assessed_by=o.ngo_a, status=AssessmentStatus.PUBLISHED,
    )
    o.target = LocalTarget.objects.create(activity=o.activity, district=o.district, title_az="Yerli hədəf",
                                          title_en="Local target")
    # What only the admin lists: the open-data settings, a token.
    o.dataset_settings = DatasetSettings.objects.create(dataset="events")
    o.token = Token.objects.create(user=world.users["administrator"])
    return world


def _engagement(world: World) -> None:
    o, users = world.o, world.users
    o.event_a = EventFactory(title_az="Məşvərət A", title_en="Consultation A", organization=o.ngo_a,
                             municipality=o.m1, community=o.c1, plan=o.plan, date=dt.date(2022, 5, 10))
    o.hidden_event_a = EventFactory(title_az="HIDDEN-EVENT-A", title_en="HIDDEN-EVENT-A", organization=o.ngo_a,
                                    municipality=o.m1, community=o.c1, plan=o.plan, is_published=False,
                                    date=dt.date(2022, 6, 1))
    o.hidden_event_b = EventFactory(title_az="HIDDEN-EVENT-B", title_en="HIDDEN-EVENT-B", organization=o.ngo_b,
                                    municipality=o.m2, community=o.c2, plan=o.plan, is_published=False,
                                    date=dt.date(2022, 6, 2))
    coordinator_a = users["coordinator_a"]
    for event in (o.event_a, o.hidden_event_a, o.hidden_event_b):
        event.participation = event_service.add_person(event, coordinator_a, name="PARTICIPANT-NAME")
        ParticipantCountFactory(event=event, count=7)
    o.source = EventSource.objects.create(event=o.event_a, position=1, url="https://example.org/news/1",
                                          title="Xəbər")
    o.document = EventDocument.objects.create(event=o.event_a, file=ContentFile(b"%PDF-1.4\n", name="agenda.pdf"),
                                              caption="Gündəlik")
    o.hidden_document = EventDocument.objects.create(event=o.hidden_event_a, caption="Gündəlik",
                                                     file=ContentFile(b"%PDF-1.4\n", name="hidden-agenda.pdf"))
    o.press_release = event_service.create_press_release_draft(o.event_a, coordinator_a)
    o.press_publication = PressPublication.objects.create(press_release=o.press_release, outlet="Qəzet",
                                                          url="https://example.org/news/2")

    o.proposal_a = ProposalFactory(event=o.event_a, organization=o.ngo_a, addressee=o.m1, community=o.c1,
                                   text_az="Terminal quraşdırılsın", text_en="Install a terminal")
    o.proposal_a.steps.create(from_status="", to_status="draft", on=dt.date(2022, 5, 10))
    proposal_service.transition(o.proposal_a, "submitted", on=dt.date(2022, 5, 12), user=coordinator_a,
                                note="Məktubla", submitted_via="letter")
    o.hidden_proposal_a = ProposalFactory(text_az="HIDDEN-PROPOSAL-A", text_en="HIDDEN-PROPOSAL-A",
                                          organization=o.ngo_a, addressee=o.m1, is_published=False)
    o.hidden_proposal_b = ProposalFactory(text_az="HIDDEN-PROPOSAL-B", text_en="HIDDEN-PROPOSAL-B",
                                          organization=o.ngo_b, addressee=o.m2, is_published=False)
    proposal_service.transition(o.hidden_proposal_b, "submitted", on=dt.date(2022, 5, 12),
                                user=users["coordinator_b"], submitted_via="letter")

    o.platform = DialoguePlatformFactory(district=o.district, founding_event=o.event_a)
    o.membership = MembershipFactory(platform=o.platform, organization=o.m1, joined_on=dt.date(2017, 5, 19))
    o.vote = VoteEventFactory(platform=o.platform, event=o.event_a)
    o.platform_document = PlatformDocument.objects.create(platform=o.platform, kind="charter", title="Əsasnamə",
                                                          vote=o.vote, adopted_on=dt.date(2017, 5, 19))
    o.hidden_platform = DialoguePlatformFactory(name_az="HIDDEN-PLATFORM", name_en="HIDDEN-PLATFORM",
                                                district=o.district, is_published=False)
    o.hidden_membership = MembershipFactory(platform=o.hidden_platform, organization=o.m2)


def _projects(world: World) -> None:
    o = world.o
    o.projects = {}
    for key, organization, title, published in (
        ("project-a", o.ngo_a, "Layihə A", True),
        ("hidden-a", o.ngo_a, "HIDDEN-PROJECT-A", False),
        ("hidden-b", o.ngo_b, "HIDDEN-PROJECT-B", False),
    ):
        project = ProjectFactory(slug=key, organization=organization, plan=o.plan, title_az=title, title_en=title,
                                 is_published=published)
        project.municipalities.set([o.m1, o.m2])
        # A hidden project's parts carry its marker too: its activity and indicators.
        activity = ProjectActivityFactory(project=project, code="1.1", title_az=title, title_en=title)
        manual = ProjectIndicatorFactory(project=project, activity=activity, code="M1", source="manual",
                                         title_az=title, title_en=title)
        ProjectIndicatorFactory(project=project, code="E1", source="events", target=Decimal(2),
                                title_az=title, title_en=title)
        o.projects[key] = SimpleNamespace(
            project=project, activity=activity, manual=manual, value=ManualValueFactory(indicator=manual),
            families=OnlinePaymentAssistanceFactory(project=project, community=o.c1),
            terminal=TerminalRequestFactory(project=project, community=o.c1, addressee=o.m1),
        )


def _disclosure(world: World) -> None:
    o = world.o
    o.item = ItemFactory(code="budget", name_az="Büdcə", name_en="Budget")
    o.period = PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    o.publication_m1 = PublicationFactory(organization=o.m1, item=o.item, published_on=dt.date(2022, 3, 15))
    o.publication_m2 = PublicationFactory(organization=o.m2, item=o.item, published_on=dt.date(2022, 3, 16))


# --- What a URL is about: its objects, and the facts the rules ask about them ----------------------


@dataclass(frozen=True)
class Thing:
    """The object a URL shows or changes, as the rules see it."""

    organization: str = ""  # "a" / "b": the NGO that keeps it ("" none)
    published: bool = True
    municipality: str = ""  # "m1" / "m2": the municipality it concerns
    assigned: bool = False  # a study the enumerator is assigned to
    community: str = ""  # "c1" / "c2": the community data are entered for ("" any)
    author: str = ""  # who made a submission ("enumerator" or a coordinator)
    answer: bool = False  # a step of a proposal that records the authority's answer


@dataclass(frozen=True)
class Target:
    """One object a URL is requested for: its label in failure messages, its URL kwargs, its Thing."""

    label: str
    kwargs: dict
    thing: Thing = Thing()
    rule: str = ""  # this object's own rule, when it differs from the URL's (uploaded files)
    post_rule: str = ""  # the rule of a POST to it, when it differs from the GET's (the admin's)



def allowed(rule: str, member: Member, thing: Thing) -> bool:
    """The expectation: may ``member`` use a URL of ``rule`` on ``thing``?"""
    m, t = member, thing
    coordinates = m.coordinates(t.organization)
    engagement_manager = m.is_administrator or m.is_coordinator
    own_municipality = m.is_mayor and t.municipality == m.organization
    rules = {
        "public": True,
        "authenticated": m.logged_in,
        "staff-site": m.is_administrator,  # the Django admin: is_staff, which only administrators get
        "coordinator": m.is_administrator or m.is_coordinator,
        "published-only": t.published,  # the API and open data: the public view, whoever asks
        "study-visible": t.published or coordinates or (m.is_enumerator and t.assigned),
        "study-coordinator": coordinates,
        "study-enumerator-in-community": coordinates or (
            m.is_enumerator and t.assigned and (not t.community or t.community in m.communities)),
        "submission-author-or-coordinator": coordinates or (m.is_enumerator and t.author == "enumerator"),
        "report-public-or-coordinator": t.published or coordinates,
        "engagement-visible": t.published or engagement_manager or own_municipality,
        "engagement-manager": engagement_manager,
        "engagement-editor": coordinates if t.organization else engagement_manager,
        "proposal-step": coordinates or (t.answer and own_municipality),
        "project-visible": t.published or coordinates,
        "project-coordinator": coordinates,
        "municipality-editor-own": engagement_manager or own_municipality,
        "assessment-visible": t.published or coordinates,
        "assessment-editor": coordinates,
        "not-found": False,  # nothing there: a 404 for everyone
        "nobody": False,  # refused to all: e.g. adding what only the site creates, in the admin
    }
    return rules[rule]


#: Rules whose refusal must be a 404, whoever asks: the object's existence is not revealed.
HIDING_RULES = {"not-found", "study-visible", "published-only", "report-public-or-coordinator", "engagement-visible",
                "project-visible", "assessment-visible", "assessment-editor"}


@dataclass(frozen=True)
class Entry:
    """How a URL pattern is checked: its rule, the objects it is requested for, and its methods.

    ``methods``: "GET" (a page or a download), "GET POST" (a page with a form: POSTed with an
    empty body too) or "POST" (an action: a GET must answer 405, or refuse).
    """

    rule: str
    targets: object = None  # World → list[Target]; None: the URL takes no arguments
    methods: str = "GET"
    query: str = ""
    #: Markers the URL shows to whoever may open it, by design (a self-completion link shows
    #: its study's title to anyone who has the link).
    shows: frozenset = frozenset()
    #: (World, Target) → the JSON body of its POSTs, when an empty one would stop at validation
    #: before the rule is applied (an interview's community decides who may send it).
    body: object = None


# Target makers: each returns World → [Target], the "own" and the "other" objects of the cast.

STUDY_KEYS = ("study-a", "draft-a", "draft-b")


def study_thing(key: str, **facts) -> Thing:
    """The study at ``key`` as the rules see it (``facts`` change or add to it)."""
    return replace(Thing(organization=key[-1], published=key.startswith("study-"), assigned=key == "draft-a"), **facts)


def studies(extra=lambda study: {}, keys=STUDY_KEYS, slug="slug"):
    """The studies at ``keys``; ``extra(study namespace)`` adds the URL's other kwargs."""
    return lambda w: [Target(key, {slug: key, **extra(w.o.studies[key])}, study_thing(key)) for key in keys]


def submissions_of(status_done=True):
    """Interviews of draft-a (the enumerator's and a coordinator's) and of draft-b."""

    def make(w):
        a, b = w.o.studies["draft-a"], w.o.studies["draft-b"]
        mine = a.enumerator_interview if status_done else a.enumerator_draft
        return [
            Target("draft-a, the enumerator's", {"slug": "draft-a", "uuid": mine.uuid},
                   study_thing("draft-a", author="enumerator")),
            Target("draft-a, a coordinator's", {"slug": "draft-a", "uuid": a.interview.uuid},
                   study_thing("draft-a", author="coordinator")),
            Target("draft-b, a coordinator's", {"slug": "draft-b", "uuid": b.interview.uuid},
                   study_thing("draft-b", author="coordinator")),
        ]

    return make


def reports(make_kwargs):
    def make(w):
        found = []
        for key in STUDY_KEYS:
            s = w.o.studies[key]
            found.append(Target(f"{key} public report", make_kwargs(key, s.report), study_thing(key)))
        s = w.o.studies["study-a"]
        found.append(Target("study-a private report", make_kwargs("study-a", s.private_report),
                            study_thing("study-a", published=False)))
        return found

    return make


def results(w):
    return [Target(key, {"pk": w.o.studies[key].result.pk}, study_thing(key)) for key in STUDY_KEYS]


def events(extra=lambda event: {}):
    def make(w):
        o = w.o
        return [
            Target("event A (published, M1)", {"slug": o.event_a.slug, **extra(o.event_a)},
                   Thing(organization="a", municipality="m1")),
            Target("hidden event A (M1)", {"slug": o.hidden_event_a.slug, **extra(o.hidden_event_a)},
                   Thing(organization="a", municipality="m1", published=False)),
            Target("hidden event B (M2)", {"slug": o.hidden_event_b.slug, **extra(o.hidden_event_b)},
                   Thing(organization="b", municipality="m2", published=False)),
        ]

    return make


def proposals(extra=None, answer=False):
    """The published proposal of NGO A (to M1) and hidden ones of A (to M1) and B (to M2); with
    ``extra`` [(status, records an answer)], one target per status (``answer``: for all)."""

    def make(w):
        o = w.o
        found = []
        for label, proposal, thing in (
            ("proposal A (published, to M1)", o.proposal_a, Thing(organization="a", municipality="m1")),
            ("hidden proposal A (to M1)", o.hidden_proposal_a, Thing(organization="a", municipality="m1", published=False)),
            ("hidden proposal B (to M2)", o.hidden_proposal_b, Thing(organization="b", municipality="m2", published=False)),
        ):
            if extra is None:
                found.append(Target(label, {"number": proposal.number}, replace(thing, answer=answer)))
                continue
            for status, records_answer in extra:
                found.append(Target(f"{label} → {status}", {"number": proposal.number, "status": status},
                                    replace(thing, answer=records_answer)))
        return found

    return make


def platforms(extra=lambda platform, w: {}):
    def make(w):
        o = w.o
        return [
            Target("platform (published)", {"slug": o.platform.slug, **extra(o.platform, w)}, Thing()),
            Target("hidden platform", {"slug": o.hidden_platform.slug, **extra(o.hidden_platform, w)},
                   Thing(published=False)),
        ]

    return make


PROJECT_THINGS = {"project-a": Thing(organization="a"), "hidden-a": Thing(organization="a", published=False),
                  "hidden-b": Thing(organization="b", published=False)}


def projects(extra=lambda project: {}):
    return lambda w: [Target(key, {"slug": key, **extra(p)}, PROJECT_THINGS[key]) for key, p in w.o.projects.items()]


def municipalities(extra=lambda organization, w: {}, slug="slug"):
    def make(w):
        return [
            Target("M1", {slug: w.o.m1.slug, **extra(w.o.m1, w)}, Thing(municipality="m1")),
            Target("M2", {slug: w.o.m2.slug, **extra(w.o.m2, w)}, Thing(municipality="m2")),
        ]

    return make


def media_files(w) -> list[Target]:
    """Uploaded files, each under the rule of the record it belongs to."""
    o = w.o
    a, draft_a = o.studies["study-a"], o.studies["draft-a"]
    return [
        Target("document of event A", {"path": o.document.file.name}, Thing(organization="a", municipality="m1"),
               rule="engagement-visible"),
        Target("document of hidden event A", {"path": o.hidden_document.file.name},
               Thing(organization="a", municipality="m1", published=False), rule="engagement-visible"),
        Target("public report of study-a", {"path": a.report.file.name}, study_thing("study-a"),
               rule="report-public-or-coordinator"),
        Target("private report of study-a", {"path": a.private_report.file.name},
               study_thing("study-a", published=False), rule="report-public-or-coordinator"),
        Target("public report of draft-a", {"path": draft_a.report.file.name}, study_thing("draft-a"),
               rule="report-public-or-coordinator"),
        Target("document of the draft assessment by A", {"path": o.assessment_document.document.name},
               Thing(organization="a", published=False), rule="assessment-visible"),
        Target("XLSForm of draft-a", {"path": draft_a.questionnaire.source_file.name}, study_thing("draft-a"),
               rule="study-coordinator"),
        Target("response file of draft-a", {"path": draft_a.batch.file.name}, study_thing("draft-a"),
               rule="study-coordinator"),
    ]


def interviews(w) -> list[Target]:
    """Interviews sent to a study's API, in C1 and in C2 of draft-a (the enumerator's C1 only)."""
    return [
        Target(f"{key}, in {community.upper()}", {"study_slug": key}, study_thing(key, community=community))
        for key, community in (("draft-a", "c1"), ("draft-a", "c2"), ("study-a", "c1"), ("draft-b", "c1"))
    ]


def interview_body(w, target: Target) -> dict:
    """A complete interview in the target's community. Every member sends the same UUID: each
    request is rolled back, so the interview is new each time."""
    community = {"c1": w.o.c1, "c2": w.o.c2}[target.thing.community]
    return {"uuid": str(uuid.uuid4()), "answers": {"aware": "no"},
            "respondent": {"community": community.slug, "gender": "woman", "interview_date": "2024-03-01"}}


def one(**kwargs_of_world):
    """A single target whose kwargs are computed from the world (public objects)."""
    return lambda w: [Target("the object", {name: value(w) for name, value in kwargs_of_world.items()})]


def api_published(kind: str):
    """A published and an unpublished object for an API detail (``kind`` picks them)."""

    def make(w):
        o = w.o
        pairs = {
            "study": [("study-a", {"slug": "study-a"}, True), ("draft-a", {"slug": "draft-a"}, False)],
            "study_slug": [("study-a", {"study_slug": "study-a"}, True), ("draft-a", {"study_slug": "draft-a"}, False)],
            "recommendation": [("of study-a", {"pk": o.studies["study-a"].recommendation.pk}, True),
                               ("of draft-a", {"pk": o.studies["draft-a"].recommendation.pk}, False)],
            "report": [("public of study-a", {"pk": o.studies["study-a"].report.pk}, True),
                       ("private of study-a", {"pk": o.studies["study-a"].private_report.pk}, False),
                       ("of draft-a", {"pk": o.studies["draft-a"].report.pk}, False)],
            "event": [("event A", {"slug": o.event_a.slug}, True), ("hidden event A", {"slug": o.hidden_event_a.slug}, False)],
            "proposal": [("proposal A", {"number": o.proposal_a.number}, True),
                         ("hidden proposal A", {"number": o.hidden_proposal_a.number}, False)],
            "platform": [("platform", {"slug": o.platform.slug}, True),
                         ("hidden platform", {"slug": o.hidden_platform.slug}, False)],
            "project": [("project-a", {"slug": "project-a"}, True), ("hidden-a", {"slug": "hidden-a"}, False)],
        }[kind]
        return [Target(label, kwargs, Thing(published=published)) for label, kwargs, published in pairs]

    return make


# --- The table: every URL pattern of the project, by name ----------------------------------------------
# Admin URLs are not listed here: they are made for every registered model by the test
# (``admin_entries``), all for the "staff-site" rule.

P = "GET POST"

TABLE: dict[str, Entry] = {
    # Site-wide
    "set_language": Entry("public", methods="POST"),
    "media": Entry("public", lambda w: media_files(w)),
    "healthz": Entry("public"),
    "javascript-catalog": Entry("public"),
    "favicon.ico": Entry("public"),
    # Accounts
    "accounts:login": Entry("public", methods=P),
    "accounts:logout": Entry("public", methods="POST"),
    "accounts:password_change": Entry("authenticated", methods=P),
    "accounts:password_change_done": Entry("authenticated"),
    # Portal and open data (published rows only, whoever asks)
    "portal:home": Entry("public"),
    "portal:datasets": Entry("public"),
    "portal:datapackage": Entry("public"),
    **{f"portal:{name}": Entry("public", one(slug=lambda w: "events")) for name in (
        "dataset", "dataset_schema", "dataset_csv", "dataset_json")},
    # Places
    "places:districts": Entry("public"),
    "places:district": Entry("public", one(code=lambda w: w.o.district.code)),
    "places:community": Entry("public", one(slug=lambda w: w.o.c1.slug)),
    "places:organizations": Entry("public"),
    "places:organization": Entry("public", one(slug=lambda w: w.o.ngo_a.slug)),
    "places:organization_edit": Entry("municipality-editor-own", municipalities(), methods=P),
    # Plans
    "plans:list": Entry("public"),
    "plans:import_template": Entry("public", lambda w: [Target("csv", {"fmt": "csv"}), Target("xlsx", {"fmt": "xlsx"})]),
    "plans:detail": Entry("public", one(slug=lambda w: w.o.plan.slug)),
    "plans:import": Entry("coordinator", one(slug=lambda w: w.o.plan.slug), methods=P),
    "plans:activity": Entry("public", one(slug=lambda w: w.o.plan.slug, number=lambda w: "1.1")),
    "plans:dashboard": Entry("public", one(slug=lambda w: w.o.plan.slug)),
    "plans:dashboard_xlsx": Entry("public", one(slug=lambda w: w.o.plan.slug)),
    "plans:weights": Entry("coordinator", one(slug=lambda w: w.o.plan.slug), methods=P),
    **{f"plans:{name}": Entry("coordinator", one(slug=lambda w: w.o.plan.slug, number=lambda w: "1.1"), methods=P)
       for name in ("assess", "milestones", "target_create")},
    "plans:target": Entry("public", one(slug=lambda w: w.o.plan.slug, number=lambda w: "1.1", code=lambda w: w.o.target.code)),
    **{f"plans:{name}": Entry("coordinator", one(slug=lambda w: w.o.plan.slug, number=lambda w: "1.1",
                                                  code=lambda w: w.o.target.code), methods=P)
       for name in ("target_edit", "target_milestones")},
    "plans:assessments": Entry("coordinator"),
    "plans:assessment": Entry("assessment-visible", lambda w: [
        Target("draft assessment by A", {"pk": w.o.assessment.pk}, Thing(organization="a", published=False)),
        Target("published assessment by A", {"pk": w.o.published_assessment.pk}, Thing(organization="a")),
    ]),
    "plans:assessment_edit": Entry("assessment-editor", lambda w: [
        Target("draft assessment by A", {"pk": w.o.assessment.pk}, Thing(organization="a", published=False))], methods=P),
    "plans:assessment_transition": Entry("assessment-editor", lambda w: [
        Target("review the draft by A", {"pk": w.o.assessment.pk, "action": "review"},
               Thing(organization="a", published=False))], methods="POST"),
    # Engagement: how authorities answer (published records only, whoever asks)
    "engagement:responsiveness": Entry("public"),
    "engagement:responsiveness_export": Entry("public", lambda w: [Target("csv", {"fmt": "csv"}), Target("xlsx", {"fmt": "xlsx"})]),
    # Studies
    "surveys:list": Entry("public"),
    "surveys:study_create": Entry("coordinator", methods=P),
    "surveys:study": Entry("study-visible", studies()),
    "surveys:study_edit": Entry("study-coordinator", studies(), methods=P),
    "surveys:study_status": Entry("study-coordinator", studies(), methods="POST"),
    "surveys:study_members": Entry("study-coordinator", studies(), methods=P),
    "surveys:study_member_remove": Entry("study-coordinator", studies(lambda s: {"member_id": s.member.pk}),
                                         methods="POST"),
    "surveys:questionnaire_upload": Entry("study-coordinator", studies(), methods=P),
    "surveys:questionnaire": Entry("study-visible", studies(lambda s: {"version": 1})),
    "surveys:questionnaire_xlsform": Entry("study-visible", studies(lambda s: {"version": 1})),
    # Data entry and self-completion links
    "surveys:entry": Entry("study-enumerator-in-community", studies()),
    "surveys:entry_new": Entry("study-enumerator-in-community", studies(), methods=P),
    "surveys:entry_edit": Entry("submission-author-or-coordinator", submissions_of(status_done=False), methods=P),
    "surveys:entry_done": Entry("submission-author-or-coordinator", submissions_of()),
    "surveys:self_links": Entry("study-coordinator", studies(), methods=P),
    "surveys:self_link_toggle": Entry("study-coordinator", studies(lambda s: {"pk": s.link.pk}), methods="POST"),
    # Whoever has a link of a study collecting data sees the study's title: it asks them to answer.
    "surveys:self_form": Entry("public", lambda w: [Target("draft-a link", {"token": w.o.studies["draft-a"].link.token})],
                               methods=P, shows=frozenset({"HIDDEN-STUDY-A"})),
    "surveys:self_thanks": Entry("public", lambda w: [Target("draft-a link", {"token": w.o.studies["draft-a"].link.token})],
                                 shows=frozenset({"HIDDEN-STUDY-A"})),
    # Review of submissions
    "surveys:review_list": Entry("study-enumerator-in-community", studies()),
    "surveys:review_detail": Entry("submission-author-or-coordinator", submissions_of()),
    "surveys:review_edit": Entry("study-coordinator", submissions_of(), methods=P),
    "surveys:review_status": Entry("study-coordinator", lambda w: [
        Target(f"{t.label}, {action}", {**t.kwargs, "action": action}, t.thing)
        for t in submissions_of()(w) for action in ("approve", "reject")
    ], methods="POST"),
    # Respondents' privacy
    "surveys:study_privacy": Entry("study-coordinator", studies(), methods=P),
    "surveys:erase_study": Entry("study-coordinator", studies(), methods="POST"),
    "surveys:erase_respondent": Entry("study-coordinator", submissions_of(), methods=P),
    # Response imports
    "surveys:import_list": Entry("study-coordinator", studies()),
    "surveys:import_upload": Entry("study-coordinator", studies(), methods=P),
    **{f"surveys:{name}": Entry("study-coordinator", studies(lambda s: {"pk": s.batch.pk}), methods=methods)
       for name, methods in (("import_detail", "GET"), ("import_mapping", P), ("import_check", P),
                             ("import_commit", "POST"), ("import_progress", "GET"),
                             ("import_progress_fragment", "GET"))},
    # Results, findings, recommendations
    "findings:result": Entry("study-visible", results),
    "findings:study": Entry("study-visible", studies()),
    "findings:indicator": Entry("study-visible", studies(lambda s: {"code": "aware"})),
    "findings:recompute": Entry("study-coordinator", studies(), methods="POST"),
    "findings:indicator_create": Entry("study-coordinator", studies(), methods=P),
    "findings:indicator_choices": Entry("study-coordinator", studies()),
    "findings:indicator_edit": Entry("study-coordinator", studies(lambda s: {"code": "aware"}), methods=P),
    "findings:findings_draft": Entry("study-coordinator", studies(), methods="POST"),
    "findings:findings_publish": Entry("study-coordinator", studies(), methods="POST"),
    "findings:finding_create": Entry("study-coordinator", studies(), methods=P),
    "findings:finding_edit": Entry("study-coordinator", studies(lambda s: {"pk": s.draft_finding.pk}), methods=P),
    "findings:recommendation_create": Entry("study-coordinator", studies(), methods=P),
    "findings:recommendation_edit": Entry("study-coordinator", studies(lambda s: {"pk": s.recommendation.pk}), methods=P),
    "findings:recommendation_status": Entry("study-coordinator", studies(lambda s: {"pk": s.recommendation.pk}),
                                            methods="POST"),
    # Reports
    "reports:list": Entry("study-visible", studies()),
    "reports:request": Entry("study-coordinator", studies(), methods="POST"),
    "reports:row": Entry("study-coordinator", reports(lambda key, report: {"slug": key, "pk": report.pk})),
    "reports:publish": Entry("study-coordinator", reports(lambda key, report: {"slug": key, "pk": report.pk}),
                             methods="POST"),
    "reports:download": Entry("report-public-or-coordinator", reports(lambda key, report: {"slug": key, "pk": report.pk})),
    # Engagement: events
    "engagement:index": Entry("public"),
    "engagement:events": Entry("public"),
    "engagement:event_create": Entry("engagement-manager", methods=P),
    "engagement:event": Entry("engagement-visible", events()),
    "engagement:event_edit": Entry("engagement-editor", events(), methods=P),
    "engagement:event_participants": Entry("engagement-editor", events(), methods=P),
    "engagement:event_participant_remove": Entry(
        "engagement-editor", events(lambda event: {"person_id": event.participation.person_id}), methods="POST"),
    "engagement:event_press_release": Entry("engagement-editor", events(), methods=P),
    "engagement:event_press_release_draft": Entry("engagement-editor", events(), methods="POST"),
    # Engagement: proposals
    "engagement:proposals": Entry("public"),
    "engagement:proposal_add": Entry("engagement-manager", methods=P),
    "engagement:proposals_bulk": Entry("engagement-manager", methods=P),
    "engagement:proposal": Entry("engagement-visible", proposals()),
    "engagement:proposal_edit": Entry("engagement-editor", proposals(), methods=P),
    "engagement:proposal_step": Entry("proposal-step", proposals([("acknowledged", False), ("answered", True)]),
                                      methods="POST"),
    "engagement:proposals_letter": Entry("engagement-manager", municipalities()),
    "engagement:proposals_xlsx": Entry("public", municipalities()),
    # Engagement: dialogue platforms and the chronology
    "engagement:platforms": Entry("public"),
    "engagement:platform_create": Entry("engagement-manager", methods=P),
    "engagement:platform": Entry("engagement-visible", platforms()),
    "engagement:platform_edit": Entry("engagement-editor", platforms(), methods=P),
    "engagement:platform_member_add": Entry("engagement-editor", platforms(), methods=P),
    "engagement:platform_member_end": Entry("engagement-editor", platforms(
        lambda platform, w: {"pk": platform.memberships.first().pk}), methods=P),
    "engagement:platform_vote_add": Entry("engagement-editor", platforms(), methods=P),
    "engagement:platform_document_add": Entry("engagement-editor", platforms(), methods=P),
    "engagement:chronology": Entry("public"),
    "engagement:chronology_export": Entry("public", lambda w: [Target("csv", {"fmt": "csv"}), Target("xlsx", {"fmt": "xlsx"})]),
    "engagement:chronology_plan": Entry("public", one(plan=lambda w: w.o.plan.slug)),
    "engagement:chronology_plan_export": Entry("public", lambda w: [
        Target(fmt, {"plan": w.o.plan.slug, "fmt": fmt}) for fmt in ("csv", "xlsx")]),
    # Projects (logframe)
    "logframe:list": Entry("public"),
    "logframe:project": Entry("project-visible", projects()),
    "logframe:export_xlsx": Entry("project-visible", projects()),
    "logframe:brief_pdf": Entry("project-visible", projects()),
    "logframe:publish": Entry("project-coordinator", projects(), methods="POST"),
    "logframe:outreach": Entry("project-visible", projects()),
    "logframe:record_create": Entry("project-coordinator", projects(lambda p: {"kind": "families"}), methods=P),
    "logframe:record_edit": Entry("project-coordinator", projects(lambda p: {"kind": "terminals", "pk": p.terminal.pk}),
                                  methods=P),
    "logframe:record_delete": Entry("project-coordinator", projects(lambda p: {"kind": "families", "pk": p.families.pk}),
                                    methods="POST"),
    "logframe:indicator": Entry("project-visible", lambda w: [
        Target(f"{t.label} {code}", {**t.kwargs, "code": code}, t.thing) for t in projects()(w) for code in ("M1", "E1")
    ]),
    "logframe:value_add": Entry("project-coordinator", projects(lambda p: {"code": "M1"}), methods=P),
    "logframe:value_delete": Entry("project-coordinator", projects(lambda p: {"code": "M1", "pk": p.value.pk}),
                                   methods="POST"),
    # Disclosure (every publication is public; recording is the municipality's or the NGO's)
    "disclosure:ranking": Entry("public"),
    "disclosure:ranking_xlsx": Entry("public"),
    "disclosure:checklist": Entry("public"),
    "disclosure:organization": Entry("public", municipalities()),
    "disclosure:organization_xlsx": Entry("public", municipalities()),
    "disclosure:record": Entry("municipality-editor-own", municipalities(), methods=P),
    "disclosure:verify": Entry("coordinator", lambda w: [
        Target("publication of M1", {"pk": w.o.publication_m1.pk}, Thing(municipality="m1")),
        Target("publication of M2", {"pk": w.o.publication_m2.pk}, Thing(municipality="m2")),
    ], methods="POST"),
    # The audit log: administrators everything, coordinators their organisation's records
    "audit:log": Entry("coordinator"),
    "audit:export": Entry("coordinator", lambda w: [Target(ext, {"extension": ext}) for ext in ("csv", "xlsx")]),
    "audit:record": Entry("study-coordinator", lambda w: [
        Target(f"finding of {key}", {"kind": "findings.finding", "pk": str(w.o.studies[key].draft_finding.pk)},
               study_thing(key)) for key in ("study-a", "draft-b")
    ]),
    # The API: reads show the public view to everyone; three writes
    "api:schema": Entry("public"),
    "api:docs": Entry("public"),
    "api:redoc": Entry("public"),
    "api:v1:api-root": Entry("public"),
    "api/": Entry("not-found"),  # the JSON 404 of any other address, whoever asks
    **{f"api:v1:{name}-list": Entry("public") for name in (
        "district", "community", "organisation", "plan", "activity", "study", "recommendation", "report", "event",
        "platform", "project", "disclosure-item", "disclosure-period", "disclosure-publication")},
    "api:v1:proposal-list": Entry("public"),  # its POST (a new proposal): POST_TABLE
    "api:v1:district-detail": Entry("public", one(code=lambda w: w.o.district.code)),
    "api:v1:community-detail": Entry("public", one(slug=lambda w: w.o.c1.slug)),
    "api:v1:organisation-detail": Entry("public", one(slug=lambda w: w.o.m1.slug)),
    "api:v1:plan-detail": Entry("public", one(slug=lambda w: w.o.plan.slug)),
    "api:v1:activity-detail": Entry("public", one(pk=lambda w: w.o.activity.pk)),
    "api:v1:study-detail": Entry("published-only", api_published("study")),
    "api:v1:study-comparison": Entry("published-only", api_published("study")),
    "api:v1:study-indicator-list": Entry("published-only", api_published("study_slug")),
    "api:v1:study-finding-list": Entry("published-only", api_published("study_slug")),
    "api:v1:recommendation-detail": Entry("published-only", api_published("recommendation")),
    "api:v1:report-detail": Entry("published-only", api_published("report")),
    "api:v1:event-detail": Entry("published-only", api_published("event")),
    "api:v1:proposal-detail": Entry("published-only", api_published("proposal")),
    "api:v1:platform-detail": Entry("published-only", api_published("platform")),
    "api:v1:project-detail": Entry("published-only", api_published("project")),
    "api:v1:disclosure-item-detail": Entry("public", one(code=lambda w: w.o.item.code)),
    "api:v1:disclosure-period-detail": Entry("public", one(pk=lambda w: w.o.period.pk)),
    "api:v1:disclosure-publication-detail": Entry("public", one(pk=lambda w: w.o.publication_m2.pk)),
    "api:v1:disclosure-ranking": Entry("public"),
    "api:v1:disclosure-checklist": Entry("public", municipalities()),
    "api:v1:study-submissions": Entry("study-enumerator-in-community", interviews, methods="POST",
                                      body=interview_body),
    "api:v1:proposal-transitions": Entry("proposal-step", proposals(answer=True), methods="POST"),
}

#: URLs whose POST follows another rule than their GET (the URL name → the POST's entry).
POST_TABLE: dict[str, Entry] = {
    "api:v1:proposal-list": Entry("engagement-manager", methods="POST"),
}
