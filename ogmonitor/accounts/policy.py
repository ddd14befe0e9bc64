"""Who may see or change which records: the one permission policy every entry point asks.

Views, admin, API and exports call these functions instead of testing groups themselves, so a
rule is changed in one place. Model permissions (see :mod:`.roles`) gate the kind of record;
these functions add the object-level rule.
"""

from django.db.models import Q, QuerySet

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


def can_assess(user) -> bool:
    """Record local assessments of plan activities: administrators, and coordinators of an
    organisation (a new assessment is made in their organisation's name, see
    :func:`can_edit_assessment`)."""
    if not user.is_authenticated or not user.has_perm("plans.add_localassessment"):
        return False
    return bool(is_administrator(user) or (is_coordinator(user) and user.organization_id))


def can_edit_assessment(user, assessment) -> bool:
    """Change a local assessment (and move it through its review): administrators any;
    coordinators those their own organisation made (``assessment.assessed_by``); nobody else.

    An assessment is the monitoring organisation's finding, so another NGO's coordinators, who
    keep the same plans, neither change nor see its drafts.
    """
    if not user.is_authenticated or not user.has_perm("plans.change_localassessment"):
        return False
    if is_administrator(user):
        return True
    return bool(is_coordinator(user) and user.organization_id and assessment.assessed_by_id == user.organization_id)


def can_review_assessment(user, assessment) -> bool:
    """Mark an assessment reviewed, publish it or return it to draft: whoever may edit it.

    The organisation decides who of its staff reviews; ogmonitor records who did and when. A
    rule that the reviewer be someone other than the author would be written here.
    """
    return can_edit_assessment(user, assessment)


def editable_assessments(user, queryset: QuerySet) -> QuerySet:
    """The assessments of ``queryset`` :func:`can_edit_assessment` allows."""
    if not user.is_authenticated or not user.has_perm("plans.change_localassessment"):
        return queryset.none()
    if is_administrator(user):
        return queryset
    if is_coordinator(user) and user.organization_id:
        return queryset.filter(assessed_by_id=user.organization_id)
    return queryset.none()


def visible_assessments(user, queryset: QuerySet) -> QuerySet:
    """Local assessments of plan activities: published ones for everyone; drafts and reviewed
    ones only for those who may edit them (:func:`can_edit_assessment`), 404 for the rest."""
    return queryset.published() | editable_assessments(user, queryset)


def can_see_assessment(user, assessment) -> bool:
    """One assessment, by the rule of :func:`visible_assessments`."""
    return bool(assessment.is_published or can_edit_assessment(user, assessment))


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


def _path(through: str, field: str) -> str:
    """``field`` reached through ``through`` ("study", "press_release__event"), or itself."""
    return f"{through}__{field}" if through else field


def managed_studies(user, queryset: QuerySet, *, through: str = "") -> QuerySet:
    """The studies in ``queryset`` the user manages (coordinates); with ``through`` (e.g.
    "study"), the records of ``queryset`` that belong to such a study (the admin's lists)."""
    if is_administrator(user):
        return queryset
    if is_coordinator(user) and user.organization_id:
        return queryset.filter(**{_path(through, "organization_id"): user.organization_id})
    return queryset.none()


def visible_studies(user, queryset: QuerySet) -> QuerySet:
    """The studies in ``queryset`` (a Study queryset) the user may see: published ones for
    everyone, plus those they manage and those they work on (an enumerator's assigned studies).
    Everything else answers 404, so an unpublished study's existence is not revealed."""
    visible = queryset.published() | managed_studies(user, queryset)
    if user.is_authenticated:
        visible = visible | queryset.filter(members__user=user)
    return visible.distinct()


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


def sees_unpublished_engagement(user) -> bool:
    """Every unpublished event, proposal and platform, and events' named participants: the NGO
    staff who record engagement (administrators and coordinators), whichever organisation keeps
    the record, since they keep one shared record of the plan's engagement. Enumerators work on
    studies and municipality editors on their own municipality, so neither sees these."""
    return can_manage_engagement(user)


def _own_municipality(user, organization_id) -> bool:
    """Whether ``organization_id`` is the municipality ``user`` edits for."""
    return bool(
        organization_id is not None and user.is_authenticated and user.has_role(Role.MUNICIPALITY_EDITOR)
        and organization_id == user.organization_id
    )


def visible_engagement(user, queryset: QuerySet, *, municipality_field: str = "", through: str = "") -> QuerySet:
    """The events, proposals or platforms of ``queryset`` the user may see: published ones for
    everyone, all for :func:`sees_unpublished_engagement`; a municipality editor also sees the
    unpublished ones about their municipality (``municipality_field``: an event's
    ``municipality``, a proposal's ``addressee``), which they may have to answer. With
    ``through`` (e.g. "event"), the records of ``queryset`` that belong to a visible one."""
    if sees_unpublished_engagement(user):
        return queryset
    shown = Q(**{_path(through, "is_published"): True})
    if municipality_field and user.is_authenticated and _own_municipality(user, user.organization_id):
        shown |= Q(**{_path(through, municipality_field): user.organization_id})
    return queryset.filter(shown)


def can_see_engagement_record(user, record, municipality_id=None) -> bool:
    """One event, proposal or platform, by the rule of :func:`visible_engagement`
    (``municipality_id``: the municipality it concerns, if any)."""
    return bool(record.is_published or sees_unpublished_engagement(user) or _own_municipality(user, municipality_id))


def can_see_participants(user) -> bool:
    """Events' named participants (names, phones, e-mails) are personal data: only those who
    record engagement see them; everyone else sees the counts."""
    return sees_unpublished_engagement(user)


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
    return can_edit_engagement_record(user, proposal) or _own_municipality(user, proposal.addressee_id)


# --- Projects (logframe) and proactive disclosure ----------------------------------------------


def can_manage_project(user, project) -> bool:
    """A project's logframe, manual values and outreach records: administrators, and the
    coordinators of the implementing organisation."""
    if is_administrator(user):
        return True
    return bool(is_coordinator(user) and project.organization_id == user.organization_id)


def visible_projects(user, queryset: QuerySet, *, through: str = "") -> QuerySet:
    """Published projects for everyone; unpublished ones also for those who manage them.

    A logframe being drafted is the implementing organisation's working document, so unlike an
    event it is not shown to every staff member: administrators see all, coordinators their own
    organisation's. With ``through`` ("project"), the records of ``queryset`` of such projects.
    """
    if is_administrator(user):
        return queryset
    shown = Q(**{_path(through, "is_published"): True})
    if is_coordinator(user) and user.organization_id:
        shown |= Q(**{_path(through, "organization_id"): user.organization_id})
    return queryset.filter(shown)


def managed_projects(user, queryset: QuerySet, *, through: str = "") -> QuerySet:
    """The projects in ``queryset`` the user manages (:func:`can_manage_project`); with
    ``through`` ("project", "activity__project"), the records of such projects."""
    if is_administrator(user):
        return queryset
    if is_coordinator(user) and user.organization_id:
        return queryset.filter(**{_path(through, "organization_id"): user.organization_id})
    return queryset.none()


def can_record_publication(user, organization) -> bool:
    """Record (or correct) what ``organization`` published: administrators and coordinators for
    any organisation; a municipality editor for their own municipality only."""
    if not user.is_authenticated or not user.has_perm("disclosure.add_publication"):
        return False
    if is_administrator(user) or is_coordinator(user):
        return True
    return bool(user.has_role(Role.MUNICIPALITY_EDITOR) and organization.pk == user.organization_id)


def recordable_publications(user, queryset: QuerySet) -> QuerySet:
    """The publications of ``queryset`` the user may correct (the admin's list): every one for
    administrators and coordinators, a municipality editor's own municipality's, else none."""
    if is_administrator(user) or is_coordinator(user):
        return queryset
    if user.is_authenticated and user.has_role(Role.MUNICIPALITY_EDITOR) and user.organization_id:
        return queryset.filter(organization_id=user.organization_id)
    return queryset.none()


def can_verify_publication(user) -> bool:
    """Confirm that a recorded publication is really there: the monitoring NGO, not the municipality."""
    return bool(is_administrator(user) or (is_coordinator(user) and user.has_perm("disclosure.change_publication")))


# --- Audit log ---------------------------------------------------------------------------------


def can_view_audit(user) -> bool:
    """Read the audit log: administrators (every entry) and coordinators (their organisation's,
    see :func:`ogmonitor.audit.services.visible_entries`)."""
    return bool(is_administrator(user) or is_coordinator(user))
