"""The command lines ``ogmonitor web`` (gunicorn) and ``ogmonitor worker`` (Celery) run, built from the environment.

Both commands replace themselves with the server (``os.execv``), so a service manager's signals
(SIGTERM to stop, SIGHUP to reload gunicorn) reach it directly and it keeps the command's
process id (systemd ``Type=notify`` works: gunicorn tells systemd when it is ready).
"""

import os
import sys
from typing import NamedTuple

from django.conf import settings
from django.core.management import CommandError

from ogmonitor.lib.env import env_int, env_list, env_str

#: Default web processes: gunicorn's advice of 2 × cores + 1, but no more than this — each
#: process holds Django, DRF and the report libraries (~150 MB).
MAX_DEFAULT_WEB_WORKERS = 8
#: gunicorn's access log format plus the request's duration and id (see RequestIdMiddleware).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'


class Launch(NamedTuple):
    argv: list[str]
    #: Things the operator should know before it starts (printed to stderr, never fatal).
    warnings: list[str]


def cores() -> int:
    """CPUs this process may run on (a container's or systemd's CPU affinity counts)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise CommandError(f"{name}={value} must be at least 1.")
    return value


def web_argv(extra: list[str] | None = None, *, cpus: int | None = None) -> Launch:
    """gunicorn serving ``ogmonitor.wsgi`` as ``WEB_*`` variables say (see docs/production.md).

    With ``REDIS_URL`` set: ``WEB_WORKERS`` sync processes (default 2 × cores + 1, at most 8).
    Without it (the embedded mode) one process with ``WEB_THREADS`` threads: the public page
    cache and the in-process background jobs live in that process's memory, so a second process
    would serve pages a change in the first has already retired.
    """
    cpus = cpus or cores()
    embedded = not settings.REDIS_URL
    default_workers = 1 if embedded else min(2 * cpus + 1, MAX_DEFAULT_WEB_WORKERS)
    workers = _positive("WEB_WORKERS", default_workers)
    threads = _positive("WEB_THREADS", min(2 * cpus + 1, MAX_DEFAULT_WEB_WORKERS) if embedded else 1)
    max_requests = env_int("WEB_MAX_REQUESTS", 1000)
    warnings = []
    if embedded and workers > 1:
        warnings.append(
            f"WEB_WORKERS={workers} without REDIS_URL: each process keeps its own page cache, so pages may stay "
            f"stale for up to PUBLIC_CACHE_SECONDS ({settings.PUBLIC_CACHE_SECONDS} s) after a change. "
            "Set REDIS_URL, or use one worker with WEB_THREADS."
        )
    argv = [
        sys.executable, "-m", "gunicorn",
        *[option for address in env_list("WEB_BIND", ["127.0.0.1:8000"]) for option in ("--bind", address)],
        "--workers", str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]),
        "--timeout", str(_positive("WEB_TIMEOUT", 60)),
        "--graceful-timeout", str(_positive("WEB_GRACEFUL_TIMEOUT", 30)),
        "--keep-alive", "5",
        # Restart a process now and then: PDF and chart libraries keep memory once used.
        *(["--max-requests", str(max_requests), "--max-requests-jitter", str(max(1, max_requests // 10))]
          if max_requests > 0 else []),
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--log-level", settings.LOG_LEVEL.lower(),
        "--access-logformat", ACCESS_LOG_FORMAT,
        *(["--logger-class", "ogmonitor.ops.gunicorn_logging.JsonLogger"] if settings.LOG_FORMAT == "json" else []),
        *(extra or []),
        "ogmonitor.wsgi:application",
    ]
    return Launch(argv, warnings)


def worker_argv(extra: list[str] | None = None, *, cpus: int | None = None) -> Launch:
    """A Celery worker consuming ``WORKER_QUEUES`` with ``WORKER_CONCURRENCY`` processes.

    Refuses (``CommandError``) without ``REDIS_URL``: then there is no queue to consume, the web
    processes run every job themselves.
    """
    if not settings.REDIS_URL:
        raise CommandError(
            "REDIS_URL is not set, so there is no queue for a worker: ogmonitor runs background jobs "
            "(imports, indicator recomputation, reports) inside the web process. To run them in a worker, "
            "set REDIS_URL (e.g. redis://127.0.0.1:6379/0) for the web processes and the worker alike."
        )
    cpus = cpus or cores()
    queues = env_str("WORKER_QUEUES", settings.CELERY_TASK_DEFAULT_QUEUE)
    argv = [
        sys.executable, "-m", "celery", "-A", "ogmonitor",
        # JSON logs: leave out the start-up banner, which is plain text on stdout.
        *(["--quiet"] if settings.LOG_FORMAT == "json" else []),
        "worker",
        "--loglevel", settings.LOG_LEVEL.upper(),
        "--concurrency", str(_positive("WORKER_CONCURRENCY", cpus)),
        "--queues", queues,
        "--hostname", env_str("WORKER_NAME", "ogmonitor@%h"),
        # A child process is replaced after this many jobs: report builds leave memory behind.
        "--max-tasks-per-child", str(_positive("WORKER_MAX_TASKS_PER_CHILD", 50)),
        # One worker per host is the usual set-up: no need to gossip with or sync from others.
        "--without-gossip", "--without-mingle",
        *(extra or []),
    ]
    return Launch(argv, [])
