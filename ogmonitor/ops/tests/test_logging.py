"""LOG_FORMAT=json: every record is one JSON object on one line, with the request's or job's id."""

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery import shared_task
from gunicorn.config import Config

from ogmonitor.ops.gunicorn_logging import JsonLogger
from ogmonitor.ops.launch import ACCESS_LOG_FORMAT
from ogmonitor.ops.logs import ContextFilter, JsonFormatter

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_lines():
    """A logger ``ogmonitor.tests.json`` writing through the settings' JSON formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("ogmonitor.tests.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def lines() -> list[dict]:
        text = stream.getvalue()
        assert text.endswith("\n")
        return [json.loads(line) for line in text.splitlines()]

    yield logger, lines
    logger.removeHandler(handler)
    logger.propagate = True


def test_a_record_is_one_line_with_time_level_logger_and_message(json_lines):
    logger, lines = json_lines
    logger.warning("Fayl “%s”: %d sətir\nikinci sətir", "cavablar.csv", 40, extra={"batch": 7})
    try:
        raise ValueError("pis dəyər")
    except ValueError:
        logger.exception("Import failed")

    first, second = lines()
    assert list(first)[:4] == ["time", "level", "logger", "message"]
    assert first["level"] == "WARNING" and first["logger"] == "ogmonitor.tests.json"
    assert first["message"] == "Fayl “cavablar.csv”: 40 sətir\nikinci sətir"
    assert first["batch"] == 7
    stamp = dt.datetime.fromisoformat(first["time"])
    assert stamp.utcoffset() == dt.timedelta(0) and abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=1)
    assert second["level"] == "ERROR" and "ValueError: pis dəyər" in second["exc_info"]
    assert "request_id" not in first  # logged outside a request


def test_lines_logged_while_serving_a_request_carry_its_id(db, client, json_lines, settings):
    logger, lines = json_lines
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there: the health check logs a warning
    logging.getLogger("ogmonitor.ops.health").addHandler(logger.handlers[0])
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="5f2b9c0e4a1d")
    finally:
        logging.getLogger("ogmonitor.ops.health").removeHandler(logger.handlers[0])

    assert response.status_code == 503 and response["X-Request-ID"] == "5f2b9c0e4a1d"
    [line] = lines()
    assert line["logger"] == "ogmonitor.ops.health" and line["request_id"] == "5f2b9c0e4a1d"


def test_a_request_without_an_id_or_with_a_dangerous_one_gets_a_fresh_one(db, client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32 and int(fresh, 16) >= 0
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected="1')["X-Request-ID"]
    assert len(replaced) == 32 and '"' not in replaced


def test_lines_logged_inside_a_job_carry_its_id_and_name(json_lines):
    logger, lines = json_lines

    @shared_task(name="ogmonitor.tests.logging_job")
    def job():
        logger.info("working")

    result = job.delay()  # eager in tests: runs here, as in the embedded mode
    [line] = lines()
    assert line["task_id"] == result.id and line["task"] == "ogmonitor.tests.logging_job"


def run_logging(tmp_path, log_format: str) -> subprocess.CompletedProcess:
    """A Django process that logs through the settings' LOGGING (what every command does)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"OGMONITOR_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ogmonitor.settings",
                "LOG_FORMAT": log_format})
    script = ("import django, logging; django.setup(); "
              "logging.getLogger('ogmonitor.demo').warning('Bələdiyyə:\\n%s', 'Quba')")
    return subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def test_log_format_json_makes_the_settings_write_json_lines(tmp_path):
    result = run_logging(tmp_path, "json")
    assert result.returncode == 0, result.stderr
    [line] = [json.loads(text) for text in result.stderr.splitlines()]
    assert line["message"] == "Bələdiyyə:\nQuba" and line["level"] == "WARNING" and line["logger"] == "ogmonitor.demo"


def test_log_format_plain_is_the_default_and_a_misspelt_one_fails_loudly(tmp_path):
    plain = run_logging(tmp_path, "")
    assert plain.returncode == 0 and " WARNING ogmonitor.demo Bələdiyyə:" in plain.stderr
    wrong = run_logging(tmp_path, "jsn")
    assert wrong.returncode != 0 and "LOG_FORMAT='jsn' is not one of: plain, json" in wrong.stderr


def test_gunicorn_access_lines_are_json_with_the_request_fields(capsys):
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", ACCESS_LOG_FORMAT)
    gunicorn_logger = JsonLogger(config)
    response = SimpleNamespace(status="503 Service Unavailable", sent=71,
                               headers=[("Content-Type", "application/json"), ("X-Request-ID", "abc123")])
    request = SimpleNamespace(headers=[("HOST", "ogmonitor.example"), ("USER-AGENT", "curl/8")])
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/healthz?x=1", "PATH_INFO": "/healthz", "QUERY_STRING": "x=1",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "curl/8",
               "HTTP_X_FORWARDED_FOR": "203.0.113.9"}

    gunicorn_logger.access(response, request, environ, dt.timedelta(milliseconds=12))
    gunicorn_logger.error("Worker timeout (pid:%s)", 4242)

    captured = capsys.readouterr()
    access, error = json.loads(captured.out), json.loads(captured.err)
    assert access["logger"] == "gunicorn.access" and access["level"] == "INFO"
    assert access["method"] == "GET" and access["path"] == "/healthz" and access["query"] == "x=1"
    assert access["status"] == 503 and access["bytes"] == 71 and access["duration_ms"] == 12
    assert access["request_id"] == "abc123" and access["forwarded_for"] == "203.0.113.9"
    assert '"GET /healthz?x=1 HTTP/1.1" 503' in access["message"]
    assert error["logger"] == "gunicorn.error" and error["message"] == "Worker timeout (pid:4242)"
