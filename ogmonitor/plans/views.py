from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from ogmonitor.accounts import policy
from ogmonitor.lib.cache import cache_public

from . import assessments, chain, progress
from .models import ActionPlan, Activity, Area


@cache_public
def plan_list(request):
    plans = ActionPlan.objects.annotate(
        activity_count=Count("activities", distinct=True),
        local_count=Count("activities", filter=Q(activities__involves_municipalities=True), distinct=True),
        area_count=Count("areas", distinct=True),
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


@cache_public
def plan_detail(request, slug):
    """A plan's areas and activities, each with its latest published local status in each place;
    ``?local=1`` keeps only activities involving municipalities."""
    plan = get_object_or_404(ActionPlan, slug=slug)
    only_local = request.GET.get("local") == "1"
    activities = (
        Activity.objects.filter(plan=plan)
        .select_related("plan")  # each activity's URL names its plan
        .prefetch_related("executors", assessments.latest_status_prefetch())
        .order_by("sort_key")
    )
    if only_local:
        activities = activities.involving_municipalities()
    areas = list(
        Area.objects.filter(plan=plan)
        .prefetch_related(Prefetch("activities", queryset=activities, to_attr="shown_activities"))
        .order_by("number")
    )
    counts = plan.activities.aggregate(
        total=Count("pk"), local=Count("pk", filter=Q(involves_municipalities=True))
    )
    statuses = [status for area in areas for activity in area.shown_activities for status in activity.local_status]
    return render(request, "plans/plan_detail.html", {
        "plan": plan,
        "areas": areas,
        "only_local": only_local,
        "counts": counts,
        "assessed_count": sum(1 for area in areas for activity in area.shown_activities if activity.local_status),
        "completion_counts": assessments.completion_counts(statuses),
    })


@cache_public
def activity_detail(request, slug, number):
    """An activity with its executors, its local assessments (the public's published history; the
    staff's drafts too), its milestones, local targets and progress, and its evidence chain:
    every question, indicator, finding, recommendation, event, proposal and disclosure item
    linked to it."""
    activity = get_object_or_404(
        Activity.objects.select_related("plan", "area").prefetch_related("executors"),
        plan__slug=slug,
        number=number,
    )
    return render(request, "plans/activity_detail.html", {
        "activity": activity,
        "plan": activity.plan,
        "history": assessments.published_history(activity),
        "unpublished": assessments.unpublished_for(request.user, activity),
        "can_assess": policy.can_assess(request.user),
        "can_manage_plans": policy.can_manage_plans(request.user),
        "progress": progress.activity_progress(activity),
        "chain": chain.evidence_chain(activity, request.user),
    })
