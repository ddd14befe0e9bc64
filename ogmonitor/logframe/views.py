"""Project pages: the list, a project's progress, where each number comes from, hand-entered
values, outreach records, and the progress as a workbook or a one-page brief.

Views are thin: access is decided by :func:`.services.visible_projects` (an unpublished project
is a 404 to those who may not see it) and :func:`~ogmonitor.accounts.policy.can_manage_project`
(403 for those who see but may not change it); numbers come from :mod:`.progress`, changes go
through :mod:`.services`.
"""

from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import can_manage_project, sees_unpublished_engagement
from ogmonitor.engagement.events import with_participant_totals
from ogmonitor.lib.models import az_collated

from . import exports, measures, services
from .forms import ManualValueForm, PaymentAssistanceForm, TerminalRequestForm
from .models import Indicator, ManualValue, Project
from .progress import evaluate, project_progress

Source = Indicator.Source

#: More records than this on an indicator's page are counted but not all listed.
RECORDS_SHOWN = 500


# --- Access -------------------------------------------------------------------------------------


def _visible_project(request, slug) -> Project:
    projects = services.visible_projects(request.user).select_related("donor", "organization", "plan")
    return get_object_or_404(projects, slug=slug)


def _managed_project(request, slug) -> Project:
    """The project if the user manages it; 404 if they cannot even see it, else 403."""
    project = _visible_project(request, slug)
    if not can_manage_project(request.user, project):
        raise PermissionDenied
    return project


def _indicator(project: Project, code: str) -> Indicator:
    return get_object_or_404(project.indicators.select_related("activity", "result"), code=code)


# --- Pages --------------------------------------------------------------------------------------


def project_list(request):
    projects = (
        services.visible_projects(request.user)
        .select_related("donor", "organization")
        .annotate(indicator_count=Count("indicators", distinct=True))
        .order_by("-starts_on", "pk")
    )
    return render(request, "logframe/project_list.html", {"projects": projects})


def project_detail(request, slug):
    """The project's progress: every objective, activity, expected result and indicator."""
    project = _visible_project(request, slug)
    progress = project_progress(project, timezone.localdate())
    return render(request, "logframe/project_detail.html", {
        "project": project,
        "progress": progress,
        "manages": can_manage_project(request.user, project),
        "municipalities": progress.scope.municipalities,
        "districts": progress.scope.districts,
        "communities": project.communities.select_related("district").order_by_name(),
    })


def indicator_detail(request, slug, code):
    """One indicator: its figures, what was counted (record by record) and its hand-entered values."""
    project = _visible_project(request, slug)
    indicator = _indicator(project, code)
    today = timezone.localdate()
    measure = measures.measure(indicator, today)
    item = evaluate(indicator, measure, project, today)
    manages = can_manage_project(request.user, project)
    records, hidden = _records_for(request.user, measure)
    return render(request, "logframe/indicator_detail.html", {
        "project": project,
        "indicator": indicator,
        "item": item,
        "records": records,
        "hidden": hidden,
        "shown_limit": RECORDS_SHOWN,
        "manages": manages,
        "values": indicator.manual_values.select_related("recorded_by").order_by("-on", "-pk"),
        "form": ManualValueForm(indicator=indicator) if manages and indicator.source == Source.MANUAL else None,
    })


def _records_for(user, measure):
    """The counted records the viewer may see, ready for the page, and how many are not public."""
    records = measure.records
    if isinstance(records, list):
        return records, 0
    # Unpublished events, proposals and platforms are listed as the engagement pages list them.
    staff = sees_unpublished_engagement(user)
    model = records.model
    if measure.source in (Source.EVENTS, Source.PEOPLE_REACHED):
        records = with_participant_totals(records).select_related("municipality", "community", "district").order_by("date", "pk")
    elif measure.source == Source.PROPOSALS_SUBMITTED:
        records = records.select_related("addressee", "community").order_by("submitted_on", "number")
    elif measure.source == Source.PLATFORMS_CREATED:
        records = records.select_related("district").order_by("founded_on", "pk")
    elif measure.source == Source.DISCLOSURE_PUBLISHED:
        records = records.select_related("organization", "item").order_by(
            az_collated("organization__name_az"), "published_on", "pk"
        )
    elif measure.source == Source.FAMILIES_PAYING_ONLINE:
        records = records.select_related("community", "event").order_by("on", "pk")
    elif measure.source == Source.TERMINAL_REQUESTS:
        records = records.select_related("community", "addressee").order_by("filed_on", "pk")
    elif measure.source == Source.PRESS_PUBLICATIONS:
        records = records.select_related("press_release__event").order_by("published_on", "pk")
    hidden = 0
    if not staff and any(field.name == "is_published" for field in model._meta.fields):
        hidden = records.filter(is_published=False).count()
        records = records.filter(is_published=True)
    listed = list(records[:RECORDS_SHOWN])
    for record in listed:
        target = record.press_release.event if measure.source == Source.PRESS_PUBLICATIONS else record
        record.link = _page_of(target)
    return listed, hidden


def _page_of(record) -> str:
    """The record's own page, or '' while its app has no such page (yet)."""
    if not hasattr(record, "get_absolute_url"):
        return ""
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return ""


@login_required
def value_add(request, slug, code):
    """Enter a value by hand (managers of the project, for indicators without records to count)."""
    project = _managed_project(request, slug)
    indicator = _indicator(project, code)
    if indicator.source != Source.MANUAL:
        raise Http404
    form = ManualValueForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_manual_value(indicator, request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The value has been recorded."))
            return redirect("logframe:indicator", project.slug, indicator.code)
    return render(request, "logframe/manual_value_form.html", {"project": project, "indicator": indicator, "form": form})


@login_required
@require_POST
def value_delete(request, slug, code, pk):
    project = _managed_project(request, slug)
    indicator = _indicator(project, code)
    entry = get_object_or_404(ManualValue, pk=pk, indicator=indicator)
    services.delete_manual_value(entry, request.user)
    messages.success(request, _("The value has been removed."))
    return redirect("logframe:indicator", project.slug, indicator.code)


@login_required
@require_POST
def publish(request, slug):
    project = _managed_project(request, slug)
    published = request.POST.get("published") == "1"
    services.set_published(project, request.user, published)
    messages.success(request, _("The project is now public.") if published else _("The project is now hidden from the public."))
    return redirect(project)


# --- Outreach records -----------------------------------------------------------------------------


def outreach(request, slug):
    """Families helped to pay online and requests for payment terminals."""
    project = _visible_project(request, slug)
    families = project.payment_assistance.select_related("community__district", "event").order_by("on", "pk")
    terminals = project.terminal_requests.select_related("community__district", "addressee").order_by("filed_on", "pk")
    families = list(families)
    return render(request, "logframe/outreach.html", {
        "project": project,
        "families": families,
        "family_total": sum(record.families for record in families),
        "terminals": terminals,
        "manages": can_manage_project(request.user, project),
    })


class OutreachKind(NamedTuple):
    form_class: type
    related: str  #: the project's related name for these records
    create_title: str
    edit_title: str


OUTREACH_KINDS = {
    "families": OutreachKind(PaymentAssistanceForm, "payment_assistance",
                             gettext_lazy("Record families helped to pay online"),
                             gettext_lazy("Edit the record of families helped")),
    "terminals": OutreachKind(TerminalRequestForm, "terminal_requests",
                              gettext_lazy("Record a request for a payment terminal"),
                              gettext_lazy("Edit the terminal request")),
}


def _kind(kind: str) -> OutreachKind:
    if kind not in OUTREACH_KINDS:
        raise Http404
    return OUTREACH_KINDS[kind]


@login_required
def record_form(request, slug, kind, pk=None):
    """Create (``pk`` None) or edit an outreach record of ``kind`` ("families" or "terminals")."""
    project = _managed_project(request, slug)
    outreach = _kind(kind)
    instance = get_object_or_404(getattr(project, outreach.related), pk=pk) if pk is not None else None
    form = outreach.form_class(request.POST or None, instance=instance, project=project)
    if request.method == "POST" and form.is_valid():
        services.save_outreach_record(form, request.user)
        messages.success(request, _("The record has been saved."))
        return redirect("logframe:outreach", project.slug)
    return render(request, "logframe/record_form.html", {
        "project": project, "form": form, "kind": kind, "record": instance,
        "title": outreach.create_title if instance is None else outreach.edit_title,
    })


@login_required
@require_POST
def record_delete(request, slug, kind, pk):
    project = _managed_project(request, slug)
    record = get_object_or_404(getattr(project, _kind(kind).related), pk=pk)
    services.delete_outreach_record(record, request.user)
    messages.success(request, _("The record has been deleted."))
    return redirect("logframe:outreach", project.slug)


# --- Exports ------------------------------------------------------------------------------------


def export_xlsx(request, slug):
    project = _visible_project(request, slug)
    progress = project_progress(project, timezone.localdate())
    content = exports.progress_workbook(progress)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(project, "xlsx")}"'
    return response


def brief_pdf(request, slug):
    """The one-page progress brief in the page's language (/az/… or /en/…)."""
    project = _visible_project(request, slug)
    content = exports.progress_brief(project, get_language(), timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.file_name(project, "pdf")}"'
    return response

