"""Background jobs of the reports app (Celery; run eagerly in-process when REDIS_URL is unset)."""

from celery import shared_task

from ogmonitor.celery import database_retry

from .models import Report


@shared_task(name="reports.build_report", acks_late=True, bind=True, **database_retry())
def build_report_task(self, report_id: int) -> str:
    """Build a requested report; one already built (or deleted) is left alone.

    Acknowledged late, so a worker that dies mid-build has the job redelivered and the build
    starts again (the file is written last, under the version's fixed name). A database error,
    before or during the build, is retried with backoff while retries are left; the last
    attempt marks the report failed instead, to be requested again. Run eagerly (no broker),
    there is no retry: the error marks the report failed at once.
    """
    from .services import build_report

    report = Report.objects.select_related("study").filter(pk=report_id).first()
    if report is None or report.status == Report.Status.DONE:
        return "skipped"
    retries_left = not self.app.conf.task_always_eager and self.request.retries < (self.max_retries or 0)
    return build_report(report, raise_transient=retries_left).status
