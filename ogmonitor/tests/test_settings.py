"""Settings come from the environment with safe defaults; bad values fail loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "debug": settings.DEBUG,
    "secret": settings.SECRET_KEY,
    "hosts": settings.ALLOWED_HOSTS,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "language": settings.LANGUAGE_CODE,
    "secure_cookies": getattr(settings, "SESSION_COOKIE_SECURE", False),
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "user_model": settings.AUTH_USER_MODEL,
    "csrf_secure": getattr(settings, "CSRF_COOKIE_SECURE", False),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "axes": [settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()],
    "rates": [settings.RATE_LIMIT_LOGIN, settings.RATE_LIMIT_SELF_COMPLETION_IP],
    "trusted_proxies": settings.TRUSTED_PROXIES,
}))
"""


def probe(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {
        "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL", "HTTPS"}}
    clean.update({"OGMONITOR_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "ogmonitor.settings"})
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, env=clean, capture_output=True, text=True, timeout=60
    )
    if result.returncode:
        return result
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_under_var_azerbaijani_and_eager(tmp_path):
    values = probe(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "var" / "ogmonitor.sqlite3")
    assert values["debug"] is False
    assert values["eager"] is True
    assert values["language"] == "az"
    assert values["user_model"] == "accounts.User"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = probe(tmp_path)["secret"]
    second = probe(tmp_path)["secret"]
    key_file = tmp_path / "var" / "secret_key"
    assert first == second and len(first) >= 50
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_environment_overrides_every_setting(tmp_path):
    values = probe(
        tmp_path,
        DATABASE_URL="postgres://monitor:pw@db.example:5432/ogmonitor",
        SECRET_KEY="s" * 60,
        DEBUG="yes",
        ALLOWED_HOSTS="ogmonitor.example, www.ogmonitor.example",
        REDIS_URL="redis://127.0.0.1:6379/0",
        HTTPS="1",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == "db.example"
    assert values["secret"] == "s" * 60
    assert values["debug"] is True
    assert values["hosts"] == ["ogmonitor.example", "www.ogmonitor.example"]
    assert values["eager"] is False and values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["secure_cookies"] is True and values["hsts"] >= 31536000


def test_empty_database_url_counts_as_unset(tmp_path):
    assert probe(tmp_path, DATABASE_URL="")["engine"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_misspelt_boolean_fails_loudly_naming_the_variable(tmp_path, value):
    result = probe(tmp_path, DEBUG=value)
    assert isinstance(result, subprocess.CompletedProcess) and result.returncode != 0
    assert "DEBUG=" in result.stderr and "is not a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "OGMONITOR_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "k3y-" + "x9Qz" * 15,
        "DEBUG": "0",
        "HTTPS": "1",
        "ALLOWED_HOSTS": "ogmonitor.example",
        "STATIC_MANIFEST": "1",
        "SECURE_HSTS_PRELOAD": "1",
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
