"""Admin of the surveys app: studies are edited here or on the site; questionnaires only read.

A questionnaire version is what answers were given under, so it is never edited: a change is
a new upload (a new version). The admin shows its questions and choices read-only; of a text
question only the use of its answers (publishable, personal) is edited, on its own list.

Respondents' identities and their erasures are listed only for the studies whose identities
the user may see (``policy.can_see_identity``, through :func:`.privacy.identity_study_ids`),
whatever the user's model permissions; deleting an identity here is an erasure
(:func:`.privacy.erase_identity`).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ogmonitor.accounts import policy

from . import privacy
from .models import (
    Choice,
    IdentityErasure,
    Question,
    Questionnaire,
    RespondentCategory,
    RespondentIdentity,
    Study,
    StudyMember,
)


class StudyMemberInline(admin.TabularInline):
    model = StudyMember
    extra = 0
    autocomplete_fields = ["user"]
    filter_horizontal = ["communities"]


@admin.register(Study)
class StudyAdmin(TranslationAdmin):
    """As on the site: a user lists the studies they may see (``policy.visible_studies``) and
    changes or deletes only those they manage."""

    list_display = ["title", "organization", "plan", "status", "period_start", "period_end"]
    list_filter = ["status", ("plan", admin.RelatedOnlyFieldListFilter), ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["slug", "title_az", "title_en"]
    prepopulated_fields = {"slug": ["title_az"]}
    filter_horizontal = ["districts", "communities", "areas"]
    inlines = [StudyMemberInline]

    def get_queryset(self, request):
        return policy.visible_studies(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "previous":
            kwargs["queryset"] = policy.visible_studies(request.user, Study.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or policy.can_manage_study(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or policy.can_manage_study(request.user, obj))


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
    fields = ["position", "row", "type", "name", "label", "required", "relevant", "constraint", "list_name", "nap_activity", "nap_area",
              "text_use"]
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
    list_filter = [("study", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "form_id", "study__slug"]
    inlines = [QuestionInline, ChoiceInline]

    def get_queryset(self, request):
        """The questionnaires of the studies the user may see (as the study's page shows them)."""
        return super().get_queryset(request).filter(study__in=policy.visible_studies(request.user, Study.objects.all()))

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


# --- Privacy ---------------------------------------------------------------------------------------


class ManagedStudyFilter(admin.SimpleListFilter):
    """Filter by study, offering only the studies the user manages (others' titles stay unseen)."""

    title = _("study")
    parameter_name = "study"

    def lookups(self, request, model_admin):
        return [(study.pk, study.title) for study in policy.managed_studies(request.user, Study.objects.all())]

    def queryset(self, request, queryset):
        return queryset.filter(questionnaire__study=self.value()) if self.value() else queryset


@admin.register(Question)
class TextQuestionAdmin(admin.ModelAdmin):
    """The text questions of the studies the user manages, where the use of their answers is set."""

    list_display = ["name", "label", "questionnaire", "text_use"]
    list_editable = ["text_use"]
    list_filter = [ManagedStudyFilter, "text_use"]
    list_select_related = ["questionnaire__study"]
    search_fields = ["name", "label_az", "label_en"]
    fields = ["questionnaire", "name", "label", "text_use"]
    readonly_fields = ["questionnaire", "name", "label"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            type=Question.Type.TEXT,
            questionnaire__study__in=policy.managed_studies(request.user, Study.objects.all()),
        )

    def has_add_permission(self, request):
        return False  # questions come from an XLSForm upload

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can_manage_study(request.user, obj.questionnaire.study))

    def save_model(self, request, obj, form, change):
        # The mark belongs to the question's name in every version, as on the study's privacy page.
        privacy.set_text_uses(obj.questionnaire.study, {obj.name: obj.text_use}, request.user)


class IdentityStudyAdmin(admin.ModelAdmin):
    """Rows of the studies whose identities the user may see, whatever their model permissions."""

    study_path = ""

    def get_queryset(self, request):
        ids = privacy.identity_study_ids(request.user)
        return super().get_queryset(request).filter(**{f"{self.study_path}__in": ids})

    def _study_of(self, obj) -> Study:
        for name in self.study_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or policy.can_see_identity(request.user, self._study_of(obj)))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or policy.can_see_identity(request.user, self._study_of(obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or policy.can_see_identity(request.user, self._study_of(obj)))

    def has_add_permission(self, request):
        return False


@admin.register(RespondentIdentity)
class RespondentIdentityAdmin(IdentityStudyAdmin):
    """Correct a phone or a name; deleting is erasing (the answers stay)."""

    study_path = "respondent__study"
    list_display = ["respondent", "study", "full_name", "phone", "email"]
    list_select_related = ["respondent__study"]
    search_fields = ["respondent__code", "full_name", "phone", "email"]
    fields = ["respondent", "full_name", "phone", "email"]
    readonly_fields = ["respondent"]

    @admin.display(description=_("study"))
    def study(self, obj):
        return obj.respondent.study

    def delete_model(self, request, obj):
        privacy.erase_identity(obj.respondent, request.user)

    def delete_queryset(self, request, queryset):
        for identity in queryset.select_related("respondent__study"):
            privacy.erase_identity(identity.respondent, request.user)


@admin.register(IdentityErasure)
class IdentityErasureAdmin(IdentityStudyAdmin):
    """The record of erasures: read only."""

    study_path = "study"
    list_display = ["erased_at", "study", "scope", "respondent", "identities", "codes", "answers", "erased_by"]
    list_filter = ["scope"]
    list_select_related = ["study", "respondent", "erased_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
