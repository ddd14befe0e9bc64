"""Forms of the progress pages: an activity's or a local target's milestones, a local target,
and the weights of a plan's areas and activities."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import date_input
from ogmonitor.places.models import District, Organization

from .models import Activity, Area, LocalTarget, Milestone

DATE_WIDGET = date_input()


#: A milestone's fields on the form. Each formset class gets its own copy: an inline formset adds
#: its foreign key to its form's field list, which must not leak into the other formset's.
MILESTONE_FIELDS = ("title_az", "title_en", "due_on", "status", "done_on", "weight", "position")


class MilestoneForm(forms.ModelForm):
    """One row of the milestones table."""

    class Meta:
        model = Milestone
        fields = MILESTONE_FIELDS
        widgets = {"due_on": DATE_WIDGET, "done_on": DATE_WIDGET}
        help_texts = {"weight": ""}  # the page explains weights once, above the table

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_az"].required = True


class ActivityOwnMilestonesFormSet(BaseInlineFormSet):
    """An activity's own milestones: those of its local targets are on the targets' pages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Milestone.objects.filter(target__isnull=True))
        super().__init__(*args, **kwargs)


ActivityMilestonesFormSet = inlineformset_factory(
    Activity, Milestone, form=MilestoneForm, formset=ActivityOwnMilestonesFormSet, fk_name="activity",
    fields=list(MILESTONE_FIELDS), extra=1, can_delete=True,
)
TargetMilestonesFormSet = inlineformset_factory(
    LocalTarget, Milestone, form=MilestoneForm, fk_name="target", fields=list(MILESTONE_FIELDS), extra=1,
    can_delete=True,
)


def milestone_formset(subject):
    """The formset class for ``subject``'s milestones (an activity or a local target)."""
    return TargetMilestonesFormSet if isinstance(subject, LocalTarget) else ActivityMilestonesFormSet


class LocalTargetForm(forms.ModelForm):
    """A district's or municipality's target under a national activity."""

    class Meta:
        model = LocalTarget
        fields = [
            "district", "municipality", "suffix", "title_az", "title_en", "description_az", "description_en",
            "due_on", "weight",
        ]
        widgets = {
            "due_on": DATE_WIDGET,
            "description_az": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "title_az": forms.Textarea(attrs={"rows": 2}),
            "title_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_az"].required = True
        self.fields["district"].queryset = District.objects.order_by_name()
        municipalities = self.fields["municipality"]
        municipalities.queryset = Organization.objects.municipalities().select_related("district").order_by_name()
        municipalities.label_from_instance = lambda municipality: (
            f"{municipality.name} ({municipality.district.name})" if municipality.district_id else municipality.name
        )

    def clean_suffix(self):
        """The suffix is unique under the activity (the database's constraint names the activity,
        which is not a field of this form, so the form checks it itself)."""
        suffix = self.cleaned_data["suffix"]
        taken = LocalTarget.objects.filter(activity_id=self.instance.activity_id, suffix=suffix).exclude(pk=self.instance.pk)
        if suffix and taken.exists():
            raise forms.ValidationError(
                _("This activity already has a local target %(code)s."), params={"code": taken.get().code}
            )
        return suffix


class WeightsForm(forms.Form):
    """The weight of every area and activity of a plan, one field each (``area-<pk>``,
    ``activity-<pk>``), shown area by area with the area's activities under it."""

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[self.area_key(area)] = self._weight_field(Area, area, str(area))
            for activity in area.activities.all():
                self.fields[self.activity_key(activity)] = self._weight_field(
                    Activity, activity, f"{activity.number} {activity.title}"
                )

    @staticmethod
    def area_key(area) -> str:
        return f"area-{area.pk}"

    @staticmethod
    def activity_key(activity) -> str:
        return f"activity-{activity.pk}"

    @staticmethod
    def _weight_field(model, instance, label: str):
        # The model field's validators (at least 0.01) run in a model form only: pass them on.
        model_field = model._meta.get_field("weight")
        return model_field.formfield(label=label, initial=instance.weight, help_text="", validators=model_field.validators)

    def rows(self):
        """(area, its bound field, [(activity, its bound field)]) for the template."""
        return [
            (area, self[self.area_key(area)], [(activity, self[self.activity_key(activity)]) for activity in area.activities.all()])
            for area in self.areas
        ]

    def weights(self, kind: str) -> dict[int, object]:
        """{pk: weight or None} of the areas (``kind`` "area") or activities ("activity") typed."""
        prefix = f"{kind}-"
        return {int(name[len(prefix):]): value for name, value in self.cleaned_data.items() if name.startswith(prefix)}
