"""Background jobs of the reports app (Celery; run eagerly in-process when REDIS_URL is unset)."""

from celery import shared_task

from ogmonitor.celery import database_retry

from .models import Report


@shared_task(name="reports.build_report", acks_late=True, **database_retry())
def build_report_task(report_id: int) -> str:
    """Build a requested report; one already built (or deleted) is left alone.

    Acknowledged late, so a worker that dies mid-build has the job redelivered and the build
    starts again (the file is written last, under the version's fixed name). A database error
    before the build starts is retried with backoff; one during the build marks the report
    failed (``build_report`` records every error), to be requested again.
    """
    from .services import build_report

    report = Report.objects.select_related("study").filter(pk=report_id).first()
    if report is None or report.status == Report.Status.DONE:
        return "skipped"
    return build_report(report).status
