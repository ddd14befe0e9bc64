"""Forms of the project pages: a hand-entered value, families assisted, a terminal request.

The forms only validate; the views hand the result to :mod:`.services`.
"""

import datetime as dt

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import date_input
from ogmonitor.places.models import Community, Organization

from .measures import ProjectScope
from .models import Indicator, OnlinePaymentAssistance, Project, TerminalRequest

DATE_WIDGET = date_input()


def _not_in_future(value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))


class EvidenceField(forms.CharField):
    """A link to the evidence: a web address, or a page of this site ("/az/studies/local-2022/")."""

    def clean(self, value):
        value = super().clean(value).strip()
        if not value or (value.startswith("/") and not value.startswith("//")):
            return value
        try:
            URLValidator(schemes=["http", "https"])(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Enter a web address (https://…) or the address of a page of this site (/az/…).")
            ) from None
        return value


class ManualValueForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2, min_value=0)
    on = forms.DateField(label=_("As of"), widget=DATE_WIDGET, validators=[_not_in_future])
    evidence_url = EvidenceField(
        label=_("Evidence"), required=False, max_length=1000,
        help_text=_("Where the value can be checked: a report, a published study, a photo album…"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.target_kind == Indicator.TargetKind.MILESTONE:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Reached?"), coerce=int,
                choices=[(1, _("yes, reached")), (0, _("not yet"))],
            )
        elif indicator.unit:
            self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit}
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())


def _target_communities(project: Project):
    """The project's target communities (direct, or served by a target municipality); all if none."""
    scope = ProjectScope(project)
    communities = Community.objects.select_related("district")
    if scope.community_ids:
        communities = communities.filter(pk__in=scope.community_ids)
    return communities.order_by_name(), scope


def _community_label(community: Community) -> str:
    return f"{community.name} ({community.district.name})"


class PaymentAssistanceForm(forms.ModelForm):
    class Meta:
        model = OnlinePaymentAssistance
        fields = ["community", "on", "families", "portal", "event", "note"]
        widgets = {"on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "families": _("How many families paid a bill online with the project's help."),
            "event": _("The consultation at which they were helped, if any."),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        communities, scope = _target_communities(project)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = _community_label
        self.fields["event"].queryset = scope.events().order_by("date", "pk")
        self.fields["event"].label_from_instance = lambda event: f"{event.date:%d.%m.%Y} · {event.title}"
        self.fields["on"].validators.append(_not_in_future)


class TerminalRequestForm(forms.ModelForm):
    class Meta:
        model = TerminalRequest
        fields = ["community", "addressee", "filed_on", "reference_number", "outcome", "answered_on", "answer"]
        widgets = {
            "filed_on": DATE_WIDGET,
            "answered_on": DATE_WIDGET,
            "answer": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "addressee": _("The institution asked to install the terminal (a bank, a ministry, the district executive authority…)."),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        communities, _scope = _target_communities(project)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = _community_label
        # Anyone but the monitoring NGOs themselves may be asked for a terminal.
        self.fields["addressee"].queryset = Organization.objects.filter(~Q(type=Organization.Type.NGO)).order_by_name()
        self.fields["filed_on"].validators.append(_not_in_future)

    def clean(self):
        cleaned = super().clean()
        filed, answered = cleaned.get("filed_on"), cleaned.get("answered_on")
        if filed and answered and answered < filed:
            self.add_error("answered_on", _("The answer cannot come before the request."))
        outcome = cleaned.get("outcome")
        if outcome and outcome != TerminalRequest.Outcome.PENDING and not answered:
            self.add_error("answered_on", _("Give the date of the answer that brought this outcome."))
        return cleaned
