"""Background jobs of the surveys app (Celery; run eagerly in-process when REDIS_URL is unset)."""

from celery import shared_task

from ogmonitor.celery import database_retry

from .models import ImportBatch


@shared_task(name="surveys.run_import", acks_late=True, **database_retry())
def run_import_task(batch_id: int) -> str:
    """Import a checked response file; a batch already DONE (or deleted) is left alone.

    Safe to run again, which happens when a worker dies mid-import (acknowledged late, the job is
    redelivered) or the database fails for a moment (retried with backoff): the import writes
    in a single transaction, so an attempt that died left nothing behind and the next one starts
    from scratch; two attempts at once queue on the study's row lock and the second finds the
    batch DONE; rows already imported would be skipped as duplicates (instance id) anyway.
    """
    from .importing import run_import

    batch = ImportBatch.objects.select_related("study", "questionnaire").filter(pk=batch_id).first()
    if batch is None or batch.status == ImportBatch.Status.DONE:
        return "skipped"
    return run_import(batch).status
