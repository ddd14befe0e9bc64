from django import forms
from django.utils.translation import gettext_lazy as _

from .models import District, Organization


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *Organization.Type.choices])
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), empty_label=_("All districts"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(organizations__isnull=False).distinct().order_by_name()


class OrganizationForm(forms.ModelForm):
    """What an organisation's own editor may keep up to date."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name_az", "name_en", "short_name", "website", "email", "phone", "address"]
