"""Forms of the dialogue-platform pages (staff) and of the chronology filters (everyone)."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.uploads import DOCUMENT, check_upload
from ogmonitor.places.models import District, Organization
from ogmonitor.plans.models import ActionPlan

from .models import DialoguePlatform, Event, Membership, PlatformDocument, VoteEvent
from .platforms import vote_result


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def event_label(event: Event) -> str:
    """Events are offered with their date, since many share a title ("Working-group meeting")."""
    return f"{event.date:%Y-%m-%d} – {event.title}"


def offer_events(form, name: str) -> None:
    """Offer all events, newest first and dated, in the form's event field ``name`` (if shown).

    Done on the generated field rather than by declaring one, so the admin can still swap in
    its autocomplete widget.
    """
    field = form.fields.get(name)
    if field is not None:
        field.queryset = Event.objects.order_by("-date", "-pk")
        field.label_from_instance = event_label


class PlatformForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = DialoguePlatform
        fields = [
            "name_az", "name_en", "level", "district", "founded_on", "founding_event",
            "description_az", "description_en", "website", "is_published",
        ]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.order_by_name()
        offer_events(self, "founding_event")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") == DialoguePlatform.Level.DISTRICT and not cleaned.get("district"):
            self.add_error("district", _("A district platform needs its district."))
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "role", "joined_on"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by_name()


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(
        label=_("left on"), widget=DateInput(),
        help_text=_("The first day the organisation is no longer a member."),
    )


class VoteForm(forms.ModelForm):
    """A vote with its counts; the result is computed from them, or entered when the source
    reports a result without counts (``counts_unknown``)."""

    entered_result = forms.ChoiceField(
        label=_("result reported by the source"), required=False,
        choices=[("", "—"), *VoteEvent.Result.choices],
        help_text=_("Only when the counts were not published; otherwise the result is computed from the counts."),
    )

    class Meta:
        model = VoteEvent
        fields = ["event", "date", "motion_az", "motion_en", "yes", "no", "abstain", "absent", "rule", "counts_unknown"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_events(self, "event")
        if self.instance.pk and self.instance.counts_unknown:
            self.fields["entered_result"].initial = self.instance.result

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("counts_unknown"):
            if not cleaned.get("entered_result"):
                self.add_error("entered_result", _("The counts were not published: enter the result the source reports."))
            else:
                self.instance.result = cleaned["entered_result"]
        return cleaned

    def computed_result(self) -> str | None:
        """The result the counts give under the rule (None while they are invalid or unknown)."""
        if not hasattr(self, "cleaned_data") or self.errors:
            return None
        data = self.cleaned_data
        if data.get("counts_unknown"):
            return data.get("entered_result") or None
        return vote_result(data["yes"], data["no"], data["abstain"], data["rule"])


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PlatformDocument
        fields = ["kind", "title_az", "title_en", "vote", "adopted_on", "plan", "file", "url"]
        widgets = {"adopted_on": DateInput()}
        help_texts = {"adopted_on": _("Left empty, the date of the vote that adopted it.")}

    def __init__(self, *args, **kwargs):
        """When the instance carries its platform (``PlatformDocument(platform=…)`` when adding
        one) only that platform's votes are offered; in any case a vote of another is refused."""
        super().__init__(*args, **kwargs)
        if self.instance.platform_id:
            votes = VoteEvent.objects.filter(platform_id=self.instance.platform_id).order_by("-date", "-pk")
            self.fields["vote"].queryset = votes
        self.fields["plan"].queryset = ActionPlan.objects.order_by("-start_year")
        self.fields["url"] = forms.URLField(
            label=self.fields["url"].label, required=False, max_length=1000, assume_scheme="https"
        )
        self.fields["file"].widget.attrs["accept"] = DOCUMENT.accept
        self.fields["file"].allow_empty_file = True  # refused by check_upload, with the file's name

    def clean_file(self):
        """A new upload must be a document whose content matches its name (HTML and SVG are
        refused: served from the site's own address they could run script in visitors' browsers)."""
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_upload(upload, DOCUMENT)
        return upload

    def clean(self):
        cleaned = super().clean()
        vote = cleaned.get("vote")
        platform = cleaned.get("platform")  # a field on the admin's own page only
        platform_id = platform.pk if platform else self.instance.platform_id
        if vote is not None and platform_id and vote.platform_id != platform_id:
            self.add_error("vote", _("The vote belongs to another platform."))
        return cleaned


class ChronologyFilterForm(forms.Form):
    """The chronology's filters; their choices are the types, organisers and years that occur."""

    type = forms.ChoiceField(label=_("Type"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Organiser"), required=False, queryset=Organization.objects.none(), to_field_name="slug",
        empty_label=_("All organisers"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All types")), *choices["types"]]
        self.fields["actor"].queryset = choices["actors"]
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in choices["years"])]
