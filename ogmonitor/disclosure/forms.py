"""Forms of the disclosure pages: recording a publication, and choosing what a ranking shows.

The forms only validate; the views hand ``service_fields()`` to :mod:`.services`.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import date_input
from ogmonitor.places.models import District, Organization

from .index import RANKED_TYPES, Moment, applies_to_values
from .models import Item, Publication

#: Channels where a publication can always be linked to, so a link is required as evidence.
LINKED_CHANNELS = (Publication.Channel.SOCIAL_MEDIA, Publication.Channel.WEBSITE)

#: The ``period`` value meaning "as of today".
TODAY = "today"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.category.name}: {obj.name}"


class PublicationForm(forms.ModelForm):
    """What was published, where and when; a coordinator may also confirm having checked it."""

    item = ItemChoiceField(label=_("Information item"), queryset=Item.objects.none())
    url = forms.URLField(
        label=_("Link"), required=False, max_length=1000, assume_scheme="https",
        help_text=_("Where anyone can see it: the post, page or document. Required for social-media pages and websites."),
    )
    verified = forms.BooleanField(
        label=_("I have checked that it is published there"), required=False,
    )

    class Meta:
        model = Publication
        fields = ["item", "published_on", "channel", "url", "title"]
        labels = {"published_on": _("Published on"), "channel": _("Channel"), "title": _("What was published")}
        help_texts = {"title": _("For example the title of the post or of the decision.")}
        widgets = {"published_on": date_input()}

    def __init__(self, *args, organization, can_verify: bool = False, item: Item | None = None, **kwargs):
        """``item`` fixes the item (the form in a checklist row): its field becomes hidden."""
        initial = {"published_on": timezone.localdate(), **(kwargs.pop("initial", None) or {})}
        if item is not None:
            # Several row forms share one page: their ids must differ.
            kwargs.setdefault("auto_id", f"id_item{item.pk}_%s")
            initial["item"] = item.pk
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["item"].queryset = Item.objects.filter(
            is_active=True, applies_to__in=applies_to_values(organization.type)
        ).select_related("category")
        if item is not None:
            self.fields["item"].widget = forms.HiddenInput()
        if not can_verify:
            del self.fields["verified"]
        self.fields["published_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_published_on(self):
        published_on = self.cleaned_data["published_on"]
        if published_on > timezone.localdate():
            raise forms.ValidationError(_("The date of publication cannot be in the future."))
        return published_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("channel") in LINKED_CHANNELS and not cleaned.get("url"):
            self.add_error("url", _("Give the link to the publication: it is the evidence that it was published."))
        return cleaned

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in ("published_on", "channel", "url", "title")}
        fields["verified"] = self.cleaned_data.get("verified", False)
        return fields


class MomentForm(forms.Form):
    """Which day the index is computed at: a period's end, or today."""

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, moments, **kwargs):
        super().__init__(*args, **kwargs)
        self.moments = list(moments)
        self.fields["period"].choices = [
            *[(str(moment.period.pk), moment.period.name) for moment in reversed(self.moments)],
            (TODAY, _("Today")),
        ]
        self.fields["period"].initial = str(self.moments[-1].period.pk) if self.moments else TODAY

    def chosen(self, today):
        """The :class:`~.index.Moment` chosen; by default the latest period that has started."""
        value = self.cleaned_data.get("period") if self.is_bound and self.is_valid() else ""
        if value == TODAY or (not value and not self.moments):
            return Moment(as_of=today)
        if value:
            return next(moment for moment in self.moments if str(moment.period.pk) == value)
        return self.moments[-1]


class RankingFilterForm(MomentForm):
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), empty_label=_("All districts"),
        to_field_name="code",
    )

    field_order = ["district", "period"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ranked = Organization.objects.filter(type__in=RANKED_TYPES).values("district_id")
        self.fields["district"].queryset = District.objects.filter(pk__in=ranked).order_by_name()

