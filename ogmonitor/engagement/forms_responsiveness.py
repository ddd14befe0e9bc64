"""The filters of the responsiveness page and its downloads (all optional, GET-submitted)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import check_date_range, date_input
from ogmonitor.plans.models import ActionPlan

from .responsiveness import Kind, Order

DATE_WIDGET = date_input()


class ResponsivenessFilterForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Action plan"), required=False, queryset=ActionPlan.objects.order_by("start_year"),
        empty_label=_("All plans"), to_field_name="slug",
    )
    since = forms.DateField(label=_("Submitted or filed from"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("Submitted or filed until"), required=False, widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Records"), required=False, choices=Kind.choices)
    order = forms.ChoiceField(label=_("Order"), required=False, choices=Order.choices)

    def clean(self):
        cleaned = super().clean()
        check_date_range(self, cleaned)
        return cleaned

    def filters(self) -> dict:
        """The valid filters as keyword arguments of :func:`.responsiveness.responsiveness`; an
        invalid field (a mistyped date) is left out, and shown with its error on the page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.fields if cleaned.get(name) not in (None, "")}
