"""Projects with their logframe and each indicator's progress; the disclosure checklist,
publications and the transparency index."""

from rest_framework import serializers

from ogmonitor.disclosure.models import Category, Item, Period, Publication
from ogmonitor.logframe.models import ExpectedResult, Objective, Project, ProjectActivity

from .serializers_places import DistrictRefSerializer, OrganizationRefSerializer, both

_SLUGS = {"slug_field": "slug", "many": True, "read_only": True}


# --- Projects ------------------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    donor = OrganizationRefSerializer(read_only=True, allow_null=True)
    organization = OrganizationRefSerializer(read_only=True)
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    districts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(**_SLUGS)
    communities = serializers.SlugRelatedField(**_SLUGS)
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "slug", *both("title"), "donor", *both("programme"), "organization", "plan", "starts_on", "ends_on",
            "districts", "municipalities", "communities", *both("summary", "source_note"), "indicator_count", "is_demo",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["code", *both("title")]


class ExpectedResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpectedResult
        fields = ["id", *both("text")]


class ProjectActivitySerializer(serializers.ModelSerializer):
    objective = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    nap_activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="NAP activities (ids).")
    results = ExpectedResultSerializer(many=True, read_only=True)

    class Meta:
        model = ProjectActivity
        fields = ["code", "objective", *both("title", "description"), "nap_activities", "results"]


class GridCellSerializer(serializers.Serializer):
    municipality = serializers.CharField(help_text="Target municipality (slug).")
    count = serializers.IntegerField()
    counted = serializers.IntegerField(help_text="What it contributes to the actual (at most the per-municipality target).")
    state = serializers.CharField(help_text="met, partial or none")


class IndicatorProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    title_az = serializers.CharField()
    title_en = serializers.CharField()
    unit_az = serializers.CharField()
    unit_en = serializers.CharField()
    activity = serializers.CharField(allow_null=True, help_text="Code of the project activity, if any.")
    result = serializers.IntegerField(allow_null=True, help_text="Expected result (id), if any.")
    target_kind = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    target_max = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    due_on = serializers.DateField()
    source = serializers.CharField(help_text="Where the actual value comes from (the records counted, or manual).")
    per_municipality = serializers.IntegerField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True, help_text="The actual as a share of the target.")
    expected = serializers.FloatField(allow_null=True, help_text="What a straight line from start to due expects today.")
    met = serializers.BooleanField()
    above = serializers.BooleanField()
    status = serializers.CharField(help_text="not_started, on_track, behind, met, above or no_target")
    description_az = serializers.CharField(help_text="What was counted, in words.")
    description_en = serializers.CharField()
    grid = GridCellSerializer(many=True, help_text="Per target municipality, for an indicator set per municipality.")


class ProgressSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    status_counts = serializers.DictField(child=serializers.IntegerField())
    indicators = IndicatorProgressSerializer(many=True)


class ProjectDetailSerializer(ProjectSerializer):
    objectives = ObjectiveSerializer(many=True, read_only=True)
    activities = ProjectActivitySerializer(many=True, read_only=True)
    progress = ProgressSerializer(read_only=True, source="api_progress")

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "objectives", "activities", "progress"]


# --- Disclosure -------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", *both("name"), "position"]


class ItemSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True)

    class Meta:
        model = Item
        fields = ["code", *both("name", "description"), "category", "weight", "current_for_days", "applies_to",
                  "position"]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", *both("name"), "starts_on", "ends_on"]


class PublicationSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.CharField(source="item.category.code", read_only=True)
    verified = serializers.SerializerMethodField(help_text="Checked by the monitoring organisation.")

    class Meta:
        model = Publication
        fields = ["id", "organization", "item", "category", "channel", "url", "published_on", "title",
                  "verified", "verified_on", "is_demo"]

    def get_verified(self, publication) -> bool:
        return publication.verified_on is not None


class ScoreFieldsSerializer(serializers.Serializer):
    index = serializers.FloatField(allow_null=True, help_text="100 × weight of current items / weight of applicable items.")
    current = serializers.IntegerField()
    stale = serializers.IntegerField()
    missing = serializers.IntegerField()
    applicable = serializers.IntegerField()
    publications = serializers.IntegerField()


class RankingRowSerializer(ScoreFieldsSerializer):
    rank = serializers.IntegerField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="Change of the index since the previous period.")
    organization = OrganizationRefSerializer()
    district = serializers.CharField(allow_null=True)


class DistrictRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    district = DistrictRefSerializer()
    mean = serializers.FloatField(allow_null=True, help_text="Mean index of its ranked municipalities.")
    count = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    period = serializers.IntegerField(allow_null=True, help_text="The period (id); null for today.")
    partial = serializers.BooleanField(help_text="The period has not ended: the index so far.")
    previous_as_of = serializers.DateField(allow_null=True)
    municipalities = RankingRowSerializer(many=True)
    community_organizations = RankingRowSerializer(many=True)
    districts = DistrictRowSerializer(many=True)


class ChecklistRowSerializer(serializers.Serializer):
    item = serializers.CharField()
    category = serializers.CharField()
    state = serializers.CharField(help_text="current, stale or missing")
    published_on = serializers.DateField(allow_null=True, help_text="The latest publication by the day.")
    url = serializers.CharField(help_text="Where the latest publication is.")
    expires_on = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(help_text="Times it was published by the day.")


class ChecklistSerializer(ScoreFieldsSerializer):
    organization = OrganizationRefSerializer()
    as_of = serializers.DateField()
    period = serializers.IntegerField(allow_null=True)
    items = ChecklistRowSerializer(many=True)
