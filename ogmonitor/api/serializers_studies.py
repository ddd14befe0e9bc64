"""Studies, their questionnaires, indicator figures, findings, recommendations and reports.

Figures come from the findings engine as an anonymous visitor sees them
(:func:`ogmonitor.findings.services.results_for`): a cell of fewer respondents than the minimum
cell size is ``suppressed`` and its numbers are null. Respondents are never part of the API.
"""

from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ogmonitor.findings.models import Indicator, IndicatorResult, Recommendation
from ogmonitor.reports.models import Report
from ogmonitor.surveys.models import Choice, Question, Questionnaire, Study

from .serializers_places import OrganizationRefSerializer, both


def _percent(**kwargs):
    return serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=False, allow_null=True, **kwargs)


# --- Studies and questionnaires -----------------------------------------------------------------


class StudySerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    districts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    communities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True,
                                         help_text="Numbers of the plan's areas the study covers.")
    previous = serializers.SerializerMethodField(help_text="The previous round (slug), if it is published.")

    class Meta:
        model = Study
        fields = [
            "slug", *both("title", "description"), "organization", "plan", "period_start", "period_end",
            "districts", "communities", "areas", "channels", "aggregate_only", *both("source_note"), "previous",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_previous(self, study: Study) -> str | None:
        previous = study.previous
        return previous.slug if previous is not None and previous.status == Study.Status.PUBLISHED else None


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["name", *both("label")]


class QuestionSerializer(serializers.ModelSerializer):
    nap_activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="NAP activity (id).")
    nap_area = serializers.IntegerField(source="nap_area.number", read_only=True, allow_null=True,
                                        help_text="NAP area number.")
    choices = ChoiceSerializer(many=True, read_only=True, source="choice_list",
                               help_text="The options of a single or multiple choice, in order.")

    class Meta:
        model = Question
        fields = [
            "position", "type", "name", "path", *both("label", "hint"), "required", *both("required_message"),
            "constraint", *both("constraint_message"), "relevant", "list_name", "appearance",
            "nap_activity", "nap_area", "choices",
        ]


class QuestionnaireSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True, source="question_list")

    class Meta:
        model = Questionnaire
        fields = ["version", "title", "form_id", "form_version", "default_language", "created_at", "questions"]


class StudyDetailSerializer(StudySerializer):
    questionnaire = QuestionnaireSerializer(
        read_only=True, allow_null=True, source="current",
        help_text="The latest version of the questionnaire (null for a round without microdata).",
    )

    class Meta(StudySerializer.Meta):
        fields = [*StudySerializer.Meta.fields, "questionnaire"]


# --- Indicator figures --------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    """One figure: overall, or one group of a breakdown."""

    dimension = serializers.ChoiceField(choices=IndicatorResult.Dimension.choices,
                                        help_text="The breakdown ('' for the overall figure).")
    group_key = serializers.CharField(help_text="District code, community slug, category code or gender; '' is 'not recorded'.")
    label_az = serializers.CharField()
    label_en = serializers.CharField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    percentage = _percent()
    percentage_upper = _percent(help_text="Upper end of a published range (e.g. 90–95%).")
    ci_low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval, lower end, in percent.")
    ci_high = serializers.FloatField(allow_null=True)
    base_uncertain = serializers.BooleanField()
    small = serializers.BooleanField(help_text="Fewer respondents than the minimum cell size.")
    suppressed = serializers.BooleanField(help_text="Its numbers are withheld (null) to protect respondents.")
    computed_at = serializers.DateTimeField(allow_null=True)


class BreakdownSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=IndicatorResult.Dimension.choices)
    cells = CellSerializer(many=True)


class IndicatorFiguresSerializer(serializers.ModelSerializer):
    nap_area = serializers.IntegerField(source="nap_area.number", read_only=True, allow_null=True)
    nap_activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    overall = CellSerializer(read_only=True, allow_null=True, source="api_overall")
    breakdowns = BreakdownSerializer(many=True, read_only=True, source="api_breakdowns")

    class Meta:
        model = Indicator
        fields = [
            "code", *both("title"), "position", "kind", "nap_area", "nap_activity", "question_name",
            "numerator_choices", "base", "filter_question", "filter_choices", "community_rule",
            "aggregate_key", "aggregate_choice", "overall", "breakdowns",
        ]


class RateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    percentage = _percent()
    percentage_upper = _percent()
    base_uncertain = serializers.BooleanField()
    unit = serializers.CharField(help_text="respondents, communities or municipalities")
    published = serializers.BooleanField(help_text="A published figure of a round without microdata.")
    suppressed = serializers.BooleanField()


class ComparisonRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    title_az = serializers.CharField()
    title_en = serializers.CharField()
    current = RateSerializer(allow_null=True)
    previous = RateSerializer(allow_null=True)
    change_pp = _percent(help_text="Change in percentage points (null if unknown or withheld).")
    p_value = serializers.FloatField(allow_null=True, help_text="Two-proportion z-test; null when not tested.")
    verdict = serializers.CharField(allow_null=True, help_text="rose, fell or no_clear_change; null when withheld.")
    notes_az = serializers.ListField(child=serializers.CharField())
    notes_en = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    study = serializers.CharField()
    previous = serializers.CharField(allow_null=True, help_text="The previous published round, if any.")
    rows = ComparisonRowSerializer(many=True)


# --- Findings, recommendations, reports ------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    indicator = serializers.CharField(allow_null=True, help_text="Code of the indicator it states.")
    nap_area = serializers.IntegerField(allow_null=True)
    text_az = serializers.CharField(help_text="The sentence with the indicator's current (public) figures.")
    text_en = serializers.CharField()
    updated_at = serializers.DateTimeField()


class RecommendationSerializer(serializers.ModelSerializer):
    study = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    addressee = OrganizationRefSerializer(read_only=True, allow_null=True)
    findings = serializers.SerializerMethodField(help_text="Ids of the published findings it answers.")
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="NAP activities (ids).")

    class Meta:
        model = Recommendation
        fields = [
            "id", "study", "position", *both("text"), "priority", "addressee", *both("addressee_text"), "status",
            "findings", "activities", "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_findings(self, recommendation) -> list[int]:
        return [finding.pk for finding in recommendation.published_findings]


class ReportSerializer(serializers.ModelSerializer):
    study = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "study", "version", "language", "format", "created_at", "finished_at", "download_url"]

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, report: Report) -> str:
        # The download page lives under a language prefix: the report's own language.
        with translation.override(report.language):
            path = reverse("reports:download", args=[report.study.slug, report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
