"""ogmonitor: monitor the local implementation of Open Government National Action Plans."""

from .celery import app as celery_app

__all__ = ["celery_app"]
