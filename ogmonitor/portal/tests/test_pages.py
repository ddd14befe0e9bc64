import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from ogmonitor.plans.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["css/ogmonitor.css", "vendor/htmx.min.js", "img/favicon.svg"])
def test_static_files_the_base_template_links_are_found(path):
    assert finders.find(path), path


def test_home_shows_figures_from_the_database(client):
    ActivityFactory(involves_municipalities=True)
    ActivityFactory(involves_municipalities=False)
    response = client.get(reverse("portal:home"))
    assert response.context["figures"]["activities"] == 2
    assert response.context["figures"]["local_activities"] == 1


def test_every_page_is_served_in_azerbaijani_and_english(client):
    plan = ActivityFactory().plan
    for language, heading in [("az", "Milli Fəaliyyət Planları"), ("en", "National Action Plans")]:
        response = client.get(f"/{language}/")
        assert response.status_code == 200
        assert f'<html lang="{language}"' in response.text
        assert heading in response.text
        assert client.get(f"/{language}/plans/{plan.slug}/").status_code == 200


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/az/"


@pytest.mark.parametrize(
    "path, current",
    [("/az/", "/az/"), ("/az/plans/", "/az/plans/"), ("/en/places/organizations/", "/en/places/organizations/"),
     ("/az/places/", "/az/places/"), ("/az/findings/local-2022/", "/az/studies/"), ("/az/accounts/login/", None)],
)
def test_navigation_marks_exactly_one_current_section(rf, path, current):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from ogmonitor.portal.context_processors import navigation

    request = rf.get(path)
    request.user = AnonymousUser()
    with translation.override(path.split("/")[1]):
        items = navigation(request)["main_navigation"]
    assert [item["url"] for item in items if item["current"]] == ([current] if current else [])
