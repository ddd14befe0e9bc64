"""An ``az`` collation on PostgreSQL (ICU), so names sort in Azerbaijani alphabetical order.

SQLite gets a collation of the same name from ``PlacesConfig`` on every connection.
"""

from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS az (provider = icu, locale = 'az')")


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS az")


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(create_collation, drop_collation)]
