"""Admin for every engagement model; records are edited in place with their parts as inlines.

Who may see and change which record is the policy's decision (:mod:`ogmonitor.accounts.policy`):
every list holds only what ``visible_engagement`` shows the user on the site (and named
participants only for ``can_see_participants``), and the admin asks ``can_edit_engagement_record``
for each event and proposal, so a coordinator cannot change another organisation's records here
either. A proposal's status and its history change
only through the proposals lifecycle, so both are read-only here.
"""

from django.contrib import admin
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from ogmonitor.accounts.policy import (
    can_edit_engagement_record,
    can_see_participants,
    visible_engagement,
)

from . import platforms
from .forms_platforms import DocumentForm, VoteForm
from .models import (
    DialoguePlatform,
    Event,
    EventDocument,
    EventSource,
    Membership,
    ParticipantCount,
    Participation,
    Person,
    PlatformDocument,
    PressPublication,
    PressRelease,
    Proposal,
    ProposalStep,
    VoteEvent,
)


class VisibleMixin:
    """List only the records the user may see on the site: events, proposals and platforms, or
    (``through`` the one they belong to) their parts."""

    through = ""
    municipality_field = ""  # the municipality the record concerns (see visible_engagement)

    def get_queryset(self, request):
        return visible_engagement(request.user, super().get_queryset(request),
                                  through=self.through, municipality_field=self.municipality_field)


PLATFORM_FILTER = ("platform", admin.RelatedOnlyFieldListFilter)  # only the platforms listed


class PersonalDataMixin:
    """Named participants are personal data: listed only for those the policy lets see them."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if can_see_participants(request.user) else queryset.none()


class PolicyAdminMixin(VisibleMixin):
    """Change and delete only the records the policy lets this user edit."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_engagement_record(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_engagement_record(request.user, obj))


# --- Events ---------------------------------------------------------------------------------------


class EventSourceInline(admin.TabularInline):
    model = EventSource
    extra = 0
    fields = ["position", "footnote", "url", "title", "published_on", "accessed_on", "archive_url"]


class EventDocumentInline(admin.TabularInline):
    model = EventDocument
    extra = 0


class ParticipationInline(PersonalDataMixin, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person"]


class ParticipantCountInline(admin.TabularInline):
    model = ParticipantCount
    extra = 0


@admin.register(Event)
class EventAdmin(PolicyAdminMixin, TranslationAdmin):
    municipality_field = "municipality"
    list_display = ["date", "time", "title", "type", "status", "plan", "is_published", "is_demo"]
    list_filter = ["type", "status", "plan", "is_published", "is_demo", "district"]
    search_fields = ["title_az", "title_en", "slug", "summary_az", "summary_en"]
    date_hierarchy = "date"
    autocomplete_fields = ["community", "municipality", "organization", "organizers", "activities"]
    filter_horizontal = ["areas"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [EventSourceInline, EventDocumentInline, ParticipationInline, ParticipantCountInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EventSource)
class EventSourceAdmin(VisibleMixin, admin.ModelAdmin):
    through, municipality_field = "event", "municipality"
    list_display = ["event", "footnote", "url", "title", "published_on"]
    search_fields = ["url", "title", "event__title_az", "event__title_en"]
    autocomplete_fields = ["event"]


@admin.register(EventDocument)
class EventDocumentAdmin(VisibleMixin, admin.ModelAdmin):
    through, municipality_field = "event", "municipality"
    list_display = ["event", "kind", "caption", "uploaded_at"]
    list_filter = ["kind"]
    autocomplete_fields = ["event"]


class PressPublicationInline(admin.TabularInline):
    model = PressPublication
    extra = 0


@admin.register(PressRelease)
class PressReleaseAdmin(VisibleMixin, TranslationAdmin):
    through, municipality_field = "event", "municipality"
    list_display = ["title", "event", "updated_at"]
    search_fields = ["title_az", "title_en"]
    autocomplete_fields = ["event"]
    inlines = [PressPublicationInline]


@admin.register(PressPublication)
class PressPublicationAdmin(VisibleMixin, admin.ModelAdmin):
    through, municipality_field = "press_release__event", "municipality"
    list_display = ["outlet", "press_release", "published_on"]
    search_fields = ["outlet", "url"]


# --- Participants: personal data, so staff only (the admin is) -----------------------------------


@admin.register(Person)
class PersonAdmin(PersonalDataMixin, admin.ModelAdmin):
    list_display = ["name", "gender", "category", "organization", "community"]
    list_filter = ["gender", "category"]
    search_fields = ["name", "phone", "email"]
    autocomplete_fields = ["organization", "community"]


@admin.register(Participation)
class ParticipationAdmin(PersonalDataMixin, admin.ModelAdmin):
    list_display = ["person", "event", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["person", "event"]


@admin.register(ParticipantCount)
class ParticipantCountAdmin(VisibleMixin, admin.ModelAdmin):
    through, municipality_field = "event", "municipality"
    list_display = ["event", "category", "gender", "count"]
    autocomplete_fields = ["event"]


# --- Proposals ------------------------------------------------------------------------------------


class ProposalStepInline(admin.TabularInline):
    """The history is written by the lifecycle's transitions; here it is read, never rewritten."""

    model = ProposalStep
    extra = 0
    fields = ["on", "from_status", "to_status", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(PolicyAdminMixin, TranslationAdmin):
    municipality_field = "addressee"
    list_display = ["number", "topic", "addressee", "status", "submitted_on", "answer_due", "is_published"]
    list_filter = ["status", "is_published", "is_demo"]
    search_fields = ["=number", "topic", "text_az", "text_en", "reference_number"]
    autocomplete_fields = ["organization", "event", "raised_by_organization", "community", "addressee", "activity"]
    readonly_fields = ["number", "status", "answer_due", "created_by", "created_at", "updated_at"]
    inlines = [ProposalStepInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProposalStep)
class ProposalStepAdmin(VisibleMixin, admin.ModelAdmin):
    through, municipality_field = "proposal", "addressee"
    list_display = ["proposal", "on", "from_status", "to_status", "recorded_by"]
    list_filter = ["to_status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Dialogue platforms ---------------------------------------------------------------------------


def _parent_platform_id(request):
    """The platform whose change page is being shown (None on the add page)."""
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organization", "role", "joined_on", "left_on"]
    autocomplete_fields = ["organization"]


class VoteEventInline(TranslationStackedInline):
    """Votes with their counts; the result is computed, or entered when no counts were published."""

    model = VoteEvent
    form = VoteForm
    extra = 0
    fields = ["date", "event", "motion", "yes", "no", "abstain", "absent", "rule", "counts_unknown",
              "entered_result", "result"]
    readonly_fields = ["result"]
    autocomplete_fields = ["event"]


class PlatformDocumentInline(TranslationTabularInline):
    model = PlatformDocument
    form = DocumentForm
    extra = 0
    fields = ["kind", "title", "vote", "adopted_on", "plan", "file", "url"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "vote":
            kwargs["queryset"] = VoteEvent.objects.filter(platform_id=_parent_platform_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DialoguePlatform)
class DialoguePlatformAdmin(VisibleMixin, TranslationAdmin):
    list_display = ["name", "level", "district", "founded_on", "is_published", "is_demo"]
    list_filter = ["level", "is_published", "is_demo"]
    search_fields = ["name_az", "name_en", "slug"]
    autocomplete_fields = ["founding_event"]
    readonly_fields = ["slug"]
    inlines = [MembershipInline, VoteEventInline, PlatformDocumentInline]

    def save_model(self, request, obj, form, change):
        platforms.save_platform(obj, request.user)

    def save_formset(self, request, form, formset, change):
        """Votes go through :func:`platforms.record_vote`, like those recorded on the site."""
        if formset.model is not VoteEvent:
            return super().save_formset(request, form, formset, change)
        votes = formset.save(commit=False)
        for vote in formset.deleted_objects:
            vote.delete()
        for vote in votes:
            platforms.record_vote(vote, request.user)
        formset.save_m2m()


@admin.register(Membership)
class MembershipAdmin(VisibleMixin, admin.ModelAdmin):
    through = "platform"
    list_display = ["organization", "platform", "role", "joined_on", "left_on"]
    list_filter = [PLATFORM_FILTER, "role"]
    search_fields = ["organization__search_key"]
    autocomplete_fields = ["organization"]


@admin.register(VoteEvent)
class VoteEventAdmin(VisibleMixin, TranslationAdmin):
    through = "platform"
    form = VoteForm
    list_display = ["date", "motion", "platform", "result", "counts_unknown"]
    list_filter = [PLATFORM_FILTER, "result", "counts_unknown"]
    search_fields = ["motion_az", "motion_en"]
    fields = ["platform", "date", "event", "motion", "yes", "no", "abstain", "absent", "rule", "counts_unknown",
              "entered_result", "result"]
    readonly_fields = ["result"]
    autocomplete_fields = ["event"]

    def save_model(self, request, obj, form, change):
        platforms.record_vote(obj, request.user)


@admin.register(PlatformDocument)
class PlatformDocumentAdmin(VisibleMixin, TranslationAdmin):
    through = "platform"
    form = DocumentForm
    list_display = ["title", "kind", "platform", "adopted_on", "vote"]
    list_filter = ["kind", PLATFORM_FILTER]
    search_fields = ["title_az", "title_en"]
    fields = ["platform", "kind", "title", "vote", "adopted_on", "plan", "file", "url"]
