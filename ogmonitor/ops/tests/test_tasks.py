"""Background jobs survive a worker's death and a database hiccup: late acks, retries, idempotency.

The real thing — a worker SIGKILLed mid-import — is test_worker_restart.py (PostgreSQL + Redis).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from django.db import InterfaceError, OperationalError

from ogmonitor.celery import app as celery_app
from ogmonitor.celery import database_retry
from ogmonitor.findings.tasks import recompute_study_task
from ogmonitor.reports.tasks import build_report_task
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.importing import check_import
from ogmonitor.surveys.models import Answer, ImportBatch, Submission
from ogmonitor.surveys.tasks import run_import_task
from ogmonitor.surveys.tests.test_importing import csv_bytes, kobo_rows, make_communities, upload

REPO = Path(__file__).resolve().parents[3]
TASKS = {"surveys.run_import": run_import_task, "findings.recompute_study": recompute_study_task,
         "reports.build_report": build_report_task}


def test_jobs_are_acknowledged_when_done_and_requeued_when_their_worker_dies():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    assert all(task.acks_late for task in TASKS.values())


_PROBE = """
import json, django
django.setup()
from ogmonitor.celery import app
from ogmonitor.findings.tasks import recompute_study_task
from ogmonitor.reports.tasks import build_report_task
from ogmonitor.surveys.tasks import run_import_task
tasks = {t.name: t for t in (run_import_task, recompute_study_task, build_report_task)}
print(json.dumps({
    "eager": app.conf.task_always_eager,
    "transport": app.conf.broker_transport_options,
    "soft_limit": app.conf.task_soft_time_limit,
    "hard_limit": app.conf.task_time_limit,
    "tasks": {name: {"retry_for": [e.__name__ for e in getattr(t, "autoretry_for", ())],
                     "max_retries": t.max_retries, "backoff": getattr(t, "retry_backoff", False),
                     "acks_late": t.acks_late} for name, t in tasks.items()},
}))
"""


def probe(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_VISIBILITY_TIMEOUT"}}
    clean.update({"OGMONITOR_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ogmonitor.settings", **env})
    result = subprocess.run([sys.executable, "-c", _PROBE], cwd=REPO, env=clean, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_a_broker_every_job_retries_transient_database_errors_with_backoff(tmp_path):
    # Nothing is contacted: the settings only name the broker.
    values = probe(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0", CELERY_VISIBILITY_TIMEOUT="900")
    assert values["eager"] is False
    assert values["transport"] == {"visibility_timeout": 900}
    # Jobs are stopped before the broker would hand them to another worker.
    assert values["soft_limit"] < values["hard_limit"] < 900
    for name, task in values["tasks"].items():
        assert task == {"retry_for": ["OperationalError", "InterfaceError"], "max_retries": 5, "backoff": 5,
                        "acks_late": True}, name


def test_the_visibility_timeout_defaults_to_an_hour(settings):
    assert "CELERY_VISIBILITY_TIMEOUT" not in os.environ
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS == {"visibility_timeout": 3600}
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT == 3480 and settings.CELERY_TASK_TIME_LIMIT == 3540


def test_in_process_jobs_are_not_retried_inside_the_request():
    """Embedded mode: Celery would retry at once, with no pause, while the visitor waits."""
    assert celery_app.conf.task_always_eager is True
    assert all(not getattr(task, "autoretry_for", ()) for task in TASKS.values())


@pytest.fixture
def as_with_a_broker(settings, monkeypatch):
    """Tasks declared now get the broker's retry policy; ``apply`` reports failures, as a worker would."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.mark.parametrize("transient", [OperationalError, InterfaceError])
def test_a_transient_database_error_is_retried_until_it_passes(as_with_a_broker, transient):
    attempts = []

    @shared_task(name=f"ogmonitor.tests.flaky_{transient.__name__}", acks_late=True, **database_retry())
    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise transient("server closed the connection unexpectedly")
        return "imported"

    result = flaky.apply()  # run here; a worker would queue each retry with its backoff delay
    assert result.successful() and result.get() == "imported"
    assert len(attempts) == 3


def test_other_errors_and_the_sixth_failure_are_not_retried(as_with_a_broker):
    attempts = []

    @shared_task(name="ogmonitor.tests.broken", **database_retry())
    def broken(kind):
        attempts.append(kind)
        raise ValueError("a bug") if kind == "bug" else OperationalError("the database is gone")

    assert broken.apply(("bug",)).failed() and attempts == ["bug"]
    attempts.clear()
    result = broken.apply(("down",))
    assert result.failed() and isinstance(result.result, OperationalError)
    assert len(attempts) == 1 + 5  # the first attempt and five retries


@pytest.fixture
def checked_batch(db, ngo_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    study = StudyFactory(organization=ngo_a, communities=make_communities())
    batch = upload(study, QuestionnaireFactory(study=study), csv_bytes(kobo_rows(30)), "kobo.csv")
    assert check_import(batch) == []
    return batch


def test_an_import_redelivered_after_its_worker_died_runs_from_scratch_and_only_once(checked_batch):
    # What a worker killed mid-import leaves: the batch RUNNING (start_import set it), nothing
    # written (its transaction died with it), the job about to be handed out again.
    ImportBatch.objects.filter(pk=checked_batch.pk).update(status=ImportBatch.Status.RUNNING)

    assert run_import_task.delay(checked_batch.pk).get() == ImportBatch.Status.DONE
    assert run_import_task.delay(checked_batch.pk).get() == "skipped"  # a second delivery

    checked_batch.refresh_from_db()
    assert checked_batch.created_count == 30 and checked_batch.duplicate_count == 0
    assert Submission.objects.filter(import_batch=checked_batch).count() == 30
    assert Answer.objects.filter(submission__import_batch=checked_batch).count() > 30


def test_an_import_retried_after_a_database_error_runs_again(checked_batch):
    # A transient error made the attempt fail (run_import marks the batch FAILED and re-raises,
    # so the task is retried): the retry imports everything.
    ImportBatch.objects.filter(pk=checked_batch.pk).update(status=ImportBatch.Status.FAILED)
    assert run_import_task.delay(checked_batch.pk).get() == ImportBatch.Status.DONE
    assert Submission.objects.filter(import_batch=checked_batch).count() == 30
