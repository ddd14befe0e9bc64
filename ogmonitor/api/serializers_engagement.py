"""Events, proposals with their history, and dialogue platforms with members, votes and documents.

Named participants are personal data and never leave the site: an event gives only how many
people it reached. A proposal's history gives each step without who recorded it. A reference
to an unpublished event (a proposal raised at it, a platform founded at it) is null.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ogmonitor.engagement.models import (
    DialoguePlatform,
    Event,
    EventDocument,
    EventSource,
    Membership,
    PlatformDocument,
    Proposal,
    ProposalStep,
    VoteEvent,
)

from .serializers_places import OrganizationRefSerializer, both

#: A nullable reference by slug.
_SLUG = {"slug_field": "slug", "read_only": True, "allow_null": True}


def _published_event(event) -> str | None:
    return event.slug if event is not None and event.is_published else None


def _file_url(field, request) -> str:
    if not field:
        return ""
    return request.build_absolute_uri(field.url) if request is not None else field.url


# --- Events -----------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    community = serializers.SlugRelatedField(**_SLUG)
    municipality = serializers.SlugRelatedField(**_SLUG)
    organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    plan = serializers.SlugRelatedField(**_SLUG)
    platform = serializers.SerializerMethodField(help_text="The dialogue platform (slug) it is a meeting of, if published.")
    participants = serializers.IntegerField(source="people", read_only=True, help_text="People who took part (named and counted).")

    class Meta:
        model = Event
        fields = [
            "slug", "type", "status", *both("title"), "date", "time", "end_date", "format", "place",
            "district", "community", "municipality", "organization", "plan", "platform", *both("topic", "summary"),
            "participants", "is_demo",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_platform(self, event) -> str | None:
        platform = event.platform
        return platform.slug if platform is not None and platform.is_published else None


class EventSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventSource
        fields = ["url", "title", "published_on", "accessed_on", "archive_url", "footnote"]


class EventDocumentSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField()

    class Meta:
        model = EventDocument
        fields = ["kind", "caption", "file"]

    @extend_schema_field(serializers.CharField())
    def get_file(self, document) -> str:
        return _file_url(document.file, self.context.get("request"))


class PeopleReachedSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    named = serializers.IntegerField(help_text="Named participants (each person counted once).")
    counted = serializers.IntegerField(help_text="Participants counted without names.")
    by_gender = serializers.DictField(child=serializers.IntegerField(), help_text="woman, man, other; '' not recorded.")


class EventDetailSerializer(EventSerializer):
    organizers = OrganizationRefSerializer(many=True, read_only=True)
    areas = serializers.SerializerMethodField(help_text="NAP areas: plan slug and area number.")
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="NAP activities (ids).")
    sources = EventSourceSerializer(many=True, read_only=True)
    documents = EventDocumentSerializer(many=True, read_only=True)
    proposals = serializers.SerializerMethodField(help_text="Numbers of the published proposals raised at it.")
    people_reached = PeopleReachedSerializer(read_only=True, source="api_reached")

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields, *both("agenda", "outcome"), "meeting_link", "organizers", "areas",
            "activities", "sources", "documents", "proposals", "people_reached",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_areas(self, event) -> list[dict]:
        return [{"plan": area.plan.slug, "number": area.number} for area in event.areas.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_proposals(self, event) -> list[int]:
        return [proposal.number for proposal in event.published_proposals]


# --- Proposals ---------------------------------------------------------------------------------------


class ProposalStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalStep
        fields = ["from_status", "to_status", "on", "note"]


class ProposalSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    event = serializers.SerializerMethodField(help_text="The event (slug) it was raised at, if published.")
    raised_by_group = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    raised_by_organization = OrganizationRefSerializer(read_only=True, allow_null=True)
    community = serializers.SlugRelatedField(**_SLUG)
    addressee = OrganizationRefSerializer(read_only=True, allow_null=True)
    activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="NAP activity (id).")
    is_overdue = serializers.SerializerMethodField(help_text="Awaiting an answer after its due date.")
    steps = ProposalStepSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "number", "status", *both("text"), "topic", "organization", "event", "raised_by_group",
            "raised_by_organization", "community", "addressee", "activity", "answer_days", "submitted_on",
            "submitted_via", "reference_number", "answer_due", "acknowledged_on", "answered_on",
            *both("answer_text"), "decided_on", "implemented_on", "is_overdue", "is_published", "is_demo",
            "created_at", "updated_at", "steps",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_event(self, proposal) -> str | None:
        return _published_event(proposal.event)

    def get_is_overdue(self, proposal) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return proposal.is_overdue(today)


# --- Dialogue platforms ----------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    current = serializers.SerializerMethodField(help_text="A member today.")

    class Meta:
        model = Membership
        fields = ["organization", "role", "joined_on", "left_on", "current"]

    def get_current(self, membership) -> bool:
        today: dt.date = self.context.get("today") or timezone.localdate()
        joined = membership.joined_on is None or membership.joined_on <= today
        return joined and (membership.left_on is None or membership.left_on > today)


class VoteSerializer(serializers.ModelSerializer):
    event = serializers.SerializerMethodField(help_text="The event (slug) it was taken at, if published.")

    class Meta:
        model = VoteEvent
        fields = ["id", "date", *both("motion"), "yes", "no", "abstain", "absent", "rule", "result",
                  "counts_unknown", "event"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_event(self, vote) -> str | None:
        return _published_event(vote.event)


class PlatformDocumentSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(**_SLUG)
    file = serializers.SerializerMethodField()

    class Meta:
        model = PlatformDocument
        fields = ["kind", *both("title"), "adopted_on", "vote", "plan", "url", "file"]

    @extend_schema_field(serializers.CharField())
    def get_file(self, document) -> str:
        return _file_url(document.file, self.context.get("request"))


class PlatformSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    founding_event = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True, help_text="Members today.")

    class Meta:
        model = DialoguePlatform
        fields = ["slug", *both("name"), "level", "district", "founded_on", "founding_event", *both("description"),
                  "website", "member_count", "is_demo"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_founding_event(self, platform) -> str | None:
        return _published_event(platform.founding_event)


class PlatformDetailSerializer(PlatformSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    votes = VoteSerializer(many=True, read_only=True)
    documents = PlatformDocumentSerializer(many=True, read_only=True)

    class Meta(PlatformSerializer.Meta):
        fields = [*PlatformSerializer.Meta.fields, "memberships", "votes", "documents"]
