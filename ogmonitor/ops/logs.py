"""Log lines for people (``LOG_FORMAT=plain``, the default) or for a log collector (``json``).

In JSON every record is one object on one line — ``time`` (UTC, ISO 8601), ``level``,
``logger``, ``message``, then ``request_id`` inside a web request, ``task_id``/``task`` inside a
Celery job, ``exc_info`` with the traceback, and any ``extra`` given to the call. Newlines in a
message stay escaped inside its string, so a traceback never splits a record across lines.

This module is imported by the settings: it must not touch Django's models or settings.
"""

import contextvars
import datetime as dt
import logging
import os

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

LOG_FORMATS = ("plain", "json")

#: The id of the request being served in this thread (set by ``RequestIdMiddleware``).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("ogmonitor_request_id", default=None)


def log_format() -> str:
    """``LOG_FORMAT`` from the environment: ``plain`` (default) or ``json``; anything else fails loudly."""
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or "plain"
    if value not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT={os.environ['LOG_FORMAT']!r} is not one of: {', '.join(LOG_FORMATS)}.")
    return value


class JsonFormatter(_BaseJsonFormatter):
    """python-json-logger's formatter with ogmonitor's field names, ``time`` first, UTF-8 kept readable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)  # Azerbaijani text as text, not \u0259 escapes
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        log_data["time"] = dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (web) or ``task_id`` and ``task`` (Celery) to records logged in one.

    Attached to the console handler, so it sees records from every logger. It never drops one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current and not hasattr(record, "request_id"):
            record.request_id = current
        task = _current_task()
        if task is not None and not hasattr(record, "task_id"):
            record.task_id = task.request.id
            record.task = task.name
        return True


def _current_task():
    from celery import current_task

    # current_task is a proxy: falsy outside a task. Eager tasks (run in a web request) count too.
    return current_task._get_current_object() if current_task else None
