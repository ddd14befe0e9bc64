"""The respondent categories of the seed studies; coordinators can add more in the admin."""

from django.db import migrations

from ogmonitor.surveys.categories import CATEGORIES  # data only: safe to import here


def create(apps, schema_editor):
    Category = apps.get_model("surveys", "RespondentCategory")
    for position, (code, name_az, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code, defaults={"name": name_az, "name_az": name_az, "name_en": name_en, "position": position}
        )


def remove(apps, schema_editor):
    apps.get_model("surveys", "RespondentCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
