"""Celery application.

With ``REDIS_URL`` unset (the embedded default) tasks run eagerly, in-process, so a single
``make demo`` needs no broker; production sets ``REDIS_URL`` and runs ``ogmonitor worker``.
How jobs survive a worker's death is set in ``settings.py`` (``CELERY_TASK_ACKS_LATE`` and
what follows it) and explained in docs/production.md.
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")

app = Celery("ogmonitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_as_django_does(**kwargs) -> None:
    """The worker logs through Django's ``LOGGING`` (plain or JSON lines, with the job's id), not Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def database_retry() -> dict:
    """Task options retrying transient database errors (a restarted or failed-over PostgreSQL).

    The job is queued again with an exponential, jittered delay (5 s, 10 s, 20 s… at most
    5 minutes), five times at most; each task must be idempotent. Only with a broker: in eager
    mode Celery would retry at once, inside the web request, with no delay at all.
    """
    from django.conf import settings
    from django.db import InterfaceError, OperationalError

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}
    return {
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": 5,
        "retry_backoff_max": 300,
        "retry_jitter": True,
        "max_retries": 5,
    }
