"""No public export gives a respondent away: every open-data download, every public page of a study
and every API response is searched for respondents' names, phones, e-mails, a code that is a
name and the free-text answers not marked publishable.

No dataset exports free-text answers today, so only their absence is asserted (the publishable
text is not required anywhere; see ``surveys/tests/test_privacy.py`` for the rule that selects it).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ogmonitor.findings.services import compute_study
from ogmonitor.portal import opendata
from ogmonitor.surveys.tests import privacy_world
from ogmonitor.surveys.tests.privacy_world import PRIVATE

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ngo_a, coordinator, two_communities):
    """The privacy study, published, with its indicator figures computed."""
    built = privacy_world.build(ngo_a, coordinator, two_communities, status="published")
    compute_study(built.study)
    return built


def leaks(response) -> list[str]:
    """The private values found in ``response``, as served and, for JSON, once its escapes are read."""
    served = response.content.decode("utf-8-sig")
    texts = [served]
    if response["Content-Type"].startswith("application/json"):
        texts.append(json.dumps(json.loads(served), ensure_ascii=False))
    return [value for value in PRIVATE if any(value in text for text in texts)]


def open_data_urls() -> list[str]:
    urls = []
    for language in ("az", "en"):
        urls += [f"/{language}/data/", f"/{language}/data/datapackage.json"]
        for slug in opendata.REGISTRY:
            urls += [f"/{language}/data/{slug}/", f"/{language}/data/{slug}.csv", f"/{language}/data/{slug}.json"]
    return urls


def test_no_open_data_download_or_page_holds_a_respondent_or_an_unpublishable_answer(client, world):
    served_rows = 0
    for address in open_data_urls():
        response = client.get(address)
        assert response.status_code == 200, address
        assert leaks(response) == [], address
        if address.endswith("indicator-results.csv"):
            served_rows += response.content.decode("utf-8-sig").count("privacy-round")
    assert served_rows > 0  # the study's figures are there: it is published, only its people are not


def test_no_public_page_of_the_study_holds_a_respondent(client, world):
    for address in (
        reverse("surveys:list"), reverse("surveys:study", args=[world.study.slug]),
        reverse("findings:study", args=[world.study.slug]),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert leaks(response) == [], address


def api_urls(client, study) -> list[str]:
    """Every list the API's root names, and the published study's own endpoints."""
    root = client.get("/api/v1/")
    assert root.status_code == 200
    lists = [address for address in root.json().values() if "{" not in address]
    base = f"/api/v1/studies/{study.slug}"
    return [*lists, f"{base}/", f"{base}/indicators/", f"{base}/findings/", f"{base}/comparison/"]


@pytest.mark.parametrize("who", [None, "enumerator", "municipality_editor", "coordinator_b", "coordinator"])
def test_no_api_response_holds_a_respondent_whoever_asks(request, world, who):
    client = Client()
    if who:
        token, _created = Token.objects.get_or_create(user=request.getfixturevalue(who))
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    addresses = api_urls(client, world.study)
    assert any(address.endswith("/studies/") for address in addresses)
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)
        assert leaks(response) == [], address
