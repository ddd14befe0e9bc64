"""/healthz: 200 when the database (and the broker, when configured) answer, 503 otherwise."""

import os

import pytest
from django.urls import reverse

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
TEST_REDIS = os.environ.get("OGMONITOR_TEST_REDIS_URL", "")


def test_healthz_lives_outside_the_language_prefix():
    assert reverse("healthz") == "/healthz"


@pytest.mark.django_db
def test_embedded_mode_is_healthy_with_the_database_alone(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "not configured", "status": "ok"}


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_makes_it_unhealthy(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["status"] == "fail"
    assert body["broker"].startswith("error: ConnectionError") and "Connection refused" in body["broker"]


@pytest.mark.django_db
@pytest.mark.skipif(not TEST_REDIS, reason="OGMONITOR_TEST_REDIS_URL is not set (a Redis to ping)")
def test_a_broker_that_answers_makes_it_healthy(client, settings):
    settings.REDIS_URL = TEST_REDIS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_a_database_that_refuses_makes_it_unhealthy(client, settings):
    # No django_db mark: every query raises, as with a database that is down.
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("error: ") and body["status"] == "fail"
    assert body["broker"] == "not configured"


@pytest.mark.django_db
def test_healthz_is_never_cached_and_needs_no_login(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 600
    first, second = client.get("/healthz"), client.get("/healthz")
    for response in (first, second):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "X-Cache" not in response
        assert not response.cookies
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_everything_else_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as HTTPS=1 sets
    assert client.get("/az/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
