"""Forms of the assessment pages: an assessment with the evidence to add (and remove), and the
filters of the staff's work list."""

from django import forms
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.forms import date_input
from ogmonitor.lib.uploads import DOCUMENT
from ogmonitor.places.models import District, Organization

from .assessments import EVIDENCE_RELATED, Candidates, evidence_candidates
from .models import (
    ActionPlan,
    AssessmentEvidence,
    AssessmentStatus,
    LocalAssessment,
    OGPValue,
    Potential,
    validate_evidence_url,
)

DATE_WIDGET = date_input()
NONE_CHOSEN = ("", "—")


def _proposal_label(proposal) -> str:
    number = _("Proposal no. %(number)s") % {"number": proposal.number}
    return f"{number}: {proposal.topic or Truncator(proposal.text).words(10)}"


#: How each kind of record is named in its select.
RECORD_LABELS = {
    "indicator": lambda indicator: f"{indicator.study.title} · {indicator.title}",
    "event": lambda event: f"{event.date:%Y-%m-%d} · {event.title}",
    "proposal": _proposal_label,
    "publication": lambda publication: f"{publication.organization.name} · {publication.title or publication.item.name} "
                                       f"({publication.published_on:%Y-%m-%d})",
}


def grouped_choices(candidates: Candidates, label) -> list:
    """A select's choices: none, then the records linked to the activity, then the others."""
    choices = [NONE_CHOSEN]
    if candidates.linked:
        choices.append((_("Linked to this activity"), [(record.pk, label(record)) for record in candidates.linked]))
    if candidates.others:
        choices.append((_("Others"), [(record.pk, label(record)) for record in candidates.others]))
    return choices


class AssessmentForm(forms.ModelForm):
    """An assessment of an activity (or of a local target under it) and the evidence to add.

    The place is a district, a municipality or neither (the activity nationally); for a local
    target it is the target's. The potential offers the scale of the plan's years. Each evidence
    field adds one piece; on the edit page, ``remove`` takes existing ones away. Administrators
    also choose the assessing organisation; others assess in their own organisation's name.
    """

    #: The form's parts as shown on the page: (legend, field names).
    FIELDSETS = [
        (_("Where and when"), ["district", "municipality", "assessed_on", "assessed_by"]),
        (_("Assessment"), ["completion", "potential", "early_results", "ogp_values", "narrative_az", "narrative_en"]),
        (_("Evidence"), [
            "indicator", "proposal", "event", "publication", "document", "document_title_az", "document_title_en",
            "url", "url_title_az", "url_title_en", "remove",
        ]),
    ]

    ogp_values = forms.MultipleChoiceField(
        label=capfirst(LocalAssessment._meta.get_field("ogp_values").verbose_name), required=False,
        choices=OGPValue.choices, widget=forms.CheckboxSelectMultiple,
    )
    indicator = forms.TypedChoiceField(label=_("Survey indicator"), required=False, coerce=int, empty_value=None)
    proposal = forms.TypedChoiceField(label=_("Proposal to an authority"), required=False, coerce=int, empty_value=None)
    event = forms.TypedChoiceField(label=_("Event"), required=False, coerce=int, empty_value=None)
    publication = forms.TypedChoiceField(
        label=_("Disclosure record"), required=False, coerce=int, empty_value=None,
        help_text=_("What a municipality published, as recorded on the disclosure pages."),
    )
    document = forms.FileField(
        label=_("Document"), required=False, allow_empty_file=True,  # refused by check_upload, with the file's name
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT.accept}),
        help_text=_("PDF, office documents, text or photos. If the form shows an error, choose the file again."),
    )
    document_title_az = forms.CharField(label=_("Document title (Azerbaijani)"), required=False, max_length=300)
    document_title_en = forms.CharField(label=_("Document title (English)"), required=False, max_length=300)
    url = forms.CharField(
        label=_("Link"), required=False, max_length=1000, validators=[validate_evidence_url],
        help_text=AssessmentEvidence._meta.get_field("url").help_text,
    )
    url_title_az = forms.CharField(label=_("Link title (Azerbaijani)"), required=False, max_length=300)
    url_title_en = forms.CharField(label=_("Link title (English)"), required=False, max_length=300)
    remove = forms.TypedMultipleChoiceField(
        label=_("Remove from the evidence"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LocalAssessment
        fields = [
            "district", "municipality", "assessed_on", "assessed_by", "completion", "potential", "early_results",
            "ogp_values", "narrative_az", "narrative_en",
        ]
        widgets = {
            "assessed_on": DATE_WIDGET,
            "narrative_az": forms.Textarea(attrs={"rows": 5}),
            "narrative_en": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "district": _("Leave the district and the municipality blank to assess the activity nationally."),
            "municipality": _("Its district is filled in by itself."),
        }

    def __init__(self, *args, user, may_choose_assessor: bool, **kwargs):
        super().__init__(*args, **kwargs)
        assessment = self.instance
        activity = assessment.activity
        if assessment.target_id:  # the target's place is the assessment's
            del self.fields["district"], self.fields["municipality"]
        else:
            self.fields["district"].queryset = District.objects.order_by_name()
            self.fields["district"].empty_label = NONE_CHOSEN[1]
            municipality = self.fields["municipality"]
            municipality.empty_label = NONE_CHOSEN[1]
            municipality.queryset = Organization.objects.municipalities().select_related("district").order_by_name()
            municipality.label_from_instance = lambda organization: (
                f"{organization.name} ({organization.district.name})" if organization.district_id else organization.name
            )
        if may_choose_assessor:
            self.fields["assessed_by"].queryset = Organization.objects.order_by_name()
        else:
            del self.fields["assessed_by"]
        if assessment.pk is None:
            self.fields["assessed_on"].initial = timezone.localdate()
        self.fields["potential"].choices = [NONE_CHOSEN, *(
            (value, Potential(value).label) for value in Potential.for_plan_year(activity.plan.start_year)
        )]
        self.fields["early_results"].choices = [NONE_CHOSEN, *self.fields["early_results"].choices[1:]]
        for name, candidates in evidence_candidates(user, activity).items():
            self.fields[name].choices = grouped_choices(candidates, RECORD_LABELS[name])
        self.existing_evidence = list(assessment.evidence.select_related(*EVIDENCE_RELATED)) if assessment.pk else []
        if self.existing_evidence:
            self.fields["remove"].choices = [(link.pk, str(link)) for link in self.existing_evidence]
        else:
            del self.fields["remove"]

    def fieldsets(self):
        """(legend, bound fields) per part of the form, for the template."""
        return [(legend, [self[name] for name in names if name in self.fields]) for legend, names in self.FIELDSETS]

    def clean(self):
        cleaned = super().clean()
        for kind, message in (
            ("document", _("Give the document a title.")), ("url", _("Give the link a title.")),
        ):
            if cleaned.get(kind) and not (cleaned.get(f"{kind}_title_az") or cleaned.get(f"{kind}_title_en")):
                self.add_error(f"{kind}_title_az", message)
        return cleaned

    def new_evidence(self) -> list[dict]:
        """The evidence to add, as :func:`~.assessments.save_assessment` takes it."""
        data = self.cleaned_data
        items = [{name: data[name]} for name in AssessmentEvidence.RECORD_FIELDS if data.get(name)]
        for kind in ("document", "url"):
            if data.get(kind):
                items.append({kind: data[kind], "title_az": data[f"{kind}_title_az"], "title_en": data[f"{kind}_title_en"]})
        return items

    def evidence(self) -> list:
        """The whole evidence after saving: the existing rows not removed, then the new ones."""
        removed = set(self.cleaned_data.get("remove") or [])
        kept = [link for link in self.existing_evidence if link.pk not in removed]
        return kept + self.new_evidence()


class AssessmentFilterForm(forms.Form):
    """The filters of the work list; both optional and GET-submitted."""

    status = forms.ChoiceField(
        label=_("Review status"), required=False, choices=[("", _("Any status")), *AssessmentStatus.choices],
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), required=False, queryset=ActionPlan.objects.all(), empty_label=_("All plans"),
        to_field_name="slug",
    )
