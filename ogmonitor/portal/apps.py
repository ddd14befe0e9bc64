from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ogmonitor.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self):
        from ogmonitor.lib.cache import connect_invalidation

        connect_invalidation()
