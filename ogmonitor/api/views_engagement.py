"""Events, proposals and dialogue platforms: published ones to read; proposals to record.

Writing goes through :mod:`ogmonitor.engagement.proposals` (``create_proposal``,
``transition``) with the same permission rules as the site's forms
(:func:`~ogmonitor.accounts.policy.can_manage_engagement`, :func:`~ogmonitor.engagement.proposals.may_record`).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from ogmonitor.accounts import policy
from ogmonitor.engagement import events as event_service
from ogmonitor.engagement import proposals as proposal_service
from ogmonitor.engagement.models import (
    DialoguePlatform,
    Event,
    Membership,
    PlatformDocument,
    Proposal,
    ProposalStep,
    VoteEvent,
)
from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Area

from . import filters
from . import serializers_engagement as s
from .serializers_write import ProposalInputSerializer, TransitionInputSerializer
from .views_base import NUMBER, SLUG, PublicViewSet


def api_errors(error: DjangoValidationError, default_field: str = "non_field_errors") -> dict:
    """A service's ValidationError as DRF's field → messages (unkeyed messages at ``default_field``)."""
    if hasattr(error, "error_dict"):
        return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
    return {default_field: [str(message) for message in error.messages]}


# --- Events ------------------------------------------------------------------------------------------


class EventViewSet(PublicViewSet):
    """Published events: consultations, trainings, meetings… with how many people they reached."""

    filterset_class = filters.EventFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["date", "title_az", "title_en", "type", "people"]
    collated_fields = ("title_az", "title_en")
    ordering = ["-date", "-time"]

    def get_queryset(self):
        events = event_service.with_participant_totals(Event.objects.published()).select_related(
            "district", "community", "municipality", "organization", "plan", "platform",
        )
        if self.action == "retrieve":
            events = events.prefetch_related(
                Prefetch("organizers", queryset=Organization.objects.order_by("name_az")),
                Prefetch("areas", queryset=Area.objects.select_related("plan").order_by("plan__start_year", "number")),
                "activities", "sources", "documents",
                Prefetch("proposals", queryset=Proposal.objects.published().order_by("number"),
                         to_attr="published_proposals"),
            )
        return events

    def get_serializer_class(self):
        return s.EventDetailSerializer if self.action == "retrieve" else s.EventSerializer

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        reached = event_service.people_reached(Event.objects.filter(pk=event.pk))
        event.api_reached = {
            "total": reached.total, "named": reached.named, "counted": reached.counted,
            "by_gender": {gender or "": count for gender, count in reached.by_gender.items()},
        }
        return Response(self.get_serializer(event).data)


# --- Proposals -------------------------------------------------------------------------------------


def _proposals():
    return Proposal.objects.select_related(
        "organization", "event", "raised_by_group", "raised_by_organization", "community", "addressee",
    ).prefetch_related(Prefetch("steps", queryset=ProposalStep.objects.order_by("on", "recorded_at", "pk")))


class ProposalViewSet(PublicViewSet):
    """Published proposals to authorities with their history; staff with the right to record
    engagement create proposals and record the steps of their lifecycle here."""

    serializer_class = s.ProposalSerializer
    filterset_class = filters.ProposalFilter
    lookup_field = "number"
    lookup_value_regex = NUMBER
    ordering_fields = ["number", "submitted_on", "answer_due", "status", "updated_at"]
    ordering = ["-number"]

    def get_queryset(self):
        if self.action == "transitions":
            # Staff record the steps of proposals not published yet too.
            return _proposals().filter(pk__in=proposal_service.visible_proposals(self.request.user).values("pk"))
        return _proposals().published()

    def get_permissions(self):
        if self.action in ("create", "transitions"):
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=ProposalInputSerializer, responses={201: s.ProposalSerializer})
    def create(self, request, *args, **kwargs):
        """Record a new proposal as a draft (``can_manage_engagement``)."""
        if not policy.can_manage_engagement(request.user):
            raise PermissionDenied
        serializer = ProposalInputSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        try:
            proposal = proposal_service.create_proposal(request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(api_errors(error)) from error
        proposal = _proposals().get(pk=proposal.pk)
        return Response(self.get_serializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionInputSerializer, responses={200: s.ProposalSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transitions(self, request, number=None):
        """Record the next step of the proposal's lifecycle (``transition``): 400 with the reason
        when the lifecycle refuses the move; 403 when the user may not record it."""
        proposal = get_object_or_404(self.get_queryset(), number=number)
        # Permission before validation: one who may record nothing here, or not this step, is
        # told so (403) whatever else is wrong with the request.
        if not any(proposal_service.may_record(request.user, proposal, step) for step in Proposal.Status.values):
            raise PermissionDenied
        to_status = request.data.get("to_status") if isinstance(request.data, dict) else None
        if to_status in Proposal.Status.values and not proposal_service.may_record(request.user, proposal, to_status):
            raise PermissionDenied
        serializer = TransitionInputSerializer(data=request.data, proposal=proposal)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            proposal_service.transition(
                proposal, data["to_status"], on=data["on"], user=request.user, note=data["note"], **data["fields"],
            )
        except DjangoValidationError as error:
            raise ValidationError(api_errors(error, default_field="to_status")) from error
        proposal = _proposals().get(pk=proposal.pk)
        return Response(self.get_serializer(proposal).data)


# --- Dialogue platforms -----------------------------------------------------------------------------


class PlatformViewSet(PublicViewSet):
    """Published Government–Civil Society Dialogue Platforms with their members, votes and documents."""

    filterset_class = filters.PlatformFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["name_az", "name_en", "founded_on", "member_count"]
    collated_fields = ("name_az", "name_en")
    ordering = ["level", "name_az"]

    def get_queryset(self):
        today = timezone.localdate()
        current = Q(memberships__joined_on__isnull=True) | Q(memberships__joined_on__lte=today)
        current &= Q(memberships__left_on__isnull=True) | Q(memberships__left_on__gt=today)
        platforms = (
            DialoguePlatform.objects.published()
            .select_related("district", "founding_event")
            .annotate(member_count=Count("memberships__organization", filter=current, distinct=True))
        )
        if self.action == "retrieve":
            platforms = platforms.prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("organization").order_by(
                    "organization__type", "organization__name_az", "pk")),
                Prefetch("votes", queryset=VoteEvent.objects.select_related("event").order_by("date", "pk")),
                Prefetch("documents", queryset=PlatformDocument.objects.select_related("plan").order_by("adopted_on", "pk")),
            )
        return platforms

    def get_serializer_class(self):
        return s.PlatformDetailSerializer if self.action == "retrieve" else s.PlatformSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
