"""Plan import pages (upload and dry run, then commit) and the downloadable templates.

Between the dry run and the commit the checked file is kept in the default storage under
``imports/plan-<pk>/<random token>``; the commit form carries only the token. Keeping it on the
server (rather than in the session) works with any session backend and any file size, and
deriving the path from this plan means a token cannot reach another plan's upload.
"""

import datetime as dt
import uuid
from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.accounts.policy import can_manage_plans

from .forms import ImportCommitForm, ImportUploadForm
from .importing import COLUMNS, PlanImportError, parse_plan_file, template_csv, template_xlsx
from .models import ActionPlan
from .services import commit_plan_import

#: Dry runs that were never committed are deleted after this long.
KEEP_UPLOADS_FOR = dt.timedelta(days=1)

_TEMPLATES = {
    "csv": (template_csv, "text/csv; charset=utf-8"),
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@login_required
def plan_import(request, slug):
    """Upload a plan file and see every problem in it (dry run); a clean file can then be committed."""
    plan = get_object_or_404(ActionPlan, slug=slug)
    if not can_manage_plans(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "commit":
        return _commit(request, plan)
    if request.method != "POST":
        return _render(request, plan, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, plan, form)
    upload = form.cleaned_data["file"]
    preview = parse_plan_file(upload, upload.name, plan)
    if not preview.is_valid:
        return _render(request, plan, form, problems=preview.problems)
    commit_form = ImportCommitForm(initial={"token": _keep_upload(plan, upload), "filename": upload.name})
    return _render(request, plan, form, preview=preview, commit_form=commit_form)


def _commit(request, plan):
    """Write the file the dry run checked; it is read and checked again inside the transaction."""
    form = ImportCommitForm(request.POST)
    path = _upload_path(plan, form.cleaned_data["token"]) if form.is_valid() else None
    if path is None or not default_storage.exists(path):
        messages.error(request, _("The checked file is no longer on the server. Upload it again to check and import it."))
        return redirect("plans:import", plan.slug)
    try:
        with default_storage.open(path, "rb") as stored:
            counts = commit_plan_import(stored, plan, request.user, filename=form.cleaned_data["filename"])
    except PlanImportError as error:
        return _render(request, plan, ImportUploadForm(), problems=error.problems)
    finally:
        default_storage.delete(path)
    messages.success(
        request,
        _("Import done. Areas: %(areas_created)s new, %(areas_updated)s changed, %(areas_unchanged)s unchanged. "
          "Activities: %(activities_created)s new, %(activities_updated)s changed, %(activities_unchanged)s unchanged.")
        % asdict(counts),
    )
    return redirect(plan)


def _render(request, plan, form, *, problems=None, preview=None, commit_form=None):
    context = {
        "plan": plan,
        "form": form,
        "problems": problems or [],
        "preview": preview,
        "commit_form": commit_form,
        "columns": COLUMNS,
    }
    return render(request, "plans/plan_import.html", context)


def _upload_path(plan, token: str) -> str:
    return f"imports/plan-{plan.pk}/{token}"


def _keep_upload(plan, upload) -> str:
    """Store a checked upload until its commit and return the token naming it."""
    _discard_stale_uploads(plan)
    token = uuid.uuid4().hex
    upload.seek(0)
    default_storage.save(_upload_path(plan, token), upload)
    return token


def _discard_stale_uploads(plan) -> None:
    """Delete this plan's dry-run files nobody committed, so abandoned uploads do not pile up."""
    directory = f"imports/plan-{plan.pk}"
    try:
        _folders, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - KEEP_UPLOADS_FOR
    for name in names:
        path = f"{directory}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def import_template(request, fmt):
    """The plan file template (header and an example row); open to anyone, like the column list."""
    if fmt not in _TEMPLATES:
        raise Http404
    build, content_type = _TEMPLATES[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ogmonitor-plan-template.{fmt}"'
    return response
