"""A plan's monitoring dashboard: where its activities stand on the IRM completion scale, what
changed since the last assessment date, and the same facts in the layout of the IRM's
commitment data set (XLSX).

Everything here reads PUBLISHED assessments only, each activity × place's latest one on the
chosen day (:meth:`~.models.LocalAssessmentQuerySet.latest_per_place`), because the dashboard is
public. The unit counted is an activity in a place: an activity assessed in four districts counts
four times, as one commitment assessed four times would; the page says so.

The page's latest assessments are read in one query and counted in Python: they are a few
hundred rows (activities × places, not answers), and the same rows feed the distribution, the
municipal matrix and the list of changes, so one query serves three tables.
"""

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, override
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ogmonitor.lib import aztext
from ogmonitor.lib.spreadsheet import (
    append_row,
    set_widths,
    sheet_name,
)
from ogmonitor.places.models import District

from . import assessments
from .models import (
    POTENTIAL_FOR_RESULTS_FROM,
    ActionPlan,
    Activity,
    Area,
    Completion,
    LocalAssessment,
    OGPValue,
)

#: Each completion level's rank in the IRM's order (for "up" and "down").
LEVEL_RANK = {level: rank for rank, level in enumerate(Completion.values)}


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to: a district, the activities involving municipalities,
    the day it is as of (None: today, i.e. every assessment) and the day changes are counted from
    (None: the assessment date before the latest one)."""

    district: District | None = None
    only_local: bool = False
    on: dt.date | None = None
    since: dt.date | None = None


def published_scope(plan: ActionPlan, filters: Filters, *, with_targets: bool = False) -> QuerySet:
    """The plan's published assessments within ``filters`` (not yet cut at ``filters.on``);
    national activities only unless ``with_targets``."""
    scope = LocalAssessment.objects.published().filter(activity__plan=plan)
    if not with_targets:
        scope = scope.filter(target__isnull=True)
    if filters.district is not None:
        scope = scope.filter(district=filters.district)
    if filters.only_local:
        scope = scope.filter(activity__involves_municipalities=True)
    return scope


def latest_on(scope: QuerySet, day: dt.date | None) -> QuerySet:
    """Each activity × place's latest assessment of ``scope`` made on or before ``day``.

    The date is a condition of the query the window ranks, so an assessment made after ``day``
    neither shows nor hides the one that was the latest on ``day``.
    """
    if day is not None:
        scope = scope.filter(assessed_on__lte=day)
    return scope.latest_per_place()


def place_key(assessment: LocalAssessment) -> tuple:
    """What makes an activity × place: the partition of :meth:`latest_per_place`."""
    return (assessment.activity_id, assessment.target_id, assessment.district_id, assessment.municipality_id)


def last_two_dates(scope: QuerySet, day: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """The latest assessment date of ``scope`` on or before ``day``, and the one before it."""
    if day is not None:
        scope = scope.filter(assessed_on__lte=day)
    dates = list(scope.order_by("-assessed_on").values_list("assessed_on", flat=True).distinct()[:2])
    dates += [None] * (2 - len(dates))
    return dates[0], dates[1]


# --- The distribution of completion levels ---------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """Completion levels of a set of activities, with how many of them are assessed at all."""

    levels: list[assessments.LevelCount]
    activities: int
    local_activities: int
    assessed: int

    @property
    def total(self) -> int:
        """Activity × places assessed (the unit the levels count)."""
        return sum(level.count for level in self.levels)

    @property
    def not_assessed(self) -> int:
        return self.activities - self.assessed

    @property
    def reached(self) -> list[assessments.LevelCount]:
        """The levels at least one activity × place stands at (the bar's segments)."""
        return [level for level in self.levels if level.count]


def distribution(activities: list[Activity], latest: list[LocalAssessment]) -> Distribution:
    """The completion levels of ``latest`` (assessments of ``activities``), every level of the
    scale in its order, those reached by none included (a table shows the zeros too)."""
    return Distribution(
        levels=assessments.completion_counts(latest, with_zeros=True),
        activities=len(activities),
        local_activities=sum(1 for activity in activities if activity.involves_municipalities),
        assessed=len({assessment.activity_id for assessment in latest}),
    )


@dataclass(frozen=True)
class AreaDistribution:
    area: Area
    distribution: Distribution


# --- Activities involving municipalities, by district -------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """An activity and, for each column of the matrix (national, then districts), its latest
    assessments there: one for the district as a whole, or one per municipality assessed."""

    activity: Activity
    cells: list[list[LocalAssessment]]


@dataclass(frozen=True)
class Matrix:
    #: None stands for the national column, present when some activity was assessed nationally.
    columns: list[District | None]
    rows: list[MatrixRow]


def municipal_matrix(activities: list[Activity], latest: list[LocalAssessment]) -> Matrix:
    """The activities involving municipalities × the districts where they were assessed."""
    local = [activity for activity in activities if activity.involves_municipalities]
    local_ids = {activity.pk for activity in local}
    shown = [assessment for assessment in latest if assessment.activity_id in local_ids]
    districts = aztext.sorted_az(
        {assessment.district_id: assessment.district for assessment in shown if assessment.district_id}.values(),
        key=lambda district: district.name,
    )
    columns: list[District | None] = ([None] if any(assessment.is_national for assessment in shown) else []) + districts
    cells: dict[tuple[int, int | None], list[LocalAssessment]] = defaultdict(list)
    for assessment in shown:
        cells[(assessment.activity_id, assessment.district_id)].append(assessment)
    rows = [
        MatrixRow(activity, [cells.get((activity.pk, column.pk if column else None), []) for column in columns])
        for activity in local
    ]
    return Matrix(columns, rows)


# --- What changed since the last assessment date ---------------------------------------------------


@dataclass(frozen=True)
class Change:
    """An activity × place assessed after the comparison date: its level then and now."""

    assessment: LocalAssessment
    previous: LocalAssessment | None

    @property
    def direction(self) -> str:
        """"new" (not assessed before), "up", "down" or "same", along the IRM's scale in its order
        (so "no evidence available" counts as its lowest step)."""
        if self.previous is None:
            return "new"
        step = LEVEL_RANK[self.assessment.completion] - LEVEL_RANK[self.previous.completion]
        return "up" if step > 0 else "down" if step < 0 else "same"


def changes_since(latest: list[LocalAssessment], before: list[LocalAssessment], since: dt.date) -> list[Change]:
    """The activity × places of ``latest`` assessed after ``since``, each with its latest
    assessment on or before ``since`` (``before``), in the order of ``latest``."""
    previous = {place_key(assessment): assessment for assessment in before}
    return [
        Change(assessment, previous.get(place_key(assessment)))
        for assessment in latest
        if assessment.assessed_on > since
    ]


# --- The page ---------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    plan: ActionPlan
    filters: Filters
    overall: Distribution
    areas: list[AreaDistribution]
    matrix: Matrix
    #: The latest assessment date in view, and the date changes are counted from.
    latest_date: dt.date | None
    since: dt.date | None
    changes: list[Change] = field(default_factory=list)

    @property
    def change_counts(self) -> dict[str, int]:
        return Counter(change.direction for change in self.changes)


def _first_missing(path: str):
    """Ascending, the rows without ``path`` first on every database (PostgreSQL puts NULLs last)."""
    return F(path).asc(nulls_first=True)


#: Activity by activity; within one: itself before its local targets, nationally before the
#: districts, a district as a whole before its municipalities.
DISPLAY_ORDER = (
    "activity__sort_key", _first_missing("target__code"), _first_missing("district__code"),
    _first_missing("municipality__name_az"), "pk",
)


def _ordered_for_display(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("district", "municipality").order_by(*DISPLAY_ORDER)


def build(plan: ActionPlan, filters: Filters) -> Dashboard:
    """Everything the dashboard page shows, in a fixed number of queries (five) whatever the
    number of activities and assessments."""
    areas = list(plan.areas.order_by("number"))
    activities = list(Activity.objects.filter(plan=plan).order_by("sort_key"))
    if filters.only_local:
        activities = [activity for activity in activities if activity.involves_municipalities]
    by_id = {activity.pk: activity for activity in activities}
    for activity in activities:
        activity.plan = plan  # its URL names the plan: no query per link

    scope = published_scope(plan, filters)
    latest = list(_ordered_for_display(latest_on(scope, filters.on)))
    for assessment in latest:
        assessment.activity = by_id[assessment.activity_id]

    latest_date, previous_date = last_two_dates(scope, filters.on)
    since = filters.since or previous_date
    changes: list[Change] = []
    if since is not None and latest_date is not None and since < latest_date:
        before = list(latest_on(scope, since).select_related(None))
        changes = changes_since(latest, before, since)

    area_activities: dict[int, list[Activity]] = defaultdict(list)
    for activity in activities:
        area_activities[activity.area_id].append(activity)
    area_latest: dict[int, list[LocalAssessment]] = defaultdict(list)
    for assessment in latest:
        area_latest[assessment.activity.area_id].append(assessment)
    return Dashboard(
        plan=plan,
        filters=filters,
        overall=distribution(activities, latest),
        areas=[AreaDistribution(area, distribution(area_activities[area.pk], area_latest[area.pk])) for area in areas],
        matrix=municipal_matrix(activities, latest),
        latest_date=latest_date,
        since=since,
        changes=changes,
    )


def district_choices(plan: ActionPlan) -> QuerySet:
    """The districts with a published assessment of one of the plan's activities."""
    assessed = LocalAssessment.objects.published().filter(activity__plan=plan).values("district_id")
    return District.objects.filter(pk__in=assessed).order_by_name()


# --- The IRM-layout export ---------------------------------------------------------------------------

#: The country column's names, by the plan's country code (the code itself for any other).
COUNTRY_NAMES = {"AZ": gettext_lazy("Azerbaijan")}


@dataclass(frozen=True)
class Column:
    """A column of the commitment data set: its IRM name (the English msgid) and what it holds."""

    name: str
    help: object  # a lazy translation

    def header(self) -> str:
        return _(self.name)

    def irm_name(self) -> str:
        with override("en"):
            return _(self.name)


#: The IRM's names (English msgids, translated when the workbook is written) and what each holds.
COLUMNS = [
    Column(gettext_noop("Commitment Unique Identifier"), gettext_lazy(
        "Country code, first year of the plan, commitment number and, for a local assessment, the place's code "
        "(the district's ISO 3166-2 code, then the municipality's name as in its address): AZ-2020-3.2-AZ-QBA.")),
    Column(gettext_noop("Commitment Title"), gettext_lazy("The activity's title, or the local target's.")),
    Column(gettext_noop("Country/Locality"), gettext_lazy("The country and the place assessed (none: the activity nationally).")),
    Column(gettext_noop("Action Plan Number"), gettext_lazy("The plan's period.")),
    Column(gettext_noop("Commitment Number"), gettext_lazy("The activity's number in the plan, or the local target's code.")),
    Column(gettext_noop("Lead Institution"), gettext_lazy("The first executor named in the plan.")),
    Column(gettext_noop("Supporting Institution(s)"), gettext_lazy("The other executors, and the plan's own wording of them.")),
    Column(gettext_noop("OGP Value: Access to Information"), gettext_lazy("“Yes” when the assessment found the activity relevant to it.")),
    Column(gettext_noop("OGP Value: Civic Participation"), gettext_lazy("“Yes” when the assessment found the activity relevant to it.")),
    Column(gettext_noop("OGP Value: Public Accountability"), gettext_lazy("“Yes” when the assessment found the activity relevant to it.")),
    Column(gettext_noop("OGP Value: Technology & Innovation"), gettext_lazy("“Yes” when the assessment found the activity relevant to it.")),
    Column(gettext_noop("Potential for results"), gettext_lazy("For plans before 2020, the IRM's potential impact.")),
    Column(gettext_noop("Completion"), gettext_lazy("The IRM completion level found.")),
    Column(gettext_noop("Did It Open Government"), gettext_lazy("Early results: did it open government?")),
    Column(gettext_noop("Assessed on"), gettext_lazy("The day of the assessment.")),
    Column(gettext_noop("Assessed by"), gettext_lazy("The monitoring organisation responsible for it.")),
    Column(gettext_noop("Narrative"), gettext_lazy("What was found, and what the completion level rests on.")),
    Column(gettext_noop("Evidence"), gettext_lazy("The public evidence the assessment rests on: titles and links, one a line.")),
    Column(gettext_noop("Link"), gettext_lazy("The page of the activity (or local target) on this site.")),
]
#: The potential column's IRM name for plans that started before 2020.
POTENTIAL_IMPACT = gettext_noop("Potential Impact")
_OGP_VALUE_COLUMNS = [
    OGPValue.ACCESS_TO_INFORMATION, OGPValue.CIVIC_PARTICIPATION,
    OGPValue.PUBLIC_ACCOUNTABILITY, OGPValue.TECHNOLOGY_INNOVATION,
]


def _columns(plan: ActionPlan) -> list[Column]:
    """The columns, the potential one named as the IRM named it for the plan's years."""
    if plan.start_year >= POTENTIAL_FOR_RESULTS_FROM:
        return COLUMNS
    return [
        Column(POTENTIAL_IMPACT, column.help) if column.name == "Potential for results" else column
        for column in COLUMNS
    ]


def place_code(assessment: LocalAssessment) -> str:
    """The place in a commitment identifier: "AZ-QBA", "AZ-QBA-gachrash-baladiyyasi", "" nationally."""
    parts = []
    if assessment.district_id:
        parts.append(assessment.district.code)
    if assessment.municipality_id:
        parts.append(assessment.municipality.slug)
    return "-".join(parts)


def commitment_identifier(plan: ActionPlan, assessment: LocalAssessment) -> str:
    """"AZ-2020-3.2" for the activity nationally, "AZ-2020-3.2-AZ-QBA" in Guba,
    "AZ-2020-3.2.QBA-1-AZ-QBA" for a local target: country, plan's first year, number, place."""
    parts = [plan.country, str(plan.start_year), assessment.subject_code]
    code = place_code(assessment)
    if code:
        parts.append(code)
    return "-".join(parts)


def locality(plan: ActionPlan, assessment: LocalAssessment) -> str:
    country = str(COUNTRY_NAMES.get(plan.country, plan.country))
    return f"{country}: {assessment.place_label}" if assessment.place_label else country


def commitment_rows(plan: ActionPlan, filters: Filters) -> list[LocalAssessment]:
    """The latest published assessment of each activity or local target in each place, with
    what the export writes of it: its public evidence only, as on the site (two queries)."""
    latest = latest_on(published_scope(plan, filters, with_targets=True), filters.on)
    return list(
        latest.select_related("activity", "target", "district", "municipality", "assessed_by")
        .prefetch_related(Prefetch("evidence", queryset=assessments.evidence_of(public_only=True)))
        .order_by(*DISPLAY_ORDER)
    )


def _executor_names(activities: list[Activity]) -> dict[int, list[str]]:
    """Each activity's executors in the order the plan names them (the order they were linked
    in), then the kinds of executors named generally: one query."""
    through = Activity.executors.through
    links = through.objects.filter(activity_id__in=[activity.pk for activity in activities]).select_related("organization").order_by("pk")
    names: dict[int, list[str]] = defaultdict(list)
    for link in links:
        names[link.activity_id].append(link.organization.name)
    for activity in activities:
        names[activity.pk] += activity.get_executor_type_labels()
    return names


def _evidence_text(assessment: LocalAssessment, absolute: Callable[[str], str]) -> str:
    lines = []
    for evidence in assessment.evidence.all():
        title, url = evidence.shown_link()
        lines.append(f"{title} — {absolute(url)}")
    return "\n".join(lines)


def commitment_values(plan: ActionPlan, assessment: LocalAssessment, executors: list[str], absolute: Callable[[str], str]) -> list:
    """One row of the commitment data set, in the order of :data:`COLUMNS`."""
    activity, target = assessment.activity, assessment.target
    activity.plan = plan  # the page addresses name the plan and the activity: no query per row
    if target is not None:
        target.activity = activity
    supporting = executors[1:] + ([activity.executors_text] if activity.executors_text else [])
    page = target.get_absolute_url() if target is not None else activity.get_absolute_url()
    yes = _("Yes")
    return [
        commitment_identifier(plan, assessment),
        target.title if target is not None else activity.title,
        locality(plan, assessment),
        plan.period,
        assessment.subject_code,
        executors[0] if executors else "",
        "; ".join(supporting),
        *[yes if value in assessment.ogp_values else "" for value in _OGP_VALUE_COLUMNS],
        capfirst(assessment.get_potential_display()),
        capfirst(assessment.get_completion_display()),
        capfirst(assessment.get_early_results_display()),
        assessment.assessed_on,
        assessment.assessed_by.name,
        assessment.narrative,
        _evidence_text(assessment, absolute),
        absolute(page),
    ]


_WIDTHS = {1: 26, 2: 48, 3: 24, 6: 30, 7: 30, 17: 60, 18: 60, 19: 40}


def commitment_workbook(plan: ActionPlan, filters: Filters, absolute: Callable[[str], str]) -> bytes:
    """The plan's latest published assessments as the IRM's commitment data set, one row per
    activity (or local target) × place, headers in the active language; a "Columns" sheet gives
    each column's IRM name in English and what it holds, an "About" sheet what was exported.

    ``absolute`` turns a path of this site into a full address (the request's host).
    """
    rows = commitment_rows(plan, filters)
    activities = list({assessment.activity_id: assessment.activity for assessment in rows}.values())
    executors = _executor_names(activities)
    columns = _columns(plan)

    workbook = Workbook()
    taken: set[str] = set()
    data = workbook.active
    data.title = sheet_name(_("Commitments"), taken)
    append_row(data, [column.header() for column in columns], header=True)
    data.freeze_panes = "B2"
    for assessment in rows:
        append_row(data, commitment_values(plan, assessment, executors[assessment.activity_id], absolute))
    for row in data.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    data.auto_filter.ref = data.dimensions
    set_widths(data, _WIDTHS)

    about_columns = workbook.create_sheet(sheet_name(_("Columns"), taken))
    append_row(about_columns, [_("Column"), _("Header"), _("IRM name"), _("What it holds")], header=True)
    for position, column in enumerate(columns, start=1):
        append_row(about_columns, [get_column_letter(position), column.header(), column.irm_name(), str(column.help)])
    set_widths(about_columns, {2: 34, 3: 34, 4: 90})

    about = workbook.create_sheet(sheet_name(_("About"), taken))
    append_row(about, [_("Plan"), plan.title], header=True)
    append_row(about, [_("As of"), filters.on or dt.date.today()])
    append_row(about, [_("District"), filters.district.name if filters.district else _("All districts")])
    append_row(about, [_("Activities"), _("Only those involving municipalities") if filters.only_local else _("All")])
    append_row(about, [_("Rows"), len(rows)])
    append_row(about, [])
    append_row(about, [_("Each row is the latest published assessment of an activity or local target in one place, on or before the day above.")])
    append_row(about, [_("These figures come from the records the monitoring organisations keep: their own assessments, not official statistics.")])
    set_widths(about, {1: 22, 2: 60})

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(plan: ActionPlan, filters: Filters) -> str:
    """Such as "nap-2020-2022-commitments-2024-05-01-az-qba-local.xlsx"."""
    day = filters.on or dt.date.today()
    parts = [plan.slug, "commitments", day.isoformat()]
    if filters.district is not None:
        parts.append(filters.district.code.lower())
    if filters.only_local:
        parts.append("local")
    return "-".join(parts) + ".xlsx"
