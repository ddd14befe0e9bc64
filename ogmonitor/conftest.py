"""The shared cast every test can call on (see STYLE.md, "Tests").

An administrator, a coordinator of NGO A and one of NGO B, an enumerator assigned to two
communities, a municipality editor, and the anonymous visitor (the plain ``client``).
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread (STACK-NOTES 1).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _default_language():
    """Leave every test in the default language: a request to /en/… leaves English active."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no page cached by an earlier test is served."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test (XLSForms, imports, reports) go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ngo_a(db):
    from ogmonitor.places.factories import OrganizationFactory

    return OrganizationFactory(name_az="Ümid", name_en="Umid")


@pytest.fixture
def ngo_b(db):
    from ogmonitor.places.factories import OrganizationFactory

    return OrganizationFactory(name_az="Başqa QHT", name_en="Other NGO")


@pytest.fixture
def two_communities(db):
    from ogmonitor.places.factories import CommunityFactory, DistrictFactory

    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    return [CommunityFactory(district=district), CommunityFactory(district=district)]


@pytest.fixture
def municipality(db):
    from ogmonitor.places.factories import MunicipalityFactory

    return MunicipalityFactory()


@pytest.fixture
def other_municipality(db):
    from ogmonitor.places.factories import MunicipalityFactory

    return MunicipalityFactory()


@pytest.fixture
def administrator(db):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    return UserFactory(username="admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def coordinator(db, ngo_a):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    return UserFactory(username="coordinator-a", organization=ngo_a, role=Role.COORDINATOR)


@pytest.fixture
def coordinator_b(db, ngo_b):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    return UserFactory(username="coordinator-b", organization=ngo_b, role=Role.COORDINATOR)


@pytest.fixture
def enumerator(db, two_communities):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    user = UserFactory(username="enumerator", role=Role.ENUMERATOR)
    user.communities.set(two_communities)
    return user


@pytest.fixture
def municipality_editor(db, municipality):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    return UserFactory(username="mayor", organization=municipality, role=Role.MUNICIPALITY_EDITOR)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a fresh test client logged in as ``user``."""
    from django.test import Client

    def make(user):
        if user is None:
            return client
        logged_in = Client()
        logged_in.force_login(user)
        return logged_in

    return make


# --- Real-browser tests: Debian's chromium driven by Playwright ------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium floods the closed network with refused connections (STACK-NOTES 2).
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def test_output_dir():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-output"
    (path / "screenshots").mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    saved = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        # Playwright's event loop makes Django hand out new connection objects, without the
        # database copy a transactional test restores: give it back, or the first browser test
        # after a transactional one starts with empty tables (no roles).
        for alias, contents in saved.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no cookies shared), phone-friendly default size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="az-AZ")
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


@pytest.fixture
def login(live_server):
    """``login(page, user)`` logs in through the real form (password from the user factory)."""
    from ogmonitor.accounts.factories import PASSWORD

    def do_login(page, user, language="az"):
        page.goto(f"{live_server.url}/{language}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")

    return do_login


def pytest_collection_modifyitems(items):
    """Keep the rows the migrations made (roles, respondent categories) where tests expect them.

    * Every transactional test gets ``serialized_rollback``: a plain one empties every table on
      teardown, and a later test loading the demo then finds no categories. Tests need not
      remember the flag.
    * Those rows come back only when the next serialized test starts, so the tables stay empty
      after a worker's last transactional test. pytest-django runs database tests first,
      transactional ones next and the rest last; a test that reaches the database only through a
      module-scoped fixture (``django_db_blocker``, e.g. the demo loaded once per module) counts
      as "the rest" and found empty tables when a transactional test had run before it on its
      worker. Such tests are marked as database tests and put back in the first group.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)
        elif marker is None and _reaches_database_through_shared_fixture(item):
            item.add_marker(pytest.mark.django_db)
    items.sort(key=_database_order)  # stable: pytest-django's order otherwise


def _reaches_database_through_shared_fixture(item) -> bool:
    """Does one of the project's module- or session-scoped fixtures of ``item`` unblock the
    database (pytest-django's own fixtures, which every test has, aside)?"""
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        for definition in definitions:
            if (definition.scope != "function" and "django_db_blocker" in definition.argnames
                    and not definition.func.__module__.startswith("pytest_django")):
                return True
    return False


def _database_order(item) -> int:
    """pytest-django's order: database tests (0), transactional ones (1), the rest (2)."""
    marker = item.get_closest_marker("django_db")
    fixtures = item.fixturenames
    if (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2
