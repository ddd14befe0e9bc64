import datetime

import factory

from .models import ActionPlan, Activity, Area, Completion, LocalAssessment, LocalTarget, Milestone


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title_az = factory.Sequence(lambda n: f"Milli Fəaliyyət Planı {n}")
    title_en = factory.Sequence(lambda n: f"National Action Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    start_year = 2020
    end_year = 2022


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title_az = factory.Sequence(lambda n: f"İstiqamət {n}")
    title_en = factory.Sequence(lambda n: f"Direction {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    area = factory.SubFactory(AreaFactory)
    plan = factory.SelfAttribute("area.plan")
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.area.number}.{n + 1}")
    title_az = factory.Sequence(lambda n: f"Tədbir {n}")
    title_en = factory.Sequence(lambda n: f"Activity {n}")


class LocalTargetFactory(factory.django.DjangoModelFactory):
    """A district's target under an activity; its code is made on save ("1.1.T00-1")."""

    class Meta:
        model = LocalTarget

    activity = factory.SubFactory(ActivityFactory)
    district = factory.SubFactory("ogmonitor.places.factories.DistrictFactory")
    title_az = factory.Sequence(lambda n: f"Yerli hədəf {n}")
    title_en = factory.Sequence(lambda n: f"Local target {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    activity = factory.SubFactory(ActivityFactory)
    title_az = factory.Sequence(lambda n: f"Mərhələ {n}")
    title_en = factory.Sequence(lambda n: f"Milestone {n}")


class LocalAssessmentFactory(factory.django.DjangoModelFactory):
    """A draft district assessment by an NGO."""

    class Meta:
        model = LocalAssessment

    activity = factory.SubFactory(ActivityFactory)
    district = factory.SubFactory("ogmonitor.places.factories.DistrictFactory")
    assessed_on = datetime.date(2022, 6, 30)
    completion = Completion.LIMITED
    assessed_by = factory.SubFactory("ogmonitor.places.factories.OrganizationFactory")
    narrative_az = "Qiymətləndirmə."
    narrative_en = "Assessment."
