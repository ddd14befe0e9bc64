"""A project of NGO A (the shared ``coordinator``'s) in two target municipalities, and helpers to
record what it counts: events, people, proposals, publications, families, terminal requests."""

import datetime as dt

import pytest

from ogmonitor.engagement.factories import EventFactory
from ogmonitor.engagement.models import Event
from ogmonitor.logframe.factories import IndicatorFactory, ProjectFactory
from ogmonitor.logframe.models import Indicator

IN_PERIOD = dt.date(2022, 5, 10)
TODAY = dt.date(2022, 8, 15)


@pytest.fixture(autouse=True)
def english():
    """These tests read the pages' English wording (the site's default language is az)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def project(db, ngo_a, municipality, other_municipality):
    project = ProjectFactory(organization=ngo_a, title_en="Support to local government", slug="support-2022")
    project.municipalities.set([municipality, other_municipality])
    return project


@pytest.fixture
def consultations(project):
    """2 practical consultations in each target municipality, counted per municipality."""
    return IndicatorFactory(
        project=project, code="2.1", title_en="Consultations held", target_kind=Indicator.TargetKind.MINIMUM,
        target=4, source=Indicator.Source.EVENTS, event_type=Event.Type.CONSULTATION, per_municipality=2,
    )


def held(project, municipality=None, **fields) -> Event:
    """A consultation NGO A held in ``municipality`` during the project."""
    values = {
        "type": Event.Type.CONSULTATION,
        "status": Event.Status.HELD,
        "date": IN_PERIOD,
        "organization": project.organization,
        "municipality": municipality,
        "community": municipality.community if municipality is not None else None,
    }
    values.update(fields)
    return EventFactory(**values)


def publication(organization, on=IN_PERIOD, code="budget"):
    """A disclosure publication of an information item by ``organization``."""
    from ogmonitor.disclosure.models import Category, Item, Publication

    category, _created = Category.objects.get_or_create(code="finance", defaults={"name_az": "Maliyyə", "name_en": "Finance"})
    item, _created = Item.objects.get_or_create(
        code=code, defaults={"category": category, "name_az": "Büdcənin icrası", "name_en": "Budget execution"}
    )
    return Publication.objects.create(organization=organization, item=item, published_on=on)
