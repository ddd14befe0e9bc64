"""Proposal pages: the list, one proposal with its history and next steps, entry and exports.

Views are thin: they check access with :mod:`ogmonitor.accounts.policy` (through
:func:`~.proposals.may_record` for the steps), validate a form and call :mod:`.proposals`.
Unpublished proposals answer 404 to visitors who may not see them, so their existence is not
revealed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorList
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import (
    can_edit_engagement_record,
    can_manage_engagement,
    is_administrator,
    is_staff_member,
)
from ogmonitor.lib.forms import add_service_errors
from ogmonitor.places.models import Organization

from . import exports
from . import proposals as service
from .forms_proposals import (
    ExportForm,
    ProposalBulkForm,
    ProposalFilterForm,
    ProposalForm,
    step_form,
)
from .models import Event, Proposal

PAGE_SIZE = 50

#: What a cover letter lists when no status is asked for: the proposals still waiting for an
#: answer (or not yet sent), since the letter asks for one.
LETTER_STATUSES = (Proposal.Status.DRAFT, *Proposal.AWAITING)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_proposal(request, number) -> Proposal:
    queryset = service.visible_proposals(request.user).select_related(
        "organization", "event", "raised_by_group", "raised_by_organization", "community__district", "addressee",
        "activity__plan",
    )
    return get_object_or_404(queryset, number=number)


def _event_from_query(request) -> Event | None:
    slug = request.GET.get("event")
    return Event.objects.filter(slug=slug).select_related("community", "municipality").first() if slug else None


# --- List -------------------------------------------------------------------------------------


def proposal_list(request):
    """All visible proposals, filtered, with counts per status and overdue ones marked."""
    today = timezone.localdate()
    visible = service.visible_proposals(request.user)
    form = ProposalFilterForm(request.GET or None, proposals=visible)
    filtered, status, addressee, event = visible, "", None, None
    if form.is_valid():
        data = form.cleaned_data
        status, addressee, event = data["status"], data["addressee"], data["event"]
        filtered = service.filter_proposals(
            visible, today=today, addressee=addressee, topic=data["topic"], event=data["event"],
            overdue_only=data["overdue"],
        )
    elif form.is_bound:
        filtered = visible.none()
    counts = service.status_counts(filtered, today)
    shown = service.filter_proposals(filtered, today=today, status=status).select_related(
        "addressee", "event", "raised_by_group", "raised_by_organization"
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    for proposal in page.object_list:
        proposal.days_overdue = service.days_overdue(proposal, today)
    params = request.GET.copy()
    params.pop("page", None)
    overdue_params = params.copy()
    overdue_params.pop("status", None)
    overdue_params["overdue"] = "on"
    return render(request, "engagement/proposals/list.html", {
        "form": form,
        "page_obj": page,
        "query_string": params.urlencode(),
        "counts": counts,
        "status_links": _status_links(params, counts, status),
        "overdue_url": "?" + overdue_params.urlencode(),
        "addressee": addressee,
        "event": event,
        "exports": _export_links(request, addressee, status) if addressee is not None else None,
        "can_manage": can_manage_engagement(request.user),
    })


def _status_links(params, counts: dict, current: str) -> list[dict]:
    """One link per status (keeping the other filters) with its count, for the figures above the list."""
    links = []
    params = params.copy()
    for value, label in [("", _("All")), *Proposal.Status.choices]:
        params["status"] = value
        links.append({
            "label": label, "count": counts["total" if not value else value], "current": value == current,
            "url": "?" + params.urlencode(), "status": value,
        })
    return links


def _export_links(request, addressee, status: str) -> dict:
    query = f"?{urlencode({'status': status})}" if status else ""
    links = {"xlsx": reverse("engagement:proposals_xlsx", args=[addressee.slug]) + query}
    if can_manage_engagement(request.user):
        links["letter"] = reverse("engagement:proposals_letter", args=[addressee.slug]) + query
    return links


# --- One proposal ----------------------------------------------------------------------------


def proposal_detail(request, number):
    return _render_detail(request, _visible_proposal(request, number))


def _render_detail(request, proposal, *, bound=None, notice: str = ""):
    """The detail page; ``bound`` is a step form that failed, shown with its errors."""
    today = timezone.localdate()
    statuses = service.transitions_for(request.user, proposal)
    step_forms = [bound if bound is not None and bound.to_status == status else step_form(proposal, status)
                  for status in statuses]
    refused = ErrorList()
    if bound is not None and bound.to_status not in statuses:
        # The page was stale: someone recorded another step meanwhile. Say why, above the forms.
        for errors in bound.errors.values():
            refused.extend(errors)
    return render(request, "engagement/proposals/detail.html", {
        "proposal": proposal,
        "steps": proposal.steps.select_related("recorded_by"),
        "step_forms": step_forms,
        "refused": refused,
        "notice": notice,
        "can_edit": can_edit_engagement_record(request.user, proposal),
        "show_who": is_staff_member(request.user),
        "days_overdue": service.days_overdue(proposal, today),
    })


@login_required
@require_POST
def proposal_step(request, number, status):
    """Record one step of the lifecycle (one of the detail page's forms); HTMX gets the page back."""
    proposal = _visible_proposal(request, number)
    if status not in Proposal.Status.values:
        raise Http404
    if not service.may_record(request.user, proposal, status):
        raise PermissionDenied
    form = step_form(proposal, status, request.POST)
    if form.is_valid():
        try:
            service.transition(proposal, status, user=request.user, **form.service_fields())
        except service.ProposalTransitionError as error:
            add_service_errors(form, error)
        else:
            notice = _("Recorded: the proposal is now “%(status)s”.") % {"status": proposal.get_status_display()}
            if request.htmx:
                return _render_detail(request, proposal, notice=notice)
            messages.success(request, notice)
            return redirect(proposal)
    return _render_detail(request, proposal, bound=form)


# --- Entry -------------------------------------------------------------------------------------


def _require_manager(request) -> None:
    if not can_manage_engagement(request.user):
        raise PermissionDenied


@login_required
def proposal_add(request):
    _require_manager(request)
    event = _event_from_query(request)
    initial = {"event": event, "community": event.community_id} if event else {}
    form = ProposalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.setdefault("organization", request.user.organization)
        try:
            proposal = service.create_proposal(request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposal no. %(number)s was recorded as a draft.") % {"number": proposal.number})
            return redirect(proposal)
    return render(request, "engagement/proposals/form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request, number):
    proposal = _visible_proposal(request, number)
    if not can_edit_engagement_record(request.user, proposal):
        raise PermissionDenied
    form = ProposalForm(request.POST or None, instance=proposal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form has written its values onto ``proposal``; the service checks a fresh copy.
            saved = service.update_proposal(Proposal.objects.get(pk=proposal.pk), request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposal no. %(number)s was saved.") % {"number": saved.number})
            return redirect(saved)
    return render(request, "engagement/proposals/form.html", {"form": form, "proposal": proposal})


@login_required
def proposals_bulk(request):
    """The proposals collected at one event, typed or pasted one per line, saved all or none."""
    _require_manager(request)
    event = _event_from_query(request)
    initial = {}
    if event is not None:
        initial = {"event": event, "community": event.community_id, "addressee": event.municipality_id}
    form = ProposalBulkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        shared = form.shared_fields()
        if shared.get("organization") is None:
            shared["organization"] = request.user.organization
        submission = form.submission()
        try:
            created = service.create_many(
                form.lines, user=request.user, language=form.cleaned_data["language"], submission=submission,
                **shared,
            )
        except ValidationError as error:
            form.add_error("texts", error.messages)
        else:
            messages.success(request, service.bulk_summary(len(created), submitted=submission is not None))
            return redirect(f"{reverse('engagement:proposals')}?{urlencode({'event': shared['event'].slug})}")
    return render(request, "engagement/proposals/bulk.html", {"form": form, "event": event})


# --- Exports -----------------------------------------------------------------------------------


def _for_authority(request, slug, default_statuses=()):
    """The authority at ``slug`` and the visible proposals put to it, by number; None if ``status`` is bad."""
    addressee = get_object_or_404(Organization, slug=slug)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return addressee, None
    proposals = (
        service.visible_proposals(request.user).filter(addressee=addressee)
        .select_related("event__community", "event__district", "raised_by_group", "raised_by_organization",
                        "community", "activity__plan")
        .order_by("number")
    )
    status = form.cleaned_data["status"]
    if status:
        proposals = proposals.filter(status=status)
    elif default_statuses:
        proposals = proposals.filter(status__in=default_statuses)
    return addressee, proposals


def _bad_status() -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        _("Unknown status. Use one of: %(statuses)s.") % {"statuses": ", ".join(Proposal.Status.values)},
        content_type="text/plain; charset=utf-8",
    )


def _letter_sender(request) -> Organization | None:
    """Who the letter is from: a coordinator's organisation; administrators may pick one with ``?from=``."""
    if is_administrator(request.user) and request.GET.get("from"):
        return get_object_or_404(Organization, slug=request.GET["from"])
    return request.user.organization


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def proposals_letter(request, slug):
    """The cover letter (DOCX) submitting an organisation's proposals to one authority.

    Without ``?status=`` it lists the proposals not answered yet: drafts about to be sent and
    submitted ones awaiting an answer (a reminder).
    """
    _require_manager(request)
    addressee, proposals = _for_authority(request, slug, default_statuses=LETTER_STATUSES)
    if proposals is None:
        return _bad_status()
    sender = _letter_sender(request)
    if sender is not None:
        proposals = proposals.filter(organization=sender)
    proposals = list(proposals)
    list_url = f"{reverse('engagement:proposals')}?{urlencode({'addressee': addressee.slug})}"
    if not proposals:
        messages.error(request, _("There is no proposal for %(addressee)s to put in a letter.") % {"addressee": addressee.name})
        return redirect(list_url)
    today = timezone.localdate()
    content = exports.proposal_letter(addressee, proposals, sender=sender, today=today)
    return _attachment(content, DOCX, f"proposals-{addressee.slug}-{today.isoformat()}.docx")


def proposals_xlsx(request, slug):
    """Every visible proposal put to one authority, as a workbook (``?status=`` narrows it)."""
    addressee, proposals = _for_authority(request, slug)
    if proposals is None:
        return _bad_status()
    today = timezone.localdate()
    content = exports.proposal_workbook(addressee, proposals, today=today)
    return _attachment(content, XLSX, f"proposals-{addressee.slug}-{today.isoformat()}.xlsx")
