"""A synthetic, country-sized dataset: how ogmonitor behaves when a national network runs it.

:func:`generate` writes, for ``municipalities`` invented municipalities spread over the real 66
rayons, what a network monitoring every municipality of Azerbaijan would hold: their communities
and the other local organisations (executive-committee representations, community development
councils, district NGOs and executive authorities), a NAP with areas and activities, survey
rounds of ``respondents`` respondents each answering ``questions`` single-choice questions,
an indicator per question computed by the findings engine, events with participant counts,
proposals at every stage of their lifecycle (some overdue, some answered), disclosure
publications, district dialogue platforms, local assessments and a logframe project.

Everything is marked synthetic: names start "Sintetik"/"Synthetic", slugs start
:data:`SLUG_PREFIX`, and ``is_demo`` is set wherever a model has it. :func:`delete_synthetic_data`
removes exactly that (``generate(replace=True)`` calls it first); :func:`generate` refuses to
add a second dataset beside the first.

Speed matters more here than going through each service row by row: the rows are written with
``bulk_create``, and the answers, the bulk of the data, with the response import's own writers
(``COPY`` on PostgreSQL, ``executemany`` on SQLite: :mod:`ogmonitor.surveys.importing.writers`).
The questionnaires are still uploaded as XLSForms through ``create_questionnaire`` and the
indicators computed by ``compute_study``, so those two are exercised as in production. Each part
commits on its own, which keeps transactions and their locks short at national size; a run that
fails half-way leaves its parts behind, and the next run says to use ``replace``.
"""

import datetime as dt
import io
import random
import time
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Mod
from django.utils import timezone

from ogmonitor.disclosure.index import applies_to_values
from ogmonitor.disclosure.models import Item, Publication
from ogmonitor.engagement.models import (
    DialoguePlatform,
    Event,
    Membership,
    ParticipantCount,
    Proposal,
    ProposalStep,
    VoteEvent,
)
from ogmonitor.engagement.platforms import vote_result
from ogmonitor.findings import drafting
from ogmonitor.findings.models import Indicator
from ogmonitor.findings.services import compute_study
from ogmonitor.lib import aztext
from ogmonitor.logframe.models import Indicator as ProjectIndicator
from ogmonitor.logframe.models import Objective, Project, ProjectActivity
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import (
    ActionPlan,
    Activity,
    Area,
    AssessmentStatus,
    Completion,
    LocalAssessment,
    number_sort_key,
)
from ogmonitor.surveys.importing import writers
from ogmonitor.surveys.importing.pipeline import ParsedRow
from ogmonitor.surveys.models import (
    Answer,
    Channel,
    Gender,
    Question,
    Questionnaire,
    Respondent,
    RespondentCategory,
    Study,
    Submission,
)
from ogmonitor.surveys.services import create_questionnaire

from .loaders.common import read_json
from .loaders.disclosure import load_checklist, load_periods
from .loaders.places import load_districts

#: Every synthetic row with a slug has one starting with this; deletion finds them by it.
SLUG_PREFIX = "synthetic-"
PLAN_SLUG = f"{SLUG_PREFIX}nap"
NETWORK_SLUG = f"{SLUG_PREFIX}monitoring-network"

#: Rows per bulk insert and per chunk of respondents given to the answer writer.
BATCH = 2000
RESPONDENT_CHUNK = 5000

AREAS = 5
ACTIVITIES_PER_AREA = 4
#: Share of questions a respondent leaves unanswered (no Answer row), so "all respondents" and
#: "those who answered" differ as they do in real rounds.
SKIP_RATE = 0.02

AGREE = "agree"  # choice list: yes / partly / no / dont_know
RATING = "rating"  # choice list: r1 (very bad) … r5 (very good)
CHOICE_LISTS = {
    AGREE: [("yes", "Bəli", "Yes"), ("partly", "Qismən", "Partly"), ("no", "Xeyr", "No"),
            ("dont_know", "Bilmirəm", "Don't know")],
    RATING: [("r1", "Çox pis", "Very bad"), ("r2", "Pis", "Bad"), ("r3", "Orta", "Average"),
             ("r4", "Yaxşı", "Good"), ("r5", "Çox yaxşı", "Very good")],
}
#: What an indicator on a question of each list counts.
COUNTED_CHOICES = {AGREE: ["yes"], RATING: ["r4", "r5"]}

#: Respondent categories (created by surveys' migration 0002) and their share of a round.
CATEGORY_WEIGHTS = {"municipality": 10, "excom": 5, "community_council": 8, "ngo": 7, "entrepreneur": 15, "other": 55}
GENDER_WEIGHTS = {Gender.WOMAN: 47, Gender.MAN: 51, Gender.OTHER: 2}
CHANNEL_WEIGHTS = {Channel.FACE_TO_FACE: 70, Channel.PHONE: 15, Channel.WEB_FORM: 10, Channel.ONLINE_MEETING: 5}

EVENT_TYPES = {
    Event.Type.CONSULTATION: ("Praktiki məsləhətləşmə", "Practical consultation", 30),
    Event.Type.PUBLIC_DISCUSSION: ("İctimai müzakirə", "Public discussion", 25),
    Event.Type.TRAINING: ("Təlim", "Training", 20),
    Event.Type.WORKSHOP: ("Seminar", "Workshop", 15),
    Event.Type.ROUND_TABLE: ("Dəyirmi masa", "Round table", 10),
}
PROPOSAL_TOPICS = [
    ("Yolların təmiri", "Road repair"), ("İçməli su təchizatı", "Drinking water supply"),
    ("Küçə işıqlandırması", "Street lighting"), ("Məktəbin təmiri", "School repair"),
    ("Büdcə dinləmələri", "Budget hearings"), ("Məişət tullantılarının yığılması", "Waste collection"),
    ("İctimai nəqliyyat", "Public transport"), ("Bələdiyyə iclaslarının elanı", "Announcing municipal meetings"),
]
#: Final status of a proposal and its share; the path to it is in PROPOSAL_PATHS.
PROPOSAL_STATUS_WEIGHTS = {
    Proposal.Status.DRAFT: 5, Proposal.Status.SUBMITTED: 30, Proposal.Status.ACKNOWLEDGED: 10,
    Proposal.Status.ANSWERED: 12, Proposal.Status.ACCEPTED: 13, Proposal.Status.PARTLY_ACCEPTED: 5,
    Proposal.Status.REJECTED: 10, Proposal.Status.IMPLEMENTED: 15,
}
_S = Proposal.Status
PROPOSAL_PATHS = {
    _S.DRAFT: [_S.DRAFT],
    _S.SUBMITTED: [_S.DRAFT, _S.SUBMITTED],
    _S.ACKNOWLEDGED: [_S.DRAFT, _S.SUBMITTED, _S.ACKNOWLEDGED],
    _S.ANSWERED: [_S.DRAFT, _S.SUBMITTED, _S.ANSWERED],
    _S.ACCEPTED: [_S.DRAFT, _S.SUBMITTED, _S.ACKNOWLEDGED, _S.ANSWERED, _S.ACCEPTED],
    _S.PARTLY_ACCEPTED: [_S.DRAFT, _S.SUBMITTED, _S.PARTLY_ACCEPTED],
    _S.REJECTED: [_S.DRAFT, _S.SUBMITTED, _S.ACKNOWLEDGED, _S.REJECTED],
    _S.IMPLEMENTED: [_S.DRAFT, _S.SUBMITTED, _S.ANSWERED, _S.ACCEPTED, _S.IMPLEMENTED],
}
COMPLETION_WEIGHTS = {
    Completion.NO_EVIDENCE: 15, Completion.NOT_STARTED: 20, Completion.LIMITED: 30,
    Completion.SUBSTANTIAL: 25, Completion.COMPLETE: 10,
}


class SyntheticDataExists(Exception):
    """The database already holds a synthetic dataset (pass ``replace`` to regenerate it)."""


@dataclass(frozen=True)
class ScaleSpec:
    """How big the synthetic country is. ``respondents`` is per round."""

    municipalities: int = 1600
    respondents: int = 100_000
    questions: int = 40
    rounds: int = 2
    seed: int = 1
    communities_per_municipality: int = 2
    events_per_municipality: int = 3
    proposals_per_municipality: int = 2

    def __post_init__(self):
        for name in ("municipalities", "respondents", "questions", "rounds", "communities_per_municipality"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("events_per_municipality", "proposals_per_municipality"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")


@dataclass
class ScaleReport:
    """What :func:`generate` did: seconds per part (in order) and synthetic rows per model label."""

    timings: list[tuple[str, float]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(seconds for _part, seconds in self.timings)


# --- Finding and removing the synthetic data --------------------------------------------------------


def synthetic(model):
    """The synthetic rows of a model that has a slug."""
    return model.objects.filter(slug__startswith=SLUG_PREFIX)


def synthetic_data_exists() -> bool:
    kinds = (Organization, Community, Study, ActionPlan, Event, DialoguePlatform, Project)
    return any(synthetic(kind).exists() for kind in kinds)


def synthetic_counts() -> dict[str, int]:
    """Synthetic rows per model label, as they stand in the database."""
    studies = synthetic(Study)
    organizations = synthetic(Organization)
    querysets = {
        Community: synthetic(Community),
        Organization: organizations,
        ActionPlan: synthetic(ActionPlan),
        Area: Area.objects.filter(plan__slug=PLAN_SLUG),
        Activity: Activity.objects.filter(plan__slug=PLAN_SLUG),
        Study: studies,
        Questionnaire: Questionnaire.objects.filter(study__in=studies),
        Question: Question.objects.filter(questionnaire__study__in=studies),
        Respondent: Respondent.objects.filter(study__in=studies),
        Submission: Submission.objects.filter(study__in=studies),
        Answer: Answer.objects.filter(submission__study__in=studies),
        Indicator: Indicator.objects.filter(study__in=studies),
        Event: synthetic(Event),
        ParticipantCount: ParticipantCount.objects.filter(event__slug__startswith=SLUG_PREFIX),
        Proposal: _synthetic_proposals(),
        ProposalStep: ProposalStep.objects.filter(proposal__in=_synthetic_proposals()),
        DialoguePlatform: synthetic(DialoguePlatform),
        Membership: Membership.objects.filter(platform__slug__startswith=SLUG_PREFIX),
        Publication: Publication.objects.filter(organization__in=organizations),
        LocalAssessment: LocalAssessment.objects.filter(activity__plan__slug=PLAN_SLUG),
        Project: synthetic(Project),
        ProjectIndicator: ProjectIndicator.objects.filter(project__slug__startswith=SLUG_PREFIX),
    }
    return {model._meta.label: queryset.count() for model, queryset in querysets.items()}


def _synthetic_proposals():
    return Proposal.objects.filter(
        Q(organization__slug__startswith=SLUG_PREFIX) | Q(addressee__slug__startswith=SLUG_PREFIX)
    )


def delete_synthetic_data() -> dict[str, int]:
    """Remove every synthetic row (and the synthetic questionnaires' files); returns rows per model.

    The answers, submissions and respondents go first with a few statements (:func:`_delete_rows`):
    letting the study's cascade collect them would load hundreds of thousands of rows into Python.
    """
    counts = synthetic_counts()
    with transaction.atomic():
        studies = synthetic(Study)
        _delete_rows(Submission.objects.filter(study__in=studies))  # and their answers
        _delete_rows(Respondent.objects.filter(study__in=studies))
        files = [q.source_file.name for q in Questionnaire.objects.filter(study__in=studies) if q.source_file]
        for study in studies:
            study.delete()
        LocalAssessment.objects.filter(
            Q(activity__plan__slug=PLAN_SLUG) | Q(municipality__slug__startswith=SLUG_PREFIX)
        ).delete()
        synthetic(Project).delete()
        _synthetic_proposals().delete()
        synthetic(DialoguePlatform).delete()
        synthetic(Event).delete()
        organizations = synthetic(Organization)
        Publication.objects.filter(organization__in=organizations).delete()
        organizations.delete()
        synthetic(Community).delete()
        synthetic(ActionPlan).delete()
        transaction.on_commit(lambda: _delete_files(files))
    return counts


def _delete_rows(queryset) -> None:
    """Delete ``queryset`` with one statement per table, doing first what Django's collector would
    do to the rows pointing at it (delete them: CASCADE; clear the key: SET_NULL) but without
    loading every row: at national size the collector spent 40 s on a round's submissions and
    respondents. Any other rule raises, since this does not follow cascades further."""
    model = queryset.model
    selected = queryset.values("pk")
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.on_delete not in (models.CASCADE, models.SET_NULL):
            raise NotImplementedError(f"{relation.related_model._meta.label}.{relation.field.name} → {model._meta.label}")
        rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": selected})
        if relation.on_delete is models.CASCADE:
            rows.delete()  # one DELETE when nothing points at them in turn (answers, identities)
        else:
            rows.update(**{relation.field.name: None})
    sql, params = selected.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}"
            f" WHERE {connection.ops.quote_name(model._meta.pk.column)} IN ({sql})",
            params,
        )


def _delete_files(names: list[str]) -> None:
    storage = Questionnaire._meta.get_field("source_file").storage
    for name in names:
        storage.delete(name)


# --- The generator ------------------------------------------------------------------------------


@dataclass
class _Place:
    """A synthetic municipality with its district and communities (ids)."""

    number: int
    district: District
    municipality_id: int = 0
    excom_id: int = 0
    community_ids: list[int] = field(default_factory=list)


@dataclass
class _World:
    """What the parts create and later parts refer to."""

    spec: ScaleSpec
    rng: random.Random
    today: dt.date
    places: list[_Place] = field(default_factory=list)
    district_ngos: dict[int, list[int]] = field(default_factory=dict)  # district id → NGO ids
    district_executives: dict[int, int] = field(default_factory=dict)  # district id → executive's id
    network_id: int = 0
    plan: ActionPlan | None = None
    activities: list[Activity] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)  # code → id
    studies: list[Study] = field(default_factory=list)
    events_by_place: dict[int, list[int]] = field(default_factory=dict)  # municipality number → event ids


def generate(spec: ScaleSpec, *, replace: bool = False, progress: Callable[[str, float], None] | None = None) -> ScaleReport:
    """Write a synthetic dataset of ``spec``'s size; returns the timings and the row counts.

    Raises :class:`SyntheticDataExists` when one is already there, unless ``replace`` (then it is
    deleted first). ``progress(part, seconds)`` is called as each part finishes.
    """
    report = ScaleReport()

    def timed(part: str, function, *args):
        started = time.perf_counter()
        result = function(*args)
        seconds = time.perf_counter() - started
        report.timings.append((part, seconds))
        if progress is not None:
            progress(part, seconds)
        return result

    if synthetic_data_exists():
        if not replace:
            raise SyntheticDataExists(
                "This database already holds synthetic data (slugs starting “synthetic-”). "
                "Run again with --replace to delete it and generate a new dataset."
            )
        timed("delete previous synthetic data", delete_synthetic_data)

    world = _World(spec=spec, rng=random.Random(spec.seed), today=timezone.localdate())
    timed("places and organisations", make_places, world)
    timed("action plan", make_plan, world)
    for number in range(1, spec.rounds + 1):
        study = timed(f"round {number}: study and XLSForm", make_study, world, number)
        timed(f"round {number}: respondents and answers", write_answers, world, study, number)
        timed(f"round {number}: indicators and compute_study", compute_round, world, study)
    timed("events", make_events, world)
    timed("proposals", make_proposals, world)
    timed("dialogue platforms", make_platforms, world)
    timed("disclosure publications", make_publications, world)
    timed("local assessments", make_assessments, world)
    timed("logframe project", make_project, world)
    report.counts = synthetic_counts()
    return report


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _names(field_name: str, az: str, en: str) -> dict:
    return {f"{field_name}_az": az, f"{field_name}_en": en}


def _searchable(az: str, en: str, *extra: str) -> dict:
    """Name fields of a SearchableName as its save() would leave them (bulk_create skips save)."""
    az, en = aztext.normalize(az), aztext.normalize(en)
    return {"name_az": az, "name_en": en, "search_key": aztext.search_key(az, en, *extra)}


def _insert(model, objects: list) -> list:
    """bulk_create in batches; the objects come back with their primary keys (PostgreSQL and
    SQLite ≥ 3.35 both return them)."""
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    if created and created[0].pk is None:  # pragma: no cover - an old SQLite
        raise RuntimeError(f"{connection.vendor} did not return the ids of bulk-created {model.__name__} rows")
    return created


# --- Places ------------------------------------------------------------------------------------


@transaction.atomic
def make_places(world: _World) -> None:
    """Communities, municipalities and the other local organisations, over the 66 rayons."""
    if not District.objects.filter(kind=District.Kind.RAYON).exists():
        load_districts()
    rayons = list(District.objects.filter(kind=District.Kind.RAYON).order_by("code"))
    spec = world.spec
    world.places = [_Place(number, rayons[(number - 1) % len(rayons)]) for number in range(1, spec.municipalities + 1)]

    communities = []
    for place in world.places:
        for index in range(1, spec.communities_per_municipality + 1):
            label = f"{place.number:04d}-{index}"
            communities.append(Community(
                district=place.district, slug=f"{SLUG_PREFIX}village-{label}", is_demo=True,
                kind=Community.Kind.SETTLEMENT if index == 1 else Community.Kind.VILLAGE,
                **_searchable(f"Sintetik kənd {label}", f"Synthetic village {label}"),
            ))
    created = iter(_insert(Community, communities))
    for place in world.places:
        place.community_ids = [next(created).pk for _index in range(spec.communities_per_municipality)]

    def organization(slug, type_, az, en, district, community_id=None):
        return Organization(slug=f"{SLUG_PREFIX}{slug}", type=type_, district=district, community_id=community_id,
                            is_demo=True, **_searchable(az, en))

    network = _insert(Organization, [organization(
        "monitoring-network", Organization.Type.NGO, "Sintetik monitorinq şəbəkəsi", "Synthetic monitoring network", None,
    )])[0]
    world.network_id = network.pk

    local = []
    for place in world.places:
        n, district = place.number, place.district
        local.append(organization(f"municipality-{n:04d}", Organization.Type.MUNICIPALITY, f"Sintetik bələdiyyə {n:04d}",
                                  f"Synthetic municipality {n:04d}", district, place.community_ids[0]))
        local.append(organization(f"excom-{n:04d}", Organization.Type.EXCOM_REPRESENTATION,
                                  f"Sintetik ərazi nümayəndəliyi {n:04d}", f"Synthetic excom representation {n:04d}",
                                  district, place.community_ids[0]))
    created = iter(_insert(Organization, local))
    for place in world.places:
        place.municipality_id, place.excom_id = next(created).pk, next(created).pk

    others = []
    for place in world.places:
        for index, community_id in enumerate(place.community_ids, start=1):
            if index % 2:  # a community development council in every other community
                label = f"{place.number:04d}-{index}"
                others.append(organization(
                    f"cdc-{label}", Organization.Type.COMMUNITY_COUNCIL, f"Sintetik icma inkişaf şurası {label}",
                    f"Synthetic community development council {label}", place.district, community_id,
                ))
    districts = sorted({place.district.pk: place.district for place in world.places}.values(), key=lambda d: d.code)
    for district in districts:
        code = district.code.lower()
        others.append(organization(f"executive-{code}", Organization.Type.LOCAL_EXECUTIVE,
                                   f"Sintetik {district.name_az} RİH", f"Synthetic {district.name_en} executive authority",
                                   district))
        for index in (1, 2):
            others.append(organization(f"ngo-{code}-{index}", Organization.Type.NGO,
                                       f"Sintetik {district.name_az} QHT {index}", f"Synthetic {district.name_en} NGO {index}",
                                       district))
    for created_organization in _insert(Organization, others):
        if created_organization.type == Organization.Type.LOCAL_EXECUTIVE:
            world.district_executives[created_organization.district_id] = created_organization.pk
        elif created_organization.type == Organization.Type.NGO:
            world.district_ngos.setdefault(created_organization.district_id, []).append(created_organization.pk)


# --- The action plan ---------------------------------------------------------------------------


@transaction.atomic
def make_plan(world: _World) -> None:
    """A NAP 2024–2027 with AREAS areas of ACTIVITIES_PER_AREA activities, most involving municipalities."""
    plan = ActionPlan.objects.create(
        slug=PLAN_SLUG, start_year=2024, end_year=2027, is_demo=True,
        **_names("title", "Sintetik Açıq Hökumət Milli Fəaliyyət Planı 2024–2027",
                 "Synthetic Open Government National Action Plan 2024–2027"),
        **_names("summary", "Miqyas sınaqları üçün uydurulmuş plan.", "An invented plan for scale tests."),
    )
    areas = _insert(Area, [
        Area(plan=plan, number=number, is_placeholder=True,
             **_names("title", f"Sintetik istiqamət {number}", f"Synthetic area {number}"))
        for number in range(1, AREAS + 1)
    ])
    activities = []
    for area in areas:
        for index in range(1, ACTIVITIES_PER_AREA + 1):
            number = f"{area.number}.{index}"
            activities.append(Activity(
                plan=plan, area=area, number=number, sort_key=number_sort_key(number), is_placeholder=True,
                involves_municipalities=index != ACTIVITIES_PER_AREA, start_year=2024, end_year=2027,
                executor_types=[Organization.Type.MUNICIPALITY] if index != ACTIVITIES_PER_AREA else [],
                **_names("title", f"Sintetik tədbir {number}", f"Synthetic activity {number}"),
                **_names("deadline_text", "2024–2027", "2024–2027"),
            ))
    world.plan, world.activities = plan, _insert(Activity, activities)


# --- Survey rounds -----------------------------------------------------------------------------


def question_list(number: int) -> str:
    """Every third question is a 1–5 rating, the others yes/partly/no/don't know."""
    return RATING if number % 3 == 0 else AGREE


def xlsform(questions: int, round_number: int, activities: list[str]) -> bytes:
    """An XLSForm of ``questions`` single-choice questions in sections of ten (as Kobo forms often
    are), each linked to a NAP activity, with Azerbaijani and English labels."""
    from openpyxl import Workbook

    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Azerbaijani (az)", "label::English (en)", "required", "nap_activity"])
    for start in range(1, questions + 1, 10):
        section = f"s{(start - 1) // 10 + 1}"
        survey.append(["begin_group", section, f"Bölmə {section}", f"Section {section}", None, None])
        for number in range(start, min(start + 10, questions + 1)):
            name = f"q{number:03d}"
            survey.append([f"select_one {question_list(number)}", name, f"Sintetik sual {number}",
                           f"Synthetic question {number}", "yes", activities[(number - 1) % len(activities)]])
        survey.append(["end_group", section, None, None, None, None])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::Azerbaijani (az)", "label::English (en)"])
    for list_name, options in CHOICE_LISTS.items():
        for name, az, en in options:
            choices.append([list_name, name, az, en])
    sheet = workbook.create_sheet("settings")
    sheet.append(["form_title", "form_id", "version", "default_language"])
    sheet.append([f"Synthetic round {round_number}", f"synthetic_round_{round_number}", "1", "Azerbaijani (az)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def round_period(number: int) -> tuple[dt.date, dt.date]:
    start = dt.date(2023 + number, 3, 1)
    return start, start + dt.timedelta(days=60)


def make_study(world: _World, number: int) -> Study:
    """The round's study (published, over every synthetic community) and its questionnaire."""
    start, end = round_period(number)
    with transaction.atomic():
        study = Study.objects.create(
            slug=f"{SLUG_PREFIX}round-{number}", organization_id=world.network_id, plan=world.plan,
            period_start=start, period_end=end, status=Study.Status.PUBLISHED,
            channels=[str(channel) for channel in CHANNEL_WEIGHTS],
            previous=world.studies[-1] if world.studies else None,
            **_names("title", f"Sintetik monitorinq raundu {number}", f"Synthetic monitoring round {number}"),
            **_names("description", "Miqyas sınaqları üçün uydurulmuş sorğu.", "An invented survey for scale tests."),
            **_names("source_note", "Sintetik məlumat.", "Synthetic data."),
        )
        districts = sorted({place.district.pk for place in world.places})
        Study.districts.through.objects.bulk_create(
            [Study.districts.through(study_id=study.pk, district_id=pk) for pk in districts], batch_size=BATCH)
        Study.communities.through.objects.bulk_create(
            [Study.communities.through(study_id=study.pk, community_id=pk)
             for place in world.places for pk in place.community_ids], batch_size=BATCH)
        study.areas.set(world.plan.areas.all())
        form = xlsform(world.spec.questions, number, [activity.number for activity in world.activities])
        create_questionnaire(study, form, f"{study.slug}.xlsx", None)
    world.studies.append(study)
    return study


def _cumulative(weights: list[float]) -> list[float]:
    total, running = sum(weights), 0.0
    cumulative = []
    for weight in weights:
        running += weight / total
        cumulative.append(running)
    cumulative[-1] = 1.0
    return cumulative


def _answer_weights(list_name: str, level: float) -> list[float]:
    """Probabilities of a list's choices for a latent "how well things go" between 0 and 1."""
    if list_name == AGREE:
        yes = level
        return [yes, 0.2 * (1 - yes), 0.7 * (1 - yes), 0.1 * (1 - yes)]
    peak = 1 + 4 * level  # the most likely rating
    return [1 / (1 + (rating - peak) ** 2) for rating in range(1, 6)]


def write_answers(world: _World, study: Study, round_number: int) -> None:
    """``spec.respondents`` respondents of the round and their answers, through the import's writer."""
    spec, rng = world.spec, world.rng
    questionnaire = study.questionnaires.get()
    questions = list(questionnaire.questions.filter(type=Question.Type.SELECT_ONE).order_by("position"))
    choice_ids: dict[str, list[int]] = {}
    for list_name, pk in questionnaire.choices.order_by("list_name", "position").values_list("list_name", "pk"):
        choice_ids.setdefault(list_name, []).append(pk)
    if not world.categories:
        world.categories = dict(RespondentCategory.objects.values_list("code", "pk"))

    # Profiles: communities of different sizes; categories, genders and channels in fixed shares.
    communities = [(pk, index) for index, place in enumerate(world.places) for pk in place.community_ids]
    community_cumulative = _cumulative([rng.lognormvariate(0, 0.6) for _ in communities])
    categories = [world.categories.get(code) for code in CATEGORY_WEIGHTS]
    category_cumulative = _cumulative(list(CATEGORY_WEIGHTS.values()))
    genders, gender_cumulative = [str(g) for g in GENDER_WEIGHTS], _cumulative(list(GENDER_WEIGHTS.values()))
    channels, channel_cumulative = [str(c) for c in CHANNEL_WEIGHTS], _cumulative(list(CHANNEL_WEIGHTS.values()))
    start, end = round_period(round_number)
    days = (end - start).days

    writer = writers.for_connection()
    try:
        # Answers per question as the writer stores them, with "skipped" (None) as the last
        # outcome; and per district a "how well things go" level, so the breakdowns differ.
        encoded = {
            question.pk: [writer.encode((question.pk, pk, "", None, None)) for pk in choice_ids[question.list_name]] + [None]
            for question in questions
        }
        levels = {question.pk: rng.uniform(0.25, 0.65) + 0.05 * (round_number - 1) for question in questions}
        district_shift = {pk: rng.uniform(-0.15, 0.15) for pk in {place.district.pk for place in world.places}}
        tables = []  # per place: [(cumulative, encoded answers) per question]
        for place in world.places:
            shift = district_shift[place.district.pk]
            tables.append([
                (_cumulative([w * (1 - SKIP_RATE) for w in _answer_weights(
                    question.list_name, min(max(levels[question.pk] + shift, 0.05), 0.95))] + [SKIP_RATE]),
                 encoded[question.pk])
                for question in questions
            ])

        def rows() -> Iterator[ParsedRow]:
            draw = rng.random
            for index in range(spec.respondents):
                community, place = communities[bisect(community_cumulative, draw())]
                parts = []
                for cumulative, answers in tables[place]:
                    part = answers[bisect(cumulative, draw())]
                    if part is not None:
                        parts.append(part)
                day = start + dt.timedelta(days=int(draw() * days))
                submitted = dt.datetime.combine(day, dt.time(9 + index % 9, index % 60), tzinfo=dt.UTC)
                yield ParsedRow(
                    index + 1, uuid.UUID(int=rng.getrandbits(128), version=4), "", submitted,
                    f"S{round_number}-{index + 1:06d}", community, categories[bisect(category_cumulative, draw())],
                    genders[bisect(gender_cumulative, draw())], channels[bisect(channel_cumulative, draw())], day, parts,
                )

        batch = SimpleNamespace(study_id=study.pk, questionnaire_id=questionnaire.pk, pk=None, created_by_id=None)
        with transaction.atomic():
            writer.begin(batch, timezone.now(), expected_answers=spec.respondents * len(questions))
            chunk: list[ParsedRow] = []
            for row in rows():
                chunk.append(row)
                if len(chunk) == RESPONDENT_CHUNK:
                    _write_chunk(writer, chunk)
                    chunk = []
            if chunk:
                _write_chunk(writer, chunk)
            writer.finish()
            # Reviewed as coordinators do: most approved, a few rejected, the rest left submitted.
            submissions = Submission.objects.filter(study=study)
            submissions.alias(bucket=Mod("id", 50)).filter(bucket=0).update(status=Submission.Status.REJECTED)
            submissions.alias(bucket=Mod("id", 5)).filter(bucket__in=[1, 2, 3]).update(status=Submission.Status.APPROVED)
    finally:
        writer.close()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for compute_study's plans
            cursor.execute(f"ANALYZE {Respondent._meta.db_table}, {Submission._meta.db_table}, {Answer._meta.db_table}")


def _write_chunk(writer: writers.Writer, chunk: list[ParsedRow]) -> None:
    if writer.ids_up_front:
        writer.write([writer.records(row) for row in chunk])
        return
    respondent_ids = writer.reserve_ids(Respondent, len(chunk))
    submission_ids = writer.reserve_ids(Submission, len(chunk))
    writer.write([writer.records(row, respondent_id, submission_id)
                  for row, respondent_id, submission_id in zip(chunk, respondent_ids, submission_ids, strict=True)])


def compute_round(world: _World, study: Study) -> None:
    """An indicator per question (same codes every round, so rounds compare), computed; findings
    drafted from their sentences and published."""
    questionnaire = study.questionnaires.get()
    activities = {activity.number: activity for activity in world.activities}
    indicators = []
    for position, question in enumerate(
        questionnaire.questions.filter(type=Question.Type.SELECT_ONE).select_related("nap_activity").order_by("position"),
        start=1,
    ):
        number = int(question.name[1:])
        community = number % 10 == 0  # every tenth a share of communities, the rest of respondents
        activity = activities.get(question.nap_activity.number) if question.nap_activity_id else None
        indicators.append(Indicator(
            study=study, code=question.name, position=position, question_name=question.name,
            kind=Indicator.Kind.COMMUNITY if community else Indicator.Kind.QUESTION,
            numerator_choices=COUNTED_CHOICES[question.list_name], base=Indicator.Base.ANSWERED,
            community_rule=Indicator.CommunityRule.MAJORITY, nap_activity=activity,
            nap_area_id=activity.area_id if activity else None,
            **_names("title", f"Sintetik göstərici {number}", f"Synthetic indicator {number}"),
            **_names("sentence", "Cavab verənlərin {percent}-i ({numerator}/{denominator}) müsbət cavab verib.",
                     "{percent} of those who answered ({numerator} of {denominator}) answered positively."),
        ))
    with transaction.atomic():
        _insert(Indicator, indicators)
    compute_study(study)
    drafting.draft_findings(study)
    drafting.publish_findings(study)


# --- Engagement --------------------------------------------------------------------------------


@transaction.atomic
def make_events(world: _World) -> None:
    """``events_per_municipality`` events per municipality, with participant counts, organisers and activities."""
    spec, rng, today = world.spec, world.rng, world.today
    first_day, span = dt.date(2024, 1, 15), (today + dt.timedelta(days=60) - dt.date(2024, 1, 15)).days
    kinds = {kind: weight for kind, (_az, _en, weight) in EVENT_TYPES.items()}
    events, places = [], []
    for place in world.places:
        for index in range(1, spec.events_per_municipality + 1):
            kind = _weighted(rng, kinds)
            az, en, _weight = EVENT_TYPES[kind]
            date = first_day + dt.timedelta(days=rng.randrange(span))
            status = Event.Status.PLANNED if date > today else (
                Event.Status.CANCELLED if rng.random() < 0.05 else Event.Status.HELD)
            community_id = rng.choice(place.community_ids)
            events.append(Event(
                slug=f"{SLUG_PREFIX}event-{place.number:04d}-{index}", type=kind, status=status, date=date,
                format=Event.Format.OFFLINE if rng.random() < 0.85 else Event.Format.HYBRID,
                district=place.district, community_id=community_id, municipality_id=place.municipality_id,
                organization_id=world.network_id, plan=world.plan, is_published=rng.random() < 0.95, is_demo=True,
                place=f"Synthetic village {place.number:04d} culture house",
                **_names("title", f"{az}: Sintetik bələdiyyə {place.number:04d}", f"{en}: Synthetic municipality {place.number:04d}"),
                **_names("summary", "Uydurulmuş tədbir.", "An invented event."),
            ))
            places.append(place)
    events = _insert(Event, events)
    organizers, activities, counts = [], [], []
    genders = [Gender.WOMAN, Gender.MAN]
    category_ids = list(world.categories.values()) or list(RespondentCategory.objects.values_list("pk", flat=True))
    for event, place in zip(events, places, strict=True):
        world.events_by_place.setdefault(place.number, []).append(event.pk)
        organizers.append(Event.organizers.through(event_id=event.pk, organization_id=place.municipality_id))
        organizers.append(Event.organizers.through(event_id=event.pk, organization_id=world.network_id))
        activities.append(Event.activities.through(event_id=event.pk, activity_id=rng.choice(world.activities).pk))
        if event.status == Event.Status.HELD:
            for category_id in rng.sample(category_ids, k=min(2, len(category_ids))):
                for gender in genders:
                    counts.append(ParticipantCount(event=event, category_id=category_id, gender=gender,
                                                   count=rng.randint(2, 25)))
    Event.organizers.through.objects.bulk_create(organizers, batch_size=BATCH)
    Event.activities.through.objects.bulk_create(activities, batch_size=BATCH)
    ParticipantCount.objects.bulk_create(counts, batch_size=BATCH)


@transaction.atomic
def make_proposals(world: _World) -> None:
    """Proposals raised at the events, addressed to municipalities or excom representations, each
    with the steps of its history; those still awaiting an answer are overdue about half the time."""
    spec, rng, today = world.spec, world.rng, world.today
    answer_days = settings.PROPOSAL_ANSWER_DAYS
    number = (Proposal.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1
    category_ids = list(world.categories.values()) or [None]
    proposals, histories = [], []
    for place in world.places:
        for _index in range(spec.proposals_per_municipality):
            status = _weighted(rng, PROPOSAL_STATUS_WEIGHTS)
            path = PROPOSAL_PATHS[status]
            dates = _proposal_dates(rng, path, today, answer_days)
            az, en = rng.choice(PROPOSAL_TOPICS)
            events = world.events_by_place.get(place.number, [])
            proposal = Proposal(
                number=number, topic=en, organization_id=world.network_id,
                event_id=rng.choice(events) if events and rng.random() < 0.6 else None,
                raised_by_group_id=rng.choice(category_ids), community_id=place.community_ids[0],
                addressee_id=place.municipality_id if rng.random() < 0.7 else place.excom_id,
                activity=rng.choice(world.activities), status=status, answer_days=answer_days,
                is_published=status != Proposal.Status.DRAFT, is_demo=True,
                **_names("text", f"Sintetik təklif №{number}: {az.lower()}.", f"Synthetic proposal no. {number}: {en.lower()}."),
            )
            for step, on in zip(path, dates, strict=True):
                if step == _S.SUBMITTED:
                    proposal.submitted_on, proposal.submitted_via = on, Proposal.Channel.LETTER
                    proposal.answer_due = on + dt.timedelta(days=answer_days)
                elif step == _S.ACKNOWLEDGED:
                    proposal.acknowledged_on = on
                elif step == _S.ANSWERED:
                    proposal.answered_on = on
                elif step in (_S.ACCEPTED, _S.PARTLY_ACCEPTED, _S.REJECTED):
                    proposal.decided_on = on
                    proposal.answered_on = proposal.answered_on or on
                elif step == _S.IMPLEMENTED:
                    proposal.implemented_on = on
            if proposal.answered_on:
                proposal.answer_text_az = "Sintetik cavab: təklif nəzərdən keçirildi."
                proposal.answer_text_en = "Synthetic answer: the proposal was considered."
            proposals.append(proposal)
            histories.append(list(zip(path, dates, strict=True)))
            number += 1
    steps = []
    for proposal, history in zip(_insert(Proposal, proposals), histories, strict=True):
        previous = ""
        for status, on in history:
            steps.append(ProposalStep(proposal=proposal, from_status=previous, to_status=status, on=on))
            previous = status
    ProposalStep.objects.bulk_create(steps, batch_size=BATCH)


def _proposal_dates(rng: random.Random, path: list[str], today: dt.date, answer_days: int) -> list[dt.date]:
    """A date for each step of ``path``, in order, none in the future. A proposal left awaiting an
    answer was submitted either within ``answer_days`` (on time) or before (overdue)."""
    if path[-1] in Proposal.AWAITING:
        age = rng.randint(answer_days + 1, 300) if rng.random() < 0.5 else rng.randint(0, answer_days - 1)
    else:
        age = rng.randint(30 * len(path), 700)
    day = today - dt.timedelta(days=age)
    dates = [day - dt.timedelta(days=rng.randint(1, 14))] if len(path) > 1 else [day]
    for _step in path[1:]:
        dates.append(day)
        day = min(day + dt.timedelta(days=rng.randint(3, 25)), today)
    return dates


@transaction.atomic
def make_platforms(world: _World) -> None:
    """A dialogue platform in every third district with synthetic municipalities: members, two
    meetings and a vote."""
    rng = world.rng
    districts = sorted({place.district.pk: place.district for place in world.places}.values(), key=lambda d: d.code)
    chosen = districts[::3]
    platforms = _insert(DialoguePlatform, [
        DialoguePlatform(
            slug=f"{SLUG_PREFIX}platform-{district.code.lower()}", level=DialoguePlatform.Level.DISTRICT,
            district=district, founded_on=dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(300)),
            is_published=True, is_demo=True,
            **_names("name", f"Sintetik {district.name_az} dialoq platforması", f"Synthetic {district.name_en} dialogue platform"),
            **_names("description", "Uydurulmuş platforma.", "An invented platform."),
        )
        for district in chosen
    ])
    members, meetings, votes = [], [], []
    for platform in platforms:
        district_id = platform.district_id
        members.append(Membership(platform=platform, organization_id=world.district_executives[district_id],
                                  role=Membership.Role.CHAIR, joined_on=platform.founded_on))
        for index, ngo in enumerate(world.district_ngos.get(district_id, [])):
            members.append(Membership(platform=platform, organization_id=ngo, joined_on=platform.founded_on,
                                      role=Membership.Role.COORDINATOR if index == 0 else Membership.Role.MEMBER))
        for place in [place for place in world.places if place.district.pk == district_id][:6]:
            members.append(Membership(platform=platform, organization_id=place.municipality_id, joined_on=platform.founded_on))
        for index in (1, 2):
            on = min(platform.founded_on + dt.timedelta(days=90 * index), world.today)
            meetings.append(Event(
                slug=f"{platform.slug}-meeting-{index}", type=Event.Type.WORKING_GROUP, status=Event.Status.HELD,
                date=on, district_id=district_id, organization_id=world.network_id, plan=world.plan,
                platform=platform, is_published=True, is_demo=True,
                **_names("title", f"{platform.name_az}: iclas {index}", f"{platform.name_en}: meeting {index}"),
            ))
        yes, no, abstain = rng.randint(5, 12), rng.randint(0, 4), rng.randint(0, 2)
        votes.append(VoteEvent(platform=platform, date=platform.founded_on, yes=yes, no=no, abstain=abstain,
                               result=vote_result(yes, no, abstain, VoteEvent.Rule.SIMPLE_MAJORITY),
                               **_names("motion", "Əsasnamənin qəbulu", "Adoption of the rules of procedure")))
    Membership.objects.bulk_create(members, batch_size=BATCH)
    _insert(Event, meetings)
    VoteEvent.objects.bulk_create(votes, batch_size=BATCH)


# --- Disclosure and assessments ------------------------------------------------------------------


@transaction.atomic
def make_publications(world: _World) -> None:
    """Each municipality publishes a share of the checklist (its "transparency"), one to three
    times per item over the last two years; about two thirds are verified."""
    if not Item.objects.filter(is_active=True).exists():
        # The real checklist, as the demo loads it: it is configuration, not synthetic data.
        checklist = read_json("disclosure/checklist.json")
        load_checklist(checklist["categories"])
        load_periods(checklist["periods"])
    items = list(Item.objects.filter(
        is_active=True, applies_to__in=applies_to_values(Organization.Type.MUNICIPALITY)).order_by("pk"))
    rng, today = world.rng, world.today
    channels = [Publication.Channel.SOCIAL_MEDIA] * 5 + [Publication.Channel.WEBSITE] * 3 + [Publication.Channel.NOTICE_BOARD] * 2
    publications = []
    for place in world.places:
        transparency = rng.betavariate(2, 3)
        for item in items:
            if rng.random() >= transparency:
                continue
            for index in range(rng.randint(1, 3)):
                published_on = today - dt.timedelta(days=rng.randrange(730))
                verified = rng.random() < 0.65
                publications.append(Publication(
                    organization_id=place.municipality_id, item=item, channel=rng.choice(channels),
                    url=f"https://example.org/synthetic/{place.number:04d}/{item.code}/{index + 1}",
                    published_on=published_on, title=f"Synthetic publication: {item.code}",
                    verified_on=min(published_on + dt.timedelta(days=3), today) if verified else None, is_demo=True,
                ))
    Publication.objects.bulk_create(publications, batch_size=BATCH)


@transaction.atomic
def make_assessments(world: _World) -> None:
    """One published assessment per municipality of an activity that involves municipalities."""
    rng, today = world.rng, world.today
    municipal = [activity for activity in world.activities if activity.involves_municipalities]
    LocalAssessment.objects.bulk_create([
        LocalAssessment(
            activity=rng.choice(municipal), district=place.district, municipality_id=place.municipality_id,
            assessed_on=today - dt.timedelta(days=rng.randrange(365)), completion=_weighted(rng, COMPLETION_WEIGHTS),
            assessed_by_id=world.network_id, status=AssessmentStatus.PUBLISHED, is_demo=True,
            **_names("narrative", "Sintetik qiymətləndirmə.", "A synthetic assessment."),
        )
        for place in world.places
    ], batch_size=BATCH)


@transaction.atomic
def make_project(world: _World) -> None:
    """The network's project over every synthetic municipality, its indicators counting the
    events, people, proposals, platforms and publications above."""
    plan = world.plan
    project = Project.objects.create(
        slug=f"{SLUG_PREFIX}project", organization_id=world.network_id, plan=plan,
        starts_on=dt.date(plan.start_year, 1, 1), ends_on=dt.date(plan.end_year, 12, 31), is_published=True, is_demo=True,
        **_names("title", "Sintetik monitorinq layihəsi", "Synthetic monitoring project"),
        **_names("summary", "Uydurulmuş layihə.", "An invented project."),
    )
    project.districts.set(sorted({place.district.pk for place in world.places}))
    Project.municipalities.through.objects.bulk_create(
        [Project.municipalities.through(project_id=project.pk, organization_id=place.municipality_id)
         for place in world.places], batch_size=BATCH)
    objective = Objective.objects.create(project=project, code="1", **_names("title", "Yerli iştirak", "Local participation"))
    activity = ProjectActivity.objects.create(
        project=project, objective=objective, code="1.1", **_names("title", "Məsləhətləşmələr", "Consultations"))
    activity.nap_activities.set(world.activities[:3])
    count = len(world.places)
    Source = ProjectIndicator.Source
    targets = [
        ("1.1a", Source.EVENTS, "Məsləhətləşmələr", "Consultations held", None, 1),
        ("1.1b", Source.PEOPLE_REACHED, "Əhatə olunan insanlar", "People reached", 20 * count, None),
        ("1.1c", Source.PROPOSALS_SUBMITTED, "Təqdim olunan təkliflər", "Proposals submitted", count, None),
        ("1.1d", Source.PLATFORMS_CREATED, "Yaradılan platformalar", "Platforms created", max(count // 60, 1), None),
        ("1.1e", Source.DISCLOSURE_PUBLISHED, "Dərc olunan məlumatlar", "Items published", 5 * count, None),
    ]
    ProjectIndicator.objects.bulk_create([
        ProjectIndicator(
            project=project, activity=activity, code=code, source=source, position=position, target=target,
            per_municipality=per_municipality, event_type=Event.Type.CONSULTATION if source == Source.EVENTS else "",
            **_names("title", az, en),
        )
        for position, (code, source, az, en, target, per_municipality) in enumerate(targets, start=1)
    ])


__all__ = [
    "SLUG_PREFIX", "ScaleReport", "ScaleSpec", "SyntheticDataExists", "delete_synthetic_data", "generate",
    "synthetic_counts", "synthetic_data_exists",
]
