"""Assessing activities on the site: the form, one assessment with its review steps, and the
staff's work list.

Views are thin: they ask :mod:`ogmonitor.accounts.policy` who may do what, validate a form and
call :mod:`.assessments`. An assessment that is not published answers 404 to those who may not
edit it, so its existence is not revealed; a visible one that the user may not change answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ogmonitor.accounts import policy
from ogmonitor.lib.cache import cache_public
from ogmonitor.lib.forms import add_service_errors

from . import assessments as service
from .forms_assess import AssessmentFilterForm, AssessmentForm
from .models import Activity, AssessmentStatus, LocalAssessment

PAGE_SIZE = 50

#: What the page says once a step is taken.
DONE = {
    "review": gettext_lazy("The assessment is marked reviewed. It can now be published."),
    "publish": gettext_lazy("The assessment is published: everyone sees it on the activity’s page."),
    "withdraw": gettext_lazy("The assessment is back in draft and no longer public."),
}


def _visible(request, pk) -> LocalAssessment:
    assessment = service.shown_assessment(request.user, pk)
    if assessment is None:
        raise Http404
    return assessment


def _form_page(request, assessment: LocalAssessment, notice: str, *, new: bool):
    """The assessment form for ``assessment``: saved through the service on a valid POST (then to
    its page, saying ``notice``), else shown with what was typed and the errors."""
    form = AssessmentForm(
        request.POST or None, request.FILES or None, instance=assessment, user=request.user,
        may_choose_assessor=policy.is_administrator(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.save_assessment(form.instance, request.user, evidence=form.evidence())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, notice)
            return redirect(assessment)
    return render(request, "plans/assessment_form.html", {
        "form": form, "activity": assessment.activity, "plan": assessment.activity.plan, "target": assessment.target,
        "assessment": None if new else assessment,
    })


# --- Recording --------------------------------------------------------------------------------


@login_required
def assessment_create(request, slug, number):
    """A new assessment of the activity (``?target=<code>``: of one of its local targets), saved
    as a draft in the user's organisation's name."""
    activity = get_object_or_404(Activity.objects.select_related("plan", "area"), plan__slug=slug, number=number)
    if not policy.can_assess(request.user):
        raise PermissionDenied
    target = None
    if request.GET.get("target"):
        target = get_object_or_404(activity.local_targets.select_related("district", "municipality"), code=request.GET["target"])
    assessment = LocalAssessment(activity=activity, target=target, assessed_by_id=request.user.organization_id)
    return _form_page(request, assessment, _("The assessment is saved as a draft. Mark it reviewed when it is checked."), new=True)


def assessment_edit(request, pk):
    """Change a draft or reviewed assessment (a reviewed one goes back to draft); a published
    one is not changed: it says so and offers its page.

    Visibility comes before the login: a draft answers 404 to anonymous visitors too.
    """
    assessment = _visible(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can_edit_assessment(request.user, assessment):
        raise PermissionDenied
    if assessment.status == AssessmentStatus.PUBLISHED:
        messages.error(request, _("A published assessment is not changed. Return it to draft first, or record a new assessment."))
        return redirect(assessment)
    return _form_page(request, assessment, _("The assessment is saved as a draft."), new=False)


# --- One assessment and its review --------------------------------------------------------------


@cache_public
def assessment_detail(request, pk):
    """One assessment with its evidence and review record; the steps the user may take."""
    assessment = _visible(request, pk)
    editor = policy.can_edit_assessment(request.user, assessment)
    return render(request, "plans/assessment_detail.html", {
        "assessment": assessment,
        "activity": assessment.activity,
        "plan": assessment.activity.plan,
        "links": service.evidence_shown(assessment, everything=editor),
        "actions": service.allowed_actions(request.user, assessment),
        "can_edit": editor and not assessment.is_published,
        "editor": editor,
        "can_view_audit": policy.can_view_audit(request.user),
    })


@require_POST
def assessment_transition(request, pk, action):
    """Take one review step (review, publish, withdraw) and go back to the assessment's page
    (visibility before the login, as in :func:`assessment_edit`)."""
    assessment = _visible(request, pk)
    if action not in service.TRANSITIONS:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can_review_assessment(request.user, assessment):
        raise PermissionDenied
    try:
        service.transition(assessment, action, request.user)
    except service.AssessmentError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DONE[action])
    return redirect(assessment)


# --- The work list -----------------------------------------------------------------------------


@login_required
def assessment_list(request):
    """The assessments the user may work on: drafts, then reviewed ones, then published ones,
    filtered by status and plan."""
    if not policy.can_assess(request.user):
        raise PermissionDenied
    form = AssessmentFilterForm(request.GET or None)
    status, plan = "", None
    if form.is_valid():
        status, plan = form.cleaned_data["status"], form.cleaned_data["plan"]
    page = Paginator(service.work_list(request.user, status=status, plan=plan), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "plans/assessment_list.html", {
        "form": form, "page_obj": page, "query_string": params.urlencode(),
    })
