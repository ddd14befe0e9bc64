"""Open data: every public dataset declared once, and its CSV, JSON and Frictionless descriptions.

A :class:`Dataset` names its published records (a queryset that can only return what the
public pages show: published studies, events, proposals, platforms and projects), its columns
(each with a Frictionless Table Schema type, a description and how to read the value from a
record) and the page that shows the same data. Downloads, schemas, the catalogue and
``datapackage.json`` are all generated from these declarations, so they cannot disagree.

Values are language-neutral: codes for choices (``status = published``), ISO dates, numbers
with a dot, and translated texts as a pair of columns (``title_az``, ``title_en``). Only the
addresses in ``url`` columns follow the language of the download's own address.

Figures of survey results go through :func:`ogmonitor.findings.services.results_for` as an
anonymous visitor sees them: a suppressed cell has empty figures and ``suppressed = true``.

No dataset holds answers, respondents or their identities: survey rounds come out as the
studies, their indicator figures and findings. Free-text answers may be added only from
:func:`ogmonitor.surveys.privacy.publishable_text_answers` (questions a coordinator marked
publishable, never personal ones); ``tests/test_opendata_privacy.py`` searches every download
for respondents' names, phones, e-mails and unpublishable answers.

The queries per download are bounded: related records are joined or prefetched (in chunks of
:data:`CHUNK_SIZE` rows), so they do not grow with the rows, except where the engine is called
per study (indicator results, findings) or per project (indicator progress): a few queries each.
"""

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    Prefetch,
    Q,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ogmonitor.disclosure import index as disclosure_index
from ogmonitor.disclosure.models import Item, Period, Publication
from ogmonitor.engagement.events import with_participant_totals
from ogmonitor.engagement.models import (
    DialoguePlatform,
    Event,
    EventSource,
    Membership,
    Proposal,
    ProposalStep,
    VoteEvent,
)
from ogmonitor.engagement.platforms import in_force_on
from ogmonitor.engagement.proposals import days_overdue
from ogmonitor.findings import services as findings
from ogmonitor.findings.labels import group_labels
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.lib import safe_csv
from ogmonitor.logframe import targets
from ogmonitor.logframe.models import Indicator as ProjectIndicator
from ogmonitor.logframe.models import Project
from ogmonitor.logframe.progress import project_progress
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, LocalAssessment, Milestone, OGPValue
from ogmonitor.surveys.models import AggregateResult, Study

from .models import DEFAULT_LICENCE, LICENCES, DatasetSettings, LicenceInfo

#: Rows fetched per query when a download iterates its records (prefetches run per chunk).
CHUNK_SIZE = 2000
#: Downloads of more rows than this are streamed (and so not kept in the page cache).
STREAM_ROWS = 5000
#: Rows shown on a dataset's page.
PREVIEW_ROWS = 20
#: Separator of several values in one cell (organisers, districts…).
LIST_SEPARATOR = "; "

TABLE_SCHEMA_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "time")

_FIELD_TYPES = {
    "CharField": "string", "TextField": "string", "SlugField": "string", "URLField": "string",
    "EmailField": "string", "JSONField": "string", "AutoField": "integer", "BigAutoField": "integer",
    "IntegerField": "integer", "SmallIntegerField": "integer", "BigIntegerField": "integer",
    "PositiveIntegerField": "integer", "PositiveSmallIntegerField": "integer", "PositiveBigIntegerField": "integer",
    "DecimalField": "number", "FloatField": "number",
    "BooleanField": "boolean", "DateField": "date", "DateTimeField": "datetime", "TimeField": "time",
}


# --- Declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type, description, and how to read it from a record."""

    name: str
    type: str
    description: Promise | str
    get: Callable[[Any], Any]
    #: The codes a column may hold, each with its label (a model's choices).
    choices: tuple[tuple[str, Any], ...] = ()
    #: Table Schema ``format``; "uri" marks addresses, made absolute when served.
    format: str = ""

    def __post_init__(self):
        if self.type not in TABLE_SCHEMA_TYPES:
            raise ValueError(f"{self.name}: {self.type} is not a Table Schema type")

    @property
    def enum(self) -> list[str]:
        return [code for code, _label in self.choices]

    def as_field(self) -> dict:
        """The column as a Frictionless Table Schema field descriptor."""
        descriptor = {"name": self.name, "type": self.type, "description": str(self.description)}
        if self.format:
            descriptor["format"] = self.format
        if self.choices:
            descriptor["constraints"] = {"enum": list(self.enum)}
        return descriptor


@dataclass(frozen=True)
class Dataset:
    """A public dataset: its published records, columns and the page that shows the same data."""

    slug: str
    title: Promise
    description: Promise
    #: URL name of the public page listing the same records.
    page: str
    columns: tuple[Column, ...]
    #: The published records, ordered; nothing else may come out of it.
    source: Callable[[], models.QuerySet]
    #: Turns records into row objects, for rows computed by an engine (None: a record is a row).
    expand: Callable[[Iterable], Iterable] | None = None
    #: The number of rows (default: the records counted).
    count: Callable[[], int] | None = None
    #: When a row last changed, if the records keep it (None: not known).
    changed: Callable[[], Any] | None = None
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def row_count(self) -> int:
        return self.count() if self.count else self.source().count()

    def last_changed(self):
        return self.changed() if self.changed else None

    def records(self, limit: int | None = None) -> Iterable:
        """The row objects, the first ``limit`` only if given."""
        source = self.source()
        if self.expand is None:
            if limit is not None:
                return source[:limit]
            return source.iterator(chunk_size=CHUNK_SIZE)
        rows = self.expand(source)
        return itertools.islice(rows, limit) if limit is not None else rows

    def rows(self, limit: int | None = None) -> Iterator[list]:
        """Each row as a list of raw values in column order."""
        for record in self.records(limit):
            yield [column.get(record) for column in self.columns]

    def schema(self) -> dict:
        """The dataset's Frictionless Table Schema."""
        schema = {"fields": [column.as_field() for column in self.columns], "missingValues": [""]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        return schema

    def page_url(self) -> str:
        return reverse(self.page)


# --- Column helpers -------------------------------------------------------------------------------


def _model_field(model, name: str):
    return model._meta.get_field(name)


def column(model, name: str, *, as_name: str = "", description=None, get=None) -> Column:
    """A column read from a model field: type, description and codes come from the field."""
    model_field = _model_field(model, name)
    kind = _FIELD_TYPES[model_field.get_internal_type()]
    return Column(
        name=as_name or name,
        type=kind,
        description=description or model_field.verbose_name,
        get=get or (lambda record: _blank_to_none(getattr(record, name))),
        choices=_choices(model_field.choices or ()),
        format="uri" if model_field.get_internal_type() == "URLField" else "",
    )


def translated(model, name: str, *, prefix: str = "", via: str = "") -> tuple[Column, Column]:
    """Both language columns of a translated field, ``<name>_az`` and ``<name>_en``.

    ``via`` reads the field on a related record (``via="area"`` → ``record.area.title_az``) and
    ``prefix`` names the columns after it (``area_title_az``).
    """
    verbose = _model_field(model, name).verbose_name
    columns = []
    for code, language in (("az", _("Azerbaijani")), ("en", _("English"))):
        attribute = f"{name}_{code}"

        def get(record, attribute=attribute):
            target = _follow(record, via) if via else record
            return _blank_to_none(getattr(target, attribute)) if target is not None else None

        columns.append(Column(f"{prefix}{attribute}", "string", format_lazy("{} ({})", verbose, language), get))
    return tuple(columns)


def keyed_description(model, name: str, key: str):
    """"study (slug)": the relation's name and that of the key identifying its record."""
    relation = _model_field(model, name)
    return format_lazy("{} ({})", relation.verbose_name, _model_field(relation.related_model, key).verbose_name)


def reference(model, name: str, key: str, *, as_name: str = "", published: str = "") -> Column:
    """A column holding the ``key`` (slug, code…) of the record a foreign key points to.

    ``published`` names a boolean of the related record: when it is false, the reference is
    left empty, so an unpublished event is not revealed through a published proposal.
    """
    description = keyed_description(model, name, key)

    def get(record):
        target = getattr(record, name)
        if target is None or (published and not getattr(target, published)):
            return None
        return getattr(target, key)

    return Column(as_name or name, "string", description, get)


def references(model, name: str, key: str, *, as_name: str = "") -> Column:
    """The keys of the records of a many-to-many relation (prefetched), joined by "; "."""
    description = keyed_description(model, name, key)
    return Column(
        as_name or name, "string", description,
        lambda record: LIST_SEPARATOR.join(str(getattr(item, key)) for item in getattr(record, name).all()) or None,
    )


def page_column(get=None) -> Column:
    """The address of the record's page (``get``: of the page that shows it, when it has none)."""
    return Column("url", "string", _("Address of the record’s page on this site."),
                  get or (lambda record: record.get_absolute_url()), format="uri")


def demo_column(model) -> Column:
    return column(model, "is_demo")


def _follow(record, path: str):
    for part in path.split("."):
        record = getattr(record, part)
        if record is None:
            return None
    return record


def _blank_to_none(value):
    return None if value == "" else value


def _choices(choices) -> tuple[tuple[str, Any], ...]:
    """(code, label) pairs of model choices, without the empty "not set" one."""
    return tuple((str(value), label) for value, label in choices if value != "")


# --- The datasets ---------------------------------------------------------------------------------

REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.slug in REGISTRY:
        raise ValueError(f"Dataset {dataset.slug} is declared twice")
    REGISTRY[dataset.slug] = dataset
    return dataset


def _published_studies():
    return Study.objects.published()


# Action plans and their activities.

register(Dataset(
    slug="action-plans",
    title=_("Open Government National Action Plans"),
    description=_("Every National Action Plan for the Promotion of Open Government: its period, approving act and number of activities."),
    page="plans:list",
    source=lambda: ActionPlan.objects.annotate(activity_count=Count("activities")).order_by("start_year", "pk"),
    columns=(
        column(ActionPlan, "slug"),
        *translated(ActionPlan, "title"),
        column(ActionPlan, "start_year"),
        column(ActionPlan, "end_year"),
        *translated(ActionPlan, "approved_by"),
        column(ActionPlan, "approved_on"),
        *translated(ActionPlan, "summary"),
        column(ActionPlan, "source_url"),
        Column("activity_count", "integer", _("Number of activities in the plan."), lambda plan: plan.activity_count),
        column(ActionPlan, "is_demo", as_name="has_placeholders"),
        page_column(),
    ),
    primary_key=("slug",),
))

register(Dataset(
    slug="activities",
    title=_("Activities of the National Action Plans"),
    description=_("Each activity (measure) of each plan with its area, executors, deadline and whether it involves municipalities."),
    page="plans:list",
    source=lambda: Activity.objects.select_related("plan", "area")
    .prefetch_related(Prefetch("executors", queryset=Organization.objects.order_by("slug")))
    .order_by("plan__start_year", "plan_id", "sort_key"),
    columns=(
        reference(Activity, "plan", "slug"),
        Column("area_number", "integer", _("Number of the plan’s area (direction)."), lambda activity: activity.area.number),
        *translated(Activity, "title", prefix="area_", via="area"),
        column(Activity, "number"),
        *translated(Activity, "title"),
        *translated(Activity, "description"),
        references(Activity, "executors", "slug"),
        Column("executor_types", "string", _model_field(Activity, "executor_types").verbose_name,
               lambda activity: LIST_SEPARATOR.join(activity.executor_types) or None),
        *translated(Activity, "executors_text"),
        *translated(Activity, "participants"),
        *translated(Activity, "deadline_text"),
        column(Activity, "start_year"),
        column(Activity, "end_year"),
        column(Activity, "involves_municipalities"),
        column(Activity, "is_placeholder"),
        column(Activity, "weight"),
        column(Activity, "progress"),
        page_column(),
    ),
    primary_key=("plan", "number"),
))


register(Dataset(
    slug="local-assessments",
    title=_("Local assessments of NAP activities"),
    description=_("Published assessments of how far each activity, or a local target under it, is carried out in a place, on the scales of the OGP Independent Reporting Mechanism: completion, potential for results, early results and relevance to OGP values."),
    page="plans:list",
    source=lambda: LocalAssessment.objects.published()
    .select_related("activity__plan", "target", "district", "municipality", "assessed_by")
    .order_by("activity__plan__start_year", "activity__plan_id", "activity__sort_key", "target__code", "assessed_on", "pk"),
    changed=lambda: LocalAssessment.objects.published().aggregate(last=Max("updated_at"))["last"],
    columns=(
        column(LocalAssessment, "id"),
        Column("plan", "string", keyed_description(Activity, "plan", "slug"), lambda record: record.activity.plan.slug),
        reference(LocalAssessment, "activity", "number"),
        Column("subject", "string", _("Number of the activity, or code of the local target, that was assessed."),
               lambda record: record.subject_code),
        reference(LocalAssessment, "district", "code"),
        reference(LocalAssessment, "municipality", "slug"),
        column(LocalAssessment, "assessed_on"),
        column(LocalAssessment, "completion"),
        column(LocalAssessment, "potential"),
        column(LocalAssessment, "early_results"),
        Column("ogp_values", "string",
               format_lazy("{} ({})", _model_field(LocalAssessment, "ogp_values").verbose_name, "; ".join(OGPValue.values)),
               lambda record: LIST_SEPARATOR.join(code for code in OGPValue.values if code in record.ogp_values) or None),
        *translated(LocalAssessment, "narrative"),
        reference(LocalAssessment, "assessed_by", "slug"),
        column(LocalAssessment, "published_at"),
        demo_column(LocalAssessment),
        page_column(),
    ),
    primary_key=("id",),
))

register(Dataset(
    slug="milestones",
    title=_("Milestones of NAP activities"),
    description=_("Dated milestones of the activities and of the local targets under them, with their status and weight in the activity’s progress."),
    page="plans:list",
    source=lambda: Milestone.objects.select_related("activity__plan", "target__activity__plan")
    .order_by("activity__plan__start_year", "activity__plan_id", "activity__sort_key", "target__code", "position", "pk"),
    changed=lambda: Milestone.objects.aggregate(last=Max("updated_at"))["last"],
    columns=(
        column(Milestone, "id"),
        Column("plan", "string", keyed_description(Activity, "plan", "slug"), lambda record: record.activity.plan.slug),
        reference(Milestone, "activity", "number"),
        Column("subject", "string", _("Number of the activity, or code of the local target, the milestone belongs to."),
               lambda record: record.subject_code),
        *translated(Milestone, "title"),
        column(Milestone, "due_on"),
        column(Milestone, "status"),
        column(Milestone, "done_on"),
        column(Milestone, "weight"),
        demo_column(Milestone),
        page_column(lambda record: (record.target or record.activity).get_absolute_url()),
    ),
    primary_key=("id",),
))

# Places and organisations.

register(Dataset(
    slug="districts",
    title=_("Districts"),
    description=_("Districts (rayons), cities and the autonomous republic by ISO 3166-2 code, with their number of communities."),
    page="places:districts",
    source=lambda: District.objects.select_related("parent").annotate(community_count=Count("communities")).order_by("code"),
    columns=(
        column(District, "code"),
        *translated(District, "name"),
        column(District, "kind"),
        reference(District, "parent", "code"),
        Column("community_count", "integer", _("Number of its communities recorded here."), lambda d: d.community_count),
        page_column(),
    ),
    primary_key=("code",),
))

register(Dataset(
    slug="communities",
    title=_("Communities"),
    description=_("Villages, settlements and towns where monitoring takes place, with their district."),
    page="places:districts",
    source=lambda: Community.objects.select_related("district").order_by("district__code", "slug"),
    columns=(
        column(Community, "slug"),
        *translated(Community, "name"),
        column(Community, "kind"),
        reference(Community, "district", "code"),
        demo_column(Community),
        page_column(),
    ),
    primary_key=("slug",),
))

register(Dataset(
    slug="organizations",
    title=_("Organisations"),
    description=_("Municipalities, state bodies, NGOs and other actors: name, type, place and website. Contact details are left out."),
    page="places:organizations",
    source=lambda: Organization.objects.select_related("district", "community").order_by("slug"),
    columns=(
        column(Organization, "slug"),
        *translated(Organization, "name"),
        column(Organization, "short_name"),
        column(Organization, "type"),
        reference(Organization, "district", "code"),
        reference(Organization, "community", "slug"),
        column(Organization, "website"),
        demo_column(Organization),
        page_column(),
    ),
    primary_key=("slug",),
))

# Studies and their results.


def _previous_if_published(study):
    previous = study.previous
    return previous.slug if previous is not None and previous.status == Study.Status.PUBLISHED else None


register(Dataset(
    slug="studies",
    title=_("Studies"),
    description=_("Published survey rounds: who conducted them, when and where, and by which methods."),
    page="surveys:list",
    source=lambda: _published_studies().select_related("plan", "organization", "previous")
    .prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("code")),
        Prefetch("communities", queryset=Community.objects.order_by("slug")),
    )
    .order_by("period_start", "slug"),
    columns=(
        column(Study, "slug"),
        *translated(Study, "title"),
        *translated(Study, "description"),
        reference(Study, "organization", "slug"),
        reference(Study, "plan", "slug"),
        column(Study, "period_start"),
        column(Study, "period_end"),
        references(Study, "districts", "code"),
        references(Study, "communities", "slug"),
        Column("channels", "string", _model_field(Study, "channels").verbose_name,
               lambda study: LIST_SEPARATOR.join(study.channels) or None),
        column(Study, "aggregate_only"),
        Column("previous", "string", keyed_description(Study, "previous", "slug"), _previous_if_published),
        *translated(Study, "source_note"),
        page_column(),
    ),
    primary_key=("slug",),
))


@dataclass
class ResultRow:
    """One figure of an indicator as the public sees it, with its group named in both languages."""

    study: Study
    indicator: Indicator
    cell: findings.Cell
    labels: dict = field(default_factory=dict)

    def get_absolute_url(self) -> str:
        return reverse("findings:study", args=[self.study.slug])


def _public_figures(studies: Iterable[Study]) -> list[tuple[Study, findings.IndicatorFigures]]:
    """Every indicator of ``studies`` with its figures as an anonymous visitor sees them."""
    return [(study, figures) for study in studies for figures in findings.results_for(study, viewer=None)]


def _indicator_result_rows(studies) -> Iterator[ResultRow]:
    rows = []
    for study, figures in _public_figures(studies):
        cells = ([figures.overall] if figures.overall else []) + [
            cell for cells in figures.breakdowns.values() for cell in cells
        ]
        rows.extend(ResultRow(study, figures.indicator, cell) for cell in cells)
    groups = {(row.cell.dimension, row.cell.group_key) for row in rows if row.cell.dimension}
    for code in ("az", "en"):
        with translation.override(code):
            labels = group_labels(groups)
        for row in rows:
            if row.cell.dimension:
                row.labels[code] = labels[(row.cell.dimension, row.cell.group_key)]
    yield from rows


def _number(value):
    return None if value is None else Decimal(str(value))


_Dimension = IndicatorResult.Dimension

register(Dataset(
    slug="indicator-results",
    title=_("Indicator results of the studies"),
    description=_("Each indicator of each published study, overall and by district, community, respondent category and gender. Groups of fewer respondents than the minimum cell size are suppressed: their figures are empty and “suppressed” is true."),
    page="surveys:list",
    source=lambda: _published_studies().order_by("period_start", "slug"),
    expand=_indicator_result_rows,
    count=lambda: IndicatorResult.objects.filter(indicator__study__in=_published_studies()).count(),
    changed=lambda: IndicatorResult.objects.filter(indicator__study__in=_published_studies()).aggregate(
        last=Max("computed_at"))["last"],
    columns=(
        Column("study", "string", keyed_description(Indicator, "study", "slug"), lambda row: row.study.slug),
        Column("indicator", "string", keyed_description(Finding, "indicator", "code"), lambda row: row.indicator.code),
        *translated(Indicator, "title", prefix="indicator_", via="indicator"),
        Column("indicator_kind", "string", _model_field(Indicator, "kind").verbose_name,
               lambda row: row.indicator.kind, choices=_choices(Indicator.Kind.choices)),
        Column("nap_area", "integer", keyed_description(Indicator, "nap_area", "number"),
               lambda row: row.indicator.nap_area.number if row.indicator.nap_area else None),
        Column("nap_activity", "string", keyed_description(Indicator, "nap_activity", "number"),
               lambda row: row.indicator.nap_activity.number if row.indicator.nap_activity else None),
        Column("breakdown", "string", _model_field(IndicatorResult, "dimension").verbose_name,
               lambda row: row.cell.dimension or "overall",
               choices=(("overall", _Dimension.OVERALL.label), *_choices(_Dimension.choices))),
        Column("group", "string", _("Code of the group (district code, community slug, category code or gender); empty for the overall figure and for respondents whose profile lacks it."),
               lambda row: _blank_to_none(row.cell.group_key)),
        Column("group_label_az", "string", format_lazy("{} ({})", _model_field(IndicatorResult, "group_label").verbose_name, _("Azerbaijani")),
               lambda row: row.labels.get("az")),
        Column("group_label_en", "string", format_lazy("{} ({})", _model_field(IndicatorResult, "group_label").verbose_name, _("English")),
               lambda row: row.labels.get("en")),
        column(IndicatorResult, "numerator", get=lambda row: row.cell.numerator),
        column(IndicatorResult, "denominator", get=lambda row: row.cell.denominator),
        column(IndicatorResult, "percentage", get=lambda row: row.cell.percentage),
        column(IndicatorResult, "percentage_upper", get=lambda row: row.cell.percentage_upper),
        column(IndicatorResult, "ci_low", get=lambda row: _number(row.cell.ci_low)),
        column(IndicatorResult, "ci_high", get=lambda row: _number(row.cell.ci_high)),
        column(IndicatorResult, "base_uncertain", get=lambda row: row.cell.base_uncertain),
        Column("suppressed", "boolean", _("True when the group is too small to publish: its figures are left empty."),
               lambda row: row.cell.suppressed),
        column(IndicatorResult, "computed_at", get=lambda row: row.cell.computed_at),
        page_column(),
    ),
))

register(Dataset(
    slug="published-results",
    title=_("Published figures of past rounds"),
    description=_("Figures of survey rounds whose answers are not held, as they were published: a count over a base, or a percentage."),
    page="surveys:list",
    source=lambda: AggregateResult.objects.filter(study__in=_published_studies()).select_related("study")
    .order_by("study__period_start", "study__slug", "key", "choice"),
    columns=(
        reference(AggregateResult, "study", "slug"),
        column(AggregateResult, "key"),
        column(AggregateResult, "choice"),
        *translated(AggregateResult, "label"),
        column(AggregateResult, "unit"),
        column(AggregateResult, "numerator"),
        column(AggregateResult, "denominator"),
        column(AggregateResult, "percentage"),
        column(AggregateResult, "percentage_upper"),
        column(AggregateResult, "base_uncertain"),
        *translated(AggregateResult, "source_note"),
    ),
))


def _findings_with_text(findings_: Iterable[Finding]) -> Iterator[Finding]:
    """Findings with ``text_az_shown``/``text_en_shown``: their sentences filled with the
    indicator's overall figure as the public sees it ("—" where it is suppressed)."""
    findings_ = list(findings_)
    studies = {finding.study_id: finding.study for finding in findings_}
    overall = {
        figures.indicator.pk: figures.overall for _study, figures in _public_figures(studies.values())
    }
    for finding in findings_:
        cell = overall.get(finding.indicator_id)
        for code in ("az", "en"):
            template = getattr(finding, f"text_{code}")
            with translation.override(code):
                text = findings.render_sentence(template, cell) if template else None
            setattr(finding, f"text_{code}_shown", text)
        yield finding


def _study_results_url(record) -> str:
    return reverse("findings:study", args=[record.study.slug])


register(Dataset(
    slug="findings",
    title=_("Findings"),
    description=_("The published findings of published studies, with the current figures filled in."),
    page="surveys:list",
    source=lambda: Finding.objects.filter(status=Finding.Status.PUBLISHED, study__in=_published_studies())
    .select_related("study", "nap_area", "indicator").order_by("study__period_start", "study__slug", "position", "pk"),
    expand=_findings_with_text,
    count=lambda: Finding.objects.filter(status=Finding.Status.PUBLISHED, study__in=_published_studies()).count(),
    changed=lambda: Finding.objects.filter(status=Finding.Status.PUBLISHED, study__in=_published_studies()).aggregate(
        last=Max("updated_at"))["last"],
    columns=(
        reference(Finding, "study", "slug"),
        column(Finding, "position"),
        Column("nap_area", "integer", keyed_description(Finding, "nap_area", "number"),
               lambda finding: finding.nap_area.number if finding.nap_area else None),
        reference(Finding, "indicator", "code"),
        Column("text_az", "string", format_lazy("{} ({})", _model_field(Finding, "text").verbose_name, _("Azerbaijani")),
               lambda finding: finding.text_az_shown),
        Column("text_en", "string", format_lazy("{} ({})", _model_field(Finding, "text").verbose_name, _("English")),
               lambda finding: finding.text_en_shown),
        column(Finding, "updated_at"),
        Column("url", "string", _("Address of the record’s page on this site."), _study_results_url, format="uri"),
    ),
))

register(Dataset(
    slug="recommendations",
    title=_("Recommendations"),
    description=_("Recommendations of published studies: to whom, with what priority, and what became of them."),
    page="surveys:list",
    source=lambda: Recommendation.objects.filter(study__in=_published_studies()).select_related("study", "addressee")
    .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by("sort_key")))
    .order_by("study__period_start", "study__slug", "position", "pk"),
    changed=lambda: Recommendation.objects.filter(study__in=_published_studies()).aggregate(last=Max("updated_at"))["last"],
    columns=(
        reference(Recommendation, "study", "slug"),
        column(Recommendation, "position"),
        *translated(Recommendation, "text"),
        column(Recommendation, "priority"),
        column(Recommendation, "status"),
        reference(Recommendation, "addressee", "slug"),
        *translated(Recommendation, "addressee_text"),
        references(Recommendation, "activities", "number", as_name="nap_activities"),
        column(Recommendation, "updated_at"),
        Column("url", "string", _("Address of the record’s page on this site."), _study_results_url, format="uri"),
    ),
))

# Engagement: events, proposals, dialogue platforms.


def _event_time(event):
    return event.time.strftime("%H:%M:%S") if event.time else None


register(Dataset(
    slug="events",
    title=_("Events"),
    description=_("Published consultations, trainings, meetings and hearings around the action plans, with the number of people they reached and the addresses of their sources."),
    page="engagement:events",
    source=lambda: with_participant_totals(Event.objects.published())
    .select_related("district", "community", "municipality", "organization", "plan", "platform")
    .prefetch_related(
        Prefetch("organizers", queryset=Organization.objects.order_by("slug")),
        Prefetch("sources", queryset=EventSource.objects.order_by("position", "footnote", "pk")),
    )
    .order_by("date", "time", "pk"),
    changed=lambda: Event.objects.published().aggregate(last=Max("updated_at"))["last"],
    columns=(
        column(Event, "slug"),
        column(Event, "date"),
        Column("time", "time", _model_field(Event, "time").verbose_name, _event_time),
        column(Event, "end_date"),
        column(Event, "type"),
        column(Event, "status"),
        column(Event, "format"),
        *translated(Event, "title"),
        *translated(Event, "topic"),
        *translated(Event, "summary"),
        *translated(Event, "agenda"),
        *translated(Event, "outcome"),
        column(Event, "place"),
        column(Event, "meeting_link"),
        reference(Event, "district", "code"),
        reference(Event, "community", "slug"),
        reference(Event, "municipality", "slug"),
        references(Event, "organizers", "slug"),
        reference(Event, "organization", "slug", as_name="recorded_by"),
        reference(Event, "plan", "slug"),
        reference(Event, "platform", "slug", published="is_published"),
        Column("people_reached", "integer", _("People who took part: named participants plus those counted without names."),
               lambda event: event.people),
        Column("sources", "string", _("Addresses of the sources documenting the event, separated by spaces (see the event sources dataset)."),
               lambda event: " ".join(source.url for source in event.sources.all()) or None),
        demo_column(Event),
        column(Event, "updated_at"),
        page_column(),
    ),
    primary_key=("slug",),
))

register(Dataset(
    slug="event-sources",
    title=_("Sources of the events"),
    description=_("Where each published event is documented: the address, the title and date it had when it was read, and an archived copy."),
    page="engagement:chronology",
    source=lambda: EventSource.objects.filter(event__is_published=True).select_related("event")
    .order_by("event__date", "event_id", "position", "footnote", "pk"),
    columns=(
        Column("event", "string", format_lazy("{} ({})", _("event"), _("slug")), lambda source: source.event.slug),
        column(EventSource, "position"),
        column(EventSource, "footnote"),
        column(EventSource, "url"),
        column(EventSource, "title"),
        column(EventSource, "published_on"),
        column(EventSource, "accessed_on"),
        column(EventSource, "archive_url"),
    ),
))


def _proposal_activity(proposal):
    return proposal.activity.number if proposal.activity else None


def _proposal_plan(proposal):
    return proposal.activity.plan.slug if proposal.activity else None


register(Dataset(
    slug="proposals",
    title=_("Proposals to authorities"),
    description=_("Published proposals and demands put to municipalities and state bodies: to whom, when, whether the answer is overdue, the answer and the outcome."),
    page="engagement:proposals",
    source=lambda: Proposal.objects.published()
    .select_related("organization", "event", "raised_by_group", "raised_by_organization", "community", "addressee",
                    "activity__plan")
    .order_by("number"),
    changed=lambda: Proposal.objects.published().aggregate(last=Max("updated_at"))["last"],
    columns=(
        column(Proposal, "number"),
        *translated(Proposal, "text"),
        column(Proposal, "topic"),
        column(Proposal, "status"),
        Column("overdue", "boolean", _("True when the authority has not answered and the answer is past due."),
               lambda proposal: proposal.is_overdue(timezone.localdate())),
        Column("days_overdue", "integer", _("Days past the answer’s due date (0 when not overdue)."),
               lambda proposal: days_overdue(proposal, timezone.localdate())),
        reference(Proposal, "addressee", "slug"),
        reference(Proposal, "raised_by_group", "code"),
        reference(Proposal, "raised_by_organization", "slug"),
        reference(Proposal, "community", "slug"),
        Column("plan", "string", keyed_description(Activity, "plan", "slug"), _proposal_plan),
        Column("activity", "string", keyed_description(Proposal, "activity", "number"), _proposal_activity),
        reference(Proposal, "event", "slug", published="is_published"),
        reference(Proposal, "organization", "slug", as_name="recorded_by"),
        column(Proposal, "submitted_on"),
        column(Proposal, "submitted_via"),
        column(Proposal, "reference_number"),
        column(Proposal, "answer_days"),
        column(Proposal, "answer_due"),
        column(Proposal, "acknowledged_on"),
        column(Proposal, "answered_on"),
        *translated(Proposal, "answer_text"),
        column(Proposal, "decided_on"),
        column(Proposal, "implemented_on"),
        demo_column(Proposal),
        column(Proposal, "updated_at"),
        page_column(),
    ),
    primary_key=("number",),
))

register(Dataset(
    slug="proposal-steps",
    title=_("History of the proposals"),
    description=_("Each step of each published proposal: from which status to which, on what date, with its note."),
    page="engagement:proposals",
    source=lambda: ProposalStep.objects.filter(proposal__is_published=True).select_related("proposal")
    .order_by("proposal__number", "on", "recorded_at", "pk"),
    changed=lambda: ProposalStep.objects.filter(proposal__is_published=True).aggregate(last=Max("recorded_at"))["last"],
    columns=(
        Column("proposal", "string", format_lazy("{} ({})", _("proposal"), _model_field(Proposal, "number").verbose_name),
               lambda step: str(step.proposal.number)),
        column(ProposalStep, "from_status"),
        column(ProposalStep, "to_status"),
        column(ProposalStep, "on"),
        column(ProposalStep, "note"),
    ),
))


def _platforms():
    today = timezone.localdate()
    current = Q(memberships__joined_on__isnull=True) | Q(memberships__joined_on__lte=today)
    current &= Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
    return (
        DialoguePlatform.objects.published().select_related("district", "founding_event")
        .annotate(member_count=Count("memberships__organization", filter=current, distinct=True))
        .order_by("level", "slug")
    )


register(Dataset(
    slug="platforms",
    title=_("Dialogue platforms"),
    description=_("Government–civil society dialogue platforms, national and local, with their current number of member organisations."),
    page="engagement:platforms",
    source=_platforms,
    count=lambda: DialoguePlatform.objects.published().count(),
    columns=(
        column(DialoguePlatform, "slug"),
        *translated(DialoguePlatform, "name"),
        column(DialoguePlatform, "level"),
        reference(DialoguePlatform, "district", "code"),
        column(DialoguePlatform, "founded_on"),
        reference(DialoguePlatform, "founding_event", "slug", published="is_published"),
        *translated(DialoguePlatform, "description"),
        column(DialoguePlatform, "website"),
        Column("current_members", "integer", _("Member organisations today."), lambda platform: platform.member_count),
        demo_column(DialoguePlatform),
        page_column(),
    ),
    primary_key=("slug",),
))

register(Dataset(
    slug="platform-memberships",
    title=_("Members of the dialogue platforms"),
    description=_("Which organisations are or were members of each published dialogue platform, in which role and since when."),
    page="engagement:platforms",
    # "In force" is the platform pages' own rule (a membership ends on the day it is left).
    source=lambda: Membership.objects.filter(platform__is_published=True).select_related("platform", "organization")
    .annotate(in_force=ExpressionWrapper(in_force_on(timezone.localdate()), output_field=BooleanField()))
    .order_by("platform__slug", "organization__slug", "joined_on", "pk"),
    columns=(
        Column("platform", "string", format_lazy("{} ({})", _("dialogue platform"), _("slug")),
               lambda membership: membership.platform.slug),
        reference(Membership, "organization", "slug"),
        *translated(Organization, "name", prefix="organization_", via="organization"),
        Column("organization_type", "string", _model_field(Organization, "type").verbose_name,
               lambda membership: membership.organization.type, choices=_choices(Organization.Type.choices)),
        column(Membership, "role"),
        column(Membership, "joined_on"),
        column(Membership, "left_on"),
        Column("current", "boolean", _("True when the membership is in force today."),
               lambda membership: membership.in_force),
    ),
))


def _vote_count(name):
    return lambda vote: None if vote.counts_unknown else getattr(vote, name)


register(Dataset(
    slug="votes",
    title=_("Votes of the dialogue platforms"),
    description=_("Votes of published dialogue platforms on motions: the counts for, against, abstaining and absent, and the result."),
    page="engagement:platforms",
    source=lambda: VoteEvent.objects.filter(platform__is_published=True).select_related("platform", "event")
    .order_by("date", "pk"),
    columns=(
        Column("platform", "string", format_lazy("{} ({})", _("dialogue platform"), _("slug")),
               lambda vote: vote.platform.slug),
        column(VoteEvent, "date"),
        *translated(VoteEvent, "motion"),
        column(VoteEvent, "yes", get=_vote_count("yes")),
        column(VoteEvent, "no", get=_vote_count("no")),
        column(VoteEvent, "abstain", get=_vote_count("abstain")),
        column(VoteEvent, "absent", get=_vote_count("absent")),
        column(VoteEvent, "rule"),
        column(VoteEvent, "result"),
        column(VoteEvent, "counts_unknown"),
        reference(VoteEvent, "event", "slug", published="is_published"),
    ),
))

# Projects' logframes.


@dataclass
class ProgressRow:
    project: Project
    item: Any  # logframe.progress.IndicatorProgress
    as_of: dt.date

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()


def _progress_rows(projects) -> Iterator[ProgressRow]:
    today = timezone.localdate()
    for project in projects:
        for item in project_progress(project, today).all_indicators():
            yield ProgressRow(project, item, today)


def _indicator_value(name):
    return lambda row: getattr(row.item.indicator, name)


register(Dataset(
    slug="project-indicators",
    title=_("Progress of the projects’ indicators"),
    description=_("Each indicator of each published project: its target, baseline, the actual value counted from the records (or entered with evidence) and its status today."),
    page="logframe:list",
    source=lambda: Project.objects.filter(is_published=True).order_by("starts_on", "slug"),
    expand=_progress_rows,
    count=lambda: ProjectIndicator.objects.filter(project__is_published=True).count(),
    columns=(
        Column("project", "string", format_lazy("{} ({})", _("project"), _("slug")), lambda row: row.project.slug),
        *translated(Project, "title", prefix="project_", via="project"),
        Column("indicator", "string", _model_field(ProjectIndicator, "code").verbose_name, _indicator_value("code")),
        *translated(ProjectIndicator, "title", via="item.indicator"),
        *translated(ProjectIndicator, "unit", via="item.indicator"),
        Column("activity", "string", _("Code of the project activity it measures; empty for the project as a whole."),
               lambda row: row.item.indicator.activity.code if row.item.indicator.activity else None),
        column(ProjectIndicator, "target_kind", get=_indicator_value("target_kind")),
        column(ProjectIndicator, "target", get=_indicator_value("target")),
        column(ProjectIndicator, "target_max", get=_indicator_value("target_max")),
        column(ProjectIndicator, "baseline", get=_indicator_value("baseline")),
        Column("due_on", "date", _model_field(ProjectIndicator, "due_on").verbose_name, lambda row: row.item.due),
        column(ProjectIndicator, "source", get=_indicator_value("source")),
        Column("actual", "number", _("The actual value on the day of the download."), lambda row: row.item.measure.value),
        Column("percent", "number", _("The actual as a percentage of the target (of the lower end of a range)."),
               lambda row: row.item.evaluation.percent),
        Column("status", "string", _("Where the indicator stands against its target on the day of the download."),
               lambda row: row.item.status, choices=_choices(targets.Status.choices)),
        Column("as_of", "date", _("The day the actual value and status were computed."), lambda row: row.as_of),
        page_column(),
    ),
    primary_key=("project", "indicator"),
))

# Proactive disclosure and the transparency index.

register(Dataset(
    slug="disclosure-items",
    title=_("Disclosure checklist"),
    description=_("The information municipalities and community-based organisations are expected to publish: each item with its category, weight in the transparency index and how long a publication stays current."),
    page="disclosure:checklist",
    source=lambda: Item.objects.filter(is_active=True).select_related("category")
    .order_by("category__position", "category__code", "position", "code"),
    columns=(
        column(Item, "code"),
        reference(Item, "category", "code"),
        *translated(Item, "name", prefix="category_", via="category"),
        *translated(Item, "name"),
        *translated(Item, "description"),
        column(Item, "weight"),
        column(Item, "current_for_days"),
        column(Item, "applies_to"),
    ),
    primary_key=("code",),
))


def _publications():
    return Publication.objects.filter(
        organization__type__in=disclosure_index.RANKED_TYPES, item__is_active=True
    )


register(Dataset(
    slug="disclosure-publications",
    title=_("Publications of checklist information"),
    description=_("Each time a municipality or community-based organisation was found to have published a checklist item: where, when, the link, and whether it was verified."),
    page="disclosure:ranking",
    source=lambda: _publications().select_related("organization", "item").order_by("published_on", "pk"),
    changed=lambda: _publications().aggregate(last=Max("recorded_at"))["last"],
    columns=(
        reference(Publication, "organization", "slug"),
        reference(Publication, "item", "code"),
        column(Publication, "channel"),
        column(Publication, "published_on"),
        column(Publication, "title"),
        column(Publication, "url"),
        Column("verified", "boolean", _("True when a coordinator checked the publication."),
               lambda publication: publication.verified_on is not None or publication.verified_by_id is not None),
        column(Publication, "verified_on"),
        demo_column(Publication),
    ),
))


@dataclass
class RankingRow:
    moment: disclosure_index.Moment
    row: disclosure_index.RankingRow


def _ranked_organizations():
    return disclosure_index.monitored(Organization.objects.all())


def _moments() -> list[disclosure_index.Moment]:
    """Every period that has started, at its end (or today), and today if no period is running."""
    today = timezone.localdate()
    moments = disclosure_index.moments(today)
    if not moments or moments[-1].as_of < today:
        moments.append(disclosure_index.Moment(as_of=today))
    return moments


def _ranking_rows(organizations) -> Iterator[RankingRow]:
    """The ranking of each moment, as the ranking page computes it, in three queries in all."""
    listed = list(organizations)
    moments = _moments()
    scores = disclosure_index.assess(listed, [moment.as_of for moment in moments])
    period_moments = [moment for moment in moments if moment.period is not None]
    for position, moment in enumerate(moments):
        previous = disclosure_index.previous_moment(period_moments, moment)
        previous_position = moments.index(previous) if previous is not None else None
        for kind in disclosure_index.RANKED_TYPES:
            rows = [
                disclosure_index.RankingRow(
                    organization, scores[organization.pk][position],
                    scores[organization.pk][previous_position] if previous_position is not None else None,
                )
                for organization in listed if organization.type == kind
            ]
            for row in disclosure_index.rank_rows(rows):
                yield RankingRow(moment, row)


def _period_name(code):
    def get(row):
        period = row.moment.period
        return _blank_to_none(getattr(period, f"name_{code}")) if period else None
    return get


def _score(name):
    return lambda row: getattr(row.row.score, name)


register(Dataset(
    slug="transparency-ranking",
    title=_("Transparency index ranking"),
    description=_("Municipalities and community-based organisations ranked by the transparency index at the end of each period (and today), with the change since the period before."),
    page="disclosure:ranking",
    source=lambda: _ranked_organizations().select_related("district").order_by_name("az"),
    expand=_ranking_rows,
    count=lambda: _ranked_organizations().count() * len(_moments()),
    columns=(
        Column("period_az", "string", format_lazy("{} ({})", _model_field(Period, "name").verbose_name, _("Azerbaijani")),
               _period_name("az")),
        Column("period_en", "string", format_lazy("{} ({})", _model_field(Period, "name").verbose_name, _("English")),
               _period_name("en")),
        Column("as_of", "date", _("The day the index is computed at: the period’s end, or today."),
               lambda row: row.moment.as_of),
        Column("partial", "boolean", _("True when the period is not over: the index so far."),
               lambda row: row.moment.is_partial),
        Column("organization_type", "string", _model_field(Organization, "type").verbose_name,
               lambda row: row.row.organization.type, choices=_choices((kind, kind.label) for kind in disclosure_index.RANKED_TYPES)),
        Column("rank", "integer", _("Rank among organisations of the same type (ties share a rank)."), lambda row: row.row.rank),
        Column("organization", "string", format_lazy("{} ({})", _("organisation"), _("slug")),
               lambda row: row.row.organization.slug),
        *translated(Organization, "name", prefix="organization_", via="row.organization"),
        Column("district", "string", _model_field(District, "code").verbose_name,
               lambda row: row.row.organization.district.code if row.row.organization.district else None),
        Column("index", "number", _("Transparency index: the weighted share of checklist items published and current, 0–100."),
               lambda row: row.row.index),
        Column("change", "number", _("Change of the index since the period before, in points."), lambda row: row.row.change),
        Column("items_current", "integer", _("Items published and current."), _score("current")),
        Column("items_stale", "integer", _("Items published but no longer current."), _score("stale")),
        Column("items_missing", "integer", _("Items not published."), _score("missing")),
        Column("items_applicable", "integer", _("Items expected of the organisation."), _score("applicable")),
        Column("publications", "integer", _("Publications recorded by that day."), _score("publications")),
    ),
    primary_key=("as_of", "organization"),
))


# --- Licences and publication -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDataset:
    """A dataset as offered: with the licence and credit line it is published under."""

    dataset: Dataset
    licence: LicenceInfo
    attribution: str

    @property
    def slug(self) -> str:
        return self.dataset.slug

    def urls(self) -> dict[str, str]:
        """Its page, downloads and schema (relative addresses in the active language)."""
        return {
            "page": reverse("portal:dataset", args=[self.slug]),
            "csv": reverse("portal:dataset_csv", args=[self.slug]),
            "json": reverse("portal:dataset_json", args=[self.slug]),
            "schema": reverse("portal:dataset_schema", args=[self.slug]),
        }


def default_attribution() -> str:
    return "ogmonitor"


def _offer(dataset: Dataset, options: DatasetSettings | None) -> PublishedDataset | None:
    if options is not None and not options.is_published:
        return None
    licence = options.licence_info if options is not None else LICENCES[DEFAULT_LICENCE]
    attribution = (options.attribution if options is not None else "") or default_attribution()
    return PublishedDataset(dataset, licence, attribution)


def published_datasets() -> list[PublishedDataset]:
    """Every dataset not withdrawn, in the registry's order, with its licence (one query)."""
    options = {item.dataset: item for item in DatasetSettings.objects.all()}
    offers = (_offer(dataset, options.get(slug)) for slug, dataset in REGISTRY.items())
    return [offer for offer in offers if offer is not None]


def published_dataset(slug: str) -> PublishedDataset | None:
    """The dataset at ``slug`` with its licence; None if there is none or it is withdrawn."""
    dataset = REGISTRY.get(slug)
    if dataset is None:
        return None
    return _offer(dataset, DatasetSettings.objects.filter(dataset=slug).first())


def downloads_wired() -> bool:
    """Whether the open-data pages are in the URL configuration (the includes link to them)."""
    try:
        reverse("portal:datasets")
    except NoReverseMatch:
        return False
    return True


# --- Serialisation ----------------------------------------------------------------------------------


def absolute(value, base: str):
    """A site path made absolute with ``base`` (scheme and host); other values unchanged."""
    if isinstance(value, str) and value.startswith("/"):
        return base + value
    return value


def csv_value(value):
    """A value as CSV text: booleans as true/false, ISO dates, numbers with a dot, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return csv_value(Decimal(repr(value)))  # never "1e-05"
    if isinstance(value, int):
        return value  # stays a number: a negative number is not a formula
    return str(value)


def json_value(value):
    """A value for JSON: numbers as numbers, ISO dates, null for none (and for empty text)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def absolute_row(dataset: Dataset, row: list, base: str) -> list:
    """``row`` with the site paths of its address columns made absolute."""
    return [absolute(value, base) if col.format == "uri" else value for col, value in zip(dataset.columns, row, strict=True)]


def preview(dataset: Dataset, base: str, limit: int = PREVIEW_ROWS) -> list[list[dict]]:
    """The first rows as a page shows them: each cell's text as in the CSV, and whether it is a link."""
    return [
        [
            {"value": csv_value(value), "link": col.format == "uri" and bool(value)}
            for col, value in zip(dataset.columns, absolute_row(dataset, row, base), strict=True)
        ]
        for row in dataset.rows(limit=limit)
    ]


def csv_lines(dataset: Dataset, base: str) -> Iterator[str]:
    """The dataset as CSV lines: UTF-8 with a byte-order mark, header of column names, no formulas."""
    rows = ([csv_value(value) for value in absolute_row(dataset, row, base)] for row in dataset.rows())
    return safe_csv.csv_lines(dataset.column_names, rows)


def describe(offer: PublishedDataset, base: str) -> dict:
    """What the JSON download says about itself before its data."""
    dataset = offer.dataset
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "licence": offer.licence.as_frictionless(),
        "attribution": offer.attribution,
        "page": base + dataset.page_url(),
        "schema": dataset.schema(),
    }


def json_chunks(offer: PublishedDataset, base: str) -> Iterator[str]:
    """The dataset as one JSON object: its description, licence, schema and ``data``, a list of
    objects keyed by column name. Written row by row, so it can be streamed."""
    dataset = offer.dataset
    head = json.dumps(describe(offer, base), ensure_ascii=False)
    yield head[:-1] + ', "data": ['
    names = dataset.column_names
    for position, row in enumerate(dataset.rows()):
        values = absolute_row(dataset, row, base)
        record = {name: json_value(value) for name, value in zip(names, values, strict=True)}
        yield ("," if position else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]}\n"


def datapackage(offers: list[PublishedDataset], base: str, catalogue_url: str) -> dict:
    """A Frictionless (tabular) Data Package describing every published dataset.

    Resource paths are relative to the descriptor (``events.csv`` beside ``datapackage.json``);
    the package's licence is the default one and each resource states its own.
    """
    return {
        "profile": "tabular-data-package",
        "name": "ogmonitor",
        "title": str(_("Open data of ogmonitor")),
        "description": str(_("Data on the Open Government National Action Plans of Azerbaijan and their monitoring at the local level.")),
        "homepage": base + catalogue_url,
        "licenses": [LICENCES[DEFAULT_LICENCE].as_frictionless()],
        "resources": [
            {
                "name": offer.slug,
                "path": f"{offer.slug}.csv",
                "profile": "tabular-data-resource",
                "title": str(offer.dataset.title),
                "description": str(offer.dataset.description),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [offer.licence.as_frictionless()],
                "sources": [{"title": offer.attribution, "path": base + offer.dataset.page_url()}],
                "schema": offer.dataset.schema(),
            }
            for offer in offers
        ],
    }
