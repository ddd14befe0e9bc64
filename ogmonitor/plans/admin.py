"""Admin of plans, areas, activities, their milestones and local targets; assessments have theirs
in :mod:`.admin_assessments`.

Progress is never typed in: it is shown read-only and kept up to date from milestones,
assessments and weights (see :mod:`.progress` and :mod:`.signals`).
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from . import admin_assessments  # noqa: F401  (registers the assessment admin)
from .models import ActionPlan, Activity, Area, LocalTarget, Milestone

MILESTONE_FIELDS = ["title", "due_on", "status", "done_on", "weight", "position", "is_demo"]


class AreaInline(TranslationTabularInline):
    model = Area
    extra = 0
    fields = ["number", "title", "is_placeholder", "weight", "progress"]
    readonly_fields = ["progress"]


@admin.register(ActionPlan)
class ActionPlanAdmin(TranslationAdmin):
    list_display = ["title", "start_year", "end_year", "approved_by", "progress", "is_demo"]
    prepopulated_fields = {"slug": ["start_year", "end_year"]}
    readonly_fields = ["progress"]
    inlines = [AreaInline]


class ActivityMilestoneInline(TranslationTabularInline):
    """The activity's own milestones; its local targets' are on the targets' pages."""

    model = Milestone
    fk_name = "activity"
    extra = 0
    fields = MILESTONE_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).filter(target__isnull=True)


@admin.register(Activity)
class ActivityAdmin(TranslationAdmin):
    list_display = ["number", "title", "plan", "area", "involves_municipalities", "weight", "progress", "is_placeholder"]
    list_filter = ["plan", "involves_municipalities", "is_placeholder"]
    search_fields = ["number", "title_az", "title_en"]
    filter_horizontal = ["executors"]
    readonly_fields = ["progress"]
    inlines = [ActivityMilestoneInline]


class TargetMilestoneInline(TranslationTabularInline):
    model = Milestone
    fk_name = "target"
    extra = 0
    fields = MILESTONE_FIELDS


@admin.register(LocalTarget)
class LocalTargetAdmin(TranslationAdmin):
    list_display = ["code", "title", "district", "municipality", "due_on", "progress", "is_demo"]
    list_filter = ["activity__plan", "district", "is_demo"]
    list_select_related = ["district", "municipality"]
    search_fields = ["code", "title_az", "title_en"]
    autocomplete_fields = ["activity", "district", "municipality"]
    fields = [
        "activity", "district", "municipality", "suffix", "code", "title", "description", "due_on", "weight",
        "progress", "is_demo",
    ]
    readonly_fields = ["code", "progress"]
    inlines = [TargetMilestoneInline]  # a target's milestone takes the target's activity (Milestone.save)
