"""``ogmonitor web`` and ``ogmonitor worker``: the command lines they build from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ogmonitor.ops.launch import web_argv, worker_argv

REDIS = "redis://127.0.0.1:6379/0"
WEB_VARIABLES = ["WEB_BIND", "WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT", "WEB_GRACEFUL_TIMEOUT", "WEB_MAX_REQUESTS"]
WORKER_VARIABLES = ["WORKER_CONCURRENCY", "WORKER_QUEUES", "WORKER_NAME", "WORKER_MAX_TASKS_PER_CHILD"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, settings):
    for name in WEB_VARIABLES + WORKER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings.LOG_FORMAT = "plain"
    settings.LOG_LEVEL = "INFO"


def option(argv: list[str], name: str) -> str | None:
    """The value following ``name`` in ``argv`` (None when absent)."""
    return argv[argv.index(name) + 1] if name in argv else None


def options(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, value in enumerate(argv) if value == name]


# --- web ----------------------------------------------------------------------------------------


def test_web_runs_gunicorn_on_the_wsgi_app_with_a_process_per_core_and_a_half_behind_redis(settings):
    settings.REDIS_URL = REDIS
    argv, warnings = web_argv(cpus=2)

    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[-1] == "ogmonitor.wsgi:application"
    assert options(argv, "--bind") == ["127.0.0.1:8000"]
    assert option(argv, "--workers") == "5"  # 2 × 2 cores + 1
    assert option(argv, "--worker-class") == "sync" and "--threads" not in argv
    assert option(argv, "--timeout") == "60" and option(argv, "--graceful-timeout") == "30"
    assert option(argv, "--access-logfile") == "-" and option(argv, "--error-logfile") == "-"
    assert option(argv, "--log-level") == "info"
    assert "--logger-class" not in argv  # plain logs: gunicorn's own format
    assert warnings == []


def test_web_workers_are_capped_on_a_big_machine(settings):
    settings.REDIS_URL = REDIS
    assert option(web_argv(cpus=32).argv, "--workers") == "8"


def test_web_takes_bind_workers_threads_and_timeout_from_the_environment(settings, monkeypatch):
    settings.REDIS_URL = REDIS
    monkeypatch.setenv("WEB_BIND", "0.0.0.0:8001, unix:/run/ogmonitor/web.sock")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "4")
    monkeypatch.setenv("WEB_TIMEOUT", "120")
    monkeypatch.setenv("WEB_MAX_REQUESTS", "0")

    argv = web_argv(["--preload"], cpus=2).argv

    assert options(argv, "--bind") == ["0.0.0.0:8001", "unix:/run/ogmonitor/web.sock"]
    assert option(argv, "--workers") == "3"
    assert option(argv, "--worker-class") == "gthread" and option(argv, "--threads") == "4"
    assert option(argv, "--timeout") == "120"
    assert "--max-requests" not in argv
    assert argv[-2:] == ["--preload", "ogmonitor.wsgi:application"]


def test_web_without_redis_runs_one_threaded_process_sharing_one_page_cache(settings):
    settings.REDIS_URL = ""
    argv, warnings = web_argv(cpus=2)
    assert option(argv, "--workers") == "1"
    assert option(argv, "--worker-class") == "gthread" and option(argv, "--threads") == "5"
    assert warnings == []


def test_web_warns_when_several_processes_run_without_redis(settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setenv("WEB_WORKERS", "3")
    _argv, warnings = web_argv(cpus=2)
    assert len(warnings) == 1 and "REDIS_URL" in warnings[0] and "stale" in warnings[0]


def test_web_logs_json_through_its_own_logger_class_when_asked(settings):
    settings.LOG_FORMAT = "json"
    settings.LOG_LEVEL = "WARNING"
    argv = web_argv(cpus=1).argv
    assert option(argv, "--logger-class") == "ogmonitor.ops.gunicorn_logging.JsonLogger"
    assert option(argv, "--log-level") == "warning"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WEB_WORKERS", "0", "WEB_WORKERS=0 must be at least 1"),
    ("WEB_WORKERS", "many", "WEB_WORKERS='many' is not a whole number"),
    ("WEB_TIMEOUT", "-5", "WEB_TIMEOUT=-5 must be at least 1"),
])
def test_web_refuses_nonsense_naming_the_variable(settings, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(Exception, match=message):
        web_argv(cpus=2)


def test_web_command_prints_its_command_line_with_gunicorn_options_after_the_double_dash(settings, capsys):
    settings.REDIS_URL = REDIS
    call_command("web", "--print", "--", "--reload", "--log-level", "debug")
    printed = capsys.readouterr().out.strip()
    assert printed.startswith(f"{sys.executable} -m gunicorn --bind 127.0.0.1:8000")
    assert printed.endswith("--reload --log-level debug ogmonitor.wsgi:application")


# --- worker -------------------------------------------------------------------------------------


def test_worker_refuses_to_start_without_redis_saying_jobs_run_in_the_web_process(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="REDIS_URL is not set") as refused:
        call_command("worker", "--print")
    assert "inside the web process" in str(refused.value)


def test_worker_runs_celery_on_the_default_queue_with_a_process_per_core(settings):
    settings.REDIS_URL = REDIS
    argv = worker_argv(cpus=2).argv
    assert argv[:5] == [sys.executable, "-m", "celery", "-A", "ogmonitor"]
    assert argv[5] == "worker"  # plain logs keep the banner
    assert option(argv, "--queues") == "celery" == settings.CELERY_TASK_DEFAULT_QUEUE
    assert option(argv, "--concurrency") == "2"
    assert option(argv, "--loglevel") == "INFO"
    assert option(argv, "--hostname") == "ogmonitor@%h"
    assert {"--without-gossip", "--without-mingle"} <= set(argv)


def test_worker_takes_concurrency_and_queues_from_the_environment(settings, monkeypatch):
    settings.REDIS_URL = REDIS
    settings.LOG_FORMAT = "json"
    monkeypatch.setenv("WORKER_CONCURRENCY", "3")
    monkeypatch.setenv("WORKER_QUEUES", "celery,reports")
    argv = worker_argv(["--pool", "solo"], cpus=8).argv
    assert argv[5:7] == ["--quiet", "worker"]  # JSON logs: no plain-text banner on stdout
    assert option(argv, "--concurrency") == "3"
    assert option(argv, "--queues") == "celery,reports"
    assert argv[-2:] == ["--pool", "solo"]


def test_worker_command_line_really_starts_celery(settings, tmp_path):
    """The printed command is one Celery accepts (``--help`` parses every option without starting)."""
    settings.REDIS_URL = REDIS
    argv = worker_argv(cpus=1).argv
    result = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.returncode == 0, result.stderr
    assert "Start worker instance" in result.stdout


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_web_command_line_is_one_gunicorn_accepts_and_loads(settings, tmp_path, log_format):
    """gunicorn's ``--check-config`` parses every option and imports the app (the logger class: test_logging)."""
    settings.REDIS_URL = REDIS
    settings.LOG_FORMAT = log_format
    argv = web_argv(cpus=1).argv
    env = {**os.environ, "OGMONITOR_VAR_DIR": str(tmp_path), "LOG_FORMAT": log_format}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([*argv[:-1], "--check-config", argv[-1]], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[3], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
