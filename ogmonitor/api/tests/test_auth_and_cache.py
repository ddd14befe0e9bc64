"""Tokens (the command, the header, a bad token) and the public cache of the read API."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from ogmonitor.places.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def test_api_token_prints_the_users_token_and_reset_replaces_it(enumerator, capsys):
    call_command("api_token", "enumerator")
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=enumerator).key == key
    call_command("api_token", "enumerator")
    assert capsys.readouterr().out.strip() == key  # the same token again
    call_command("api_token", "enumerator", "--reset")
    new = capsys.readouterr().out.strip()
    assert new != key and Token.objects.get(user=enumerator).key == new


def test_api_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named"):
        call_command("api_token", "nobody")


def test_a_token_authenticates_and_a_wrong_one_is_401(client, coordinator, token_client):
    good = token_client(coordinator).post("/api/v1/proposals/", {}, content_type="application/json")
    assert good.status_code == 400  # authenticated and allowed: the empty body is what is refused
    bad = client.post("/api/v1/proposals/", {}, content_type="application/json", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401 and bad.json()["detail"]


def test_tokens_are_listed_in_the_admin(client_for, administrator, coordinator):
    Token.objects.create(user=coordinator)
    response = client_for(administrator).get("/az/admin/authtoken/tokenproxy/")
    assert response.status_code == 200 and "coordinator-a" in response.content.decode()


def test_an_anonymous_get_is_cached_until_a_published_object_changes(client):
    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    first = client.get("/api/v1/districts/")
    assert first["X-Cache"] == "miss"
    second = client.get("/api/v1/districts/")
    assert second["X-Cache"] == "hit" and second.json() == first.json()
    district.name_en = "Quba"
    district.save()
    third = client.get("/api/v1/districts/")
    assert third["X-Cache"] == "miss" and third.json()["results"][0]["name_en"] == "Quba"


def test_requests_with_credentials_are_never_served_from_the_cache(client, client_for, coordinator, token_client):
    DistrictFactory()
    assert client.get("/api/v1/districts/")["X-Cache"] == "miss"  # now cached for anonymous visitors
    session = client_for(coordinator)
    assert "X-Cache" not in session.get("/api/v1/districts/")
    with_token = token_client(coordinator).get("/api/v1/districts/")
    assert with_token.status_code == 200 and "X-Cache" not in with_token
    # A bad token is refused every time, never answered from the anonymous copy.
    assert client.get("/api/v1/districts/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_the_schema_and_its_documentation_pages_are_served(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/studies/{study_slug}/submissions/" in paths and "/api/v1/disclosure/ranking/" in paths
    for page in ("/api/docs/", "/api/redoc/"):
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn.jsdelivr" not in html and "/static/drf_spectacular_sidecar/" in html
