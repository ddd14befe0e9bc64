"""Progress: the rules (milestones, completion levels, weights, rounding), the roll-up to areas
and plans, and its upkeep when milestones, assessments and weights change. Every expected
number is worked out by hand in the test's comment."""

import datetime as dt
from decimal import Decimal

import pytest

from ogmonitor.places.factories import DistrictFactory
from ogmonitor.plans import progress
from ogmonitor.plans.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AreaFactory,
    LocalAssessmentFactory,
    LocalTargetFactory,
    MilestoneFactory,
)
from ogmonitor.plans.models import (
    ActionPlan,
    Activity,
    Area,
    AssessmentStatus,
    Completion,
    LocalTarget,
    Milestone,
)

pytestmark = pytest.mark.django_db

DONE, IN_PROGRESS, PLANNED, CANCELLED = (
    Milestone.Status.DONE, Milestone.Status.IN_PROGRESS, Milestone.Status.PLANNED, Milestone.Status.CANCELLED,
)
PUBLISHED = AssessmentStatus.PUBLISHED


def stored(instance) -> Decimal | None:
    return type(instance).objects.values_list("progress", flat=True).get(pk=instance.pk)


def milestone(activity, status, weight=None, **kwargs):
    done_on = dt.date(2022, 3, 1) if status == DONE else None
    return MilestoneFactory(activity=activity, status=status, weight=weight, done_on=done_on, **kwargs)


@pytest.fixture
def plan():
    return ActionPlanFactory(slug="nap-2020")


@pytest.fixture
def area(plan):
    return AreaFactory(plan=plan, number=1)


@pytest.fixture
def guba():
    return DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")


@pytest.fixture
def khachmaz():
    return DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")


def three_activities(area, weights=(None, None, None)) -> list[Activity]:
    """Activities at 100, 50 and 0 (one done, one in progress, one planned milestone)."""
    activities = []
    for number, (status, weight) in enumerate(zip((DONE, IN_PROGRESS, PLANNED), weights, strict=True), start=1):
        activity = ActivityFactory(area=area, number=f"{area.number}.{number}", weight=weight)
        milestone(activity, status)
        activities.append(activity)
    return activities


# --- The rules ------------------------------------------------------------------------------------


def test_weighted_average_counts_each_value_by_its_weight_and_blank_as_one():
    # (100×2 + 50×1 + 0×1) / 4 = 62.5; plain: 150 / 3 = 50.
    assert progress.weighted_average([(100, Decimal(2)), (50, Decimal(1)), (0, Decimal(1))]) == Decimal("62.5")
    assert progress.weighted_average([(100, None), (50, None), (0, None)]) == Decimal("50.0")


def test_weighted_average_leaves_out_unknown_values_and_is_none_without_any():
    assert progress.weighted_average([(None, Decimal(5)), (40, None)]) == Decimal("40.0")
    assert progress.weighted_average([(None, None)]) is None
    assert progress.weighted_average([]) is None


def test_weighted_average_rounds_half_up_to_one_decimal():
    # 0.05 → 0.1 (half up; banker's rounding would give 0.0); 100/3 = 33.33… → 33.3; 200/3 → 66.7.
    assert progress.weighted_average([(Decimal("0.1"), None), (Decimal("0"), None)]) == Decimal("0.1")
    assert progress.weighted_average([(100, None), (0, None), (0, None)]) == Decimal("33.3")
    assert progress.weighted_average([(100, None), (100, None), (0, None)]) == Decimal("66.7")


def test_the_completion_scale_is_read_as_ogmonitors_percentages():
    assert progress.COMPLETION_PERCENT == {
        Completion.NOT_STARTED: 0, Completion.LIMITED: Decimal("33.3"),
        Completion.SUBSTANTIAL: Decimal("66.7"), Completion.COMPLETE: 100,
    }
    assert Completion.NO_EVIDENCE not in progress.COMPLETION_PERCENT


# --- An activity from its milestones or its assessments --------------------------------------------


def test_an_activitys_progress_is_the_weighted_average_of_its_milestones(area):
    activity = ActivityFactory(area=area)
    milestone(activity, DONE, weight=Decimal(3))
    milestone(activity, IN_PROGRESS)
    milestone(activity, PLANNED)
    milestone(activity, CANCELLED, weight=Decimal(10))  # left out
    # (100×3 + 50 + 0) / 5 = 70.0
    assert stored(activity) == Decimal("70.0")
    shown = progress.activity_progress(activity)
    assert (shown.percent, shown.basis, shown.counted) == (Decimal("70.0"), progress.Basis.MILESTONES, 3)
    assert len(shown.milestones) == 4  # the cancelled one is listed, not counted


def test_without_milestones_the_latest_published_completion_in_each_place_is_averaged(area, guba, khachmaz):
    activity = ActivityFactory(area=area)
    # Guba: complete in 2021, limited later (the latest counts: 33.3).
    LocalAssessmentFactory(activity=activity, district=guba, assessed_on=dt.date(2021, 6, 1),
                           completion=Completion.COMPLETE, status=PUBLISHED)
    LocalAssessmentFactory(activity=activity, district=guba, assessed_on=dt.date(2022, 6, 1),
                           completion=Completion.LIMITED, status=PUBLISHED)
    # Khachmaz: substantial (66.7); a later draft does not count.
    LocalAssessmentFactory(activity=activity, district=khachmaz, completion=Completion.SUBSTANTIAL, status=PUBLISHED)
    LocalAssessmentFactory(activity=activity, district=khachmaz, assessed_on=dt.date(2023, 1, 1),
                           completion=Completion.NOT_STARTED)
    # Nationally: no evidence available, left out.
    LocalAssessmentFactory(activity=activity, district=None, completion=Completion.NO_EVIDENCE, status=PUBLISHED)
    # (33.3 + 66.7) / 2 = 50.0
    assert stored(activity) == Decimal("50.0")
    shown = progress.activity_progress(activity)
    assert (shown.percent, shown.basis, shown.counted) == (Decimal("50.0"), progress.Basis.COMPLETION, 2)


def test_milestones_take_precedence_over_assessments(area, guba):
    activity = ActivityFactory(area=area)
    LocalAssessmentFactory(activity=activity, district=guba, completion=Completion.COMPLETE, status=PUBLISHED)
    assert stored(activity) == Decimal("100.0")
    milestone(activity, PLANNED)
    assert stored(activity) == Decimal("0.0")


def test_only_cancelled_milestones_fall_back_to_the_assessments(area, guba):
    activity = ActivityFactory(area=area)
    milestone(activity, CANCELLED)
    LocalAssessmentFactory(activity=activity, district=guba, completion=Completion.SUBSTANTIAL, status=PUBLISHED)
    assert stored(activity) == Decimal("66.7")


def test_with_nothing_to_go_on_the_progress_is_unknown_not_zero(area, guba):
    activity = ActivityFactory(area=area)
    LocalAssessmentFactory(activity=activity, district=guba, completion=Completion.NO_EVIDENCE, status=PUBLISHED)
    assert stored(activity) is None
    assert progress.activity_progress(activity).basis == progress.Basis.UNKNOWN


# --- Roll-up ----------------------------------------------------------------------------------------


def test_an_areas_progress_is_its_activities_weighted_average(area):
    three_activities(area, weights=(Decimal(2), Decimal(1), Decimal(1)))
    # (100×2 + 50 + 0) / 4 = 62.5
    assert stored(area) == Decimal("62.5")
    assert stored(area.plan) == Decimal("62.5")


def test_without_weights_an_area_takes_the_plain_average(area):
    three_activities(area)
    # (100 + 50 + 0) / 3 = 50.0
    assert stored(area) == Decimal("50.0")


def test_mixed_weights_and_sources_roll_up(area, guba):
    done, half, _none = three_activities(area, weights=(Decimal("0.5"), None, None))
    assessed = ActivityFactory(area=area, number="1.9", weight=Decimal(2))
    LocalAssessmentFactory(activity=assessed, district=guba, completion=Completion.LIMITED, status=PUBLISHED)
    ActivityFactory(area=area, number="1.10", weight=Decimal(7))  # unknown: left out, weight and all
    # (100×0.5 + 50×1 + 0×1 + 33.3×2) / 4.5 = 166.6 / 4.5 = 37.02… → 37.0
    assert stored(area) == Decimal("37.0")


def test_an_area_with_no_progress_is_left_out_of_its_plan(plan, area):
    three_activities(area)
    empty = AreaFactory(plan=plan, number=2)
    ActivityFactory(area=empty, number="2.1")
    assert stored(empty) is None
    assert stored(plan) == Decimal("50.0")


def test_a_plan_weighs_its_areas(plan, area):
    finished = ActivityFactory(area=area, number="1.1")
    milestone(finished, DONE)
    other = AreaFactory(plan=plan, number=2)
    idle = ActivityFactory(area=other, number="2.1")
    milestone(idle, PLANNED)
    assert stored(plan) == Decimal("50.0")
    area.weight = Decimal(3)
    area.save()
    # (100×3 + 0×1) / 4 = 75.0
    assert stored(plan) == Decimal("75.0")


def test_local_targets_do_not_count_in_their_activity(area, guba):
    activity = ActivityFactory(area=area, number="1.1")
    milestone(activity, PLANNED)
    target = LocalTargetFactory(activity=activity, district=guba)
    MilestoneFactory(target=target, activity=activity, status=DONE, done_on=dt.date(2022, 1, 1))
    LocalAssessmentFactory(activity=activity, target=target, completion=Completion.COMPLETE, status=PUBLISHED)
    assert stored(target) == Decimal("100.0")
    assert stored(activity) == Decimal("0.0")
    shown = progress.activity_progress(activity)
    assert [m.status for m in shown.milestones] == [PLANNED]  # the target's milestone is on its page
    assert shown.targets == [target]


def test_a_targets_progress_falls_back_to_its_own_assessments(area, guba):
    activity = ActivityFactory(area=area, number="1.1")
    target = LocalTargetFactory(activity=activity, district=guba)
    LocalAssessmentFactory(activity=activity, district=guba, completion=Completion.COMPLETE, status=PUBLISHED)
    assert stored(target) is None  # the activity's assessment is not the target's
    LocalAssessmentFactory(activity=activity, target=target, completion=Completion.LIMITED, status=PUBLISHED)
    assert stored(target) == Decimal("33.3")
    assert stored(activity) == Decimal("100.0")


# --- Recomputed when a child changes -----------------------------------------------------------------


def test_changing_a_milestones_status_recomputes_the_chain(area):
    activity = ActivityFactory(area=area, number="1.1")
    step = milestone(activity, PLANNED)
    other = milestone(activity, PLANNED)
    assert (stored(activity), stored(area), stored(area.plan)) == (Decimal("0.0"),) * 3
    step.status, step.done_on = DONE, dt.date(2022, 5, 1)
    step.save()
    assert (stored(activity), stored(area), stored(area.plan)) == (Decimal("50.0"),) * 3
    other.status = IN_PROGRESS
    other.save()
    assert stored(area.plan) == Decimal("75.0")


def test_deleting_a_milestone_recomputes_the_chain(area):
    activity = ActivityFactory(area=area, number="1.1")
    milestone(activity, DONE)
    planned = milestone(activity, PLANNED)
    assert stored(area.plan) == Decimal("50.0")
    planned.delete()
    assert (stored(activity), stored(area), stored(area.plan)) == (Decimal("100.0"),) * 3
    Milestone.objects.filter(activity=activity).delete()
    assert (stored(activity), stored(area), stored(area.plan)) == (None, None, None)


def test_changing_an_activitys_weight_recomputes_its_area(area):
    done, _half, _none = three_activities(area)
    assert stored(area) == Decimal("50.0")
    done.weight = Decimal(2)
    done.save(update_fields=["weight"])
    assert stored(area) == Decimal("62.5")
    assert stored(area.plan) == Decimal("62.5")


def test_moving_an_activity_to_another_area_recomputes_both(plan, area):
    done, _half, _none = three_activities(area)
    other = AreaFactory(plan=plan, number=2)
    done.area = other
    done.save()
    # Area 1: (50 + 0) / 2 = 25.0; area 2: 100.0; plan: 62.5.
    assert (stored(area), stored(other), stored(plan)) == (Decimal("25.0"), Decimal("100.0"), Decimal("62.5"))


def test_deleting_an_activity_recomputes_its_area_and_plan(area):
    _done, _half, planned = three_activities(area)
    planned.delete()
    # (100 + 50) / 2 = 75.0
    assert stored(area) == Decimal("75.0")
    assert stored(area.plan) == Decimal("75.0")


def test_deleting_a_plan_with_everything_in_it_recomputes_nothing(plan, area, django_assert_max_num_queries):
    three_activities(area)
    with django_assert_max_num_queries(30):  # the deletes only: no recomputation per milestone
        plan.delete()
    assert not Activity.objects.exists()


def test_publishing_an_assessment_recomputes_and_withdrawing_it_undoes_it(area, guba):
    activity = ActivityFactory(area=area, number="1.1")
    assessment = LocalAssessmentFactory(activity=activity, district=guba, completion=Completion.SUBSTANTIAL)
    assert stored(activity) is None  # a draft does not count
    assessment.status = PUBLISHED
    assessment.save()
    assert (stored(activity), stored(area), stored(area.plan)) == (Decimal("66.7"),) * 3
    assessment.status = AssessmentStatus.DRAFT
    assessment.save()
    assert (stored(activity), stored(area), stored(area.plan)) == (None, None, None)


def test_a_new_assessment_of_a_place_replaces_the_older_one(area, guba):
    activity = ActivityFactory(area=area, number="1.1")
    LocalAssessmentFactory(activity=activity, district=guba, assessed_on=dt.date(2021, 1, 1),
                           completion=Completion.LIMITED, status=PUBLISHED)
    assert stored(activity) == Decimal("33.3")
    newer = LocalAssessmentFactory(activity=activity, district=guba, assessed_on=dt.date(2022, 1, 1),
                                   completion=Completion.COMPLETE, status=PUBLISHED)
    assert stored(activity) == Decimal("100.0")
    newer.delete()
    assert stored(activity) == Decimal("33.3")


# --- Recomputing a whole plan ----------------------------------------------------------------------


def test_recompute_plan_fully_mends_stale_figures_in_a_few_queries(plan, area, guba, django_assert_max_num_queries):
    done, half, planned = three_activities(area, weights=(Decimal(2), None, None))
    target = LocalTargetFactory(activity=done, district=guba)
    MilestoneFactory(target=target, activity=done, status=IN_PROGRESS)
    assessed = ActivityFactory(area=AreaFactory(plan=plan, number=2), number="2.1")
    LocalAssessmentFactory(activity=assessed, district=guba, completion=Completion.COMPLETE, status=PUBLISHED)
    expected = {model: dict(model.objects.values_list("pk", "progress")) for model in (Activity, Area, LocalTarget)}
    for model in (Activity, Area, LocalTarget, ActionPlan):
        model.objects.update(progress=Decimal("12.3"))  # as if the signals had been missed
    with django_assert_max_num_queries(14):
        result = progress.recompute_plan_fully(plan)
    # Area 1: 62.5, area 2: 100.0 → plan (62.5 + 100) / 2 = 81.25 → 81.3.
    assert result == Decimal("81.3") == stored(plan)
    assert {model: dict(model.objects.values_list("pk", "progress")) for model in (Activity, Area, LocalTarget)} == expected
    assert stored(target) == Decimal("50.0")
    assert stored(Area.objects.get(plan=plan, number=1)) == Decimal("62.5")


def test_held_changes_are_recomputed_once_by_the_caller(area):
    activity = ActivityFactory(area=area, number="1.1")
    with progress.held():
        milestone(activity, DONE)
    assert stored(activity) is None
    progress.recompute_upward(activity.pk)
    assert stored(area.plan) == Decimal("100.0")


def test_the_activity_pages_progress_costs_three_queries_however_many_rows(area, guba, django_assert_num_queries):
    activity = ActivityFactory(area=area, number="1.1")
    for _ in range(4):
        milestone(activity, CANCELLED)
        target = LocalTargetFactory(activity=activity, district=guba)
        MilestoneFactory(target=target, activity=activity)
    with django_assert_num_queries(3):  # milestones, targets with their places, latest assessments
        shown = progress.activity_progress(activity)
        assert [str(target.place) for target in shown.targets] == ["Quba"] * 4
    assert [target.code for target in shown.targets] == ["1.1.QBA-1", "1.1.QBA-2", "1.1.QBA-3", "1.1.QBA-4"]
