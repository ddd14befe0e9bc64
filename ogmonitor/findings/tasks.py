"""Background jobs of the findings app (Celery; run eagerly in-process when REDIS_URL is unset)."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache

from ogmonitor.celery import database_retry
from ogmonitor.surveys.models import Study

from .services import compute_study, pending_key


@shared_task(name="findings.recompute_study", acks_late=True, **database_retry())
def recompute_study_task(study_id: int, user_id: int | None = None) -> int | None:
    """Recompute a study's indicators; returns the Computation's id (None if the study is gone).

    Safe to run twice, to redeliver (a worker died) or to retry (the database failed for a
    moment): a recomputation replaces all of the study's results in one transaction, with the
    study locked, so the last one to finish wins with fresh numbers.
    """
    cache.delete(pending_key(study_id))  # changes from now on schedule the next run
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return compute_study(study, user).pk
