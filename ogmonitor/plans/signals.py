"""Keeping stored progress up to date (see :mod:`.progress`): the plans app's one use of signals.

Milestones and assessments are saved from many places (the site's forms, the admin and its
inlines, the demo loader, imports to come), and an activity's weight from the admin as well as
the weights page. Listening to their saves is the one way none of them can forget to recompute
what depends on them; the recomputation itself is :func:`.progress.recompute_from`.

* A milestone or an assessment saved or deleted: its target, or its activity, area and plan (an
  assessment's status may have changed, and only published ones count).
* An activity, area or local target saved (not created: a new one has no progress yet), unless
  only fields that play no part were saved (``update_fields``): itself, since saving an instance
  loaded earlier writes back the progress it was loaded with, and what is above it (a weight or
  an activity's area may have changed). An activity or area deleted on its own: its plan.

A row deleted together with what it belongs to (an activity deleted with its milestones, a plan
with everything in it) recomputes nothing: the parent's own deletion does what is needed, and
recomputing for each of its children would cost a few queries per row for nothing. (Any delete
receiver makes Django load the rows it deletes rather than delete them in bulk; these tables
hold dozens of rows per plan, not the thousands of answers :mod:`ogmonitor.lib.cache` avoids.)
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from . import progress
from .models import ActionPlan, Activity, Area, LocalAssessment, LocalTarget, Milestone

#: Deleting one of these deletes what is under it; see :func:`_deleted_with_parent`.
PARENTS = {
    Milestone: (ActionPlan, Area, Activity, LocalTarget),
    LocalAssessment: (ActionPlan, Area, Activity, LocalTarget),
    Activity: (ActionPlan, Area),
    Area: (ActionPlan,),
}

#: Fields whose saving calls for a recomputation: they move a row in the roll-up, or may be stale.
RECOMPUTE_FIELDS = {"weight", "area", "area_id", "progress"}


def _deleted_with_parent(sender, origin) -> bool:
    """Was the row deleted because something above it was (``origin`` is where the delete began)?"""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return issubclass(model, PARENTS[sender])


def _child_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        progress.recompute_from(instance)


def _child_deleted(sender, instance, origin=None, **kwargs):
    if origin is None or not _deleted_with_parent(sender, origin):
        progress.recompute_from(instance, deleted=True)


def _parent_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created:
        return
    if update_fields is not None and not RECOMPUTE_FIELDS & set(update_fields):
        return
    progress.recompute_from(instance)


def connect() -> None:
    """Connect the receivers (from :meth:`.apps.PlansConfig.ready`)."""
    for model in (Milestone, LocalAssessment):
        post_save.connect(_child_saved, sender=model, dispatch_uid=f"plans.progress.saved.{model.__name__}")
    for model in (Activity, Area, LocalTarget):
        post_save.connect(_parent_saved, sender=model, dispatch_uid=f"plans.progress.saved.{model.__name__}")
    for model in PARENTS:
        post_delete.connect(_child_deleted, sender=model, dispatch_uid=f"plans.progress.deleted.{model.__name__}")
