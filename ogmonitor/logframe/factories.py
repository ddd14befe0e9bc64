"""Test data for the logframe app."""

import datetime as dt
from decimal import Decimal

import factory

from ogmonitor.places.factories import CommunityFactory, OrganizationFactory
from ogmonitor.places.models import Organization

from .models import (
    ExpectedResult,
    Indicator,
    ManualValue,
    Objective,
    OnlinePaymentAssistance,
    Project,
    ProjectActivity,
    TerminalRequest,
)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title_az = factory.Sequence(lambda n: f"Layihə {n}")
    title_en = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    starts_on = dt.date(2022, 3, 2)
    ends_on = dt.date(2022, 7, 31)
    is_published = True


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title_az = factory.Sequence(lambda n: f"Məqsəd {n}")
    title_en = factory.Sequence(lambda n: f"Objective {n}")


class ProjectActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectActivity

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title_az = factory.Sequence(lambda n: f"Fəaliyyət {n}")
    title_en = factory.Sequence(lambda n: f"Activity {n}")


class ExpectedResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpectedResult

    activity = factory.SubFactory(ProjectActivityFactory)
    text_az = factory.Sequence(lambda n: f"Gözlənilən nəticə {n}")
    text_en = factory.Sequence(lambda n: f"Expected result {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"I{n + 1}")
    title_az = factory.Sequence(lambda n: f"Göstərici {n}")
    title_en = factory.Sequence(lambda n: f"Indicator {n}")
    target_kind = Indicator.TargetKind.MINIMUM
    target = Decimal(10)
    source = Indicator.Source.MANUAL


class ManualValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualValue

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal(1)
    on = dt.date(2022, 5, 20)


class OnlinePaymentAssistanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnlinePaymentAssistance

    project = factory.SubFactory(ProjectFactory)
    community = factory.SubFactory(CommunityFactory)
    on = dt.date(2022, 5, 10)
    families = 5


class TerminalRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerminalRequest

    project = factory.SubFactory(ProjectFactory)
    community = factory.SubFactory(CommunityFactory)
    addressee = factory.SubFactory(OrganizationFactory, type=Organization.Type.LOCAL_EXECUTIVE)
    filed_on = dt.date(2022, 6, 1)
