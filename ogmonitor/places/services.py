"""State changes and reusable queries for places."""

from django.db import transaction

from .models import Organization


def filter_organizations(queryset, q: str = "", type: str = "", district=None):
    """Organisations matching a search text (Azerbaijani-aware), a type and a district."""
    if q:
        queryset = queryset.search(q)
    if type:
        queryset = queryset.filter(type=type)
    if district is not None:
        queryset = queryset.filter(district=district)
    return queryset


@transaction.atomic
def update_organization(form, user) -> Organization:
    """Save an organisation's edited details (the caller has checked ``can_edit_organization``)."""
    return form.save()
