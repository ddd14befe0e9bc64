from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ogmonitor.audit"
    verbose_name = _("Audit log")

    def ready(self):
        # After every app's models (and modeltranslation's fields) are loaded: see registry.AUDITED.
        from . import registry

        registry.register()
