from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ogmonitor.accounts.policy import visible_assessments

from . import assessments
from .models import ActionPlan, Activity, Area, AssessmentEvidence, LocalAssessment


class AreaInline(TranslationTabularInline):
    model = Area
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(TranslationAdmin):
    list_display = ["title", "start_year", "end_year", "approved_by", "is_demo"]
    prepopulated_fields = {"slug": ["start_year", "end_year"]}
    inlines = [AreaInline]


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    list_display = ["number", "title", "plan", "area", "involves_municipalities", "is_placeholder"]
    list_filter = ["plan", "involves_municipalities", "is_placeholder"]
    search_fields = ["number", "title_az", "title_en"]
    filter_horizontal = ["executors"]


class AssessmentEvidenceInline(TranslationTabularInline):
    model = AssessmentEvidence
    extra = 1
    fields = ["url", "title", "position"]


@admin.register(LocalAssessment)
class LocalAssessmentAdmin(TranslationAdmin):
    """Staff record and publish local assessments here; saving goes through :mod:`.assessments`."""

    list_display = ["activity", "district", "municipality", "assessed_on", "completion", "assessed_by", "is_published", "is_demo"]
    list_filter = ["is_published", "completion", "activity__plan", "district", "is_demo"]
    list_select_related = ["activity", "district", "municipality", "assessed_by"]
    search_fields = ["activity__number", "activity__title_az", "activity__title_en", "narrative_az", "narrative_en"]
    date_hierarchy = "assessed_on"
    autocomplete_fields = ["activity", "district", "municipality", "assessed_by"]
    readonly_fields = ["assessed_by_user", "created_at", "updated_at"]
    fields = [
        "activity", "district", "municipality", "assessed_on", "completion", "narrative",
        "assessed_by", "assessed_by_user", "is_published", "is_demo", "created_at", "updated_at",
    ]
    inlines = [AssessmentEvidenceInline]
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        # Drafts only for those who keep the plans; others (with the view permission) as the site.
        return visible_assessments(request.user, super().get_queryset(request))

    def get_changeform_initial_data(self, request):
        """A new assessment is by the user's own organisation, unless they choose another."""
        initial = super().get_changeform_initial_data(request)
        if getattr(request.user, "organization_id", None):
            initial.setdefault("assessed_by", request.user.organization_id)
        return initial

    def save_model(self, request, obj, form, change):
        # The form has validated the fields; the service records who entered it and logs it.
        # Evidence rows are the inline formset's, saved by the admin after this.
        assessments.save_assessment(obj, request.user)

    @admin.action(description=_("Publish the selected assessments"), permissions=["change"])
    def publish(self, request, queryset):
        count = assessments.set_published(queryset, True, request.user)
        self.message_user(request, ngettext(
            "%(count)d assessment was published.", "%(count)d assessments were published.", count
        ) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Withdraw the selected assessments from the public"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = assessments.set_published(queryset, False, request.user)
        self.message_user(request, ngettext(
            "%(count)d assessment was withdrawn from the public.", "%(count)d assessments were withdrawn from the public.",
            count,
        ) % {"count": count}, messages.SUCCESS)
