"""Who may see or change which records: the one permission policy every entry point asks.

Views, admin, API and exports call these functions instead of testing groups themselves, so a
rule is changed in one place. Model permissions (see :mod:`.roles`) gate the kind of record;
these functions add the object-level rule.
"""

from django.db.models import QuerySet

from .roles import Role


def is_staff_member(user) -> bool:
    """Logged in and holding any of the staff roles."""
    return bool(user.is_authenticated and (user.is_superuser or user.role_names))


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.ADMINISTRATOR))


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.COORDINATOR))


def can_manage_plans(user) -> bool:
    """Create plans and import their activities: administrators and coordinators."""
    return bool(user.is_authenticated and user.has_perm("plans.add_activity"))


def can_edit_organization(user, organization) -> bool:
    """Administrators and coordinators edit any organisation; a municipality editor only their own."""
    if not user.is_authenticated or not user.has_perm("places.change_organization"):
        return False
    if is_administrator(user) or is_coordinator(user):
        return True
    if user.has_role(Role.MUNICIPALITY_EDITOR):
        return organization.pk is not None and organization.pk == user.organization_id
    return False


def editable_organizations(user, queryset: QuerySet) -> QuerySet:
    """The part of ``queryset`` the user may edit (for lists and the admin)."""
    if not user.is_authenticated or not user.has_perm("places.change_organization"):
        return queryset.none()
    if is_administrator(user) or is_coordinator(user):
        return queryset
    if user.has_role(Role.MUNICIPALITY_EDITOR) and user.organization_id:
        return queryset.filter(pk=user.organization_id)
    return queryset.none()


def can_enter_data_in(user, community) -> bool:
    """Enumerators enter data only in their assigned communities; coordinators everywhere."""
    if is_administrator(user) or is_coordinator(user):
        return True
    if user.is_authenticated and user.has_role(Role.ENUMERATOR):
        return user.communities.filter(pk=community.pk).exists()
    return False
