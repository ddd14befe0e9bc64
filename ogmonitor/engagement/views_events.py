"""Event pages: the engagement overview, the events list and detail, recording an event, its
participants and its press release.

Views are thin: they check access with :mod:`ogmonitor.accounts.policy`, validate forms and
call :mod:`.events`. Unpublished events answer 404 to visitors who may not see them, so their
existence is not revealed; staff who see but may not edit one get 403 on its edit pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import (
    can_edit_engagement_record,
    can_manage_engagement,
    is_staff_member,
)
from ogmonitor.lib.models import az_collated
from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Activity, Area

from . import events as services
from .forms_events import (
    DocumentFormSet,
    EventFilterForm,
    EventForm,
    ParticipantCountsForm,
    PersonForm,
    PickPersonForm,
    PressReleaseForm,
    PublicationFormSet,
    SourceFormSet,
)
from .models import Event, Participation, Person, PressRelease

EVENTS_PER_PAGE = 50


def _visible_event(request, slug) -> Event:
    return get_object_or_404(services.visible_events(request.user), slug=slug)


def _editable_event(request, slug) -> Event:
    """The event at ``slug`` if the user may edit it; 404 if they cannot even see it, else 403."""
    event = _visible_event(request, slug)
    if not can_edit_engagement_record(request.user, event):
        raise PermissionDenied
    return event


# --- Overview and list --------------------------------------------------------------------------


def index(request):
    """The engagement overview: events by type and status, people reached, and the way into each part."""
    events = services.visible_events(request.user)
    return render(request, "engagement/index.html", {
        "counts": services.count_events(events),
        "reached": services.people_reached(events),
        "latest": events.select_related("district").order_by("-date", "-time", "-pk")[:5],
        "can_create": can_manage_engagement(request.user),
    })


def event_list(request):
    """Events with filters; people reached are totalled over the filtered events."""
    visible = services.visible_events(request.user)
    form = EventFilterForm(request.GET or None, years=services.event_years(visible))
    events = visible
    if form.is_valid():
        events = services.filter_events(events, **form.cleaned_data)
    listed = (
        services.with_participant_totals(events)
        .select_related("district", "community", "plan")
        .order_by("-date", "-time", "-pk")
    )
    page = Paginator(listed, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "engagement/events/event_list.html", {
        "form": form,
        "page_obj": page,
        "query_string": params.urlencode(),
        "reached": services.people_reached(events),
        "is_staff": is_staff_member(request.user),
        "can_create": can_manage_engagement(request.user),
    })


def event_detail(request, slug):
    """Everything recorded about an event; named participants only for staff."""
    event = get_object_or_404(
        services.visible_events(request.user)
        .select_related("district", "community", "municipality", "organization", "plan", "platform")
        .prefetch_related(
            Prefetch("organizers", queryset=Organization.objects.order_by_name()),
            Prefetch("areas", queryset=Area.objects.order_by("number")),
            Prefetch("activities", queryset=Activity.objects.select_related("plan").order_by("sort_key")),
            "sources",
            "documents",
        ),
        slug=slug,
    )
    personal = services.can_see_personal_data(request.user)
    proposals = event.proposals.all() if personal else event.proposals.published()
    press_release = PressRelease.objects.filter(event=event).prefetch_related("publications").first()
    return render(request, "engagement/events/event_detail.html", {
        "event": event,
        "reached": services.people_reached(Event.objects.filter(pk=event.pk)),
        "participations": _participations(event) if personal else None,
        "proposals": proposals.select_related("addressee").order_by("number"),
        "press_release": press_release,
        "can_edit": can_edit_engagement_record(request.user, event),
    })


def _participations(event):
    return (
        event.participations.select_related("person__category", "person__organization", "person__community")
        .order_by(az_collated("person__name"), "pk")
    )


# --- Recording an event --------------------------------------------------------------------------


@login_required
def event_create(request):
    if not can_manage_engagement(request.user):
        raise PermissionDenied
    return _event_form(request, Event())


@login_required
def event_edit(request, slug):
    return _event_form(request, _editable_event(request, slug))


def _event_form(request, event: Event):
    """The event form with its sources and documents; on error everything typed is shown again."""
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = EventForm(data, files, instance=event)
    formsets = [
        SourceFormSet(data, files, instance=event, prefix="sources"),
        DocumentFormSet(data, files, instance=event, prefix="documents"),
    ]
    if request.method == "POST" and form.is_valid() and all(formset.is_valid() for formset in formsets):
        creating = event.pk is None
        event = services.save_event(form, formsets, request.user)
        messages.success(request, _("The event was recorded.") if creating else _("The event was saved."))
        return redirect(event)
    return render(request, "engagement/events/event_form.html", {
        "form": form,
        "sources": formsets[0],
        "documents": formsets[1],
        "event": event if event.pk else None,
    })


# --- Participants --------------------------------------------------------------------------------


@login_required
def event_participants(request, slug):
    """Named participants (add new, pick a known person, remove) and the counts grid.

    ``?q=`` searches recorded people by name; an HTMX request gets only the results fragment.
    Each POST form names its ``action``; a form with errors is shown again as typed.
    """
    event = _editable_event(request, slug)
    query = request.GET.get("q", "").strip()
    found = services.search_people(query, exclude_event=event) if query else []
    if request.htmx and request.method == "GET":
        return render(request, "engagement/events/_people_found.html", {
            "event": event, "query": query, "found": found, "roles": Participation.Role.choices,
        })

    action = request.POST.get("action") if request.method == "POST" else None
    person_form = PersonForm(request.POST if action == "add_person" else None, prefix="person")
    counts_form = ParticipantCountsForm(request.POST if action == "counts" else None, event=event)
    if action == "add_person" and person_form.is_valid():
        try:
            participation = services.add_person(
                event, request.user, role=person_form.cleaned_data["role"], **person_form.person_fields()
            )
        except ValidationError as error:
            person_form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added to the participants.") % {"name": participation.person.name})
            return redirect("engagement:event_participants", event.slug)
    elif action == "pick_person":
        pick = PickPersonForm(request.POST)
        if pick.is_valid():
            participation = services.add_participant(
                event, pick.cleaned_data["person"], request.user, role=pick.cleaned_data["role"]
            )
            messages.success(request, _("%(name)s was added to the participants.") % {"name": participation.person.name})
        else:
            messages.error(request, _("That person could not be added. Search again and choose from the results."))
        return redirect("engagement:event_participants", event.slug)
    elif action == "counts" and counts_form.is_valid():
        total = services.replace_participant_counts(event, counts_form.counts(), request.user)
        messages.success(request, _("Counted participants saved: %(total)s in all.") % {"total": total})
        return redirect("engagement:event_participants", event.slug)
    return render(request, "engagement/events/participants.html", {
        "event": event,
        "participations": _participations(event),
        "person_form": person_form,
        "counts_form": counts_form,
        "query": query,
        "found": found,
        "reached": services.people_reached(Event.objects.filter(pk=event.pk)),
        "roles": Participation.Role.choices,
    })


@login_required
@require_POST
def event_participant_remove(request, slug, person_id):
    event = _editable_event(request, slug)
    person = get_object_or_404(Person, pk=person_id, participations__event=event)
    services.remove_participant(event, person, request.user)
    messages.success(request, _("%(name)s is no longer listed as a participant.") % {"name": person.name})
    return redirect("engagement:event_participants", event.slug)


# --- Press release ---------------------------------------------------------------------------------


@login_required
def event_press_release(request, slug):
    """Edit the press release's texts and record where it was published (after drafting it)."""
    event = _editable_event(request, slug)
    release = PressRelease.objects.filter(event=event).first()
    if release is None:
        return render(request, "engagement/events/press_release.html", {"event": event, "release": None})
    data = request.POST if request.method == "POST" else None
    form = PressReleaseForm(data, instance=release)
    formset = PublicationFormSet(data, instance=release, prefix="publications")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.save_press_release(form, formset, request.user)
        messages.success(request, _("The press release was saved."))
        return redirect("engagement:event_press_release", event.slug)
    return render(request, "engagement/events/press_release.html", {
        "event": event, "release": release, "form": form, "publications": formset,
    })


@login_required
@require_POST
def event_press_release_draft(request, slug):
    """Write (or write again) the press release from the event's record, in every language."""
    event = _editable_event(request, slug)
    services.create_press_release_draft(event, request.user)
    messages.success(request, _("The press release was drafted from the event’s record. Check and edit it before sending it."))
    return redirect("engagement:event_press_release", event.slug)
