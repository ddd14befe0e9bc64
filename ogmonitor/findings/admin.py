"""Admin of the findings app: indicator definitions, findings and recommendations in both languages.

Results (:class:`IndicatorResult`) are not listed here: they are recomputed as a whole from the
answers, never edited by hand. Findings edited here are marked as edited, as on the site, so a
later "Draft findings" keeps them. As on the site, a user sees and changes here only the records
of the studies they manage (:func:`~ogmonitor.accounts.policy.managed_studies`).
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from ogmonitor.accounts.policy import can_manage_study, managed_studies
from ogmonitor.surveys.models import Study

from .models import Finding, Indicator, Recommendation

#: Each related field's choices: the records of the studies the user manages.
CHOICES = {"study": (Study, ""), "indicator": (Indicator, "study"), "findings": (Finding, "study")}
STUDY_FILTER = ("study", admin.RelatedOnlyFieldListFilter)  # only the studies listed, not every one


class StudyPolicyMixin:
    """List, change and delete only the records of studies this user manages, and offer only
    those studies and their records in the forms."""

    def get_queryset(self, request):
        return managed_studies(request.user, super().get_queryset(request), through="study")

    def _limit_choices(self, db_field, request, kwargs):
        if db_field.name in CHOICES:
            model, through = CHOICES[db_field.name]
            kwargs["queryset"] = managed_studies(request.user, model.objects.all(), through=through)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._limit_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._limit_choices(db_field, request, kwargs))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_study(request.user, obj.study))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_manage_study(request.user, obj.study))


@admin.register(Indicator)
class IndicatorAdmin(StudyPolicyMixin, TranslationAdmin):
    list_display = ["code", "title", "study", "kind", "base", "position"]
    list_filter = ["kind", "base", STUDY_FILTER]
    search_fields = ["code", "title_az", "title_en", "question_name"]
    list_select_related = ["study"]
    autocomplete_fields = ["nap_activity"]


@admin.register(Finding)
class FindingAdmin(StudyPolicyMixin, TranslationAdmin):
    list_display = ["__str__", "study", "indicator", "status", "is_edited", "updated_at"]
    list_filter = ["status", "is_edited", STUDY_FILTER]
    search_fields = ["text_az", "text_en"]
    list_select_related = ["study", "indicator"]
    readonly_fields = ["is_edited"]

    def save_model(self, request, obj, form, change):
        # The same rule as the site's form: a hand-changed text is kept by the next drafting.
        if change and any(name.startswith("text") for name in form.changed_data):
            obj.is_edited = True
        super().save_model(request, obj, form, change)


@admin.register(Recommendation)
class RecommendationAdmin(StudyPolicyMixin, TranslationAdmin):
    list_display = ["__str__", "study", "priority", "addressee", "status", "updated_at"]
    list_filter = ["status", "priority", STUDY_FILTER]
    search_fields = ["text_az", "text_en", "addressee_text_az", "addressee_text_en"]
    list_select_related = ["study", "addressee"]
    autocomplete_fields = ["addressee", "activities"]
    filter_horizontal = ["findings"]
