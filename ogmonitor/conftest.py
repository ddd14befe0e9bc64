"""The shared cast every test can call on (see STYLE.md, "Tests").

An administrator, a coordinator of NGO A and one of NGO B, an enumerator assigned to two
communities, a municipality editor, and the anonymous visitor (the plain ``client``).
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread (STACK-NOTES 1).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
