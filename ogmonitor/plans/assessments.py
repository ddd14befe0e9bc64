"""Local monitoring status of NAP activities: reading published assessments, and changing them.

An assessment (:class:`~ogmonitor.plans.models.LocalAssessment`) says how far an activity has
been carried out in one place on a day, on the OGP IRM completion scale. The public sees
published assessments only: on a plan's page, each activity's latest status in each place; on
an activity's page, the whole published history.

Changes go through :func:`save_assessment` and :func:`set_published`, called by the admin and
the demo loader alike; each runs in one transaction. The project has no audit table yet: as in
the other apps, a log line naming the actor stands in for the audit entry.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from .models import Activity, AssessmentEvidence, Completion, LocalAssessment

logger = logging.getLogger(__name__)


def _actor(user) -> str:
    return f"{user} ({getattr(user, 'pk', None)})" if user is not None else "the system"


# --- Reading ------------------------------------------------------------------------------------


def _shown(queryset: QuerySet) -> QuerySet:
    """What a page shows of each assessment: its place, its assessor and its evidence."""
    return queryset.select_related("district", "municipality", "assessed_by").prefetch_related(
        Prefetch("evidence", queryset=AssessmentEvidence.objects.order_by("position", "pk"))
    )


def latest_status_prefetch(to_attr: str = "local_status") -> Prefetch:
    """Prefetch each activity's latest published assessment in each place onto ``to_attr``.

    Ordered by district code, then municipality, with the assessments naming no place first.
    Three queries for any number of activities: the assessments, their evidence and nothing
    else (places and assessor are joined).
    """
    latest = (
        LocalAssessment.objects.published().latest_per_place()
        .order_by("district__code", "municipality__name_az", "-assessed_on", "-pk")
    )
    return Prefetch("local_assessments", queryset=_shown(latest), to_attr=to_attr)


def published_history(activity: Activity) -> list[LocalAssessment]:
    """The activity's published assessments, newest first (two queries)."""
    return list(
        _shown(activity.local_assessments.published()).order_by("-assessed_on", "district__code", "-pk")
    )


@dataclass(frozen=True)
class CompletionCount:
    completion: str
    label: str
    count: int


def completion_counts(assessments) -> list[CompletionCount]:
    """How many of ``assessments`` stand at each level of the scale, in the scale's order, the
    levels reached by none left out (for a plan's or the home page's summary)."""
    counts = Counter(assessment.completion for assessment in assessments)
    return [CompletionCount(value, str(label), counts[value]) for value, label in Completion.choices if counts[value]]


# --- Changing -----------------------------------------------------------------------------------


def save_assessment(assessment: LocalAssessment, user=None, *, evidence: list[dict] | None = None) -> LocalAssessment:
    """Validate and save ``assessment``; with ``evidence`` (dicts of ``url``, ``title_az``,
    ``title_en``), replace its evidence links by these, in this order, all or nothing.

    A new assessment records ``user`` as who entered it (None: the system, e.g. the demo).
    Raises :class:`~django.core.exceptions.ValidationError` having written nothing.
    """
    creating = assessment.pk is None
    with transaction.atomic():
        if creating and user is not None and getattr(user, "is_authenticated", False):
            assessment.assessed_by_user = user
        assessment.full_clean()
        assessment.save()
        if evidence is not None:
            links = []
            for position, fields in enumerate(evidence):
                link = AssessmentEvidence(assessment=assessment, position=position, **fields)
                link.full_clean(exclude=["assessment"])
                links.append(link)
            assessment.evidence.all().delete()
            AssessmentEvidence.objects.bulk_create(links)
    logger.info(
        "Assessment %s of activity %s %s by %s", assessment.pk, assessment.activity_id,
        "created" if creating else "changed", _actor(user),
    )
    return assessment


def set_published(assessments: QuerySet, published: bool, user=None) -> int:
    """Publish (or withdraw from the public) the assessments of ``assessments``; returns how many changed.

    Saved one by one rather than with ``update()``, so that the public pages' cache, which is
    retired by each saved row (see :mod:`ogmonitor.lib.cache`), never outlives the change.
    """
    changed = 0
    with transaction.atomic():
        # Lock the assessment rows only: the admin's queryset joins nullable places (outer joins),
        # which PostgreSQL will not lock ("FOR UPDATE cannot be applied to the nullable side").
        rows = assessments.select_related(None).order_by("pk").select_for_update(of=("self",))
        for assessment in rows.exclude(is_published=published):
            assessment.is_published = published
            assessment.save(update_fields=["is_published", "updated_at"])
            changed += 1
    logger.info("%s assessments %s by %s", changed, "published" if published else "withdrawn", _actor(user))
    return changed
