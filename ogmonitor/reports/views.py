"""Report pages: a study's report versions, building one, its progress, publishing and downloading.

Who may do what (``policy.can_manage_study``): the study's coordinators (and administrators)
see every version, build new ones and make them public; anyone may see and download the public,
built versions of a published study. A study the visitor may not see answers 404, so its
existence is not revealed; a report the visitor may not download answers 404 too.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import can_manage_study
from ogmonitor.surveys.models import Study
from ogmonitor.surveys.views import visible_studies

from . import renderers, services
from .models import Report

UNFINISHED = (Report.Status.QUEUED, Report.Status.RUNNING)


class ReportRequestForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=Report.Format.choices)


def _visible_study(request, slug) -> Study:
    return get_object_or_404(visible_studies(request.user).select_related("organization"), slug=slug)


def _managed_study(request, slug) -> Study:
    study = _visible_study(request, slug)
    if not can_manage_study(request.user, study):
        raise PermissionDenied
    return study


def _public_reports(study: Study):
    if study.status != Study.Status.PUBLISHED:
        return Report.objects.none()
    return study.reports.filter(is_public=True, status=Report.Status.DONE)


def report_list(request, slug):
    study = _visible_study(request, slug)
    manages = can_manage_study(request.user, study)
    reports = (study.reports.all() if manages else _public_reports(study)).select_related("created_by")
    return render(request, "reports/report_list.html", {
        "study": study,
        "manages": manages,
        "reports": reports,
        "form": ReportRequestForm(initial={"language": request.LANGUAGE_CODE, "format": Report.Format.PDF}),
        "unfinished": UNFINISHED,
    })


@login_required
@require_POST
def report_request(request, slug):
    study = _managed_study(request, slug)
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a language and a format."))
        return redirect("reports:list", study.slug)
    report = services.request_report(study, form.cleaned_data["language"], form.cleaned_data["format"], request.user)
    report.refresh_from_db()
    if report.status == Report.Status.FAILED:
        messages.error(request, _("Version %(version)s could not be built: %(error)s") % {
            "version": report.version, "error": report.error})
    else:
        messages.success(request, _("Version %(version)s of the report has been requested.") % {"version": report.version})
    return redirect("reports:list", study.slug)


def report_row(request, slug, pk):
    """One row of the versions table (HTMX polls it every second while the build runs)."""
    study = _managed_study(request, slug)
    report = get_object_or_404(study.reports.select_related("created_by"), pk=pk)
    return render(request, "reports/_report_row.html", {
        "study": study, "report": report, "manages": True, "unfinished": UNFINISHED,
    })


@login_required
@require_POST
def report_publish(request, slug, pk):
    study = _managed_study(request, slug)
    report = get_object_or_404(study.reports, pk=pk)
    make_public = request.POST.get("public") == "1"
    try:
        services.set_report_public(report, make_public, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if make_public:
            messages.success(request, _("Version %(version)s can now be downloaded by anyone.") % {"version": report.version})
        else:
            messages.success(request, _("Version %(version)s is no longer public.") % {"version": report.version})
    return redirect("reports:list", study.slug)


def report_download(request, slug, pk):
    study = get_object_or_404(Study.objects.select_related("organization"), slug=slug)
    if can_manage_study(request.user, study):
        report = get_object_or_404(study.reports, pk=pk, status=Report.Status.DONE)
    else:
        report = get_object_or_404(_public_reports(study), pk=pk)
    if not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=services.download_name(report),
        content_type=renderers.content_type(report.format),
    )
    # Public reports may be cached by browsers; private ones must not be kept by shared caches.
    response["Cache-Control"] = "public, max-age=3600" if report.is_public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
