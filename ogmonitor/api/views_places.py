"""Districts, communities, organisations and the NAP registry (all public)."""

from django.db.models import Prefetch

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area

from . import filters
from . import serializers_places as s
from .views_base import CODE, NUMBER, SLUG, PublicViewSet


class DistrictViewSet(PublicViewSet):
    """Districts (rayons, cities, the autonomous republic) by ISO 3166-2 code."""

    queryset = District.objects.select_related("parent")
    serializer_class = s.DistrictSerializer
    filterset_class = filters.DistrictFilter
    lookup_field = "code"
    lookup_value_regex = CODE
    ordering_fields = ["code", "name_az", "name_en", "kind"]
    collated_fields = ("name_az", "name_en")
    ordering = ["code"]


class CommunityViewSet(PublicViewSet):
    """Villages and settlements, each in its district."""

    queryset = Community.objects.select_related("district")
    serializer_class = s.CommunitySerializer
    filterset_class = filters.CommunityFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["name_az", "name_en", "slug", "kind"]
    collated_fields = ("name_az", "name_en")
    ordering = ["name_az"]


class OrganizationViewSet(PublicViewSet):
    """Municipalities, authorities, NGOs and every other actor the monitoring deals with."""

    queryset = Organization.objects.select_related("district", "community")
    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["name_az", "name_en", "slug", "type"]
    collated_fields = ("name_az", "name_en")
    ordering = ["name_az"]


def _activities():
    return Activity.objects.select_related("plan", "area").prefetch_related(
        Prefetch("executors", queryset=Organization.objects.order_by("name_az"))
    ).order_by("sort_key")


class ActionPlanViewSet(PublicViewSet):
    """National Action Plans with their areas; one plan also lists each area's activities."""

    lookup_field = "slug"
    lookup_value_regex = SLUG
    filterset_class = filters.ActionPlanFilter
    ordering_fields = ["start_year", "end_year", "slug"]
    ordering = ["-start_year"]

    def get_queryset(self):
        areas = Area.objects.order_by("number")
        if self.action == "retrieve":
            areas = areas.prefetch_related(Prefetch("activities", queryset=_activities()))
        return ActionPlan.objects.prefetch_related(Prefetch("areas", queryset=areas))

    def get_serializer_class(self):
        return s.ActionPlanDetailSerializer if self.action == "retrieve" else s.ActionPlanSerializer


class ActivityViewSet(PublicViewSet):
    """The measures of every plan, with who carries them out and by when."""

    queryset = _activities()
    serializer_class = s.ActivitySerializer
    filterset_class = filters.ActivityFilter
    lookup_value_regex = NUMBER
    ordering_fields = ["sort_key", "start_year", "end_year"]
    ordering = ["plan__start_year", "plan_id", "sort_key"]
