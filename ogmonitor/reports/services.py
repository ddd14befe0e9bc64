"""Study reports: ask for a build, build it (in the background), publish it; render one directly.

A report is built from :func:`~ogmonitor.reports.content.report_content` by one renderer and
kept as a numbered version of the study, with the file under ``MEDIA_ROOT/reports/<study>/
<version>.<ext>`` and the data snapshot it was built from. Views, the admin and the
``build_report`` command all go through these functions.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.lib.actors import actor_label
from ogmonitor.surveys.models import Study

from . import renderers
from .content import report_content
from .models import Report

logger = logging.getLogger(__name__)


def _check_choice(language: str, format: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown report language “%(language)s”.") % {"language": language})
    if format not in Report.Format.values:
        raise ValidationError(_("Unknown report format “%(format)s”.") % {"format": format})


def request_report(study: Study, language: str, format: str, user=None) -> Report:
    """Create the next version of the study's report and schedule its build once committed.

    Without a broker (``REDIS_URL`` unset) Celery runs the build eagerly, in this process, when
    the transaction commits; with one, a worker picks it up and the page shows its progress.
    """
    _check_choice(language, format)
    with transaction.atomic():
        # Lock the study so two requests at once get versions n and n+1, not a clash.
        Study.objects.select_for_update().only("pk").get(pk=study.pk)
        version = (Report.objects.filter(study=study).aggregate(last=Max("version"))["last"] or 0) + 1
        report = Report.objects.create(
            study=study, version=version, language=language, format=format,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    logger.info("Study %s: report v%s (%s, %s) requested by %s", study.slug, version, language, format, actor_label(user))
    return report


def _enqueue(report_id: int) -> None:
    from .tasks import build_report_task

    result = build_report_task.delay(report_id)
    Report.objects.filter(pk=report_id).update(task_id=result.id or "")


def build_report(report: Report, *, raise_transient: bool = False) -> Report:
    """Build ``report`` now: render, store the file and the snapshot, mark it ready (or failed).

    A report already built is returned untouched, so a redelivered job does nothing twice.
    Progress (0–100) is written as the build advances, outside any transaction, so the page
    polling it sees each step. Any error marks the report FAILED with its message; it is logged,
    not raised — except, with ``raise_transient``, a database error (a restarted or failed-over
    PostgreSQL), which is raised for the job to retry: the report stays RUNNING, and the next
    attempt claims it again.
    """
    claimed = Report.objects.filter(pk=report.pk).exclude(status=Report.Status.DONE).update(
        status=Report.Status.RUNNING, progress=1, error="", finished_at=None
    )
    if not claimed:
        report.refresh_from_db()
        return report

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report.pk).update(progress=max(1, min(int(percent), 99)))

    try:
        study = Study.objects.select_related("organization", "plan", "previous").get(pk=report.study_id)
        progress(5)
        content = report_content(study, report.language)
        progress(40)
        data = renderers.render(content, report.format, progress)
        name = f"{study.slug}/{report.version}.{renderers.extension(report.format)}"
        storage = report.file.storage
        full_name = report.file.field.generate_filename(report, name)
        if storage.exists(full_name):  # left by an attempt that died after writing it
            storage.delete(full_name)
        report.file.save(name, ContentFile(data), save=False)
        report.snapshot = content.snapshot
        report.status = Report.Status.DONE
        report.progress = 100
        report.error = ""
        report.finished_at = timezone.now()
        report.save(update_fields=["file", "snapshot", "status", "progress", "error", "finished_at"])
    except Exception as error:
        if raise_transient and isinstance(error, (OperationalError, InterfaceError)):
            logger.warning("Study report %s v%s: database error, to be retried: %s", report.study_id, report.version, error)
            raise
        logger.exception("Study report %s v%s failed", report.study_id, report.version)
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        report.refresh_from_db()
        return report
    logger.info("Study %s: report v%s built (%s bytes)", study.slug, report.version, len(data))
    return report


def render_report(study: Study, language: str, format: str) -> bytes:
    """The study's report as bytes, rendered now and stored nowhere (the ``build_report`` command)."""
    _check_choice(language, format)
    return renderers.render(report_content(study, language), format)


def set_report_public(report: Report, is_public: bool, user=None) -> Report:
    """Let anyone download a built report of a published study (or stop letting them)."""
    if is_public and report.status != Report.Status.DONE:
        raise ValidationError(_("Only a report that has been built can be made public."))
    with transaction.atomic():
        report.is_public = is_public
        report.save(update_fields=["is_public"])
    logger.info(
        "Study %s: report v%s made %s by %s", report.study.slug, report.version,
        "public" if is_public else "private", actor_label(user),
    )
    return report


def download_name(report: Report) -> str:
    """A safe file name: ASCII slug, version, language, extension (no path, no quotes)."""
    return f"{report.study.slug}-report-v{report.version}-{report.language}.{renderers.extension(report.format)}"
