"""Progress of activities, local targets, areas and plans: the rules, their upkeep, and the
changes of milestones, local targets and weights that feed them.

The rules, in one place:

* A milestone counts by its status (:data:`MILESTONE_PERCENT`): done 100, in progress 50,
  planned 0; a cancelled one is left out, as if it had never been planned.
* An activity's progress is the weighted average of its own milestones (those of no local
  target). With no milestone left to count, it comes from the completion level of its latest
  published assessment in each place (:data:`COMPLETION_PERCENT`), averaged over the places;
  "no evidence available" says nothing of progress and is left out; with nothing at all the
  progress is unknown (``None``), which is not the same as 0.
* A local target's progress follows the same rule with its own milestones and assessments.
  Targets do not roll into their national activity: they are a district's or a municipality's
  own commitments under it, set and kept locally, while the national activity's progress is
  what was found of the activity itself. Mixing them would let one district's many targets
  outweigh the national picture. (A target's weight is kept for a place's own summary.)
* An area's progress is the weighted average of its activities' progress, a plan's that of its
  areas'; children of unknown progress are left out.
* A weight left blank counts as 1, so with no weights at all every average is a plain one.
  Each level is rounded to one decimal (half up) when stored, and the next level up averages
  the stored, rounded values: what a reader sees on one page adds up to the next.

The percentages given to completion levels are ogmonitor's convention, not the IRM's: the
Independent Reporting Mechanism reports levels, never percentages. They spread the four levels
evenly over 0–100 so that an activity assessed but without milestones still has a place in
its area's progress; the level itself is what the assessments' pages show.

Progress is stored (``progress`` on each model) and kept up to date by :mod:`.signals`, which
call :func:`recompute_from` whenever a milestone or an assessment is saved or deleted, or an
activity's or area's weight changes. Values are written with ``QuerySet.update()``, so storing
one never sends a save signal of its own. :func:`recompute_plan_fully` recomputes a whole
plan in a handful of queries (the demo loader and the weights page use it).

Arithmetic is in :class:`~decimal.Decimal`, in Python, not in SQL: the rows are few (a plan
has dozens of milestones, not thousands), and SQLite's decimal arithmetic is floating point,
so rounding in the database would differ between SQLite and PostgreSQL.
"""

import contextlib
import contextvars
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from ogmonitor.lib import aztext
from ogmonitor.lib.actors import actor_label

from .models import ActionPlan, Activity, Area, Completion, LocalAssessment, LocalTarget, Milestone

logger = logging.getLogger(__name__)

#: What a milestone contributes, by status; cancelled milestones are not counted at all.
MILESTONE_PERCENT = {
    Milestone.Status.DONE: Decimal(100),
    Milestone.Status.IN_PROGRESS: Decimal(50),
    Milestone.Status.PLANNED: Decimal(0),
}

#: ogmonitor's reading of the IRM completion levels as percentages (see the module's docstring);
#: "no evidence available" is not a level of progress and is left out.
COMPLETION_PERCENT = {
    Completion.NOT_STARTED: Decimal(0),
    Completion.LIMITED: Decimal("33.3"),
    Completion.SUBSTANTIAL: Decimal("66.7"),
    Completion.COMPLETE: Decimal(100),
}

#: A weight left blank.
DEFAULT_WEIGHT = Decimal(1)
ONE_DECIMAL = Decimal("0.1")


class Basis:
    """Where a progress figure comes from."""

    MILESTONES = "milestones"
    COMPLETION = "completion"
    UNKNOWN = ""


# --- The rules ----------------------------------------------------------------------------------


def weighted_average(values_and_weights: Iterable[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """The average of the values, each counted by its weight (blank: 1), rounded to one decimal
    half up; values that are None are left out; None when none is left."""
    total = weights = Decimal(0)
    for value, weight in values_and_weights:
        if value is None:
            continue
        weight = DEFAULT_WEIGHT if weight is None else Decimal(weight)
        total += Decimal(value) * weight
        weights += weight
    if not weights:
        return None
    return (total / weights).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def counted_milestones(milestones: Iterable[tuple[str, Decimal | None]]) -> list[tuple[Decimal, Decimal | None]]:
    """(percent, weight) of each (status, weight) that counts: all but the cancelled ones."""
    return [(MILESTONE_PERCENT[status], weight) for status, weight in milestones if status in MILESTONE_PERCENT]


def counted_completions(completions: Iterable[str]) -> list[Decimal]:
    """The percent of each completion level that says something of progress."""
    return [COMPLETION_PERCENT[level] for level in completions if level in COMPLETION_PERCENT]


def own_progress(
    milestones: Iterable[tuple[str, Decimal | None]], completions: Callable[[], Iterable[str]]
) -> tuple[Decimal | None, str, int]:
    """An activity's or a local target's progress from its own milestones ((status, weight)
    pairs), else from the completion levels of its latest published assessments per place.

    ``completions`` is called only when no milestone counts, so the assessments are read only
    when needed. Returns (percent or None, :class:`Basis`, how many milestones or places counted).
    """
    counted = counted_milestones(milestones)
    if counted:
        return weighted_average(counted), Basis.MILESTONES, len(counted)
    levels = counted_completions(completions())
    if levels:
        return weighted_average((level, None) for level in levels), Basis.COMPLETION, len(levels)
    return None, Basis.UNKNOWN, 0


# --- Reading what the rules need -----------------------------------------------------------------


def _milestone_rows(**lookup) -> list[tuple[str, Decimal | None]]:
    return list(Milestone.objects.filter(**lookup).exclude(status=Milestone.Status.CANCELLED).values_list("status", "weight"))


def _latest_completions(**lookup) -> Callable[[], list[str]]:
    """The completion levels of the latest published assessment per place matching ``lookup``."""

    def read() -> list[str]:
        latest = LocalAssessment.objects.published().filter(**lookup).latest_per_place()
        return list(latest.values_list("completion", flat=True))

    return read


def _activity_inputs(activity_id: int):
    return _milestone_rows(activity_id=activity_id, target__isnull=True), _latest_completions(
        activity_id=activity_id, target__isnull=True
    )


def _target_inputs(target_id: int):
    return _milestone_rows(target_id=target_id), _latest_completions(target_id=target_id)


def _store(model, pk: int, value: Decimal | None) -> Decimal | None:
    """Write ``value`` as the row's progress (an UPDATE, so no save signal); returns it."""
    model.objects.filter(pk=pk).update(progress=value)
    return value


# --- Keeping stored progress up to date ----------------------------------------------------------


def recompute_activity(activity: Activity) -> Decimal | None:
    """Recompute and store the activity's own progress (not its area's); returns it."""
    value, _basis, _count = own_progress(*_activity_inputs(activity.pk))
    return _store(Activity, activity.pk, value)


def recompute_target(target: LocalTarget) -> Decimal | None:
    """Recompute and store a local target's progress; returns it. Nothing above it changes."""
    value, _basis, _count = own_progress(*_target_inputs(target.pk))
    return _store(LocalTarget, target.pk, value)


def recompute_area(area: Area) -> Decimal | None:
    """Recompute and store an area's progress from its activities' stored progress; returns it."""
    value = weighted_average(Activity.objects.filter(area_id=area.pk).values_list("progress", "weight"))
    return _store(Area, area.pk, value)


def recompute_plan(plan: ActionPlan) -> Decimal | None:
    """Recompute and store a plan's progress from its areas' stored progress; returns it."""
    value = weighted_average(Area.objects.filter(plan_id=plan.pk).values_list("progress", "weight"))
    return _store(ActionPlan, plan.pk, value)


def recompute_areas_of(plan: ActionPlan) -> None:
    """Recompute every area of ``plan`` and the plan (an activity's weight or area changed)."""
    by_area = defaultdict(list)
    for area_id, value, weight in Activity.objects.filter(plan_id=plan.pk).values_list("area_id", "progress", "weight"):
        by_area[area_id].append((value, weight))
    areas = Area.objects.filter(plan_id=plan.pk).values_list("pk", "progress")
    _store_changed(Area, {pk: (current, weighted_average(by_area[pk])) for pk, current in areas})
    recompute_plan(plan)


def recompute_plan_fully(plan: ActionPlan) -> Decimal | None:
    """Recompute every activity, local target and area of ``plan``, and the plan; returns the
    plan's progress.

    Five reads whatever the plan's size (milestones, latest assessments, activities, targets,
    areas), then one update per distinct changed value and one for the plan.
    """
    milestones = defaultdict(list)
    for activity_id, target_id, status, weight in (
        Milestone.objects.filter(activity__plan_id=plan.pk).exclude(status=Milestone.Status.CANCELLED)
        .values_list("activity_id", "target_id", "status", "weight")
    ):
        milestones[(activity_id, target_id)].append((status, weight))
    completions = defaultdict(list)
    latest = LocalAssessment.objects.published().filter(activity__plan_id=plan.pk).latest_per_place()
    for activity_id, target_id, completion in latest.values_list("activity_id", "target_id", "completion"):
        completions[(activity_id, target_id)].append(completion)

    def progress_of(key) -> Decimal | None:
        return own_progress(milestones[key], lambda: completions[key])[0]

    activity_values, by_area = {}, defaultdict(list)
    for pk, area_id, weight, current in Activity.objects.filter(plan_id=plan.pk).values_list(
        "pk", "area_id", "weight", "progress"
    ):
        activity_values[pk] = (current, progress_of((pk, None)))
        by_area[area_id].append((activity_values[pk][1], weight))
    targets = LocalTarget.objects.filter(activity__plan_id=plan.pk).values_list("pk", "activity_id", "progress")
    area_values, area_weights = {}, []
    for pk, weight, current in Area.objects.filter(plan_id=plan.pk).values_list("pk", "weight", "progress"):
        area_values[pk] = (current, weighted_average(by_area[pk]))
        area_weights.append((area_values[pk][1], weight))
    _store_changed(Activity, activity_values)
    _store_changed(LocalTarget, {pk: (current, progress_of((activity_id, pk))) for pk, activity_id, current in targets})
    _store_changed(Area, area_values)
    return _store(ActionPlan, plan.pk, weighted_average(area_weights))


def _store_changed(model, values: dict[int, tuple[Decimal | None, Decimal | None]]) -> None:
    """Write the new value of each pk whose (current, new) differ: one update per distinct value."""
    by_value = defaultdict(list)
    for pk, (current, new) in values.items():
        if current != new:
            by_value[new].append(pk)
    for value, pks in by_value.items():
        model.objects.filter(pk__in=pks).update(progress=value)


_held = contextvars.ContextVar("ogmonitor_progress_held", default=False)


@contextlib.contextmanager
def held():
    """Within, :func:`recompute_from` does nothing: a change of many rows at once (a formset,
    the weights page) recomputes once afterwards instead of once per row."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def recompute_from(instance, *, deleted: bool = False) -> None:
    """Bring stored progress up to date after ``instance`` was saved (or ``deleted``): the
    signals' one entry.

    * a milestone or an assessment of a local target: the target;
    * a milestone or an assessment of the activity itself: the activity, its area, its plan;
    * an activity (its weight or its area changed): the activity itself, then the plan's areas
      and plan; deleted: the plan's areas and plan;
    * an area (its weight changed): the area, then the plan; deleted: the plan;
    * a local target: the target.

    A saved activity, area or target is recomputed itself because saving an instance loaded
    before its milestones changed writes back the stale progress it was loaded with. Works from
    ids and reads what it needs, so it is safe for rows already deleted.
    """
    if _held.get():
        return
    if isinstance(instance, (Milestone, LocalAssessment)):
        if instance.target_id:
            recompute_target(LocalTarget(pk=instance.target_id))
        else:
            recompute_upward(instance.activity_id)
    elif isinstance(instance, Activity):
        if not deleted:
            recompute_activity(instance)
        recompute_areas_of(ActionPlan(pk=instance.plan_id))
    elif isinstance(instance, Area):
        if not deleted:
            recompute_area(instance)
        recompute_plan(ActionPlan(pk=instance.plan_id))
    elif isinstance(instance, LocalTarget) and not deleted:
        recompute_target(instance)


def recompute_upward(activity_id: int) -> None:
    """Recompute an activity, its area and its plan (nothing if the activity is gone)."""
    parents = Activity.objects.filter(pk=activity_id).values_list("area_id", "plan_id").first()
    if parents is None:
        return
    area_id, plan_id = parents
    recompute_activity(Activity(pk=activity_id))
    recompute_area(Area(pk=area_id))
    recompute_plan(ActionPlan(pk=plan_id))


# --- What the pages show ------------------------------------------------------------------------


@dataclass
class Progress:
    """An activity's or a local target's progress, how it was found, and what it rests on.

    ``target`` is the local target shown (None on an activity's page); ``targets`` are an
    activity's local targets.
    """

    percent: Decimal | None
    basis: str
    counted: int
    milestones: list[Milestone] = field(default_factory=list)
    target: LocalTarget | None = None
    targets: list[LocalTarget] = field(default_factory=list)

    @property
    def from_milestones(self) -> bool:
        return self.basis == Basis.MILESTONES

    @property
    def bar_value(self) -> str:
        """The percent for a ``<progress value>``: always a dot, whatever the language."""
        return f"{self.percent:.1f}" if self.percent is not None else "0"


def _page_progress(milestones: list[Milestone], completions: Callable[[], list[str]], **extra) -> Progress:
    percent, basis, counted = own_progress(((m.status, m.weight) for m in milestones), completions)
    return Progress(percent=percent, basis=basis, counted=counted, milestones=milestones, **extra)


def activity_progress(activity: Activity) -> Progress:
    """What the activity page shows of its progress: the percent and its basis, its own
    milestones (cancelled ones too, marked) and its local targets, sorted by place then number.

    Computed as the page is built, by the same rules as the stored figure; two or three queries.
    """
    milestones = list(activity.milestones.filter(target__isnull=True).order_by("position", "due_on", "pk"))
    targets = list(activity.local_targets.select_related("district", "municipality"))
    return _page_progress(
        milestones, _latest_completions(activity_id=activity.pk, target__isnull=True), targets=sort_targets(targets)
    )


def target_progress(target: LocalTarget) -> Progress:
    """What a local target's page shows of its progress: the percent, its basis, its milestones."""
    milestones = list(target.milestones.order_by("position", "due_on", "pk"))
    return _page_progress(milestones, _latest_completions(target_id=target.pk), target=target)


def sort_targets(targets: list[LocalTarget]) -> list[LocalTarget]:
    """By place in Azerbaijani alphabetical order, then by the suffix's number (QBA-2 before QBA-10)."""

    def key(target):
        number = target.suffix.rsplit("-", 1)[-1]
        return aztext.sort_key(str(target.place or "")), int(number) if number.isdigit() else 0, target.code

    return sorted(targets, key=key)


# --- Changing milestones, targets and weights ----------------------------------------------------


def save_milestones(formset, user=None) -> None:
    """Save a validated milestones formset (added, changed and deleted rows), all or nothing,
    then recompute what the milestones feed once (not once per row)."""
    subject = formset.instance
    with transaction.atomic():
        with held():
            formset.save()
        if isinstance(subject, LocalTarget):
            recompute_target(subject)
        else:
            recompute_upward(subject.pk)
    logger.info("Milestones of %s saved by %s", getattr(subject, "code", None) or subject.number, actor_label(user))


def save_target(form, user=None) -> LocalTarget:
    """Save a validated local target form; a new target's code is made as it is saved.

    The activity's row is locked while the next free suffix is chosen, so two targets added
    at once in one district get two numbers (PostgreSQL; SQLite serialises writers anyway).
    """
    target = form.instance
    creating = target.pk is None
    with transaction.atomic():
        Activity.objects.select_for_update().filter(pk=target.activity_id).values_list("pk").first()
        target = form.save()
    logger.info("Local target %s %s by %s", target.code, "created" if creating else "changed", actor_label(user))
    return target


def save_weights(plan: ActionPlan, area_weights: dict[int, Decimal | None],
                 activity_weights: dict[int, Decimal | None], user=None) -> int:
    """Set the weights of the plan's areas and activities ({pk: weight or None}), all or
    nothing, and recompute the plan once; returns how many weights changed.

    Rows are saved one by one (only those whose weight changed), so the public pages' cache
    is retired by the change like by any other.
    """
    changed = 0
    with transaction.atomic():
        with held():
            for model, weights in ((Area, area_weights), (Activity, activity_weights)):
                for row in model.objects.filter(plan=plan, pk__in=list(weights)):
                    if row.weight != weights[row.pk]:
                        row.weight = weights[row.pk]
                        row.save(update_fields=["weight"])
                        changed += 1
        recompute_plan_fully(plan)
    logger.info("%s weights of plan %s changed by %s", changed, plan.slug, actor_label(user))
    return changed

