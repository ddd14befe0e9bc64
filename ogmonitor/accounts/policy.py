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


# --- Studies (surveys app) -------------------------------------------------------------------
# Study objects are passed in; this module imports no higher app, so the dependency stays one-way.


def can_manage_study(user, study) -> bool:
    """Administrators any study; coordinators the studies of their own organisation."""
    if is_administrator(user):
        return True
    return bool(is_coordinator(user) and study.organization_id == user.organization_id)


def can_create_study(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("surveys.add_study") and (is_administrator(user) or user.organization_id))


def managed_studies(user, queryset: QuerySet) -> QuerySet:
    """The studies in ``queryset`` the user manages (coordinates)."""
    if is_administrator(user):
        return queryset
    if is_coordinator(user) and user.organization_id:
        return queryset.filter(organization_id=user.organization_id)
    return queryset.none()


def enumerator_communities(user, study) -> QuerySet | None:
    """Communities where ``user`` may enter data for ``study``; None means all of the study's."""
    from django.apps import apps

    if can_manage_study(user, study):
        return None
    Community = apps.get_model("places", "Community")
    if not user.is_authenticated or not user.has_role(Role.ENUMERATOR):
        return Community.objects.none()
    return Community.objects.filter(
        studymember__study=study, studymember__user=user, studymember__role="enumerator"
    ).distinct()


def can_enter_data(user, study, community=None) -> bool:
    """Coordinators of the study anywhere in it; enumerators only in communities assigned for it."""
    if can_manage_study(user, study):
        return True
    allowed = enumerator_communities(user, study)
    if allowed is None:
        return True
    if community is None:
        return allowed.exists()
    return allowed.filter(pk=community.pk).exists()


def can_see_identity(user, study) -> bool:
    """Respondents' names and phones: the study's coordinators only."""
    return can_manage_study(user, study)


# --- Engagement (events, proposals, dialogue platforms) --------------------------------------


def can_manage_engagement(user) -> bool:
    """Record events, proposals and platforms: administrators and coordinators."""
    return bool(is_administrator(user) or (is_coordinator(user) and user.has_perm("engagement.add_event")))


def can_edit_engagement_record(user, record) -> bool:
    """An event, proposal or platform record: administrators any; coordinators those their own
    organisation keeps (``record.organization``) and those kept by no organisation."""
    if is_administrator(user):
        return True
    if not can_manage_engagement(user):
        return False
    owner = getattr(record, "organization_id", None)
    return owner is None or owner == user.organization_id


def can_answer_proposal(user, proposal) -> bool:
    """Record the authority's answer: whoever may edit the proposal, and the addressed
    municipality's own editors (so a municipality can answer in ogmonitor directly)."""
    if can_edit_engagement_record(user, proposal):
        return True
    return bool(
        user.is_authenticated and user.has_role(Role.MUNICIPALITY_EDITOR)
        and proposal.addressee_id is not None and proposal.addressee_id == user.organization_id
    )


# --- Projects (logframe) and proactive disclosure ----------------------------------------------


def can_manage_project(user, project) -> bool:
    """A project's logframe, manual values and outreach records: administrators, and the
    coordinators of the implementing organisation."""
    if is_administrator(user):
        return True
    return bool(is_coordinator(user) and project.organization_id == user.organization_id)


def can_record_publication(user, organization) -> bool:
    """Record (or correct) what ``organization`` published: administrators and coordinators for
    any organisation; a municipality editor for their own municipality only."""
    if not user.is_authenticated or not user.has_perm("disclosure.add_publication"):
        return False
    if is_administrator(user) or is_coordinator(user):
        return True
    return bool(user.has_role(Role.MUNICIPALITY_EDITOR) and organization.pk == user.organization_id)


def can_verify_publication(user) -> bool:
    """Confirm that a recorded publication is really there: the monitoring NGO, not the municipality."""
    return bool(is_administrator(user) or (is_coordinator(user) and user.has_perm("disclosure.change_publication")))
