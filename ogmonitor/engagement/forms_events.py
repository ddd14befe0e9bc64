"""Forms of the event pages: the filters, an event with its sources and documents, its participants
(named people and the category × gender grid) and its press release with where it appeared."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import date_input
from ogmonitor.lib.uploads import DOCUMENT, IMAGE, check_upload
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area
from ogmonitor.surveys.models import Gender, RespondentCategory

from .models import (
    DialoguePlatform,
    Event,
    EventDocument,
    EventSource,
    Participation,
    Person,
    PressPublication,
    PressRelease,
)

DATE_WIDGET = date_input()


def _formfield(db_field, **kwargs):
    """Model fields as form fields, URLs assumed https:// when typed without a scheme."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


# --- Finding events --------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    """The filters of the events list; every field is optional and GET-submitted."""

    q = forms.CharField(label=_("Search in titles"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *Event.Type.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Event.Status.choices])
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), empty_label=_("All districts"),
        to_field_name="code",
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), required=False, queryset=ActionPlan.objects.none(), empty_label=_("All plans"),
        to_field_name="slug",
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(events__isnull=False).distinct().order_by_name()
        self.fields["plan"].queryset = ActionPlan.objects.all()
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years)]


# --- Recording an event ------------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    """An event's record, with its texts in Azerbaijani (required) and English."""

    #: The form's parts as shown on the page: (legend, field names), az and en side by side.
    FIELDSETS = [
        (_("What"), ["type", "status", "title_az", "title_en", "topic_az", "topic_en"]),
        (_("When"), ["date", "time", "end_date"]),
        (_("Where"), ["format", "place", "meeting_link", "district", "community", "municipality"]),
        (_("Who and what for"), ["organizers", "plan", "areas", "activities", "platform"]),
        (_("Summary, agenda and outcome"), [
            "summary_az", "summary_en", "agenda_az", "agenda_en", "outcome_az", "outcome_en",
        ]),
        (_("Publication"), ["is_published"]),
    ]

    class Meta:
        model = Event
        formfield_callback = _formfield
        fields = [
            "type", "status", "title_az", "title_en", "date", "time", "end_date", "format", "place",
            "meeting_link", "district", "community", "municipality", "organizers", "plan", "areas",
            "activities", "platform", "topic_az", "topic_en", "summary_az", "summary_en", "agenda_az",
            "agenda_en", "outcome_az", "outcome_en", "is_published",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "organizers": forms.SelectMultiple(attrs={"size": 8}),
            "areas": forms.SelectMultiple(attrs={"size": 6}),
            "activities": forms.SelectMultiple(attrs={"size": 8}),
            **{
                f"{name}_{language}": forms.Textarea(attrs={"rows": 4})
                for name in ("summary", "agenda", "outcome")
                for language in ("az", "en")
            },
        }
        help_texts = {
            "organizers": _("Hold Ctrl (⌘ on a Mac) to choose several."),
            "community": _("Its district is filled in by itself."),
            "is_published": _("Published events are shown to everyone; others only to staff."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_az"].required = True
        self.fields["district"].queryset = District.objects.order_by_name()
        self.fields["community"].queryset = Community.objects.select_related("district").order_by_name()
        self.fields["community"].label_from_instance = lambda community: f"{community.name} ({community.district.name})"
        self.fields["municipality"].queryset = Organization.objects.municipalities().order_by_name()
        self.fields["organizers"].queryset = Organization.objects.order_by_name()
        self.fields["plan"].queryset = ActionPlan.objects.all()
        self.fields["areas"].queryset = Area.objects.select_related("plan").order_by("plan", "number")
        self.fields["areas"].label_from_instance = lambda area: f"{area.plan.period} · {area}"
        self.fields["activities"].queryset = Activity.objects.select_related("plan").order_by("plan", "sort_key")
        self.fields["activities"].label_from_instance = lambda activity: f"{activity.plan.period} · {activity}"
        self.fields["platform"].queryset = DialoguePlatform.objects.all()

    def fieldsets(self):
        """(legend, bound fields) per part of the form, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self):
        cleaned = super().clean()
        date, end_date = cleaned.get("date"), cleaned.get("end_date")
        if date and end_date and end_date < date:
            self.add_error("end_date", _("The event cannot end before it starts."))
        district, community = cleaned.get("district"), cleaned.get("community")
        if district and community and community.district_id != district.pk:
            self.add_error("community", _("%(community)s is not in %(district)s.") % {
                "community": community, "district": district,
            })
        plan = cleaned.get("plan")
        chosen = {name: list(cleaned.get(name) or []) for name in ("areas", "activities")}
        if plan is None and any(chosen.values()):
            self.add_error("plan", _("Choose the action plan the chosen areas and activities belong to."))
        elif plan is not None:
            for name, items in chosen.items():
                foreign = [str(item) for item in items if item.plan_id != plan.pk]
                if foreign:
                    self.add_error(name, _("These belong to another plan: %(items)s.") % {"items": "; ".join(foreign)})
        return cleaned


class EventSourceForm(forms.ModelForm):
    class Meta:
        model = EventSource
        formfield_callback = _formfield
        fields = ["url", "title", "published_on", "accessed_on", "archive_url", "footnote", "position"]
        widgets = {"published_on": DATE_WIDGET, "accessed_on": DATE_WIDGET}


class EventDocumentForm(forms.ModelForm):
    class Meta:
        model = EventDocument
        fields = ["kind", "file", "caption"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": DOCUMENT.accept})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].allow_empty_file = True  # refused by check_upload, with the file's name

    def clean_file(self):
        """A new upload must be a document (or, for a photo, an image: it is shown in the page)
        whose content matches its name; a kept file was checked when it came."""
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):
            photo = self.cleaned_data.get("kind") == EventDocument.Kind.PHOTO
            check_upload(upload, IMAGE if photo else DOCUMENT)
        return upload


SourceFormSet = inlineformset_factory(
    Event, EventSource, form=EventSourceForm, extra=1, can_delete=True,
)
DocumentFormSet = inlineformset_factory(
    Event, EventDocument, form=EventDocumentForm, extra=1, can_delete=True,
)


# --- Participants --------------------------------------------------------------------------------


class PersonForm(forms.ModelForm):
    """A new named participant and their role at this event."""

    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices, initial=Participation.Role.PARTICIPANT)

    class Meta:
        model = Person
        fields = ["name", "gender", "category", "organization", "community", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by_name()
        self.fields["community"].queryset = Community.objects.select_related("district").order_by_name()
        self.fields["community"].label_from_instance = lambda community: f"{community.name} ({community.district.name})"
        self.fields["category"].queryset = RespondentCategory.objects.all()

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PickPersonForm(forms.Form):
    """An already recorded person, found by the search, and their role at this event."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.all(), widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices, initial=Participation.Role.PARTICIPANT)


#: The gender columns of the counts grid: the survey genders, and "not recorded" for attendance
#: sheets that only give a number.
GRID_GENDERS = [*Gender.choices, ("", _("not recorded"))]


class ParticipantCountsForm(forms.Form):
    """Unnamed participants: one number per respondent category × gender; a blank cell means none."""

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {(row.category_id, row.gender): row.count for row in event.participant_counts.all()}
        self.genders = GRID_GENDERS
        self.categories: list[RespondentCategory | None] = [*RespondentCategory.objects.all(), None]
        self._names: list[tuple[str, list[str]]] = []
        for category in self.categories:
            category_label = str(category) if category else _("category not recorded")
            names = []
            for gender, gender_label in GRID_GENDERS:
                name = self.field_name(category.pk if category else None, gender)
                self.fields[name] = forms.IntegerField(
                    label=_("%(category)s, %(gender)s") % {"category": category_label, "gender": gender_label},
                    required=False, min_value=0,
                    initial=existing.get((category.pk if category else None, gender)),
                    widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "count-input"}),
                )
                names.append(name)
            self._names.append((category_label, names))

    @staticmethod
    def field_name(category_pk: int | None, gender: str) -> str:
        return f"count_{category_pk or 'none'}_{gender or 'unknown'}"

    def rows(self):
        """(category label, bound fields in GRID_GENDERS order) per row, for the template."""
        return [(label, [self[name] for name in names]) for label, names in self._names]

    def counts(self) -> dict[tuple[int | None, str], int]:
        """The cleaned grid as (category pk, gender) → number, blanks as 0."""
        return {
            (category.pk if category else None, gender): self.cleaned_data.get(
                self.field_name(category.pk if category else None, gender)
            ) or 0
            for category in self.categories
            for gender, _label in GRID_GENDERS
        }


# --- Press release ---------------------------------------------------------------------------------


class PressReleaseForm(forms.ModelForm):
    class Meta:
        model = PressRelease
        fields = ["title_az", "body_az", "title_en", "body_en"]
        widgets = {"body_az": forms.Textarea(attrs={"rows": 14}), "body_en": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_az"].required = True
        self.fields["body_az"].required = True


class PressPublicationForm(forms.ModelForm):
    class Meta:
        model = PressPublication
        formfield_callback = _formfield
        fields = ["outlet", "url", "published_on"]
        widgets = {"published_on": DATE_WIDGET}


PublicationFormSet = inlineformset_factory(
    PressRelease, PressPublication, form=PressPublicationForm, extra=1, can_delete=True,
)
