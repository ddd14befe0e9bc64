"""Figures follow the answers: submitting, correcting, rejecting and approving recompute a study."""

import uuid
from unittest import mock

import pytest

from ogmonitor.findings import services
from ogmonitor.findings.tasks import recompute_study_task
from ogmonitor.findings.tests.test_compute import Survey, overall
from ogmonitor.surveys import submissions
from ogmonitor.surveys.models import Submission


@pytest.fixture
def survey(ngo_a):
    return Survey(organization=ngo_a)


def submit(survey, user, aware, draft=False):
    submission, _created = submissions.record_submission(
        survey.questionnaire, uuid.uuid4(), {"aware": aware}, {"community": survey.communities[0]},
        source=Submission.Source.ENUMERATOR, user=user, draft=draft,
    )
    return submission


def test_a_submitted_form_recomputes_after_commit_and_a_draft_does_not(survey, coordinator, django_capture_on_commit_callbacks):
    indicator = survey.indicator("aware")
    with mock.patch.object(recompute_study_task, "delay") as delay, django_capture_on_commit_callbacks(execute=True):
        submit(survey, coordinator, "yes", draft=True)
    assert not delay.called
    with django_capture_on_commit_callbacks(execute=True):
        submit(survey, coordinator, "yes")
        submit(survey, coordinator, "no")
    assert (overall(indicator).numerator, overall(indicator).denominator) == (1, 2)


def test_correction_rejection_and_approval_each_recompute(survey, coordinator, django_capture_on_commit_callbacks):
    indicator = survey.indicator("aware")
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(survey, coordinator, "yes")
        submit(survey, coordinator, "yes")
    assert overall(indicator).numerator == 2
    with django_capture_on_commit_callbacks(execute=True):
        submissions.correct_submission(first, {"aware": "no"}, coordinator, "Typed in the wrong row")
    assert overall(indicator).numerator == 1
    with django_capture_on_commit_callbacks(execute=True):
        submissions.reject_submission(first, coordinator, "Duplicate interview")
    assert overall(indicator).denominator == 1
    with django_capture_on_commit_callbacks(execute=True):
        submissions.approve_submission(first, coordinator)
    assert overall(indicator).denominator == 2


@pytest.fixture
def with_worker(settings):
    """Celery as in production (not eager), with a cache of this test's own."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "burst"}}
    conf = recompute_study_task.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    yield
    conf.task_always_eager = eager


def test_with_a_worker_a_burst_of_changes_queues_one_run(survey, with_worker, django_capture_on_commit_callbacks):
    with mock.patch.object(recompute_study_task, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                services.schedule_recompute(survey.study)
        assert apply_async.call_count == 1
        assert apply_async.call_args.kwargs["countdown"] == services.RECOMPUTE_DELAY
        recompute_study_task.run(survey.study.pk)  # the run starts: the next change queues again
        with django_capture_on_commit_callbacks(execute=True):
            services.schedule_recompute(survey.study)
        assert apply_async.call_count == 2
