"""The demo's 2022 project: the plan's facts as the seed gives them, and its invented records
leaving some targets met and some behind; loading again changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from ogmonitor.demo.loaders.logframe import load_logframe
from ogmonitor.logframe.models import Project
from ogmonitor.logframe.progress import project_progress
from ogmonitor.logframe.targets import Status

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SLUG = "support-local-government-2022"
TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def project(demo, db):
    return Project.objects.select_related("donor", "organization", "plan").get(slug=SLUG)


def statuses(project) -> dict[str, str]:
    return {item.indicator.code: item.status for item in project_progress(project, TODAY).all_indicators()}


def test_the_project_is_the_seeds(project):
    assert project.title_en == "Support to local government and self-government bodies"
    assert project.title_az == "Yerli hökumət və özünüidarəetmə orqanlarına dəstək"
    assert project.donor.slug == "usaid-azerbaijan" and project.donor.name_en == "USAID Azerbaijan Mission"
    assert "ECSOFT" in project.programme_en
    assert (project.starts_on, project.ends_on) == (dt.date(2022, 3, 2), dt.date(2022, 7, 31))
    assert project.organization.slug == "umid"
    assert project.plan.slug == "nap-2020-2022"
    assert sorted(project.activities.values_list("code", flat=True)) == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert project.municipalities.count() == 12
    assert "10 “Yerli İN”" in project.source_note_en and "12" in project.source_note_en
    assert project.is_demo and project.is_published
    study = project.activities.get(code="1.1")
    assert "12 local government agencies" in study.description_en and "10 Yerli İN" in study.description_az


def test_the_targets_are_the_plans(project):
    targets = {
        indicator.code: (indicator.target_kind, indicator.target, indicator.target_max, indicator.source, indicator.per_municipality)
        for indicator in project.indicators.all()
    }
    assert targets["1.1"][0] == "milestone" and targets["1.1"][3] == "manual"
    assert targets["1.2"] == ("minimum", 600, None, "disclosure_published", 50)
    assert targets["2.1a"] == ("minimum", 24, None, "events", 2)
    assert targets["2.1b"] == ("range", 200, 300, "people_reached", None)
    assert targets["2.2a"][:2] == ("minimum", 50) and targets["2.2b"][:2] == ("minimum", 2)
    assert targets["2.3a"][:2] == ("exact", 2)
    assert targets["2.3b"][:2] == ("minimum", 30) and targets["2.3c"][:2] == ("minimum", 1)
    assert targets["2.3d"][:2] == ("minimum", 1)


def test_some_targets_are_met_and_some_behind(project):
    found = statuses(project)
    met = {code for code, status in found.items() if status == Status.MET}
    behind = {code for code, status in found.items() if status == Status.BEHIND}
    assert {"1.1", "2.1b", "2.2a", "2.3a", "2.3d"} <= met
    assert {"2.1a", "2.2b", "2.3b", "2.3c"} <= behind


def test_the_consultations_grid_shows_four_municipalities_with_one_of_two(project):
    item = next(item for item in project_progress(project, TODAY).all_indicators() if item.indicator.code == "2.1a")
    states = [cell.state for cell in item.grid.cells]
    assert item.measure.value == 20
    assert states.count("met") == 8 and states.count("partial") == 4


def test_the_demo_page_reads_in_azerbaijani(demo, client):
    page = client.get(f"/az/projects/{SLUG}/").content.decode()
    assert "Yerli hökumət və özünüidarəetmə orqanlarına dəstək" in page
    assert "ABŞ Beynəlxalq İnkişaf Agentliyinin Azərbaycandakı missiyası" in page


def test_loading_the_logframe_again_changes_nothing(demo, db):
    def counts():
        return {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in ("logframe", "engagement")
        }

    before = counts()
    load_logframe()
    assert counts() == before
