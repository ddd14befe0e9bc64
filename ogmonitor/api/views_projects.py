"""Published projects with their progress; the disclosure checklist, publications and rankings."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ogmonitor.disclosure import index
from ogmonitor.disclosure.forms import MomentForm, RankingFilterForm
from ogmonitor.disclosure.models import Item, Period, Publication
from ogmonitor.logframe.models import ExpectedResult, Project, ProjectActivity
from ogmonitor.logframe.progress import project_progress
from ogmonitor.places.models import Organization

from . import filters
from . import serializers_projects as s
from .bilingual import in_each_language
from .schema import ApiAutoSchema
from .views_base import NUMBER, SLUG, PublicViewSet, cache_public_view

# --- Projects ------------------------------------------------------------------------------------------


def _number(value):
    return None if value is None else float(value)


def progress_payload(project: Project, today) -> dict:
    """Every indicator measured and evaluated on ``today``, its description in both languages.

    The measures are counted once per language (their sentences are written in it): a fixed
    number of queries per indicator of this one project (see :mod:`ogmonitor.logframe.measures`).
    """
    progress = in_each_language(project_progress, project, today)
    indicators = []
    for item, english in zip(progress["az"].all_indicators(), progress["en"].all_indicators(), strict=True):
        indicator, evaluation = item.indicator, item.evaluation
        grid = item.measure.grid
        indicators.append({
            "code": indicator.code, "title_az": indicator.title_az or "", "title_en": indicator.title_en or "",
            "unit_az": indicator.unit_az or "", "unit_en": indicator.unit_en or "",
            "activity": indicator.activity.code if indicator.activity_id else None,
            "result": indicator.result_id, "target_kind": indicator.target_kind,
            "target": _number(indicator.target), "target_max": _number(indicator.target_max),
            "baseline": _number(indicator.baseline), "due_on": item.due, "source": indicator.source,
            "per_municipality": indicator.per_municipality, "actual": _number(item.measure.value),
            "percent": _number(evaluation.percent), "expected": _number(evaluation.expected),
            "met": evaluation.met, "above": evaluation.above, "status": str(evaluation.status),
            "description_az": item.measure.description, "description_en": english.measure.description,
            "grid": [
                {"municipality": cell.municipality.slug, "count": cell.count, "counted": cell.counted,
                 "state": cell.state}
                for cell in (grid.cells if grid else [])
            ],
        })
    return {"as_of": today, "status_counts": progress["az"].status_counts(), "indicators": indicators}


class ProjectViewSet(PublicViewSet):
    """Published projects; one project gives its logframe and every indicator's progress today."""

    filterset_class = filters.ProjectFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["starts_on", "ends_on", "title_az", "title_en"]
    collated_fields = ("title_az", "title_en")
    ordering = ["-starts_on"]

    def get_queryset(self):
        projects = (
            Project.objects.filter(is_published=True)
            .select_related("donor", "organization", "plan")
            .prefetch_related("districts", "municipalities", "communities")
            .annotate(indicator_count=Count("indicators", distinct=True))
        )
        if self.action == "retrieve":
            projects = projects.prefetch_related(
                "objectives",
                Prefetch("activities", queryset=ProjectActivity.objects.select_related("objective").prefetch_related(
                    "nap_activities", Prefetch("results", queryset=ExpectedResult.objects.order_by("pk")),
                ).order_by("code")),
            )
        return projects

    def get_serializer_class(self):
        return s.ProjectDetailSerializer if self.action == "retrieve" else s.ProjectSerializer

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        project.api_progress = progress_payload(project, timezone.localdate())
        return Response(self.get_serializer(project).data)


# --- Disclosure ------------------------------------------------------------------------------------


class ItemViewSet(PublicViewSet):
    """The disclosure checklist: every item in use, by category, with its weight and how long
    a publication of it stays current."""

    queryset = Item.objects.filter(is_active=True).select_related("category")
    serializer_class = s.ItemSerializer
    filterset_class = filters.ItemFilter
    lookup_field = "code"
    lookup_value_regex = SLUG
    ordering_fields = ["position", "code", "weight"]
    ordering = ["category__position", "category__code", "position", "code"]


class PeriodViewSet(PublicViewSet):
    """The reporting periods the transparency index is computed over."""

    queryset = Period.objects.all()
    serializer_class = s.PeriodSerializer
    lookup_value_regex = NUMBER
    ordering_fields = ["starts_on", "ends_on"]
    ordering = ["starts_on"]


class PublicationViewSet(PublicViewSet):
    """What municipalities and community organisations published, where and when."""

    queryset = Publication.objects.select_related("organization", "item__category")
    serializer_class = s.PublicationSerializer
    filterset_class = filters.PublicationFilter
    lookup_value_regex = NUMBER
    ordering_fields = ["published_on", "verified_on"]
    ordering = ["-published_on"]


_moments = index.moments


def _form_errors(form) -> dict:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


PERIOD = OpenApiParameter(
    "period", str, description="A period (id) — the index at its end — or 'today'. Default: the latest period that has started.",
)


def _score(score) -> dict:
    return {
        "index": _number(score.index), "current": score.current, "stale": score.stale, "missing": score.missing,
        "applicable": score.applicable, "publications": score.publications,
    }


def _ranking_row(row) -> dict:
    return {
        **_score(row.score), "rank": row.rank, "change": _number(row.change), "organization": row.organization,
        "district": row.organization.district.code if row.organization.district_id else None,
    }


@cache_public_view
class RankingView(generics.GenericAPIView):
    """Municipalities and community organisations ranked by the transparency index, with the
    change since the previous period, and districts by their municipalities' mean."""

    permission_classes = [AllowAny]
    schema = ApiAutoSchema()
    serializer_class = s.RankingSerializer

    @extend_schema(parameters=[PERIOD, OpenApiParameter("district", str, description="Only this district (code).")])
    def get(self, request):
        moments = _moments()
        form = RankingFilterForm(request.query_params or None, moments=moments)
        if form.is_bound and not form.is_valid():
            raise ValidationError(_form_errors(form))
        moment = form.chosen(timezone.localdate())
        organizations = Organization.objects.all()
        district = form.cleaned_data.get("district") if form.is_bound else None
        if district is not None:
            organizations = organizations.filter(district=district)
        previous = index.previous_moment(moments, moment)
        result = index.ranking(organizations, moment, previous)
        return Response(s.RankingSerializer({
            "as_of": moment.as_of, "period": moment.period.pk if moment.period else None,
            "partial": moment.is_partial, "previous_as_of": previous.as_of if previous else None,
            "municipalities": [_ranking_row(row) for row in result.municipalities],
            "community_organizations": [_ranking_row(row) for row in result.community_organizations],
            "districts": [
                {"rank": row.rank, "district": row.district, "mean": _number(row.mean), "count": row.count,
                 "change": _number(row.change)}
                for row in result.districts
            ],
        }).data)


@cache_public_view
class ChecklistView(generics.GenericAPIView):
    """One municipality's or community organisation's checklist: each item's state on the day."""

    permission_classes = [AllowAny]
    schema = ApiAutoSchema()
    serializer_class = s.ChecklistSerializer

    @extend_schema(parameters=[PERIOD])
    def get(self, request, slug):
        organization = get_object_or_404(
            Organization.objects.filter(type__in=index.RANKED_TYPES).select_related("district"), slug=slug,
        )
        moments = _moments()
        form = MomentForm(request.query_params or None, moments=moments)
        if form.is_bound and not form.is_valid():
            raise ValidationError(_form_errors(form))
        moment = form.chosen(timezone.localdate())
        sheet = index.organization_checklist(organization, moment.as_of)
        return Response(s.ChecklistSerializer({
            **_score(sheet.score), "organization": organization, "as_of": moment.as_of,
            "period": moment.period.pk if moment.period else None,
            "items": [
                {
                    "item": row.item.code, "category": row.item.category.code, "state": str(row.state),
                    "published_on": row.publication.published_on if row.publication else None,
                    "url": row.publication.url if row.publication else "", "expires_on": row.expires_on,
                    "count": row.count,
                }
                for row in sheet.rows
            ],
        }).data)

