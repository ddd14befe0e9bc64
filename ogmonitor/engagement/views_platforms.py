"""Dialogue-platform pages (list, detail and the staff forms) and the chronology with its exports.

Views check access, validate and call :mod:`.platforms` or :mod:`.chronology`. DialoguePlatform
has no keeping organisation, so any engagement manager may edit any platform
(``can_edit_engagement_record`` treats a record kept by no organisation that way).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.accounts.policy import (
    can_edit_engagement_record,
    can_manage_engagement,
    can_see_engagement_record,
    visible_engagement,
)
from ogmonitor.plans.models import ActionPlan

from . import chronology, platforms
from .forms_platforms import (
    ChronologyFilterForm,
    DocumentForm,
    EndMembershipForm,
    MembershipForm,
    PlatformForm,
    VoteForm,
)
from .models import DialoguePlatform, Membership, PlatformDocument, VoteEvent

CHRONOLOGY_PAGE_SIZE = 100


# --- Platforms ----------------------------------------------------------------------------------


def _visible_platforms(user):
    """Published platforms, and unpublished ones for those the policy lets see them (as for events)."""
    return visible_engagement(user, DialoguePlatform.objects.all())


def platform_list(request):
    """Every platform with its level, district, founding date and current number of members."""
    today = timezone.localdate()
    current = Q(memberships__joined_on__isnull=True) | Q(memberships__joined_on__lte=today)
    current &= Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
    platforms_ = (
        _visible_platforms(request.user)
        .select_related("district")
        .annotate(member_count=Count("memberships__organization", filter=current, distinct=True))
    )
    return render(
        request,
        "engagement/platforms/platform_list.html",
        {"platforms": platforms_, "can_manage": can_manage_engagement(request.user)},
    )


def platform_detail(request, slug):
    """A platform: its members by type today, its adopted documents with their votes, its meetings."""
    platform = get_object_or_404(
        _visible_platforms(request.user).select_related("district", "founding_event"), slug=slug
    )
    today = timezone.localdate()
    members = list(platforms.current_members(platform, today))
    documents = platform.documents.select_related("vote", "vote__event", "plan").order_by(
        F("adopted_on").asc(nulls_last=True), "pk"  # adopted documents first, then those still planned
    )
    meetings = chronology.chronology_events(chronology.visible_events(request.user).filter(platform=platform))
    can_edit = can_manage_engagement(request.user) and can_edit_engagement_record(request.user, platform)
    founding_event = platform.founding_event
    if founding_event and not can_see_engagement_record(request.user, founding_event, founding_event.municipality_id):
        founding_event = None
    return render(
        request,
        "engagement/platforms/platform_detail.html",
        {
            "platform": platform,
            "founding_event": founding_event,
            "groups": platforms.members_by_type(members),
            "composition": platforms.composition(platform, today),
            "former": platforms.former_members(platform, today),
            "documents": documents,
            "other_votes": platform.votes.filter(documents__isnull=True).select_related("event"),
            "meetings": meetings,
            "can_edit": can_edit,
        },
    )


def _editable_platform(request, slug) -> DialoguePlatform:
    platform = get_object_or_404(DialoguePlatform, slug=slug)
    if not (can_manage_engagement(request.user) and can_edit_engagement_record(request.user, platform)):
        raise PermissionDenied
    return platform


@login_required
def platform_create(request):
    if not can_manage_engagement(request.user):
        raise PermissionDenied
    return _platform_form(request, DialoguePlatform())


@login_required
def platform_edit(request, slug):
    return _platform_form(request, _editable_platform(request, slug))


def _platform_form(request, platform):
    form = PlatformForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid():
        platform = platforms.save_platform(form.save(commit=False), request.user)
        messages.success(request, _("The platform is saved."))
        return redirect(platform)
    return render(request, "engagement/platforms/platform_form.html", {"platform": platform, "form": form})


@login_required
def membership_add(request, slug):
    platform = _editable_platform(request, slug)
    form = MembershipForm(request.POST or None, instance=Membership(platform=platform))
    if request.method == "POST" and form.is_valid():
        try:
            platforms.add_membership(
                platform, form.cleaned_data["organization"], request.user,
                role=form.cleaned_data["role"], joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The member is added."))
            return redirect(platform)
    return render(
        request, "engagement/platforms/step_form.html",
        {"platform": platform, "form": form, "heading": _("Add a member")},
    )


@login_required
def membership_end(request, slug, pk):
    platform = _editable_platform(request, slug)
    membership = get_object_or_404(Membership.objects.select_related("organization"), platform=platform, pk=pk)
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            platforms.end_membership(membership, form.cleaned_data["left_on"], request.user)
        except ValidationError as error:
            form.add_error("left_on", error)
        else:
            messages.success(request, _("The membership is ended."))
            return redirect(platform)
    heading = _("End the membership of %(organization)s") % {"organization": membership.organization}
    return render(request, "engagement/platforms/step_form.html", {"platform": platform, "form": form, "heading": heading})


@login_required
def vote_add(request, slug):
    """Record a vote; "Check the result" shows what the counts give under the rule before saving."""
    platform = _editable_platform(request, slug)
    form = VoteForm(request.POST or None, instance=VoteEvent(platform=platform))
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = VoteEvent.Result(form.computed_result()).label
        else:
            try:
                platforms.record_vote(form.save(commit=False), request.user,
                                      entered_result=form.cleaned_data.get("entered_result", ""))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The vote is recorded."))
                return redirect(platform)
    return render(request, "engagement/platforms/vote_form.html", {"platform": platform, "form": form, "preview": preview})


@login_required
def document_add(request, slug):
    platform = _editable_platform(request, slug)
    form = DocumentForm(request.POST or None, request.FILES or None, instance=PlatformDocument(platform=platform))
    if request.method == "POST" and form.is_valid():
        try:
            platforms.add_document(form.save(commit=False), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The document is added."))
            return redirect(platform)
    return render(
        request, "engagement/platforms/step_form.html",
        {"platform": platform, "form": form, "heading": _("Add a document"), "multipart": True},
    )


# --- Chronology ---------------------------------------------------------------------------------


def chronology_page(request, plan=None):
    """The timeline of events, filtered by type, organiser and year; ``?format=csv|xlsx`` exports it."""
    plan_obj = get_object_or_404(ActionPlan, slug=plan) if plan else None
    fmt = request.GET.get("format")
    if fmt:
        return _export(request, plan_obj, fmt)
    base = chronology.visible_events(request.user)
    if plan_obj:
        base = base.filter(plan=plan_obj)
    form, events = _filtered(request, base)
    page = Paginator(events, CHRONOLOGY_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "engagement/chronology/chronology.html",
        {
            "plan": plan_obj,
            "form": form,
            "page_obj": page,
            "query_string": params.urlencode(),
            "filter_string": _filter_string(form),
            "plans": ActionPlan.objects.order_by("start_year") if plan_obj is None else None,
        },
    )


def chronology_export(request, fmt, plan=None):
    plan_obj = get_object_or_404(ActionPlan, slug=plan) if plan else None
    return _export(request, plan_obj, fmt)


def _filtered(request, base):
    """The filter form bound to the query string, and the events its valid fields select."""
    form = ChronologyFilterForm(request.GET or None, choices=chronology.filter_choices(base))
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid field (an organiser not in the list) is ignored, and shown
        filters = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    return form, chronology.chronology_events(base, **filters)


def _filter_string(form) -> str:
    """The valid filters as a query string, for the export links."""
    if not form.is_bound:
        return ""
    params = form.data.copy()
    for name in list(params):
        if name not in form.fields or name in form.errors:
            params.pop(name)
    return params.urlencode()


def _export(request, plan_obj, fmt):
    if fmt not in chronology.EXPORT_FORMATS:
        raise Http404
    base = chronology.visible_events(request.user)
    if plan_obj:
        base = base.filter(plan=plan_obj)
    _form, events = _filtered(request, base)
    content = chronology.export(events, fmt, link=lambda event: request.build_absolute_uri(event.get_absolute_url()))
    name = f"ogmonitor-chronology-{plan_obj.slug}" if plan_obj else "ogmonitor-chronology"
    response = HttpResponse(content, content_type=chronology.EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
