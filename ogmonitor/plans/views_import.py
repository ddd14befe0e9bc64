"""Plan import pages (upload, dry run, commit) and the downloadable template."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from ogmonitor.accounts.policy import can_manage_plans

from .models import ActionPlan


@login_required
def plan_import(request, slug):
    plan = get_object_or_404(ActionPlan, slug=slug)
    if not can_manage_plans(request.user):
        raise PermissionDenied
    return render(request, "plans/plan_import.html", {"plan": plan})


def import_template(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return HttpResponse(b"", content_type="text/csv")
