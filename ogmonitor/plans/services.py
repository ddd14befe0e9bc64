"""State changes of plans: one function each, called by views, commands and the demo alike."""

import logging

from django.db import transaction

from . import progress
from .importing import ImportCounts, ImportPreview, PlanImportError, parse_plan_file, plan_changes
from .models import ActionPlan

logger = logging.getLogger(__name__)


def commit_plan_import(source, plan: ActionPlan, user, *, filename: str = "") -> ImportCounts:
    """Write a plan file (or a dry run's preview) into ``plan``, all or nothing.

    ``source`` is a binary file object, read and checked again here, or an
    :class:`~ogmonitor.plans.importing.ImportPreview`, whose changes are worked out again against
    the plan as it is now. Raises :class:`~ogmonitor.plans.importing.PlanImportError` when there
    is any problem, having written nothing. Areas and activities are matched by number, so
    importing the same file twice changes nothing the second time.
    """
    with transaction.atomic():
        # Lock the plan row so two imports into one plan run one after the other on PostgreSQL
        # and the second sees what the first created (SQLite serialises writers anyway).
        ActionPlan.objects.select_for_update().only("pk").get(pk=plan.pk)
        if isinstance(source, ImportPreview):
            if source.plan.pk != plan.pk:
                raise ValueError("The preview was made for another plan.")
            preview = source
        else:
            preview = parse_plan_file(source, filename, plan)
        if preview.problems:
            raise PlanImportError(preview.problems)
        changes = plan_changes(preview)
        with progress.held():  # one recomputation for the whole file, not one per row
            for area in changes.areas_to_save:
                area.save()
            for activity, executors in changes.activities_to_save:
                activity.save()
                if executors is not None:
                    activity.executors.set(executors)
        progress.recompute_plan_fully(plan)
    # ``user`` is None for imports run by the system (demo data, management commands).
    logger.info("Plan %s: %s imported by %s: %s", plan.slug, preview.filename, user or "system", changes.counts)
    return changes.counts
