"""A project's progress: its logframe tree with each indicator's actual, evaluation and texts.

The progress page, the XLSX export and the PDF brief all read :func:`project_progress`, so
they show the same numbers. It costs a fixed number of queries for the structure (objectives,
activities, results, indicators with their hand-entered values, target places) plus one or two
per indicator (see :mod:`.measures`), however many records are counted.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from . import measures, targets
from .measures import Grid, Measure, format_number
from .models import ExpectedResult, Indicator, Objective, Project, ProjectActivity

Kind = Indicator.TargetKind


def target_text(indicator: Indicator) -> str:
    """The target as read on the page: "2", "≥ 50", "200–300", "yes"; "—" when not set."""
    kind = indicator.target_kind
    if kind == Kind.MILESTONE:
        return _("yes")
    if indicator.target is None:
        return "—"
    if kind == Kind.RANGE:
        return f"{format_number(indicator.target)}–{format_number(indicator.target_max)}"
    if kind == Kind.MINIMUM:
        return f"≥ {format_number(indicator.target)}"
    return format_number(indicator.target)


def actual_text(indicator: Indicator, value) -> str:
    """The actual as read on the page; a milestone reads "yes" or "not yet"."""
    if value is None:
        return "—"
    if indicator.target_kind == Kind.MILESTONE:
        return _("yes") if value >= 1 else _("not yet")
    return format_number(value)


def percent_text(percent: Decimal | None) -> str:
    """"48%" (rounded to a whole percent); "—" when there is no percent."""
    if percent is None:
        return "—"
    return f"{format_number(percent.quantize(Decimal(1), rounding=ROUND_HALF_UP))}%"


@dataclass
class IndicatorProgress:
    indicator: Indicator
    measure: Measure
    evaluation: targets.Evaluation
    due: dt.date

    @property
    def target_text(self) -> str:
        return target_text(self.indicator)

    @property
    def baseline_text(self) -> str:
        return format_number(self.indicator.baseline) if self.indicator.baseline is not None else "—"

    @property
    def actual_text(self) -> str:
        return actual_text(self.indicator, self.measure.value)

    @property
    def percent_text(self) -> str:
        return percent_text(self.evaluation.percent)

    @property
    def bar_width(self) -> str:
        """For a style attribute: always a dot, whatever the language."""
        return f"{float(self.evaluation.bar_percent):.1f}"

    @property
    def status(self) -> str:
        return self.evaluation.status

    @property
    def status_label(self) -> str:
        return self.evaluation.status_label

    @property
    def above_note(self) -> str:
        """Says so when a range's upper end or an exact number is exceeded."""
        if not self.evaluation.above:
            return ""
        if self.indicator.target_kind == Kind.RANGE:
            return _("Above the upper end of the range (%(max)s).") % {"max": format_number(self.indicator.target_max)}
        return _("More than the planned %(target)s.") % {"target": format_number(self.indicator.target)}

    @property
    def grid(self) -> Grid | None:
        return self.measure.grid


@dataclass
class ResultProgress:
    result: ExpectedResult
    indicators: list[IndicatorProgress]


@dataclass
class ActivityProgress:
    activity: ProjectActivity
    results: list[ResultProgress]
    #: Indicators of the activity tied to none of its expected results.
    indicators: list[IndicatorProgress]

    @property
    def all_indicators(self) -> list[IndicatorProgress]:
        """The activity's indicators in the page's order: those of no result (its outputs) first."""
        return self.indicators + [item for result in self.results for item in result.indicators]

    @property
    def grids(self) -> list[IndicatorProgress]:
        """The activity's per-municipality indicators, for its grid."""
        return [item for item in self.all_indicators if item.grid is not None]

    def grid_rows(self) -> list[tuple]:
        """(municipality, [cell per grid indicator]) rows of the activity's grid."""
        grids = self.grids
        if not grids:
            return []
        rows = []
        for index, cell in enumerate(grids[0].grid.cells):
            rows.append((cell.municipality, [item.grid.cells[index] for item in grids]))
        return rows


@dataclass
class ObjectiveProgress:
    objective: Objective | None
    activities: list[ActivityProgress]


@dataclass
class ProjectProgress:
    project: Project
    today: dt.date
    scope: measures.ProjectScope
    objectives: list[ObjectiveProgress]
    #: Indicators of the project as a whole (tied to no activity).
    indicators: list[IndicatorProgress] = field(default_factory=list)

    def all_indicators(self) -> list[IndicatorProgress]:
        """Every indicator in the page's order: the project's own, then by objective and activity."""
        items = list(self.indicators)
        for objective in self.objectives:
            for activity in objective.activities:
                items.extend(activity.all_indicators)
        return items

    def status_counts(self) -> dict[str, int]:
        counts = Counter(item.status for item in self.all_indicators())
        return {status: counts.get(status, 0) for status in targets.Status.values}

    def summary(self) -> list[tuple[str, str, int]]:
        """(status, label, number of indicators) for the statuses that occur, in a fixed order."""
        counts = self.status_counts()
        order = [targets.Status.MET, targets.Status.ABOVE, targets.Status.ON_TRACK, targets.Status.BEHIND,
                 targets.Status.NOT_STARTED, targets.Status.NO_TARGET]
        return [(status, str(status.label), counts[status]) for status in order if counts[status]]


def evaluate(indicator: Indicator, measure: Measure, project: Project, today: dt.date) -> IndicatorProgress:
    due = indicator.due_on or project.ends_on
    evaluation = targets.evaluate(
        indicator.target_kind, indicator.target, indicator.target_max, measure.value,
        start=project.starts_on, due=due, today=today,
    )
    return IndicatorProgress(indicator, measure, evaluation, due)


def project_progress(project: Project, today: dt.date) -> ProjectProgress:
    """The whole logframe of ``project`` with every indicator measured and evaluated on ``today``."""
    scope = measures.ProjectScope(project)
    indicators = list(
        project.indicators.select_related("activity", "result").prefetch_related(measures.manual_values_to(today))
        .order_by("position", "code")
    )
    measured = {
        indicator.pk: evaluate(indicator, measures.measure(indicator, today, scope), project, today)
        for indicator in indicators
    }
    by_activity: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        by_activity.setdefault(indicator.activity_id, []).append(indicator)

    # From the table, not ``project.activities``: a caller (the API) may have prefetched those with
    # their results already, and prefetching "results" again would raise.
    activities = list(
        ProjectActivity.objects.filter(project=project)
        .prefetch_related(Prefetch("results", queryset=ExpectedResult.objects.order_by("pk")))
        .order_by("code")
    )
    objectives = list(project.objectives.order_by("code"))
    activity_groups: dict[int | None, list[ActivityProgress]] = {}
    for activity in activities:
        own = by_activity.get(activity.pk, [])
        results = [
            ResultProgress(result, [measured[item.pk] for item in own if item.result_id == result.pk])
            for result in activity.results.all()
        ]
        result_ids = {result.pk for result in activity.results.all()}
        loose = [measured[item.pk] for item in own if item.result_id not in result_ids]
        activity_groups.setdefault(activity.objective_id, []).append(ActivityProgress(activity, results, loose))

    groups = [ObjectiveProgress(objective, activity_groups.get(objective.pk, [])) for objective in objectives]
    if activity_groups.get(None):
        groups.append(ObjectiveProgress(None, activity_groups[None]))
    return ProjectProgress(
        project=project,
        today=today,
        scope=scope,
        objectives=groups,
        indicators=[measured[item.pk] for item in by_activity.get(None, [])],
    )
