"""Published studies: questionnaires, indicator figures, the round comparison, findings,
recommendations and reports; and the one write endpoint of surveys, submissions.

Figures are read through the findings engine as an anonymous visitor sees them
(:func:`ogmonitor.findings.services.results_for` with no viewer), whoever calls.
"""

import uuid as uuid_module

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ogmonitor.accounts import policy
from ogmonitor.findings import services as findings
from ogmonitor.findings.labels import group_labels
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.reports.models import Report
from ogmonitor.surveys import submissions
from ogmonitor.surveys.models import Question, Study, Submission
from ogmonitor.surveys.views import visible_studies

from . import filters
from . import serializers_studies as s
from .bilingual import in_each_language
from .schema import ERROR_DETAIL, ApiAutoSchema
from .serializers_write import SubmissionInputSerializer, SubmissionSerializer
from .views_base import NUMBER, SLUG, InPublishedStudy, PublicListViewSet, PublicViewSet

Dimension = IndicatorResult.Dimension


# --- Studies ------------------------------------------------------------------------------------------


def current_questionnaire(study: Study):
    """The latest questionnaire with ``question_list`` (each with its ``choice_list``): 3 queries."""
    questionnaire = study.questionnaires.order_by("-version").first()
    if questionnaire is None:
        return None
    choices: dict[str, list] = {}
    for choice in questionnaire.choices.order_by("list_name", "position"):
        choices.setdefault(choice.list_name, []).append(choice)
    questions = list(questionnaire.questions.select_related("nap_area").order_by("position"))
    for question in questions:
        question.choice_list = choices.get(question.list_name, []) if question.is_select else []
    questionnaire.question_list = questions
    return questionnaire


class StudyViewSet(PublicViewSet):
    """Published survey rounds; one study also gives its latest questionnaire."""

    queryset = Study.objects.published().select_related("organization", "plan", "previous").prefetch_related(
        "districts", "communities", "areas",
    )
    filterset_class = filters.StudyFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["period_start", "period_end", "slug", "title_az", "title_en"]
    collated_fields = ("title_az", "title_en")
    ordering = ["-period_start", "slug"]

    def get_serializer_class(self):
        return s.StudyDetailSerializer if self.action == "retrieve" else s.StudySerializer

    def retrieve(self, request, *args, **kwargs):
        study = self.get_object()
        study.current = current_questionnaire(study)
        return Response(self.get_serializer(study).data)

    @extend_schema(responses=s.ComparisonSerializer, filters=False)
    @action(detail=True, filter_backends=[], pagination_class=None)
    def comparison(self, request, slug=None):
        """This round against the previous one, indicator by indicator (same code), if the
        previous round is published; figures withheld on either side withhold the change."""
        study = self.get_object()
        previous = study.previous if study.previous_id and study.previous.status == Study.Status.PUBLISHED else None
        rows = comparison_rows(study, previous) if previous is not None else []
        return Response(s.ComparisonSerializer({
            "study": study.slug, "previous": previous.slug if previous else None, "rows": rows,
        }).data)


def _rate(rate, threshold: int) -> dict | None:
    if rate is None:
        return None
    suppressed = findings.is_small_rate(rate, threshold)  # the one rule, as the web page applies it
    payload = {
        "numerator": rate.numerator, "denominator": rate.denominator, "percentage": rate.percentage,
        "percentage_upper": rate.percentage_upper, "base_uncertain": rate.base_uncertain,
        "unit": str(rate.unit), "published": rate.published, "suppressed": suppressed,
    }
    if suppressed:
        payload.update(numerator=None, denominator=None, percentage=None, percentage_upper=None)
    return payload


def comparison_rows(study: Study, previous: Study) -> list[dict]:
    """The engine's comparison, its notes in both languages, small shares withheld."""
    threshold = findings.min_cell_size()
    by_language = in_each_language(findings.compare_studies, study, previous)
    titles = {indicator.code: indicator for indicator in study.indicators.all()}
    rows = []
    for row, english in zip(by_language["az"], by_language["en"], strict=True):
        current, before = _rate(row.current, threshold), _rate(row.previous, threshold)
        withheld = any(side is not None and side["suppressed"] for side in (current, before))
        indicator = titles[row.code]
        rows.append({
            "code": row.code, "title_az": indicator.title_az or "", "title_en": indicator.title_en or "",
            "current": current, "previous": before,
            # Either side and the change would give the withheld side back.
            "change_pp": None if withheld else row.change_pp,
            "p_value": None if withheld else row.p_value,
            "verdict": None if withheld else str(row.verdict),
            "notes_az": [] if withheld else row.notes,
            "notes_en": [] if withheld else english.notes,
        })
    return rows


# --- Indicator figures --------------------------------------------------------------------------------


def _cell(cell, labels: dict[str, dict]) -> dict:
    key = (cell.dimension, cell.group_key)
    return {
        "dimension": cell.dimension, "group_key": cell.group_key,
        "label_az": labels["az"].get(key, ""), "label_en": labels["en"].get(key, ""),
        "numerator": cell.numerator, "denominator": cell.denominator, "percentage": cell.percentage,
        "percentage_upper": cell.percentage_upper, "ci_low": cell.ci_low, "ci_high": cell.ci_high,
        "base_uncertain": cell.base_uncertain, "small": cell.small, "suppressed": cell.suppressed,
        "computed_at": cell.computed_at,
    }


def _labels(figures: list) -> dict[str, dict]:
    """Group labels in both languages for the cells of ``figures`` (a query per breakdown and language)."""
    keys = {(cell.dimension, cell.group_key) for figure in figures for cells in figure.breakdowns.values() for cell in cells}

    def labels():
        found = group_labels(keys) if keys else {}
        found[(Dimension.OVERALL, "")] = str(Dimension(Dimension.OVERALL).label)
        return found

    return in_each_language(labels)


def attach_figures(study: Study, indicators: list[Indicator]) -> None:
    """Give each of ``indicators`` its public figures as ``api_overall`` and ``api_breakdowns``."""
    codes = [indicator.code for indicator in indicators]
    figures = {figure.indicator.pk: figure for figure in findings.results_for(study, viewer=None, codes=codes)}
    shown = [figures[indicator.pk] for indicator in indicators if indicator.pk in figures]
    labels = _labels(shown)
    for indicator in indicators:
        figure = figures.get(indicator.pk)
        indicator.api_overall = _cell(figure.overall, labels) if figure and figure.overall else None
        indicator.api_breakdowns = [
            {"dimension": dimension, "cells": [_cell(cell, labels) for cell in cells]}
            for dimension, cells in (figure.breakdowns.items() if figure else [])
        ]


class StudyIndicatorViewSet(InPublishedStudy, PublicListViewSet):
    """A published study's indicators with their overall figure and breakdowns; cells of fewer
    respondents than the minimum cell size are ``suppressed``, their numbers null."""

    serializer_class = s.IndicatorFiguresSerializer
    filterset_class = filters.IndicatorFilter
    ordering_fields = ["position", "code"]
    ordering = ["position", "code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Indicator.objects.none()
        return Indicator.objects.filter(study=self.study).select_related("nap_area")

    def list(self, request, *args, **kwargs):
        indicators = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        attach_figures(self.study, indicators)
        return self.get_paginated_response(self.get_serializer(indicators, many=True).data)


# --- Findings, recommendations, reports ----------------------------------------------------------------


class StudyFindingViewSet(InPublishedStudy, PublicListViewSet):
    """A published study's published findings, their sentences filled in with the indicator's
    public figures (a withheld figure reads "—")."""

    serializer_class = s.FindingSerializer
    filterset_class = filters.FindingFilter
    ordering_fields = ["position"]
    ordering = ["position"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        return Finding.objects.filter(study=self.study, status=Finding.Status.PUBLISHED).select_related(
            "indicator", "nap_area",
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        overall = {}
        if any(finding.indicator_id for finding in page):
            overall = {
                figure.indicator.pk: figure.overall
                for figure in findings.results_for(self.study, viewer=None, max_groups=0)
            }
        rendered = in_each_language(_sentences, page, overall)
        rows = [
            {
                "id": finding.pk, "position": finding.position,
                "indicator": finding.indicator.code if finding.indicator_id else None,
                "nap_area": finding.nap_area.number if finding.nap_area_id else None,
                "text_az": rendered["az"][index], "text_en": rendered["en"][index], "updated_at": finding.updated_at,
            }
            for index, finding in enumerate(page)
        ]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def _sentences(page: list[Finding], overall: dict) -> list[str]:
    """Each finding's text in the active language (its own column, no fallback), figures filled in
    the language's number format."""
    language = (translation.get_language() or "az")[:2]
    return [
        findings.render_sentence(getattr(finding, f"text_{language}") or "", overall.get(finding.indicator_id))
        for finding in page
    ]


class RecommendationViewSet(PublicViewSet):
    """Recommendations of published studies, with the published findings they answer."""

    queryset = (
        Recommendation.objects.filter(study__status=Study.Status.PUBLISHED)
        .select_related("study", "addressee")
        .prefetch_related(
            Prefetch(
                "findings", to_attr="published_findings",
                queryset=Finding.objects.filter(status=Finding.Status.PUBLISHED).order_by("position", "pk"),
            ),
            "activities",
        )
    )
    serializer_class = s.RecommendationSerializer
    filterset_class = filters.RecommendationFilter
    lookup_value_regex = NUMBER
    ordering_fields = ["position", "updated_at", "priority", "status"]
    ordering = ["study__slug", "position"]


class ReportViewSet(PublicViewSet):
    """Built reports made public, of published studies, with their download address."""

    queryset = Report.objects.filter(
        study__status=Study.Status.PUBLISHED, is_public=True, status=Report.Status.DONE,
    ).select_related("study")
    serializer_class = s.ReportSerializer
    filterset_class = filters.ReportFilter
    lookup_value_regex = NUMBER
    ordering_fields = ["version", "finished_at", "created_at"]
    ordering = ["study__slug", "-version"]


# --- Submissions (write) ---------------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This form's identifier is already used by another form.")
    default_code = "conflict"


class SubmissionCreateView(generics.GenericAPIView):
    """Store one filled-in questionnaire through ``record_submission``: 201 when new, 200 with
    the stored submission when its UUID was submitted before (nothing is stored twice, and the
    first version wins whatever the resend carries), 409 when the UUID is someone else's form."""

    permission_classes = [IsAuthenticated]
    serializer_class = SubmissionInputSerializer
    schema = ApiAutoSchema()

    def get_study(self) -> Study:
        # The study need not be published (data are entered while it collects), but it must be
        # one the user may see; then the policy decides.
        study = get_object_or_404(visible_studies(self.request.user), slug=self.kwargs["study_slug"])
        if not policy.can_enter_data(self.request.user, study):
            raise PermissionDenied
        return study

    @extend_schema(
        operation_id="studies_submissions_create",
        request=SubmissionInputSerializer,
        responses={
            200: SubmissionSerializer, 201: SubmissionSerializer,
            409: OpenApiResponse(ERROR_DETAIL, description="The UUID is already another person's form, or another study's."),
        },
    )
    def post(self, request, study_slug):
        study = self.get_study()
        try:
            # A device resending a form it already sent (its first answer was lost on the way)
            # gets the stored submission, before anything it carries is checked again.
            stored = self._already_sent(study)
            if stored is not None:
                return self._stored(stored, created=False)
            submission, created = self._record(study)
        except submissions.SubmissionConflict as error:
            raise Conflict(*error.args) from error
        return self._stored(submission, created=created)

    def _already_sent(self, study: Study) -> Submission | None:
        data = self.request.data
        try:
            key = uuid_module.UUID(str(data.get("uuid")))
        except (AttributeError, ValueError):
            return None  # not a form with a UUID: _record refuses it with its field errors
        return submissions.already_sent(study, key, user=self.request.user)

    def _record(self, study: Study) -> tuple[Submission, bool]:
        serializer = SubmissionInputSerializer(data=self.request.data, study=study, user=self.request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        questionnaire = self._questionnaire(study, data.get("questionnaire_version"))
        unknown = sorted(set(data["answers"]) - _input_names(questionnaire))
        if unknown:
            raise ValidationError({"answers": {
                name: [_("No question of this name in this questionnaire.")] for name in unknown
            }})
        try:
            return submissions.record_submission(
                questionnaire, data["uuid"], data["answers"], data["respondent"],
                source=Submission.Source.API, user=self.request.user,
            )
        except submissions.SubmissionInvalid as error:
            raise ValidationError({"answers": {name: [message] for name, message in error.errors.items()}}) from error

    @staticmethod
    def _stored(submission: Submission, *, created: bool) -> Response:
        submission = Submission.objects.select_related(
            "study", "questionnaire", "respondent__community", "respondent__category", "respondent__organization",
        ).get(pk=submission.pk)
        return Response(
            SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @staticmethod
    def _questionnaire(study: Study, version: int | None):
        questionnaires = study.questionnaires.order_by("-version")
        questionnaire = questionnaires.filter(version=version).first() if version else questionnaires.first()
        if questionnaire is None:
            field = "questionnaire_version" if version else "non_field_errors"
            raise ValidationError({field: [_("This study has no such questionnaire version.") if version
                                           else _("This study has no questionnaire yet.")]})
        return questionnaire


def _input_names(questionnaire) -> set[str]:
    return {
        question.name for question in Question.objects.filter(questionnaire=questionnaire).exclude(name="")
        if question.is_input
    }
