"""Places, organisations and the NAP registry as the API shows them.

Every human-readable text is given in both languages, as ``<name>_az`` and ``<name>_en``
(an empty string when that language was not written); coded values (``type``, ``status``…)
are stable identifiers whose labels the schema lists. The response is the same whatever the
request's language, so one download holds the whole bilingual record.
"""

from rest_framework import serializers

from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area

LANGUAGES = ("az", "en")


def both(*names: str) -> list[str]:
    """``both("title")`` → ``["title_az", "title_en"]``: a translated field's two columns."""
    return [f"{name}_{language}" for name in names for language in LANGUAGES]


# --- References: how one object names another ---------------------------------------------------


class DistrictRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", *both("name")]


class CommunityRefSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = Community
        fields = ["slug", *both("name"), "district"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", *both("name"), "short_name", "type"]


# --- Places --------------------------------------------------------------------------------------


class DistrictSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = District
        fields = ["code", *both("name"), "kind", "parent"]


class CommunitySerializer(serializers.ModelSerializer):
    district = DistrictRefSerializer(read_only=True)

    class Meta:
        model = Community
        fields = ["slug", *both("name"), "kind", "district", "is_demo"]


class OrganizationSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    community = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "slug", *both("name"), "short_name", "type", "district", "community",
            "website", "email", "phone", "address", "is_demo",
        ]


# --- Plans ------------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.IntegerField(source="area.number", read_only=True)
    executors = OrganizationRefSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "plan", "area", "number", *both("title", "description"), "executors", "executor_types",
            *both("executors_text", "participants", "deadline_text"), "start_year", "end_year",
            "involves_municipalities", "is_placeholder",
        ]


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["number", *both("title"), "is_placeholder"]


class AreaWithActivitiesSerializer(AreaSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "activities"]


class ActionPlanSerializer(serializers.ModelSerializer):
    areas = AreaSerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "slug", *both("title"), "country", "start_year", "end_year", *both("approved_by"), "approved_on",
            *both("summary"), "source_url", "is_demo", "areas",
        ]


class ActionPlanDetailSerializer(ActionPlanSerializer):
    """A plan with every area and, under each, its activities."""

    areas = AreaWithActivitiesSerializer(many=True, read_only=True)
