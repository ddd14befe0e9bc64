"""Celery application.

With ``REDIS_URL`` unset (the embedded default) tasks run eagerly, in-process, so a single
``make demo`` needs no broker; production sets ``REDIS_URL`` and runs ``ogmonitor worker``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")

app = Celery("ogmonitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
