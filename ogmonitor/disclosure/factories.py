import datetime as dt
from decimal import Decimal

import factory

from ogmonitor.places.factories import MunicipalityFactory

from .models import Category, Item, Period, Publication


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"category-{n}")
    name_az = factory.Sequence(lambda n: f"Kateqoriya {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"item-{n}")
    name_az = factory.Sequence(lambda n: f"Məlumat {n}")
    name_en = factory.Sequence(lambda n: f"Information {n}")
    weight = Decimal(1)
    current_for_days = None
    applies_to = Item.AppliesTo.MUNICIPALITY
    position = factory.Sequence(lambda n: n)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    name_az = factory.LazyAttribute(lambda o: f"{o.starts_on:%m.%Y}")
    name_en = factory.LazyAttribute(lambda o: f"{o.starts_on:%m/%Y}")
    starts_on = dt.date(2022, 3, 1)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=30))


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    organization = factory.SubFactory(MunicipalityFactory)
    item = factory.SubFactory(ItemFactory)
    channel = Publication.Channel.SOCIAL_MEDIA
    url = factory.Sequence(lambda n: f"https://social.example.org/posts/{n}")
    published_on = dt.date(2022, 3, 15)
