"""The four staff roles and what each may do, as Django groups with model permissions.

Model permissions say *what kind* of record a role may touch; which *particular* records it may
touch (its organisation's, its municipality's, its assigned communities') is decided in
:mod:`ogmonitor.accounts.policy`. Anonymous visitors are the fifth role: read-only public pages.
"""

from fnmatch import fnmatch

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Stored values are the group names: stable English identifiers; labels are translated.
    ADMINISTRATOR = "Administrator", _("Administrator")
    COORDINATOR = "Coordinator", _("Coordinator")
    ENUMERATOR = "Enumerator", _("Enumerator")
    MUNICIPALITY_EDITOR = "Municipality editor", _("Municipality editor")


#: ``app_label.codename`` patterns granted to each role. Later apps add their own lines here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMINISTRATOR: ["*"],
    Role.COORDINATOR: [
        "places.*",
        "plans.*",
        "surveys.*",
        "findings.*",
        "reports.*",
        "engagement.*",
        "logframe.*",
        "disclosure.*",
        "accounts.view_user",
    ],
    Role.ENUMERATOR: [
        "places.view_*",
        "plans.view_*",
        "surveys.view_study",
        "surveys.view_questionnaire",
        "surveys.add_submission",
        "surveys.change_submission",
        "surveys.add_respondent",
        "surveys.change_respondent",
    ],
    Role.MUNICIPALITY_EDITOR: [
        "places.view_*",
        "places.change_organization",
        "plans.view_*",
        "engagement.view_*",
        "engagement.change_proposal",
        "disclosure.view_*",
        "disclosure.add_publication",
        "disclosure.change_publication",
        "disclosure.delete_publication",
    ],
}


def sync_role_permissions(group_model, permission_model) -> None:
    """Create the role groups and set each one's permissions to exactly what ROLE_PERMISSIONS says.

    Takes the model classes so a data migration can pass its historical models.
    """
    permissions = list(permission_model.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=str(role.value))
        granted = [
            permission
            for permission in permissions
            if any(
                fnmatch(f"{permission.content_type.app_label}.{permission.codename}", pattern)
                for pattern in patterns
            )
        ]
        group.permissions.set(granted)


def sync_after_migrate(sender, **kwargs) -> None:
    """After each of our apps' permissions are created (post_migrate runs app by app), re-sync."""
    from django.contrib.auth.models import Group, Permission

    if sender.name.startswith("ogmonitor."):
        sync_role_permissions(Group, Permission)
