import factory

from .models import ActionPlan, Activity, Area


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
