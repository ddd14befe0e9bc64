"""Changes to a project's records: hand-entered values, outreach records, publication.

One function per change, each in one transaction, called by the views, the admin and the demo
loader alike. The caller has checked :func:`ogmonitor.accounts.policy.can_manage_project`. As in
:mod:`ogmonitor.engagement.events`, a log line naming the actor stands in for the audit entry
until the project has an audit table.
"""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ogmonitor.accounts import policy
from ogmonitor.lib.actors import actor_label

from .models import Indicator, ManualValue, OnlinePaymentAssistance, Project, TerminalRequest

logger = logging.getLogger(__name__)


# --- Reading ------------------------------------------------------------------------------------


def visible_projects(user) -> QuerySet:
    """The projects ``user`` may see (:func:`ogmonitor.accounts.policy.visible_projects`)."""
    return policy.visible_projects(user, Project.objects.all())


# --- Hand-entered values -----------------------------------------------------------------------


def record_manual_value(indicator: Indicator, user, *, value, on, evidence_url: str = "", note: str = "") -> ManualValue:
    """Record the value of ``indicator`` as of ``on``, with its evidence; the latest value counts.

    A milestone's value is 1 (reached) or 0 (not yet).
    """
    value = Decimal(str(value))
    if indicator.target_kind == Indicator.TargetKind.MILESTONE and value not in (0, 1):
        raise ValidationError({"value": _("A milestone is 1 (reached) or 0 (not yet).")})
    if value < 0:
        raise ValidationError({"value": _("A value cannot be negative.")})
    with transaction.atomic():
        entry = ManualValue.objects.create(
            indicator=indicator, value=value, on=on, evidence_url=evidence_url, note=note,
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
        )
    logger.info("Project %s: indicator %s = %s as of %s, recorded by %s",
                indicator.project.slug, indicator.code, value, on, actor_label(user))
    return entry


def delete_manual_value(entry: ManualValue, user) -> None:
    """Remove a value entered by mistake; the previous one counts again."""
    indicator = entry.indicator
    with transaction.atomic():
        entry.delete()
    logger.info("Project %s: a value of indicator %s removed by %s", indicator.project.slug, indicator.code, actor_label(user))


# --- Outreach records --------------------------------------------------------------------------


def save_outreach_record(form, user) -> OnlinePaymentAssistance | TerminalRequest:
    """Save a validated outreach form (families helped, a terminal request; new or changed)."""
    creating = form.instance.pk is None
    with transaction.atomic():
        record = form.save()
    logger.info("Project %s: %s %s %s by %s", record.project.slug, record._meta.model_name, record.pk,
                "created" if creating else "changed", actor_label(user))
    return record


def delete_outreach_record(record: OnlinePaymentAssistance | TerminalRequest, user) -> None:
    project, pk = record.project, record.pk
    with transaction.atomic():
        record.delete()
    logger.info("Project %s: %s %s deleted by %s", project.slug, record._meta.model_name, pk, actor_label(user))


# --- Publication ------------------------------------------------------------------------------


def set_published(project: Project, user, published: bool) -> Project:
    """Show the project's progress to everyone (``published``) or only to those who manage it."""
    with transaction.atomic():
        project.is_published = published
        project.save(update_fields=["is_published"])
    logger.info("Project %s %s by %s", project.slug, "published" if published else "unpublished", actor_label(user))
    return project
