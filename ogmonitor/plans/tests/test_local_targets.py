"""Local targets' codes: the national number and a local suffix made from the district's code."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse

from ogmonitor.places.factories import CommunityFactory, DistrictFactory, MunicipalityFactory
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory, AreaFactory
from ogmonitor.plans.forms_progress import LocalTargetForm
from ogmonitor.plans.models import LocalTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def guba():
    return DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")


@pytest.fixture
def activity():
    area = AreaFactory(plan=ActionPlanFactory(slug="nap-2020"), number=3)
    return ActivityFactory(area=area, number="3.2")


def target(activity, **kwargs) -> LocalTarget:
    return LocalTarget.objects.create(activity=activity, title_az="Hədəf", **kwargs)


def test_the_first_target_of_a_district_is_number_one(activity, guba):
    assert target(activity, district=guba).code == "3.2.QBA-1"


def test_the_next_target_takes_the_next_free_number(activity, guba):
    target(activity, district=guba)
    assert target(activity, district=guba).code == "3.2.QBA-2"
    target(activity, district=guba, suffix="QBA-4")
    assert target(activity, district=guba).code == "3.2.QBA-3"  # the gap is filled
    assert target(activity, district=guba).code == "3.2.QBA-5"


def test_an_explicit_suffix_is_kept(activity, guba):
    assert target(activity, district=guba, suffix="QBA-7").code == "3.2.QBA-7"


def test_numbers_are_counted_per_activity_and_per_district(activity, guba):
    khachmaz = DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")
    other = ActivityFactory(area=activity.area, number="3.3")
    target(activity, district=guba)
    assert target(other, district=guba).code == "3.3.QBA-1"
    assert target(activity, district=khachmaz).code == "3.2.XAC-1"


def test_a_municipalitys_target_takes_its_districts_code(activity, guba):
    municipality = MunicipalityFactory(community=CommunityFactory(district=guba))
    made = target(activity, municipality=municipality)
    assert made.district == guba
    assert made.code == "3.2.QBA-1"
    assert made.place == municipality


def test_a_suffix_is_used_once_per_activity(activity, guba):
    target(activity, district=guba, suffix="QBA-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        target(activity, district=guba, suffix="QBA-1")
    other = ActivityFactory(area=activity.area, number="3.3")
    assert target(other, district=guba, suffix="QBA-1").code == "3.3.QBA-1"


def test_the_form_refuses_a_suffix_already_taken(activity, guba):
    target(activity, district=guba, suffix="QBA-1")
    form = LocalTargetForm({"district": guba.pk, "suffix": "QBA-1", "title_az": "Başqa"},
                           instance=LocalTarget(activity=activity))
    assert not form.is_valid()
    assert "3.2.QBA-1" in form.errors["suffix"][0]


def test_the_form_refuses_a_target_without_a_place(activity):
    form = LocalTargetForm({"title_az": "Hədəf"}, instance=LocalTarget(activity=activity))
    assert not form.is_valid()
    assert form.non_field_errors()


def test_the_code_is_the_targets_address(activity, guba):
    made = target(activity, district=guba)
    url = made.get_absolute_url()
    assert url == reverse("plans:target", args=["nap-2020", "3.2", "3.2.QBA-1"])
    assert url.endswith("/plans/nap-2020/activities/3.2/targets/3.2.QBA-1/")
    assert resolve(url).kwargs == {"slug": "nap-2020", "number": "3.2", "code": "3.2.QBA-1"}


def test_the_form_wants_a_typed_suffix_to_name_the_district(activity, guba):
    khachmaz = DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")
    form = LocalTargetForm({"district": khachmaz.pk, "suffix": "QBA-1", "title_az": "Hədəf"},
                           instance=LocalTarget(activity=activity))
    assert not form.is_valid()
    assert "XAC-1" in form.errors["suffix"][0]
    municipality = MunicipalityFactory(community=CommunityFactory(district=guba))
    form = LocalTargetForm({"municipality": municipality.pk, "suffix": "QBA-2", "title_az": "Hədəf"},
                           instance=LocalTarget(activity=activity))
    assert form.is_valid(), form.errors
    assert form.save().code == "3.2.QBA-2"
