"""Forms of the proposals pages: filters, a proposal, a workshop's list, and one form per step.

The step forms name their fields exactly like the keyword arguments of
:func:`ogmonitor.engagement.proposals.transition`, so an error the service raises about
``answer_text_az`` lands under that box.
"""

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ogmonitor.accounts.policy import is_administrator
from ogmonitor.lib import aztext
from ogmonitor.lib.forms import date_input
from ogmonitor.lib.models import az_collated
from ogmonitor.places.models import Community, Organization
from ogmonitor.plans.models import Activity
from ogmonitor.surveys.models import RespondentCategory

from . import proposals as service
from .models import Event, Proposal

Status = Proposal.Status


def _event_label(event: Event) -> str:
    return f"{event.date:%d.%m.%Y} · {event.title}"


def _activity_label(activity: Activity) -> str:
    title = activity.title if len(activity.title) <= 90 else activity.title[:89] + "…"
    return f"{activity.plan.period} · {activity.number} {title}"


def _community_label(community: Community) -> str:
    return f"{community.name} ({community.district.name})"


def _topics(queryset) -> list[str]:
    """Distinct topics already used, in Azerbaijani alphabetical order (a short list)."""
    topics = queryset.exclude(topic="").order_by().values_list("topic", flat=True).distinct()
    return aztext.sorted_az(topics)


def _set_record_choices(form, user) -> None:
    """Querysets and labels shared by the proposal form and the bulk form."""
    fields = form.fields
    organizations = Organization.objects.order_by_name()
    if "organization" in fields:
        if is_administrator(user):
            fields["organization"].queryset = organizations.exclude(type=Organization.Type.MUNICIPALITY)
        else:
            del fields["organization"]
    fields["event"].queryset = Event.objects.exclude(status=Event.Status.CANCELLED).order_by("-date", "-pk")
    fields["event"].label_from_instance = _event_label
    fields["raised_by_group"].queryset = RespondentCategory.objects.all()
    fields["raised_by_organization"].queryset = organizations
    fields["addressee"].queryset = organizations
    fields["community"].queryset = Community.objects.select_related("district").order_by(
        az_collated("district__name_az"), az_collated("name_az")
    )
    fields["community"].label_from_instance = _community_label
    fields["activity"].queryset = Activity.objects.select_related("plan").order_by("-plan__start_year", "sort_key")
    fields["activity"].label_from_instance = _activity_label
    fields["topic"].widget.attrs["list"] = "proposal-topics"
    form.topic_suggestions = _topics(Proposal.objects.all())


class ProposalFilterForm(forms.Form):
    """The list's filters; choices offer only what the visible proposals use."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"), required=False, queryset=Organization.objects.none(), to_field_name="slug",
        empty_label=_("All authorities"),
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    event = forms.ModelChoiceField(
        label=_("Raised at"), required=False, queryset=Event.objects.none(), to_field_name="slug",
        empty_label=_("All events"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = Organization.objects.filter(
            pk__in=proposals.values("addressee")
        ).order_by_name()
        self.fields["event"].queryset = Event.objects.filter(pk__in=proposals.values("event")).order_by("-date", "-pk")
        self.fields["event"].label_from_instance = _event_label
        self.fields["topic"].choices = [("", _("All topics")), *((topic, topic) for topic in _topics(proposals))]


class ExportForm(forms.Form):
    """The optional status filter of the letter and the list."""

    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])


class ProposalForm(forms.ModelForm):
    """A proposal's own fields; its status and dates change only through the step forms."""

    raised_on = forms.DateField(
        label=_("Raised on"), required=False, widget=date_input(),
        help_text=_("When it was raised: the first date of its history. Left empty: the event’s date, or today."),
    )

    class Meta:
        model = Proposal
        fields = [
            "text_az", "text_en", "topic", "organization", "event", "raised_by_group", "raised_by_organization",
            "community", "addressee", "activity", "answer_days", "is_published",
        ]
        labels = {"text_az": _("Proposal in Azerbaijani"), "text_en": _("Proposal in English")}
        widgets = {
            "text_az": forms.Textarea(attrs={"rows": 4, "lang": "az"}),
            "text_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        }
        help_texts = {
            "text_en": _("Write it in one language or both; the other language shows the one given."),
            "community": _("Left empty, the community of the event."),
            "is_published": _("Published proposals are shown to everyone; the others only to staff."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _set_record_choices(self, user)
        self.fields["answer_days"].validators.append(MinValueValidator(1))
        self.fields["answer_days"].widget.attrs["min"] = 1
        if self.instance.pk is not None:
            del self.fields["raised_on"]
            if self.instance.status != Status.DRAFT:
                self.fields["addressee"].disabled = True
                self.fields["addressee"].help_text = _("The addressee cannot be changed after the proposal was submitted.")
        else:
            # Shown last, after the event it usually comes from.
            self.order_fields([name for name in self.fields if name != "raised_on"] + ["raised_on"])

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text_az") or "").strip() and not (cleaned.get("text_en") or "").strip():
            self.add_error("text_az", _("Write the proposal in Azerbaijani, English or both."))
        raised_on = cleaned.get("raised_on")
        if raised_on and raised_on > timezone.localdate():
            self.add_error("raised_on", _("The date when it was raised cannot be in the future."))
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned values as keyword arguments for ``create_proposal``/``update_proposal``."""
        return {name: self.cleaned_data[name] for name, field in self.fields.items() if not field.disabled}


class ProposalBulkForm(forms.Form):
    """The proposals collected at one event, one per line, with what they all share."""

    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none(), to_field_name="slug",
        help_text=_("The workshop, consultation or meeting where the proposals were raised."),
    )
    language = forms.ChoiceField(
        label=_("Language of the proposals"), choices=settings.LANGUAGES, initial="az", widget=forms.RadioSelect,
    )
    texts = forms.CharField(
        label=_("Proposals, one per line"), widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text=_("Paste them from your notes: blank lines are skipped, and numbering or bullets at the start of a line are dropped."),
    )
    organization = forms.ModelChoiceField(
        label=_("Recorded by organisation"), required=False, queryset=Organization.objects.none(),
    )
    raised_by_group = forms.ModelChoiceField(
        label=_("Raised by group"), required=False, queryset=RespondentCategory.objects.none(),
    )
    raised_by_organization = forms.ModelChoiceField(
        label=_("Raised by organisation"), required=False, queryset=Organization.objects.none(),
    )
    community = forms.ModelChoiceField(
        label=_("Community"), required=False, queryset=Community.objects.none(),
        help_text=_("Left empty, the community of the event."),
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"), required=False, queryset=Organization.objects.none(),
        help_text=_("The authority expected to answer."),
    )
    topic = forms.CharField(label=_("Topic"), required=False, max_length=200)
    activity = forms.ModelChoiceField(label=_("NAP activity"), required=False, queryset=Activity.objects.none())
    is_published = forms.BooleanField(
        label=_("Publish them"), required=False,
        help_text=_("Published proposals are shown to everyone; the others only to staff."),
    )
    submit = forms.BooleanField(label=_("They have already been submitted to the addressee"), required=False)
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=date_input())
    submitted_via = forms.ChoiceField(
        label=_("How they were submitted"), required=False, choices=[("", "—"), *Proposal.Channel.choices],
    )
    reference_number = forms.CharField(label=_("Reference number"), required=False, max_length=80)

    #: Fields copied to every proposal.
    SHARED = ("event", "organization", "raised_by_group", "raised_by_organization", "community", "addressee",
              "topic", "activity", "is_published")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _set_record_choices(self, user)
        self.lines: list[service.ProposalLine] = []

    def clean(self):
        cleaned = super().clean()
        event, today = cleaned.get("event"), timezone.localdate()
        if event is not None and event.date > today:
            self.add_error("event", _(
                "This event is on %(date)s, which has not come yet; record its proposals once it has taken place."
            ) % {"date": date_format(event.date, "DATE_FORMAT")})
        if "texts" in cleaned:
            self.lines = service.split_lines(cleaned["texts"])
            for problem in service.line_problems(self.lines, event=event, language=cleaned.get("language")):
                self.add_error("texts", problem)
        if cleaned.get("submit"):
            if cleaned.get("addressee") is None:
                self.add_error("addressee", _("Choose the authority they were submitted to."))
            if not cleaned.get("submitted_via"):
                self.add_error("submitted_via", _("Choose how they were submitted."))
            submitted_on = cleaned.get("submitted_on")
            if submitted_on is None and "submitted_on" not in self.errors:
                self.add_error("submitted_on", _("Give the date they were submitted."))
            elif submitted_on is not None and submitted_on > today:
                self.add_error("submitted_on", _("The date cannot be in the future."))
            elif submitted_on is not None and event is not None and submitted_on < event.date:
                self.add_error("submitted_on", _(
                    "They cannot have been submitted before the event where they were raised (%(date)s)."
                ) % {"date": date_format(event.date, "DATE_FORMAT")})
        return cleaned

    @property
    def shared_bound_fields(self) -> list:
        """The shared fields except the event, for the "what they all share" group of the page."""
        return [self[name] for name in self.SHARED if name != "event" and name in self.fields]

    def shared_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SHARED if name in self.fields}

    def submission(self) -> dict | None:
        if not self.cleaned_data.get("submit"):
            return None
        return {
            "on": self.cleaned_data["submitted_on"],
            "submitted_via": self.cleaned_data["submitted_via"],
            "reference_number": self.cleaned_data["reference_number"],
        }


# --- One form per step of the lifecycle ----------------------------------------------------------


class StepForm(forms.Form):
    """Record one step: its date and a note. Subclasses add what the step records."""

    date_label = _("Date")
    on = forms.DateField(label=_("Date"), widget=date_input())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the history, for example how you learnt of this step."),
    )

    def __init__(self, *args, proposal, to_status, **kwargs):
        kwargs.setdefault("prefix", to_status)
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.proposal, self.to_status = proposal, to_status
        self.fields["on"].label = self.date_label
        # The date first, what the step records next, the note last.
        self.order_fields(["on", *(name for name in self.fields if name not in ("on", "note")), "note"])
        self.title = STEP_TITLES[to_status]
        self.status_label = Status(to_status).label

    def service_fields(self) -> dict:
        """Keyword arguments for :func:`~ogmonitor.engagement.proposals.transition`."""
        return dict(self.cleaned_data)


class SubmitStepForm(StepForm):
    date_label = _("Submitted on")
    addressee = forms.ModelChoiceField(label=_("Addressed to"), queryset=Organization.objects.none())
    submitted_via = forms.ChoiceField(label=_("How it was submitted"), choices=[("", "—"), *Proposal.Channel.choices])
    reference_number = forms.CharField(
        label=_("Reference number"), required=False, max_length=80,
        help_text=_("The number of the letter or the registration number the authority gave."),
    )

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate(), "addressee": proposal.addressee_id})
        super().__init__(*args, proposal=proposal, **kwargs)
        self.fields["addressee"].queryset = Organization.objects.order_by_name()


class AcknowledgeStepForm(StepForm):
    date_label = _("Acknowledged on")
    reference_number = forms.CharField(
        label=_("Reference number"), required=False, max_length=80,
        help_text=_("The registration number the authority gave, if any. Left empty, the number recorded so far is kept."),
    )


class AnswerStepForm(StepForm):
    """The answer, and for a decision taken straight from submission, the answer stating it."""

    date_label = _("Answered on")
    answer_text_az = forms.CharField(
        label=_("Answer in Azerbaijani"), required=False, widget=forms.Textarea(attrs={"rows": 4, "lang": "az"}),
    )
    answer_text_en = forms.CharField(
        label=_("Answer in English"), required=False, widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("Write the answer in one language or both."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.to_status in service.DECISIONS:
            self.fields["on"].label = _("Decided on")
            self.fields["answer_text_en"].help_text = _(
                "The answer that states this decision, in one language or both; it is recorded as the answer."
            )


class DecisionStepForm(StepForm):
    date_label = _("Decided on")


class ImplementStepForm(StepForm):
    date_label = _("Implemented on")


STEP_TITLES = {
    Status.SUBMITTED: _("Record the submission to the authority"),
    Status.ACKNOWLEDGED: _("Record that the authority acknowledged receipt"),
    Status.ANSWERED: _("Record the authority’s answer"),
    Status.ACCEPTED: _("Record that it was accepted"),
    Status.PARTLY_ACCEPTED: _("Record that it was partly accepted"),
    Status.REJECTED: _("Record that it was rejected"),
    Status.IMPLEMENTED: _("Record that it was implemented"),
}


def step_form(proposal: Proposal, to_status: str, data=None) -> StepForm:
    """The form for moving ``proposal`` to ``to_status``, bound to ``data`` when given."""
    if to_status == Status.SUBMITTED:
        form_class = SubmitStepForm
    elif to_status == Status.ACKNOWLEDGED:
        form_class = AcknowledgeStepForm
    elif to_status == Status.ANSWERED or (to_status in service.DECISIONS and proposal.status in Proposal.AWAITING):
        form_class = AnswerStepForm
    elif to_status in service.DECISIONS:
        form_class = DecisionStepForm
    else:
        form_class = ImplementStepForm
    return form_class(data, proposal=proposal, to_status=to_status)
