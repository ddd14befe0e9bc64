"""The home page's key figures across the platform, from public records only.

:func:`key_figures` reads what every app publishes (published studies and their results,
published proposals, events and platforms, the transparency ranking, published projects,
published local assessments) and never drafts, so the figures are the same for every visitor
and the page can be cached (:func:`ogmonitor.lib.cache.cache_public`).

Its cost is a fixed number of queries whatever the number of records: counts and sums are
aggregated in the database, the latest round's figures come from the stored results
(:func:`ogmonitor.findings.services.results_for`), the ranking from
:func:`ogmonitor.disclosure.index.ranking` (four queries). Only the projects' progress grows
with their logframes (a few queries per indicator, see :mod:`ogmonitor.logframe.measures`),
so the page shows at most :data:`HOME_PROJECTS` projects.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse

from ogmonitor.disclosure import index
from ogmonitor.engagement.events import people_reached
from ogmonitor.engagement.models import DialoguePlatform, Event, Proposal
from ogmonitor.engagement.proposals import overdue
from ogmonitor.findings.services import COUNTED, percent_text, results_for
from ogmonitor.logframe.models import Project
from ogmonitor.logframe.progress import project_progress
from ogmonitor.logframe.targets import Status as TargetStatus
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Completion, LocalAssessment
from ogmonitor.surveys.models import Study, Submission

#: How many of the latest round's indicators the home page shows: the first ones in the
#: study's own order (``Indicator.position``), which its coordinators set.
HEADLINE_INDICATORS = 4

#: How many published projects, latest first, the home page shows with their progress.
HOME_PROJECTS = 3

#: Statuses of a project indicator that count as "met or on track".
ON_COURSE = (TargetStatus.MET, TargetStatus.ABOVE, TargetStatus.ON_TRACK)


# --- The parts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One of the latest round's figures, as the public sees it."""

    code: str
    title: str
    percent_text: str
    numerator: int | None
    denominator: int | None
    url: str


@dataclass(frozen=True)
class LatestRound:
    study: Study
    headlines: list[Headline]

    @property
    def url(self) -> str:
        return reverse("findings:study", args=[self.study.slug])


@dataclass(frozen=True)
class StudyFigures:
    published: int
    #: Submissions that count (submitted or approved) in published studies. A round held only as
    #: published percentages (e.g. 2017) has none.
    respondents: int
    latest: LatestRound | None


@dataclass(frozen=True)
class ProposalFigures:
    submitted: int
    answered: int
    overdue: int


@dataclass(frozen=True)
class EventFigures:
    held: int
    people: int


@dataclass(frozen=True)
class TransparencyFigures:
    """The municipalities ranked on the ranking page's default day (the latest period)."""

    as_of: dt.date
    monitored: int
    best: index.RankingRow | None
    worst: index.RankingRow | None
    #: How many other municipalities share the best (worst) index.
    best_tied: int = 0
    worst_tied: int = 0


@dataclass(frozen=True)
class ProjectFigures:
    project: Project
    indicators: int
    on_course: int
    #: (status, label, number of indicators), as the project page's summary.
    summary: list[tuple[str, str, int]]


@dataclass(frozen=True)
class AssessmentFigures:
    """Activities with a published local assessment, by the latest status in each place."""

    activities: int
    places: int
    high_completion: int


@dataclass(frozen=True)
class KeyFigures:
    """Everything the home page counts. Also read like a mapping (``figures["activities"]``)."""

    plans: int
    activities: int
    local_activities: int
    districts: int
    communities: int
    organizations: int
    studies: StudyFigures
    proposals: ProposalFigures
    events: EventFigures
    platforms: int
    transparency: TransparencyFigures
    assessments: AssessmentFigures
    projects: list[ProjectFigures] = field(default_factory=list)

    def __getitem__(self, name: str):
        return getattr(self, name)


# --- Reading --------------------------------------------------------------------------------------


def latest_round() -> LatestRound | None:
    """The latest published study (by fieldwork) with its first figures the public may see."""
    study = (
        Study.objects.published()
        .order_by(F("period_start").desc(nulls_last=True), "-created_at", "-pk")
        .first()
    )
    if study is None:
        return None
    headlines = []
    # viewer None: the public's view, small cells hidden; overall figures only.
    for figures in results_for(study, max_groups=0):
        cell = figures.overall
        if cell is None or cell.suppressed or cell.percentage is None:
            continue
        headlines.append(Headline(
            code=figures.indicator.code,
            title=figures.indicator.title,
            percent_text=percent_text(cell.percentage, cell.percentage_upper),
            numerator=cell.numerator,
            denominator=cell.denominator,
            url=reverse("findings:indicator", args=[study.slug, figures.indicator.code]),
        ))
        if len(headlines) == HEADLINE_INDICATORS:
            break
    return LatestRound(study, headlines)


def study_figures() -> StudyFigures:
    published = Study.objects.published()
    respondents = Submission.objects.filter(study__in=published, status__in=COUNTED).count()
    return StudyFigures(published=published.count(), respondents=respondents, latest=latest_round())


def proposal_figures(today: dt.date) -> ProposalFigures:
    """Published proposals put to an authority, answered (a decision is an answer too) and overdue."""
    published = Proposal.objects.published()
    counts = published.order_by().aggregate(
        submitted=Count("pk", filter=~Q(status=Proposal.Status.DRAFT)),
        answered=Count("pk", filter=Q(answered_on__isnull=False)),
    )
    return ProposalFigures(overdue=overdue(published, today).count(), **counts)


def event_figures() -> EventFigures:
    held = Event.objects.published().filter(status=Event.Status.HELD)
    return EventFigures(held=held.count(), people=people_reached(held).total)


def transparency_figures(today: dt.date) -> TransparencyFigures:
    """Best and worst municipality on the ranking page's default day: the latest period begun."""
    moments = index.moments(today)
    moment = moments[-1] if moments else index.Moment(as_of=today)
    ranking = index.ranking(Organization.objects.all(), moment, None)
    ranked = [row for row in ranking.municipalities if row.index is not None]
    if not ranked:
        return TransparencyFigures(as_of=moment.as_of, monitored=len(ranking.municipalities), best=None, worst=None)
    best, worst = ranked[0], ranked[-1]
    return TransparencyFigures(
        as_of=moment.as_of,
        monitored=len(ranking.municipalities),
        best=best,
        worst=worst if worst is not best else None,
        best_tied=sum(1 for row in ranked if row.index == best.index) - 1,
        worst_tied=sum(1 for row in ranked if row.index == worst.index) - 1,
    )


def project_figures(today: dt.date) -> list[ProjectFigures]:
    projects = (
        Project.objects.filter(is_published=True).select_related("organization")
        .order_by("-starts_on", "pk")[:HOME_PROJECTS]
    )
    result = []
    for project in projects:
        progress = project_progress(project, today)
        counts = progress.status_counts()
        result.append(ProjectFigures(
            project=project,
            indicators=sum(counts.values()),
            on_course=sum(counts[status] for status in ON_COURSE),
            summary=progress.summary(),
        ))
    return result


def assessment_figures() -> AssessmentFigures:
    latest = LocalAssessment.objects.published().latest_per_place().values_list("activity_id", "completion")
    rows = list(latest)
    return AssessmentFigures(
        activities=len({activity for activity, _completion in rows}),
        places=len(rows),
        high_completion=sum(1 for _activity, completion in rows if completion in (Completion.SUBSTANTIAL, Completion.COMPLETE)),
    )


def key_figures(today: dt.date) -> KeyFigures:
    """Every figure of the home page, from public records, on ``today``."""
    activities = Activity.objects.aggregate(
        total=Count("pk"), local=Count("pk", filter=Q(involves_municipalities=True))
    )
    return KeyFigures(
        plans=ActionPlan.objects.count(),
        activities=activities["total"],
        local_activities=activities["local"],
        districts=District.objects.filter(communities__isnull=False).distinct().count(),
        communities=Community.objects.count(),
        organizations=Organization.objects.count(),
        studies=study_figures(),
        proposals=proposal_figures(today),
        events=event_figures(),
        platforms=DialoguePlatform.objects.published().count(),
        transparency=transparency_figures(today),
        assessments=assessment_figures(),
        projects=project_figures(today),
    )
