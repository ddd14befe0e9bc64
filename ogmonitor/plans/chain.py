"""The evidence chain of an activity: every record of the other apps that points at it.

An activity's page lists what the monitoring holds about it — the survey questions asked about
it, the indicators measuring it (latest figure and change since the previous round), the
findings and recommendations drawn from them, the events held and proposals made about it,
and the disclosure checklist items that show it being carried out — and each of those records'
own pages link back to the activity.

Those records live in apps above ``plans`` (surveys, findings, engagement, disclosure), which
all point at :class:`~.models.Activity`. This module is where they meet, so unlike the rest of
``plans`` it reads them; nothing in those apps imports it.

:func:`evidence_chain` costs a fixed number of queries (one or two per group) whatever the
number of linked records or survey rounds, and shows each record as its own page would show it
to the same viewer: unpublished studies, events and proposals only to those who may see them,
draft findings only to the study's managers, small bases withheld from the public.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Max, Q
from django.utils import timezone

from ogmonitor.accounts import policy
from ogmonitor.disclosure.index import State, item_state
from ogmonitor.disclosure.models import Item, Publication
from ogmonitor.engagement.models import Event, Proposal
from ogmonitor.findings import drafting, services
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.findings.services.compare import (
    Comparison,
    compare_rates,
    previous_rate,
    rate_of,
)
from ogmonitor.surveys.models import AggregateResult, Question, Study

from .models import Activity

#: Survey rounds by fieldwork, the latest first; a round without dates (being planned) last.
NEWEST_ROUND_FIRST = F("study__period_start").desc(nulls_last=True)


@dataclass
class IndicatorLink:
    """An indicator measuring the activity, with its latest overall figure and the change since
    the study's previous round, as the viewer may see them (``comparison.current`` is the figure
    itself, blanked when withheld; ``comparison.previous`` is None without a previous round)."""

    indicator: Indicator
    comparison: Comparison
    #: Computed, but of too few respondents to be published to this viewer.
    withheld: bool = False

    @property
    def figure(self):
        """The overall figure (a :class:`~ogmonitor.findings.services.Rate`), None if never computed."""
        return self.comparison.current

    @property
    def percent_text(self) -> str:
        return _rate_text(self.figure)

    @property
    def previous(self):
        return self.comparison.previous

    @property
    def previous_text(self) -> str:
        return _rate_text(self.previous)

    @property
    def change_text(self) -> str:
        """"+7.4" / "-1.9" percentage points; "" when the change is unknown or withheld."""
        return services.signed_points(self.comparison.change_pp)


@dataclass
class ItemLink:
    """A disclosure checklist item showing the activity, and how many organisations have it
    published and current today, and how many published it once but let it lapse."""

    item: Item
    current_organizations: int = 0
    lapsed_organizations: int = 0


@dataclass
class EvidenceChain:
    """What the activity page's "evidence chain" section shows, group by group."""

    questions: list[Question] = field(default_factory=list)
    indicators: list[IndicatorLink] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    disclosure_items: list[ItemLink] = field(default_factory=list)
    #: Bases below this many respondents are withheld from the public (the findings' rule).
    min_cell_size: int = 0


def evidence_chain(activity: Activity, user) -> EvidenceChain:
    """Everything linked to ``activity`` that ``user`` may see (about a dozen queries in all)."""
    studies = policy.visible_studies(user, Study.objects.all())
    indicators = _indicator_links(activity, user, studies)
    return EvidenceChain(
        questions=_questions(activity, studies),
        indicators=indicators,
        findings=_findings(indicators, user),
        recommendations=list(
            activity.recommendations.filter(study__in=studies)
            .select_related("study", "addressee").order_by("study__slug", "position", "pk")
        ),
        events=list(
            policy.visible_engagement(user, activity.events.all(), municipality_field="municipality")
            .select_related("municipality", "district").order_by("-date", F("time").desc(nulls_last=True), "-pk")
        ),
        proposals=list(
            policy.visible_engagement(user, activity.proposals.all(), municipality_field="addressee")
            .select_related("addressee").order_by(F("submitted_on").desc(nulls_last=True), "-number")
        ),
        disclosure_items=_disclosure_items(activity),
        min_cell_size=services.min_cell_size(),
    )


# --- Surveys and findings ------------------------------------------------------------------------


def _questions(activity: Activity, studies) -> list[Question]:
    """The questions about the activity, once per study and name: the newest questionnaire
    version's wording (a question kept from version to version is one question)."""
    questions = (
        activity.questions.filter(questionnaire__study__in=studies)
        .exclude(type=Question.Type.END_GROUP)
        .select_related("questionnaire__study")
        .order_by("questionnaire__study__slug", "-questionnaire__version", "position")
    )
    seen, kept = set(), []
    for question in questions:
        key = (question.questionnaire.study_id, question.name or question.pk)
        if key not in seen:
            seen.add(key)
            kept.append(question)
    return kept


def _indicator_links(activity: Activity, user, studies) -> list[IndicatorLink]:
    """The activity's indicators in the studies ``user`` may see, each with its overall figure
    and the same code's figure in the study's previous round (if the viewer may see that round).

    The comparison is the results page's (:func:`ogmonitor.findings.services.compare_studies`),
    made with its own building blocks for every round at once: calling it round by round would
    cost four queries per round. Small bases are withheld as that page withholds them
    (:func:`~ogmonitor.findings.services.withhold_small_rates`) from whoever does not manage
    the study.
    """
    indicators = list(
        activity.indicators.filter(study__in=studies)
        .select_related("study__previous").order_by(NEWEST_ROUND_FIRST, "study__slug", "position", "code")
    )
    if not indicators:
        return []
    previous_ids = {indicator.study.previous_id for indicator in indicators} - {None}
    previous_rounds, earlier = {}, {}
    if previous_ids:
        previous_rounds = {study.pk: study for study in policy.visible_studies(user, Study.objects.filter(pk__in=previous_ids))}
    if previous_rounds:
        codes = {indicator.code for indicator in indicators}
        earlier = {
            (then.study_id, then.code): then
            for then in Indicator.objects.filter(study_id__in=list(previous_rounds), code__in=codes)
        }
    compared = [*indicators, *earlier.values()]
    results = {
        result.indicator_id: result
        for result in IndicatorResult.objects.overall().filter(indicator__in=[indicator.pk for indicator in compared])
    }
    figures: dict[int, dict] = defaultdict(dict)
    for figure in AggregateResult.objects.filter(study_id__in={indicator.study_id for indicator in indicators} | set(previous_rounds)):
        figures[figure.study_id][(figure.key, figure.choice)] = figure

    threshold = services.min_cell_size()
    links = []
    for indicator in indicators:
        study = indicator.study
        result = results.get(indicator.pk)
        now = rate_of(study, indicator, result, figures[study.pk])
        previous = previous_rounds.get(study.previous_id)
        before = None if previous is None else previous_rate(
            indicator, previous, earlier.get((previous.pk, indicator.code)), results, figures[previous.pk])
        comparison = compare_rates(indicator, now, before)
        hide = not services.may_see_small_cells(user, study)
        withheld = hide and services.is_small_rate(now, threshold)
        if hide:
            services.withhold_small_rates([comparison], threshold)
        links.append(IndicatorLink(indicator=indicator, comparison=comparison, withheld=withheld))
    return links


def _findings(indicators: list[IndicatorLink], user) -> list[Finding]:
    """The findings of the activity's indicators: published ones, and drafts too for those who
    manage the study, each ``rendered`` with the figure the viewer sees (a withheld one reads "—")."""
    if not indicators:
        return []
    links = {link.indicator.pk: link for link in indicators}
    managed = {link.indicator.study_id for link in indicators if policy.can_manage_study(user, link.indicator.study)}
    findings = list(
        Finding.objects.filter(indicator__in=list(links))
        .filter(Q(status=Finding.Status.PUBLISHED) | Q(study_id__in=managed))
        .order_by(NEWEST_ROUND_FIRST, "study__slug", "position", "pk")
    )
    for finding in findings:
        link = links[finding.indicator_id]
        finding.indicator, finding.study = link.indicator, link.indicator.study  # already loaded
        finding.rendered = drafting.render_finding(finding, link.figure)
    return findings


def _rate_text(rate) -> str:
    return "" if rate is None or rate.percentage is None else services.percent_text(rate.percentage, rate.percentage_upper)


# --- Disclosure ------------------------------------------------------------------------------------


def _disclosure_items(activity: Activity) -> list[ItemLink]:
    """The checklist items linked to the activity, each with the number of organisations whose
    latest publication of it is current today, and of those whose latest is no longer current,
    by the transparency index's own rule (:func:`ogmonitor.disclosure.index.item_state`).

    Two queries: the items, and each organisation's latest publication date of each item (one
    row per organisation and item, never one per publication).
    """
    items = list(activity.disclosure_items.filter(is_active=True).select_related("category").order_by(
        "category__position", "category__code", "position", "code"
    ))
    if not items:
        return []
    today = timezone.localdate()
    latest = (
        Publication.objects.filter(item__in=items, published_on__lte=today)
        .values("item_id", "organization_id").annotate(latest=Max("published_on")).order_by()
    )
    links = {item.pk: ItemLink(item) for item in items}
    for row in latest:
        link = links[row["item_id"]]
        if item_state(row["latest"], link.item.current_for_days, today) == State.CURRENT:
            link.current_organizations += 1
        else:  # published by today, so stale: never missing
            link.lapsed_organizations += 1
    return list(links.values())

