from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import ActionPlan, Activity, Area


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
