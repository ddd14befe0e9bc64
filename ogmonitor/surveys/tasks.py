"""Background jobs of the surveys app (Celery; run eagerly in-process when REDIS_URL is unset)."""

from celery import shared_task

from .models import ImportBatch


@shared_task(name="surveys.run_import", acks_late=True)
def run_import_task(batch_id: int) -> str:
    """Import a checked response file; a batch already DONE (or deleted) is left alone.

    Acknowledged late, so a worker that dies mid-import has the job redelivered: the import's
    single transaction left nothing behind, and duplicates would be skipped anyway.
    """
    from .importing import run_import

    batch = ImportBatch.objects.select_related("study", "questionnaire").filter(pk=batch_id).first()
    if batch is None or batch.status == ImportBatch.Status.DONE:
        return "skipped"
    return run_import(batch).status
