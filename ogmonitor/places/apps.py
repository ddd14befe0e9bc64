from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_collation(sender, connection, **kwargs):
    """Give SQLite an ``az`` collation; PostgreSQL gets an ICU one from migration 0001."""
    if connection.vendor == "sqlite":
        from ogmonitor.lib.aztext import collate

        connection.connection.create_collation("az", collate)


class PlacesConfig(AppConfig):
    name = "ogmonitor.places"
    label = "places"
    verbose_name = _("Places and organisations")

    def ready(self):
        connection_created.connect(register_sqlite_collation, dispatch_uid="ogmonitor-az-collation")
