"""A production install, step by step: ``ogmonitor migrate``, ``collectstatic``, pages with hashed static files.

Each step runs in its own process with the production environment (DEBUG off, STATIC_MANIFEST=1,
JSON logs), as docs/production.md tells an operator to run them.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[3]
CONSOLE_SCRIPT = Path(sys.executable).with_name("ogmonitor")

_COLLECT = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from whitenoise.compress import Compressor
# Speed only: brotli and gzip of the API docs' multi-megabyte bundles and source maps take a
# minute on two cores. Every other file (ogmonitor's own CSS included) is compressed as usual.
settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "js", "map"]
call_command("collectstatic", interactive=False, verbosity=0)
"""

_SERVE = """
import json, re, django
django.setup()
from django.test import Client
client = Client()
home = client.get("/az/")
css = re.search(r'href="(/static/css/ogmonitor\\.[0-9a-f]{12}\\.css)"', home.content.decode()).group(1)
plain = client.get(css)
packed = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
health = client.get("/healthz")
print(json.dumps({
    "home": home.status_code, "css": css, "css_status": plain.status_code,
    "css_cache": plain.headers.get("Cache-Control", ""), "css_body": b"".join(plain.streaming_content)[:200].decode(),
    "encoding": packed.headers.get("Content-Encoding", ""),
    "missing": client.get("/static/css/no-such-file.css").status_code,
    "health": health.status_code, "health_body": health.json(),
}))
"""


def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_ROOT", "MEDIA_ROOT"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "ogmonitor.settings",
        "OGMONITOR_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "k3y-" + "x9Qz" * 15,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "ogmonitor.example,testserver",
        "STATIC_MANIFEST": "1",
        "LOG_FORMAT": "json",
        **extra,
    })
    return env


def run(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                    reason="runs on a SQLite file of its own whatever the test database: once, in the SQLite run, is enough")
def test_migrate_collectstatic_and_serve_with_hashed_compressed_static_files(tmp_path):
    assert CONSOLE_SCRIPT.exists(), "the ogmonitor console script is installed with the package (pip install -e .)"
    env = production_env(tmp_path)

    migrated = run([str(CONSOLE_SCRIPT), "migrate", "--no-input"], env)
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying surveys.0001_initial... OK" in migrated.stdout

    collected = run([sys.executable, "-c", _COLLECT], env)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "var" / "static" / "staticfiles.json").read_text())
    assert re.fullmatch(r"css/ogmonitor\.[0-9a-f]{12}\.css", manifest["paths"]["css/ogmonitor.css"])

    served = run([sys.executable, "-c", _SERVE], env)
    assert served.returncode == 0, served.stderr
    values = json.loads(served.stdout.strip().splitlines()[-1])
    assert values["home"] == 200
    assert values["css"] == "/static/" + manifest["paths"]["css/ogmonitor.css"]
    assert values["css_status"] == 200 and values["css_body"].strip()
    # Hashed names never change content: browsers may keep them for good.
    assert "immutable" in values["css_cache"] and "max-age=315360000" in values["css_cache"]
    assert values["encoding"] == "gzip"
    assert values["missing"] == 404
    assert values["health"] == 200 and values["health_body"]["status"] == "ok"


def test_check_deploy_is_clean_with_the_full_production_environment(tmp_path):
    """As ogmonitor/tests/test_settings.py's check, with the broker, PostgreSQL and JSON logs configured too."""
    env = production_env(
        tmp_path, HTTPS="1", SECURE_HSTS_PRELOAD="1", ALLOWED_HOSTS="ogmonitor.example",
        CSRF_TRUSTED_ORIGINS="https://ogmonitor.example",
        # Named, not contacted: `check` opens no connection.
        DATABASE_URL="postgres://ogmonitor:secret@127.0.0.1:5432/ogmonitor", REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_VISIBILITY_TIMEOUT="7200",
    )
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
