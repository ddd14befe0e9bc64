"""Admin of local assessments and their evidence (imported by :mod:`.admin`).

Saving and the review steps go through :mod:`.assessments`, as on the site: the status is read
only here and changes by the actions (mark reviewed, publish, return to draft); a published
assessment is shown but not changed or deleted. Who sees and changes which assessment is the
policy's rule (:func:`~ogmonitor.accounts.policy.visible_assessments`, ``can_edit_assessment``).
"""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from ogmonitor.accounts import policy
from ogmonitor.lib.uploads import DOCUMENT, check_upload

from . import assessments
from .models import AssessmentEvidence, LocalAssessment, OGPValue

EVIDENCE_FIELDS = ["indicator", "event", "proposal", "publication", "document", "url", "title", "position"]


class AssessmentEvidenceForm(forms.ModelForm):
    class Meta:
        model = AssessmentEvidence
        fields = EVIDENCE_FIELDS

    def clean_document(self):
        """A new upload must be a document whose content matches its name (as on the site)."""
        upload = self.cleaned_data.get("document")
        if isinstance(upload, UploadedFile):
            check_upload(upload, DOCUMENT)
        return upload


class AssessmentEvidenceInline(TranslationTabularInline):
    model = AssessmentEvidence
    form = AssessmentEvidenceForm
    extra = 1
    fields = EVIDENCE_FIELDS
    autocomplete_fields = ["indicator", "event", "proposal", "publication"]


class LocalAssessmentForm(forms.ModelForm):
    """The OGP values as checkboxes rather than the JSON the field stores."""

    ogp_values = forms.MultipleChoiceField(
        label=capfirst(LocalAssessment._meta.get_field("ogp_values").verbose_name), required=False,
        choices=OGPValue.choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LocalAssessment
        fields = [
            "activity", "target", "district", "municipality", "assessed_on", "completion", "potential",
            "early_results", "ogp_values", "narrative", "assessed_by", "is_demo",
        ]


@admin.register(LocalAssessment)
class LocalAssessmentAdmin(TranslationAdmin):
    """Staff record and review local assessments here; saving goes through :mod:`.assessments`."""

    form = LocalAssessmentForm
    list_display = [
        "activity", "target", "district", "municipality", "assessed_on", "completion", "assessed_by", "status", "is_demo",
    ]
    list_filter = ["status", "completion", "activity__plan", "district", "is_demo"]
    list_select_related = ["activity", "target", "district", "municipality", "assessed_by"]
    search_fields = ["activity__number", "activity__title_az", "activity__title_en", "narrative_az", "narrative_en"]
    date_hierarchy = "assessed_on"
    autocomplete_fields = ["activity", "district", "municipality", "assessed_by"]
    raw_id_fields = ["target"]
    readonly_fields = ["assessed_by_user", "status", "reviewed_by", "reviewed_at", "published_at", "created_at", "updated_at"]
    fields = [
        "activity", "target", "district", "municipality", "assessed_on", "completion", "potential", "early_results",
        "ogp_values", "narrative", "assessed_by", "assessed_by_user", "status", "reviewed_by", "reviewed_at",
        "published_at", "is_demo", "created_at", "updated_at",
    ]
    inlines = [AssessmentEvidenceInline]
    actions = ["mark_reviewed", "publish", "withdraw"]

    def get_queryset(self, request):
        return policy.visible_assessments(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # An assessment is made in the coordinator's own organisation's name; administrators choose.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if policy.is_administrator(request.user) else [*fields, "assessed_by"]

    def _may_change(self, request, obj) -> bool:
        return obj is None or (policy.can_edit_assessment(request.user, obj) and not obj.is_published)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def get_changeform_initial_data(self, request):
        """A new assessment is by the user's own organisation, unless they choose another."""
        initial = super().get_changeform_initial_data(request)
        if getattr(request.user, "organization_id", None):
            initial.setdefault("assessed_by", request.user.organization_id)
        return initial

    def save_model(self, request, obj, form, change):
        # The form has validated the fields; the service sets the status (a draft) and who entered
        # it. Evidence rows are the inline formset's, saved by the admin after this.
        if not change and not policy.is_administrator(request.user):
            obj.assessed_by_id = request.user.organization_id
        assessments.save_assessment(obj, request.user)

    def _take(self, request, queryset, action: str) -> int:
        """Take ``action`` on the selected assessments the user may change; say which could not
        move and why. Returns how many moved."""
        result = assessments.transition_many(policy.editable_assessments(request.user, queryset), action, request.user)
        for assessment, reasons in result.refused.items():
            self.message_user(request, f"{assessment}: {' '.join(reasons)}", messages.WARNING)
        return result.moved

    @admin.action(description=_("Mark the selected assessments reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = self._take(request, queryset, "review")
        self.message_user(request, ngettext(
            "%(count)d assessment was marked reviewed.", "%(count)d assessments were marked reviewed.", count,
        ) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publish the selected reviewed assessments"), permissions=["change"])
    def publish(self, request, queryset):
        count = self._take(request, queryset, "publish")
        self.message_user(request, ngettext(
            "%(count)d assessment was published.", "%(count)d assessments were published.", count,
        ) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Return the selected assessments to draft"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = self._take(request, queryset, "withdraw")
        self.message_user(request, ngettext(
            "%(count)d assessment was returned to draft.", "%(count)d assessments were returned to draft.", count,
        ) % {"count": count}, messages.SUCCESS)
