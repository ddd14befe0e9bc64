"""What the write endpoints accept: a submission, a new proposal, a step of a proposal.

These serializers only check the shape and look up the objects named (by slug or code, with
field-located messages); the rules live in the services they feed:
:func:`ogmonitor.surveys.submissions.record_submission`,
:func:`ogmonitor.engagement.proposals.create_proposal` and
:func:`ogmonitor.engagement.proposals.transition`.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ogmonitor.accounts import policy
from ogmonitor.engagement import proposals as proposal_service
from ogmonitor.engagement.models import Event, Proposal
from ogmonitor.places.models import Community, Organization
from ogmonitor.plans.models import Activity
from ogmonitor.surveys.models import (
    Channel,
    Gender,
    Respondent,
    RespondentCategory,
    Study,
    Submission,
)
from ogmonitor.surveys.submissions import IDENTITY_FIELDS, raw_answers_of

# --- Submissions --------------------------------------------------------------------------------

ANSWER_SCHEMA = {
    "type": "object",
    "description": "Answers by question name: text, a number, or a list of choice names for a multiple choice.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "array", "items": {"type": "string"}}],
    },
}


@extend_schema_field(ANSWER_SCHEMA)
class AnswersField(serializers.Field):
    """Question name → raw answer, as the web form posts it (numbers are turned into text)."""

    default_error_messages = {
        "not_an_object": _("Give the answers as an object: question name → answer."),
        "bad_value": _("An answer is text, a number, or a list of choice names."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_an_object")
        raw, errors = {}, {}
        for name, value in data.items():
            if value is None:
                continue
            if isinstance(value, str):
                raw[name] = value
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                raw[name] = str(value)
            elif isinstance(value, list) and all(
                isinstance(item, (str, int)) and not isinstance(item, bool) for item in value
            ):
                raw[name] = [str(item) for item in value]
            else:
                errors[name] = [self.error_messages["bad_value"]]
        if errors:
            raise serializers.ValidationError(errors)
        return raw

    def to_representation(self, value):
        return value


class RespondentInputSerializer(serializers.Serializer):
    """Who was asked: the same profile the enumerator form records. ``community`` is required
    (it decides who may enter the data); the identity only the study's coordinators may give."""

    community = serializers.SlugRelatedField(slug_field="slug", queryset=Community.objects.none(),
                                             help_text="Community (slug), one of the study's.")
    category = serializers.SlugRelatedField(slug_field="code", queryset=RespondentCategory.objects.all(),
                                            required=False, allow_null=True, help_text="Respondent category (code).")
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    interview_date = serializers.DateField(required=False, allow_null=True)
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.none(), required=False, allow_null=True,
        help_text="The organisation the respondent speaks for (slug), one in the study's area.",
    )
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)

    def __init__(self, *args, study: Study | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.study = study
        if study is not None:
            communities = study.communities.all()
            if not communities.exists():
                communities = Community.objects.filter(district__in=study.districts.all())
            self.fields["community"].queryset = communities
            self.fields["organization"].queryset = Organization.objects.filter(
                Q(district__in=study.districts.all()) | Q(community__in=study.communities.all())
            ).distinct()

    def validate(self, data):
        if self.study is not None and not policy.can_see_identity(self.user, self.study):
            refused = {
                name: [_("Only the study's coordinators may record who a respondent is.")]
                for name in IDENTITY_FIELDS if data.get(name)
            }
            if refused:
                raise serializers.ValidationError(refused)
        for name in ("gender", "channel"):
            data[name] = data.get(name) or ""
        return data


class SubmissionInputSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The form's instance id: sending it again never makes a second submission.")
    questionnaire_version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version filled in; the latest if left out.",
    )
    answers = AnswersField()
    respondent = RespondentInputSerializer()

    def __init__(self, *args, study: Study | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"] = RespondentInputSerializer(study=study, user=user)


class RespondentOutputSerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Respondent
        fields = ["code", "community", "category", "gender", "channel", "interview_date", "organization"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A stored submission, as its author (or the study's coordinators) sent it."""

    study = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    respondent = RespondentOutputSerializer(read_only=True, allow_null=True)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["uuid", "study", "questionnaire_version", "status", "source", "submitted_at", "created_at",
                  "respondent", "answers"]

    @extend_schema_field(ANSWER_SCHEMA)
    def get_answers(self, submission) -> dict:
        return raw_answers_of(submission)


# --- Proposals ------------------------------------------------------------------------------------


def _organizations():
    return Organization.objects.all()


class IdField(serializers.PrimaryKeyRelatedField):
    """An object by its id; an id no database can hold is "not found", not an overflow (500)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            try:
                number = int(data)
            except (TypeError, ValueError):
                number = None  # left to the parent's "incorrect type"
            if number is not None and not 0 < number < 2**63:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class ProposalInputSerializer(serializers.Serializer):
    """A new proposal (a draft, with the first step of its history). Related objects by slug;
    ``organization`` (who keeps the record) defaults to the user's own and only administrators
    may name another."""

    text_az = serializers.CharField(required=False, allow_blank=True)
    text_en = serializers.CharField(required=False, allow_blank=True)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=200)
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=_organizations(), required=False,
                                                allow_null=True)
    event = serializers.SlugRelatedField(slug_field="slug", required=False, allow_null=True,
                                         queryset=Event.objects.exclude(status=Event.Status.CANCELLED))
    raised_by_group = serializers.SlugRelatedField(slug_field="code", queryset=RespondentCategory.objects.all(),
                                                   required=False, allow_null=True)
    raised_by_organization = serializers.SlugRelatedField(slug_field="slug", queryset=_organizations(),
                                                          required=False, allow_null=True)
    community = serializers.SlugRelatedField(slug_field="slug", queryset=Community.objects.all(), required=False,
                                             allow_null=True)
    addressee = serializers.SlugRelatedField(slug_field="slug", queryset=_organizations(), required=False,
                                             allow_null=True)
    activity = IdField(queryset=Activity.objects.all(), required=False, allow_null=True)
    answer_days = serializers.IntegerField(required=False, min_value=1, max_value=32767)
    is_published = serializers.BooleanField(required=False, default=False)
    raised_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate(self, data):
        organization = data.get("organization")
        own = getattr(self.user, "organization", None)
        if organization is not None and organization != own and not policy.is_administrator(self.user):
            raise serializers.ValidationError(
                {"organization": [_("Only administrators may record a proposal for another organisation.")]}
            )
        if organization is None:
            data["organization"] = own
        return data


class StepFieldsSerializer(serializers.Serializer):
    """What a step records, as in the site's step forms: which fields a step takes depends on it."""

    submitted_via = serializers.ChoiceField(choices=Proposal.Channel.choices, required=False)
    addressee = serializers.SlugRelatedField(slug_field="slug", queryset=_organizations(), required=False)
    reference_number = serializers.CharField(required=False, allow_blank=True, max_length=80)
    answer_text_az = serializers.CharField(required=False, allow_blank=True)
    answer_text_en = serializers.CharField(required=False, allow_blank=True)


def step_field_names(proposal: Proposal, to_status: str) -> set[str]:
    """The ``fields`` the move of ``proposal`` to ``to_status`` takes (see the step forms)."""
    if to_status == Proposal.Status.SUBMITTED:
        return {"submitted_via", "addressee", "reference_number"}
    if to_status == Proposal.Status.ACKNOWLEDGED:
        return {"reference_number"}
    if to_status == Proposal.Status.ANSWERED or (
        to_status in proposal_service.DECISIONS and proposal.status in Proposal.AWAITING
    ):
        return {"answer_text_az", "answer_text_en"}
    return set()


class TransitionInputSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Proposal.Status.choices)
    on = serializers.DateField(help_text="The date of the step (not in the future, not before the previous step).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    fields = StepFieldsSerializer(required=False, default=dict, help_text=(
        "submitted: submitted_via (required), addressee, reference_number; acknowledged: reference_number; "
        "answered, or a decision straight from submitted/acknowledged: answer_text_az and/or answer_text_en."
    ))

    def __init__(self, *args, proposal: Proposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def validate_to_status(self, value):
        if value == Proposal.Status.DRAFT:
            raise serializers.ValidationError(_("A proposal starts as a draft; it never returns to it."))
        return value

    def validate(self, data):
        if self.proposal is not None:
            taken = step_field_names(self.proposal, data["to_status"])
            sent = set(self.initial_data.get("fields") or {}) if isinstance(self.initial_data, dict) else set()
            refused = {
                name: [_("This step does not record this field.")]
                for name in sorted(sent - taken)
            }
            if refused:
                raise serializers.ValidationError({"fields": refused})
        return data
