"""A real Celery worker killed in the middle of an import: the job survives and runs exactly once.

Runs only on PostgreSQL (the worker is another process, which must see the test database) with
a Redis to queue on: ``OGMONITOR_TEST_REDIS_URL`` (use a database number of its own, e.g.
``redis://127.0.0.1:6379/14``: the test flushes it). ``.ci/run`` sets it when Redis answers.

The story, as in production: a web process queues a 20,000-respondent import; a worker takes it
and is SIGKILLed (its whole process group, as an out-of-memory kill or a power cut would) half
way through. The import's transaction dies with it: nothing is written. The job, never
acknowledged, is handed to the next worker once the broker's visibility timeout has passed;
that worker imports the file from scratch, once.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from ogmonitor.surveys.factories import StudyFactory, label, make_xlsform
from ogmonitor.surveys.importing import check_import, create_batch, get_progress
from ogmonitor.surveys.models import Answer, ImportBatch, Submission
from ogmonitor.surveys.services import create_questionnaire

REDIS_URL = os.environ.get("OGMONITOR_TEST_REDIS_URL", "")
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
REPO = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL as the test database (DATABASE_URL): "
                       "the worker is another process and must share it"),
    pytest.mark.skipif(not REDIS_URL, reason="OGMONITOR_TEST_REDIS_URL is not set (a Redis database the test may flush)"),
]

RESPONDENTS = 20_000
QUESTIONS = 10
CHOICES = ["a", "b", "c", "d", "e"]
#: Short, so the lost job comes back within seconds (production: an hour).
VISIBILITY_TIMEOUT = 5


def xlsform() -> bytes:
    survey = [{"type": "select_one abc", "name": f"q{n:02d}", **label(f"Sual {n}", f"Question {n}")}
              for n in range(1, QUESTIONS + 1)]
    choices = [{"list_name": "abc", "name": choice, **label(choice.upper(), choice.upper())} for choice in CHOICES]
    return make_xlsform(survey, choices, {"form_title": "Restart", "form_id": "restart", "version": "1"})


def responses_csv(path: Path) -> None:
    """A Kobo-style export: one row per respondent, its instance id, one column per question."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["start", *(f"q{n:02d}" for n in range(1, QUESTIONS + 1)), "meta/instanceID"])
        for i in range(RESPONDENTS):
            writer.writerow([f"2024-03-{1 + i % 28:02d}T10:{i % 60:02d}:00",
                             *(CHOICES[(i + n) % len(CHOICES)] for n in range(QUESTIONS)), f"uuid:{uuid.uuid4()}"])


def database_url() -> str:
    """The test database (not the one DATABASE_URL names), for the other processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def environment(tmp_path, settings):
    """What the web process and the workers are started with: the test database, Redis, JSON logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKER_", "WEB_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "ogmonitor.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "OGMONITOR_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "WORKER_CONCURRENCY": "1",
        "SKIP_CHECKS": "1",  # Celery's start-up run of Django's checks: done by this test run already
        # Celery warns, in plain text before logging is set up, when a worker runs as root (as
        # CI does); production runs it as its own user (deploy/ogmonitor-worker.service).
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
    })
    return env


@pytest.fixture
def broker(settings):
    """The Redis database, flushed before and after; the cache here reads the workers' progress from it."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    client.flushdb()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    yield client
    client.flushdb()
    client.close()


class Worker:
    """``ogmonitor worker`` in its own process group, its output in a file."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self.output = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ogmonitor", "worker"], cwd=REPO, env=env,
            stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool's children at once: no chance to clean up or requeue."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.output.close()

    def stop(self) -> None:
        """SIGTERM (warm shutdown: running jobs finish, reserved ones go back to the queue)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None or _group_alive(self.process.pid):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)
        self.output.close()

    def records(self) -> list[dict]:
        """The worker's log records (LOG_FORMAT=json: one JSON object a line).

        Celery itself prints its shutdown notices ("worker: Warm shutdown (MainProcess)") as
        plain lines, outside logging; any other line that is not JSON fails the test.
        """
        lines = [line for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]
        plain = [line for line in lines if not line.startswith("{")]
        assert all(line.startswith("worker: ") for line in plain), plain
        return [json.loads(line) for line in lines if line.startswith("{")]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(condition, timeout: float, what: str, workers=()) -> float:
    """Poll ``condition`` every 50 ms; the seconds it took. Fails with the workers' logs after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            logs = "\n".join(worker.log.read_text(encoding="utf-8", errors="replace")[-3000:] for worker in workers)
            pytest.fail(f"{what}: not within {timeout} s. Worker output:\n{logs}")
        time.sleep(0.05)
    return time.monotonic() - started


def queue_from_a_web_process(env: dict, batch_id: int) -> str:
    """``start_import`` in another Django process with REDIS_URL set, as the import page runs it."""
    script = ("import sys, django; django.setup()\n"
              "from ogmonitor.surveys.importing import start_import\n"
              "from ogmonitor.surveys.models import ImportBatch\n"
              "print(start_import(ImportBatch.objects.get(pk=int(sys.argv[1]))).status)\n")
    result = subprocess.run([sys.executable, "-c", script, str(batch_id)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_whose_worker_is_killed_runs_again_on_the_next_worker_exactly_once(
        tmp_path, ngo_a, environment, broker):
    timings = {}
    study = StudyFactory(organization=ngo_a)
    questionnaire = create_questionnaire(study, xlsform(), "restart.xlsx", None)
    path = tmp_path / "responses.csv"
    responses_csv(path)
    batch = create_batch(study, questionnaire, SimpleUploadedFile("responses.csv", path.read_bytes()), None)
    assert check_import(batch) == [] and batch.status == ImportBatch.Status.CHECKED, batch.problems[:3]
    assert batch.total_rows == RESPONDENTS

    def running_with_progress() -> bool:
        batch.refresh_from_db()
        return batch.status == ImportBatch.Status.RUNNING and get_progress(batch)[0] > 0

    def written() -> tuple[int, int]:
        return (Submission.objects.filter(study=study).count(),
                Answer.objects.filter(submission__study=study).count())

    first = Worker(environment, tmp_path / "worker-1.log")
    second = None
    try:
        started = time.monotonic()
        assert queue_from_a_web_process(environment, batch.pk) == ImportBatch.Status.RUNNING
        timings["first worker busy"] = wait_until(running_with_progress, 90, "the first worker importing", [first])
        processed_at_kill = get_progress(batch)[0]
        first.kill()
        killed = time.monotonic()

        # The transaction died with the worker: nothing of the import is in the database.
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.RUNNING, "the import finished before the kill: use a bigger file"
        assert 0 < processed_at_kill < RESPONDENTS
        assert written() == (0, 0)
        assert batch.created_count == 0 and batch.finished_at is None

        # The broker hands the unacknowledged job out again once its visibility timeout has
        # passed (a new worker looks for such jobs as it starts).
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed)))
        second = Worker(environment, tmp_path / "worker-2.log")

        def done() -> bool:
            batch.refresh_from_db()
            return batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED)

        timings["second worker to DONE"] = wait_until(done, 180, "the second worker finishing", [first, second])
        timings["total"] = time.monotonic() - started
        assert batch.status == ImportBatch.Status.DONE, batch.problems[:3]
        assert batch.created_count == RESPONDENTS and batch.duplicate_count == 0
        assert batch.processed_rows == RESPONDENTS
        assert written() == (RESPONDENTS, RESPONDENTS * QUESTIONS)
    finally:
        first.kill()
        if second is not None:
            second.stop()

    # Exactly one import finished, in the second worker (records() also checks the logs are JSON).
    def finishes(records: list[dict]) -> list[dict]:
        return [r for r in records if r["logger"] == "ogmonitor.surveys.importing.services"
                and r["message"].startswith(f"Import {batch.pk} into study {study.pk}:")]

    assert finishes(first.records()) == []
    [finish] = finishes(second.records())
    assert f"{RESPONDENTS} rows, {RESPONDENTS} new, 0 duplicates" in finish["message"]
    assert finish["task"] == "surveys.run_import" and finish["task_id"] == batch.task_id
    print(f"\nworker killed after {processed_at_kill} of {RESPONDENTS} rows; timings (s): "
          + ", ".join(f"{name} {seconds:.1f}" for name, seconds in timings.items()))
