import factory

from .models import Community, District, Organization


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AZ-T{n:02d}")
    name_az = factory.Sequence(lambda n: f"Rayon {n}")
    name_en = factory.LazyAttribute(lambda o: o.name_az)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    district = factory.SubFactory(DistrictFactory)
    name_az = factory.Sequence(lambda n: f"Kənd {n}")
    name_en = factory.Sequence(lambda n: f"Village {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_az = factory.Sequence(lambda n: f"Təşkilat {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organization.Type.NGO


class MunicipalityFactory(OrganizationFactory):
    type = Organization.Type.MUNICIPALITY
    community = factory.SubFactory(CommunityFactory)
    name_az = factory.LazyAttribute(lambda o: f"{o.community.name_az} bələdiyyəsi")
    name_en = factory.LazyAttribute(lambda o: f"{o.community.name_en} municipality")
