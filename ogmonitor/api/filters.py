"""Query filters of the public lists (django-filter) and ``?ordering=`` in Azerbaijani order.

Related objects are filtered by the identifier the API shows for them: a district by its ISO
code, a community, organisation, plan, study, event or project by its slug, a proposal by its
number. Date ranges are ``<field>_after`` / ``<field>_before`` (both inclusive, YYYY-MM-DD).

Labels are API documentation for developers, in English like the rest of the schema's
descriptions; messages a client shows its users (validation errors) are translated.
"""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from rest_framework.filters import OrderingFilter

from ogmonitor.disclosure.models import Category, Item, Publication
from ogmonitor.engagement.models import DialoguePlatform, Event, Proposal
from ogmonitor.findings.models import Indicator, Recommendation
from ogmonitor.lib.models import az_collated
from ogmonitor.logframe.models import Project
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity
from ogmonitor.reports.models import Report
from ogmonitor.surveys.models import Study


class AzOrderingFilter(OrderingFilter):
    """DRF's ``?ordering=`` (comma-separated, ``-`` for descending), with the view's
    ``collated_fields`` (names, titles) sorted in Azerbaijani alphabetical order, and the
    primary key last so that pages never overlap."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        collated = set(getattr(view, "collated_fields", ()))
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            if name in collated:
                expression = az_collated(name)
                terms.append(expression.desc() if term.startswith("-") else expression.asc())
            else:
                terms.append(term)
        return queryset.order_by(*terms, "pk")


class IntegerFilter(filters.NumberFilter):
    """A whole number within what every database compares (django-filter's NumberFilter takes
    any decimal, and SQLite overflows on a huge one)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


def _search(queryset, name, value):
    """Names containing ``value`` the Azerbaijani way (İ/i, I/ı, with or without diacritics)."""
    return queryset.search(value)


def _slug(field_name: str, queryset, label, slug_field: str = "slug"):
    return filters.ModelChoiceFilter(
        field_name=field_name, queryset=queryset, to_field_name=slug_field, label=label,
    )


def _district(field_name: str = "district"):
    return _slug(field_name, District.objects.all(), "District (ISO 3166-2 code)", "code")


# --- Places and plans ------------------------------------------------------------------------------


class DistrictFilter(filters.FilterSet):
    q = filters.CharFilter(method=_search, label="Name contains")
    parent = _district("parent")

    class Meta:
        model = District
        fields = ["kind"]


class CommunityFilter(filters.FilterSet):
    q = filters.CharFilter(method=_search, label="Name contains")
    district = _district()

    class Meta:
        model = Community
        fields = ["kind", "is_demo"]


class OrganizationFilter(filters.FilterSet):
    q = filters.CharFilter(method=_search, label="Name or short name contains")
    district = _district()
    community = _slug("community", Community.objects.all(), "Community (slug)")

    class Meta:
        model = Organization
        fields = ["type", "is_demo"]


class ActionPlanFilter(filters.FilterSet):
    year = IntegerFilter(method="covering_year", label="Plans in force in this year")

    class Meta:
        model = ActionPlan
        fields = ["country"]

    def covering_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class ActivityFilter(filters.FilterSet):
    plan = _slug("plan", ActionPlan.objects.all(), "Action plan (slug)")
    area = IntegerFilter(field_name="area__number", label="Area number (with plan)")
    executor = _slug("executors", Organization.objects.all(), "Executing organisation (slug)")
    year = IntegerFilter(method="covering_year", label="Activities planned in this year")

    class Meta:
        model = Activity
        fields = ["involves_municipalities", "is_placeholder"]

    def covering_year(self, queryset, name, value):
        return queryset.filter(
            Q(start_year__isnull=True) | Q(start_year__lte=value), Q(end_year__isnull=True) | Q(end_year__gte=value),
        ).exclude(start_year__isnull=True, end_year__isnull=True)


# --- Studies and findings -----------------------------------------------------------------------


class StudyFilter(filters.FilterSet):
    plan = _slug("plan", ActionPlan.objects.all(), "Action plan (slug)")
    organization = _slug("organization", Organization.objects.all(), "Conducting organisation (slug)")
    district = _district("districts")
    community = _slug("communities", Community.objects.all(), "Community (slug)")
    period_start = filters.DateFromToRangeFilter(label="Fieldwork started between")
    period_end = filters.DateFromToRangeFilter(label="Fieldwork ended between")

    class Meta:
        model = Study
        fields = ["aggregate_only"]


class IndicatorFilter(filters.FilterSet):
    area = IntegerFilter(field_name="nap_area__number", label="NAP area number")

    class Meta:
        model = Indicator
        fields = ["kind", "code"]


class FindingFilter(filters.FilterSet):
    indicator = filters.CharFilter(field_name="indicator__code", label="Indicator code")
    area = IntegerFilter(field_name="nap_area__number", label="NAP area number")


class RecommendationFilter(filters.FilterSet):
    study = _slug("study", Study.objects.published(), "Study (slug)")
    addressee = _slug("addressee", Organization.objects.all(), "Addressee (slug)")
    activity = IntegerFilter(field_name="activities", label="NAP activity (id)")

    class Meta:
        model = Recommendation
        fields = ["status", "priority"]


class ReportFilter(filters.FilterSet):
    study = _slug("study", Study.objects.published(), "Study (slug)")
    # Not "format": DRF reserves ?format= to choose the response's format.
    file_format = filters.ChoiceFilter(field_name="format", choices=Report.Format.choices, label="File format")

    class Meta:
        model = Report
        fields = ["language"]


# --- Engagement ------------------------------------------------------------------------------------


class EventFilter(filters.FilterSet):
    district = _district()
    community = _slug("community", Community.objects.all(), "Community (slug)")
    municipality = _slug("municipality", Organization.objects.all(), "Municipality (slug)")
    organizer = _slug("organizers", Organization.objects.all(), "Organiser (slug)")
    plan = _slug("plan", ActionPlan.objects.all(), "Action plan (slug)")
    platform = _slug("platform", DialoguePlatform.objects.published(), "Dialogue platform (slug)")
    date = filters.DateFromToRangeFilter(label="Held between")
    year = IntegerFilter(field_name="date__year", label="Year")

    class Meta:
        model = Event
        fields = ["type", "status", "format"]


class ProposalFilter(filters.FilterSet):
    addressee = _slug("addressee", Organization.objects.all(), "Addressed to (slug)")
    organization = _slug("organization", Organization.objects.all(), "Recorded by organisation (slug)")
    event = _slug("event", Event.objects.published(), "Raised at event (slug)")
    community = _slug("community", Community.objects.all(), "Community (slug)")
    activity = IntegerFilter(field_name="activity", label="NAP activity (id)")
    submitted_on = filters.DateFromToRangeFilter(label="Submitted between")
    answer_due = filters.DateFromToRangeFilter(label="Answer due between")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Awaiting an answer past its due date")

    class Meta:
        model = Proposal
        fields = ["status", "topic"]

    def filter_overdue(self, queryset, name, value):
        waiting = Q(status__in=Proposal.AWAITING, answer_due__lt=timezone.localdate())
        return queryset.filter(waiting) if value else queryset.exclude(waiting)


class PlatformFilter(filters.FilterSet):
    district = _district()

    class Meta:
        model = DialoguePlatform
        fields = ["level"]


# --- Projects and disclosure ----------------------------------------------------------------------


class ProjectFilter(filters.FilterSet):
    organization = _slug("organization", Organization.objects.all(), "Implementing organisation (slug)")
    donor = _slug("donor", Organization.objects.all(), "Donor (slug)")
    plan = _slug("plan", ActionPlan.objects.all(), "Action plan (slug)")
    district = _district("districts")
    starts_on = filters.DateFromToRangeFilter(label="Started between")
    ends_on = filters.DateFromToRangeFilter(label="Ended between")
    active_on = filters.DateFilter(method="filter_active_on", label="Running on this day")

    class Meta:
        model = Project
        fields = ["is_demo"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(starts_on__lte=value, ends_on__gte=value)


class ItemFilter(filters.FilterSet):
    category = _slug("category", Category.objects.all(), "Category (code)", "code")

    class Meta:
        model = Item
        fields = ["applies_to"]


class PublicationFilter(filters.FilterSet):
    organization = _slug("organization", Organization.objects.all(), "Organisation (slug)")
    item = _slug("item", Item.objects.all(), "Checklist item (code)", "code")
    category = _slug("item__category", Category.objects.all(), "Category (code)", "code")
    district = _district("organization__district")
    published_on = filters.DateFromToRangeFilter(label="Published between")
    verified = filters.BooleanFilter(field_name="verified_on", lookup_expr="isnull", exclude=True,
                                     label="Checked by the monitoring organisation")

    class Meta:
        model = Publication
        fields = ["channel"]
