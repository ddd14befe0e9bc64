"""Milestones, local targets and weights: the pages that feed an activity's progress.

A local target's page is public; every form page is for those who keep the plans
(:func:`~ogmonitor.accounts.policy.can_manage_plans`): anonymous visitors are sent to log in,
other users get 403. Views check access, validate and call :mod:`.progress`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ogmonitor.accounts import policy
from ogmonitor.lib.cache import cache_public

from . import progress
from .forms_progress import LocalTargetForm, WeightsForm, milestone_formset
from .models import ActionPlan, Activity, Area, LocalAssessment, LocalTarget


def _activity(slug, number) -> Activity:
    return get_object_or_404(Activity.objects.select_related("plan", "area"), plan__slug=slug, number=number)


def _target(slug, number, code) -> LocalTarget:
    return get_object_or_404(
        LocalTarget.objects.select_related("activity__plan", "activity__area", "district", "municipality"),
        activity__plan__slug=slug, activity__number=number, code=code,
    )


def _require_plan_manager(request) -> None:
    if not policy.can_manage_plans(request.user):
        raise PermissionDenied


# --- A local target ----------------------------------------------------------------------------


@cache_public
def target_detail(request, slug, number, code):
    """A local target: its place, national activity, progress, milestones and published assessments."""
    target = _target(slug, number, code)
    published = (
        LocalAssessment.objects.published().filter(target=target)
        .select_related("district", "municipality", "assessed_by").order_by("-assessed_on", "-pk")
    )
    return render(request, "plans/target_detail.html", {
        "target": target,
        "activity": target.activity,
        "plan": target.activity.plan,
        "progress": progress.target_progress(target),
        "assessments": list(published),
        "can_manage_plans": policy.can_manage_plans(request.user),
    })


@login_required
def target_create(request, slug, number):
    _require_plan_manager(request)
    activity = _activity(slug, number)
    return _target_form(request, LocalTarget(activity=activity), activity)


@login_required
def target_edit(request, slug, number, code):
    _require_plan_manager(request)
    target = _target(slug, number, code)
    return _target_form(request, target, target.activity)


def _target_form(request, target: LocalTarget, activity: Activity):
    creating = target.pk is None
    form = LocalTargetForm(request.POST if request.method == "POST" else None, instance=target)
    if request.method == "POST" and form.is_valid():
        target = progress.save_target(form, request.user)
        messages.success(request, _("The local target %(code)s was saved.") % {"code": target.code})
        return redirect(target)
    return render(request, "plans/target_form.html", {
        "form": form,
        "target": None if creating else target,
        "activity": activity,
        "plan": activity.plan,
    })


# --- Milestones ---------------------------------------------------------------------------------


@login_required
def milestones(request, slug, number, code=None):
    """The milestones of an activity, or of one of its local targets when ``code`` is given:
    rows added, changed and deleted together, all or nothing."""
    _require_plan_manager(request)
    if code is None:
        activity = subject = _activity(slug, number)
    else:
        subject = _target(slug, number, code)
        activity = subject.activity
    formset_class = milestone_formset(subject)
    formset = formset_class(request.POST if request.method == "POST" else None, instance=subject, prefix="milestones")
    if request.method == "POST" and formset.is_valid():
        progress.save_milestones(formset, request.user)
        messages.success(request, _("The milestones were saved."))
        return redirect(subject.get_absolute_url() + "#progress")
    return render(request, "plans/milestones_form.html", {
        "formset": formset,
        "activity": activity,
        "target": subject if code is not None else None,
        "plan": activity.plan,
    })


# --- Weights ------------------------------------------------------------------------------------


@login_required
def weights(request, slug):
    """The weight of every area and activity of a plan, in one form; saving recomputes the plan."""
    _require_plan_manager(request)
    plan = get_object_or_404(ActionPlan, slug=slug)
    areas = list(
        Area.objects.filter(plan=plan).order_by("number")
        .prefetch_related(Prefetch("activities", queryset=Activity.objects.order_by("sort_key")))
    )
    form = WeightsForm(request.POST if request.method == "POST" else None, areas=areas)
    if request.method == "POST" and form.is_valid():
        changed = progress.save_weights(plan, form.weights("area"), form.weights("activity"), request.user)
        messages.success(request, ngettext(
            "%(count)d weight was changed; the plan's progress was recomputed.",
            "%(count)d weights were changed; the plan's progress was recomputed.", changed,
        ) % {"count": changed})
        return redirect("plans:weights", plan.slug)
    return render(request, "plans/weights_form.html", {"form": form, "plan": plan})
