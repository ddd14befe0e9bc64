"""Admin for the logframe: a project's structure is edited here, with its parts as inlines.

The project page holds the objectives, activities and indicators; an activity's page its
expected results and indicators; an indicator's page its hand-entered values. Who may change a
project is the policy's decision (:func:`~ogmonitor.accounts.policy.can_manage_project`).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from ogmonitor.accounts.policy import can_manage_project, managed_projects, visible_projects
from ogmonitor.engagement.models import Event

from .models import (
    ExpectedResult,
    Indicator,
    ManualValue,
    Objective,
    OnlinePaymentAssistance,
    Project,
    ProjectActivity,
    TerminalRequest,
)

#: Related fields whose choices are the records of the projects the user manages.
CHOICES = {"project": (Project, ""), "activity": (ProjectActivity, "project"),
           "result": (ExpectedResult, "activity__project"), "objective": (Objective, "project")}
PROJECT_FILTER = ("project", admin.RelatedOnlyFieldListFilter)  # only the projects listed, not every one


def _project_of(obj):
    if obj is None:
        return None
    return obj if isinstance(obj, Project) else obj.project


class ProjectPolicyMixin:
    """List only the projects (and their parts) this user may see; change and delete only those
    they manage."""

    def get_queryset(self, request):
        through = "" if self.model is Project else "project"
        return visible_projects(request.user, super().get_queryset(request), through=through)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in CHOICES:
            model, through = CHOICES[db_field.name]
            kwargs["queryset"] = managed_projects(request.user, model.objects.all(), through=through)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        project = _project_of(obj)
        return allowed and (project is None or can_manage_project(request.user, project))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        project = _project_of(obj)
        return allowed and (project is None or can_manage_project(request.user, project))


class IndicatorForm(forms.ModelForm):
    """Checks what the database cannot: a number for numeric targets, parts of the same project."""

    event_type = forms.ChoiceField(
        label=_("event type"), required=False, choices=[("", _("any type")), *Event.Type.choices],
        help_text=_("For events, people reached and press releases: which kind of event counts."),
    )
    event_format = forms.ChoiceField(
        label=_("event format"), required=False, choices=[("", _("any format")), *Event.Format.choices],
    )

    class Meta:
        model = Indicator
        # The admin builds the form from its own field lists; these are the ones this form checks.
        fields = [
            "project", "activity", "result", "code", "target_kind", "target", "target_max", "baseline", "due_on",
            "source", "event_type", "event_format", "per_municipality", "position",
        ]

    def clean(self):
        cleaned = super().clean()
        kind, target = cleaned.get("target_kind"), cleaned.get("target")
        if kind and kind != Indicator.TargetKind.MILESTONE and target is None:
            self.add_error("target", _("Give the target number (the lower end, for a range)."))
        if kind == Indicator.TargetKind.RANGE:
            upper = cleaned.get("target_max")
            if upper is None or (target is not None and upper < target):
                self.add_error("target_max", _("A range needs an upper end at least as large as its lower end."))
        activity, result = cleaned.get("activity"), cleaned.get("result")
        if result is not None and activity is not None and result.activity_id != activity.pk:
            self.add_error("result", _("This expected result belongs to another activity."))
        if cleaned.get("source") == Indicator.Source.EVENTS and not cleaned.get("event_type"):
            self.add_error("event_type", _("Say which type of event counts."))
        if cleaned.get("per_municipality") and cleaned.get("source") not in (
            Indicator.Source.EVENTS, Indicator.Source.DISCLOSURE_PUBLISHED,
        ):
            self.add_error("per_municipality", _("Only events and published information items are counted per municipality."))
        return cleaned


def _limit(formset, field: str, queryset) -> None:
    """Offer only ``queryset`` in ``field`` of the formset's forms (a class made for this request)."""
    if field in formset.form.base_fields:
        formset.form.base_fields[field].queryset = queryset


class ObjectiveInline(TranslationTabularInline):
    model = Objective
    extra = 0


class ProjectActivityInline(TranslationStackedInline):
    model = ProjectActivity
    extra = 0
    fields = ["code", "objective", "title", "description"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        _limit(formset, "objective", Objective.objects.filter(project=obj) if obj else Objective.objects.none())
        return formset


class ProjectIndicatorInline(TranslationStackedInline):
    model = Indicator
    form = IndicatorForm
    extra = 0
    show_change_link = True
    fields = [
        ("code", "position"), ("activity", "result"), "title", "unit", ("target_kind", "target", "target_max"),
        ("baseline", "due_on"), "source", ("event_type", "event_format", "per_municipality"),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this project's activities and results (a new project has none yet).
        _limit(formset, "activity", ProjectActivity.objects.filter(project=obj) if obj else ProjectActivity.objects.none())
        _limit(formset, "result", ExpectedResult.objects.filter(activity__project=obj) if obj else ExpectedResult.objects.none())
        return formset


@admin.register(Project)
class ProjectAdmin(ProjectPolicyMixin, TranslationAdmin):
    list_display = ["title", "organization", "donor", "starts_on", "ends_on", "is_published", "is_demo"]
    list_filter = ["is_published", "is_demo", "organization"]
    search_fields = ["title_az", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["donor", "organization", "municipalities", "communities"]
    filter_horizontal = ["districts"]
    inlines = [ObjectiveInline, ProjectActivityInline, ProjectIndicatorInline]


class ExpectedResultInline(TranslationTabularInline):
    model = ExpectedResult
    extra = 0


class ActivityIndicatorInline(ProjectIndicatorInline):
    fields = [
        ("code", "position"), "result", "title", "unit", ("target_kind", "target", "target_max"),
        ("baseline", "due_on"), "source", ("event_type", "event_format", "per_municipality"),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super(ProjectIndicatorInline, self).get_formset(request, obj, **kwargs)
        _limit(formset, "result", ExpectedResult.objects.filter(activity=obj) if obj else ExpectedResult.objects.none())
        return formset


@admin.register(ProjectActivity)
class ProjectActivityAdmin(ProjectPolicyMixin, TranslationAdmin):
    list_display = ["code", "title", "project", "objective"]
    list_filter = [PROJECT_FILTER]
    search_fields = ["code", "title_az", "title_en"]
    autocomplete_fields = ["nap_activities"]
    inlines = [ExpectedResultInline, ActivityIndicatorInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "objective" in form.base_fields:
            form.base_fields["objective"].queryset = Objective.objects.filter(project=obj.project)
        return form

    def save_formset(self, request, form, formset, change):
        # Indicators added on an activity's page belong to its project.
        for instance in formset.save(commit=False):
            if isinstance(instance, Indicator) and instance.project_id is None:
                instance.project = form.instance.project
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


class ManualValueInline(admin.TabularInline):
    model = ManualValue
    extra = 0
    fields = ["on", "value", "evidence_url", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]


@admin.register(Indicator)
class IndicatorAdmin(ProjectPolicyMixin, TranslationAdmin):
    form = IndicatorForm
    list_display = ["code", "title", "project", "activity", "target_kind", "target", "target_max", "source"]
    list_filter = [PROJECT_FILTER, "source", "target_kind"]
    search_fields = ["code", "title_az", "title_en"]
    inlines = [ManualValueInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, ManualValue) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()


@admin.register(OnlinePaymentAssistance)
class OnlinePaymentAssistanceAdmin(ProjectPolicyMixin, admin.ModelAdmin):
    list_display = ["on", "community", "families", "portal", "project", "is_demo"]
    list_filter = [PROJECT_FILTER, "is_demo"]
    autocomplete_fields = ["community", "event"]
    date_hierarchy = "on"


@admin.register(TerminalRequest)
class TerminalRequestAdmin(ProjectPolicyMixin, admin.ModelAdmin):
    list_display = ["filed_on", "community", "addressee", "reference_number", "outcome", "project", "is_demo"]
    list_filter = [PROJECT_FILTER, "outcome", "is_demo"]
    autocomplete_fields = ["community", "addressee"]
    date_hierarchy = "filed_on"
