"""Admin of the findings app: indicator definitions, findings and recommendations in both languages.

Results (:class:`IndicatorResult`) are not listed here: they are recomputed as a whole from the
answers, never edited by hand. Findings edited here are marked as edited, as on the site, so a
later "Draft findings" keeps them.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Finding, Indicator, Recommendation


@admin.register(Indicator)
class IndicatorAdmin(TranslationAdmin):
    list_display = ["code", "title", "study", "kind", "base", "position"]
    list_filter = ["kind", "base", "study"]
    search_fields = ["code", "title_az", "title_en", "question_name"]
    list_select_related = ["study"]
    autocomplete_fields = ["nap_activity"]


@admin.register(Finding)
class FindingAdmin(TranslationAdmin):
    list_display = ["__str__", "study", "indicator", "status", "is_edited", "updated_at"]
    list_filter = ["status", "is_edited", "study"]
    search_fields = ["text_az", "text_en"]
    list_select_related = ["study", "indicator"]
    readonly_fields = ["is_edited"]

    def save_model(self, request, obj, form, change):
        # The same rule as the site's form: a hand-changed text is kept by the next drafting.
        if change and any(name.startswith("text") for name in form.changed_data):
            obj.is_edited = True
        super().save_model(request, obj, form, change)


@admin.register(Recommendation)
class RecommendationAdmin(TranslationAdmin):
    list_display = ["__str__", "study", "priority", "addressee", "status", "updated_at"]
    list_filter = ["status", "priority", "study"]
    search_fields = ["text_az", "text_en", "addressee_text_az", "addressee_text_en"]
    list_select_related = ["study", "addressee"]
    autocomplete_fields = ["addressee", "activities"]
    filter_horizontal = ["findings"]
