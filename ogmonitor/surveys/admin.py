"""Admin of the surveys app: studies are edited here or on the site; questionnaires only read.

A questionnaire version is what answers were given under, so it is never edited: a change is
a new upload (a new version). The admin shows its questions and choices read-only.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import Choice, Question, Questionnaire, RespondentCategory, Study, StudyMember


class StudyMemberInline(admin.TabularInline):
    model = StudyMember
    extra = 0
    autocomplete_fields = ["user"]
    filter_horizontal = ["communities"]


@admin.register(Study)
class StudyAdmin(TranslationAdmin):
    list_display = ["title", "organization", "plan", "status", "period_start", "period_end"]
    list_filter = ["status", "plan", "organization"]
    search_fields = ["slug", "title_az", "title_en"]
    prepopulated_fields = {"slug": ["title_az"]}
    filter_horizontal = ["districts", "communities", "areas"]
    inlines = [StudyMemberInline]


class _ReadOnlyInline:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class QuestionInline(_ReadOnlyInline, TranslationTabularInline):
    model = Question
    fields = ["position", "row", "type", "name", "label", "required", "relevant", "constraint", "list_name", "nap_activity", "nap_area"]
    readonly_fields = fields
    ordering = ["position"]


class ChoiceInline(_ReadOnlyInline, TranslationTabularInline):
    model = Choice
    fields = ["position", "list_name", "name", "label"]
    readonly_fields = fields
    ordering = ["position"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "study", "version", "form_id", "form_version", "created_at", "created_by"]
    list_filter = ["study"]
    search_fields = ["title", "form_id", "study__slug"]
    inlines = [QuestionInline, ChoiceInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        # A questionnaire comes from an XLSForm upload (the study's page), which checks it.
        return False

    def has_change_permission(self, request, obj=None):
        return False  # with the view permission Django shows it read-only


@admin.register(RespondentCategory)
class RespondentCategoryAdmin(TranslationAdmin):
    list_display = ["code", "name", "position"]
    search_fields = ["code", "name_az", "name_en"]
    ordering = ["position", "code"]
